import { createArgsStore } from "./args-cache.ts";
import { buildSandboxScripts } from "./bundles.ts";
import { createIsolateReserve } from "./isolate-setup.ts";
import type { JobMessage, WorkerConfig, WorkerMessage } from "./messages.ts";
import { runJob } from "./run-job.ts";

// The pool's child process: never imported by the grader itself, so isolated-vm stays out of the caller's process.
const config = JSON.parse(process.argv[2] ?? "") as WorkerConfig;
const scripts = buildSandboxScripts(config.helperModulePath, config.maxOutputElements);
const argsStore = createArgsStore();
// Eight is the course's exercise count; after the first job the reserve sizes itself by the last job.
const reserve = createIsolateReserve({ sandboxMemoryMb: config.sandboxMemoryMb, scripts, codeCache: {} }, 8);

// A large case result can outgrow the pipe's buffer and stay queued in this process. If student code
// then blocks the event loop until the pool kills the worker, queued progress would die with it and
// finished work would be charged to the student: so between cases, wait until every message is written.
let unflushed = 0;
const whenFlushed: (() => void)[] = [];
const send = (message: WorkerMessage): void => {
  if (process.send === undefined) return;
  unflushed++;
  process.send(message, undefined, undefined, () => {
    unflushed--;
    if (unflushed === 0) for (const resolve of whenFlushed.splice(0)) resolve();
  });
};
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => {
    setImmediate(() => (unflushed === 0 ? resolve() : whenFlushed.push(resolve)));
  });

let queue: Promise<void> = Promise.resolve();
process.on("message", (message: JobMessage) => {
  if (message?.t !== "job") return;
  queue = queue.then(async () => {
    try {
      await runJob({ ...message, exercises: argsStore.decode(message) }, { config, send, yieldToEventLoop, reserve });
      // The result is already on its way; the next submission's isolate is made while this worker waits.
      reserve.refill(message.exercises.length);
    } catch (error) {
      // An infrastructure failure: crash loudly so the pool marks the exercise and replaces this worker.
      process.stderr.write(`sandbox worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(70);
    }
  });
});
// The pool went away: nobody is left to report to.
process.on("disconnect", () => process.exit(0));
reserve.refill();
send({ t: "ready" });
