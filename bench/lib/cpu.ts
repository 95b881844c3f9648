/**
 * CPU time of a process and its descendants, from /proc (Linux): utime + stime in seconds. Benchmarks
 * report CPU per operation beside throughput, as it holds still when other work shares the machine.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

interface ProcStat { pid: number; ppid: number; cpuS: number; comm: string }

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const f = raw.slice(close + 2).split(' ');
    // Fields after the name: state(0) ppid(1) … utime(11) stime(12)
    return { pid, ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S, comm };
  } catch {
    return null; // gone meanwhile
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** CPU seconds used so far by `pid` and everything below it. */
export function treeCpuSeconds(pid: number): number {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === pid);
  if (!root) return 0;
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const s = stack.pop()!;
    total += s.cpuS;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return total;
}

/** CPU seconds used so far by every process whose command name matches (e.g. all of Postgres's backends). */
export function commandCpuSeconds(match: RegExp): number {
  return allStats().filter((s) => match.test(s.comm)).reduce((a, s) => a + s.cpuS, 0);
}
