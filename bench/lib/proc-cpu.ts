import { readdirSync, readFileSync } from "node:fs";

// Linux reports /proc times in clock ticks; USER_HZ is 100 on every mainstream build.
const TICKS_PER_SECOND = 100;

interface ProcStat { pid: number; ppid: number; ticks: number; childTicks: number }

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses; the fields after its last ")" do not.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
}

/**
 * CPU seconds used so far by the processes `roots` and all their descendants, the reaped ones
 * included (their time is in their parent's cutime/cstime once waited for), threads included.
 */
export function treeCpuSeconds(roots: readonly number[]): number {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).map(readStat).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const seen = new Set<number>();
  const visit = (s: ProcStat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    ticks += s.ticks + s.childTicks;
    for (const c of children.get(s.pid) ?? []) visit(c);
  };
  for (const pid of roots) {
    const s = all.find((x) => x.pid === pid);
    if (s) visit(s);
  }
  return ticks / TICKS_PER_SECOND;
}
