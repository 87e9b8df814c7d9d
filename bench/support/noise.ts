/**
 * `BENCH_NOISE=1`: a benchmark on a busy machine, the same for every target. A separate process
 * keeps one core busy — SHA-256 in a tight loop — from before the first measurement to the end of
 * the run, and the report says so: at the start its pid and the load average, at the end the share
 * of a core it got and the load average then.
 *
 * Imported first by bench/run.ts and by every bench/*.bench.ts (`import './support/noise.ts'`).
 * bench/run.ts starts one such process for all the benchmarks it runs and hands its pid down in
 * BENCH_NOISE_PID; a benchmark run on its own starts its own. The process is stopped when the one
 * that started it exits, whatever the cause (its `exit` event; Ctrl-C reaches the whole process
 * group) and, if that one is killed outright, by itself: it checks every few tens of milliseconds
 * that its parent is still there.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { cpuSeconds } from './cpu.ts';

/** One core's worth of work that never waits; `process.argv[1]` is the parent's pid. */
const BUSY_LOOP = `
const { createHash } = require('node:crypto');
const parent = Number(process.argv[1]);
let h = Buffer.alloc(32);
for (;;) {
  for (let i = 0; i < 20000; i++) h = createHash('sha256').update(h).digest();
  try { process.kill(parent, 0); } catch { process.exit(0); }
}`;

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Adopts bench/run.ts's noise process or starts one; its pid, and a function that stops it if this process started it. */
function start(): { pid: number; stop(): void } {
  const inherited = Number(process.env.BENCH_NOISE_PID);
  if (inherited) {
    console.log(`noise: BENCH_NOISE=1 — one core kept busy by pid ${inherited} (started by bench/run.ts for the whole run); load average at start ${loads()}`);
    return { pid: inherited, stop() {} };
  }
  const child = spawn(process.execPath, ['-e', BUSY_LOOP, String(process.pid)], { stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  process.env.BENCH_NOISE_PID = String(pid); // for the benchmarks bench/run.ts starts
  console.log(`noise: BENCH_NOISE=1 — one core kept busy by pid ${pid} (a SHA-256 loop, for the whole run); load average at start ${loads()}`);
  return { pid, stop: () => child.kill('SIGKILL') };
}

const noise = process.env.BENCH_NOISE === '1' ? start() : undefined;

/** The noise process's pid while BENCH_NOISE=1 (for a bench's per-process CPU lines), else undefined. */
export const noisePid = noise?.pid;

if (noise) {
  const cpu0 = cpuSeconds(noise.pid);
  const t0 = performance.now();
  process.on('exit', () => {
    const cpu1 = cpuSeconds(noise.pid);
    const share =
      cpu0 !== undefined && cpu1 !== undefined ? `, which got ${((100 * (cpu1 - cpu0)) / ((performance.now() - t0) / 1000)).toFixed(0)}% of a core` : '';
    console.log(`noise: was on for the whole run (pid ${noise.pid}${share}); load average at end ${loads()}`);
    noise.stop();
  });
}
