import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local webhook receiver for the service benches: records when each submission's graded webhook
 * arrives, so a client can measure POST-to-graded without polling.
 */
export async function startArrivalReceiver() {
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const id = (JSON.parse(body) as { submission: { id: string } }).submission.id;
      arrivals.set(id, performance.now());
      waiting.get(id)?.();
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  return {
    callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
    /** performance.now() when the webhook for this submission arrived (waits for it). */
    async arrivedAt(id: string): Promise<number> {
      if (!arrivals.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
      return arrivals.get(id)!;
    },
    close: () => receiver.close(),
  };
}
