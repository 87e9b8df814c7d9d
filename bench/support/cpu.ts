/**
 * Where the CPU went during a measurement: each process's user + system time from
 * /proc/<pid>/stat (Linux; elsewhere nothing is reported). On a 2-core machine shared by the whole
 * federation and the load generator, this tells whether a gateway or the subgraphs behind it were
 * the limit.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds used so far by `pid`, or undefined when it cannot be read. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after the command name (which may hold spaces) start at its closing parenthesis; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Starts counting the CPU time of `pids`; the function returned gives each one's CPU seconds since then (one that cannot be read is left out). */
function cpuSince(pids: Record<string, number | undefined>): () => Array<[string, number]> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () =>
    Object.entries(pids).flatMap(([name, pid]): Array<[string, number]> => {
      const [a, b] = [before[name], cpuSeconds(pid)];
      return a === undefined || b === undefined ? [] : [[name, b - a]];
    });
}

/** Runs `fn` and returns, with its result, each named process's share of one core while it ran (in %). */
export async function withCpu<T>(pids: Record<string, number | undefined>, fn: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const used = cpuSince(pids);
  const t0 = performance.now();
  const result = await fn();
  const wall = (performance.now() - t0) / 1000;
  return { result, cpu: Object.fromEntries(used().map(([name, seconds]) => [name, (100 * seconds) / wall])) };
}

/** `gateway 92%, kyoto 61%, …`, busiest first, leaving out those under 3%. */
export function formatCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .filter(([, pct]) => pct >= 3)
    .sort(([, a], [, b]) => b - a)
    .map(([name, pct]) => `${name} ${pct.toFixed(0)}%`)
    .join(', ');
}

/**
 * Starts counting the CPU time of `pids`; the function returned says, for the `items` done since,
 * each process's CPU milliseconds per item, their sum, and the most items per second that cost
 * allows on this machine's cores — a ceiling no scheduling could beat.
 */
export function cpuPerItem(pids: Record<string, number | undefined>): (items: number, unit: string) => string {
  const used = cpuSince(pids);
  return (items, unit) => {
    const cost = used().map(([name, seconds]) => [name, (1000 * seconds) / items] as const);
    const total = cost.reduce((sum, [, ms]) => sum + ms, 0);
    const cores = availableParallelism();
    const parts = cost
      .filter(([, ms]) => ms >= 0.05)
      .sort(([, a], [, b]) => b - a)
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
      .join(', ');
    return `CPU per ${unit} ${total.toFixed(2)} ms (${parts}): at most ${Math.round((cores * 1000) / total).toLocaleString('en-US')} /s on this machine's ${cores} cores`;
  };
}
