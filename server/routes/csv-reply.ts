import type { FastifyReply } from "fastify";

/** Sends CSV text as a download. The route's typed reply knows only its JSON schema, so the string goes out through its own serializer. */
export function sendCsv(reply: Pick<FastifyReply, "type">, filename: string, csv: string) {
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${filename}"`)
    .serializer((text: string) => text)
    .send(csv);
}
