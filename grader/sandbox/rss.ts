import { readFileSync } from "node:fs";

/**
 * A process's resident set in MB, read from /proc: what the kernel charges the process, whatever V8
 * believes it allocated. undefined where there is no /proc entry (the process is gone, or not Linux).
 */
export function residentMb(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

export interface RssWatch {
  stop(): void;
}

/**
 * Polls a worker's resident memory and calls `over` once when it passes the ceiling. The isolate's
 * own limit counts only V8's heap and the buffers its allocator sees; resizable buffers, zone memory
 * or anything else V8 allocates outside it shows up here, and so does a builtin that keeps filling
 * memory while ignoring termination.
 */
export function watchResidentMemory(pid: number, ceilingMb: number, pollMs: number, over: (rssMb: number) => void): RssWatch {
  const timer = setInterval(() => {
    const rss = residentMb(pid);
    if (rss === undefined || rss <= ceilingMb) return;
    clearInterval(timer);
    over(rss);
  }, pollMs);
  // The watch never keeps the grader's process alive on its own.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
