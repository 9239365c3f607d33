import { buildSandboxScripts } from "./bundles.ts";
import type { JobMessage, WorkerConfig, WorkerMessage } from "./messages.ts";
import { runJob } from "./run-job.ts";

// The pool's child process: never imported by the grader itself, so isolated-vm stays out of the caller's process.
const config = JSON.parse(process.argv[2] ?? "") as WorkerConfig;
const scripts = buildSandboxScripts(config.helperModulePath, config.maxOutputElements);

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};

let queue: Promise<void> = Promise.resolve();
process.on("message", (message: JobMessage) => {
  if (message?.t !== "job") return;
  queue = queue.then(() =>
    runJob(message, { config, scripts, send, yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)) }).catch((error: unknown) => {
      // An infrastructure failure: crash loudly so the pool marks the exercise and replaces this worker.
      process.stderr.write(`sandbox worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(70);
    }),
  );
});
// The pool went away: nobody is left to report to.
process.on("disconnect", () => process.exit(0));
send({ t: "ready" });
