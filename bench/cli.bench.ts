/**
 * How long the `aiki` CLI takes to start and answer: the wall time of whole processes, from spawn to
 * exit, `BENCH_RUNS` (20) times each, the ways interleaved so that the machine's load falls on all
 * of them alike; median, p90 and min per way. `node -e 0` is Node's own start on this machine at
 * this moment, the floor under every figure.
 *
 *  - `aiki --version`: the compiled CLI alone (`node dist/cli/aiki.js`), through its launcher (`node
 *    cli/bin.js`, which stats every source the bundle was built from), through npm (`npm run -s aiki
 *    --`, the README's way), and from source through tsx (`node --import tsx cli/aiki.ts`, how it ran
 *    before it was compiled) — with tsx's disk cache of compiled files warm, and with it off
 *    (TSX_DISABLE_CACHE=1: what tsx does on a first call, and for every file changed since);
 *  - `aiki municipality list`: a real read of three municipalities through a real gateway (a cluster
 *    of processes, cluster/cluster.ts, on the embedded database), compiled and from source.
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../cluster/cluster.ts';
import { startDatabase } from '../db/launcher.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);

/** Wall time of one process from spawn to exit, in ms; fails on a non-zero exit. */
function time(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const db = await startDatabase();
const cluster = await startCluster({
  municipalities: [
    { code: 'kyoto', name: 'Kyoto' },
    { code: 'osaka', name: 'Osaka' },
    { code: 'nara', name: 'Nara' },
  ],
  db,
  dbPrefix: `bench_cli_${process.pid}`,
  operatorToken: 'bench-token',
});
try {
  const env = { ...process.env, AIKI_URL: cluster.gateway.url };
  const noCache = { ...env, TSX_DISABLE_CACHE: '1' };
  const ways: Array<[string, string, string[], NodeJS.ProcessEnv?]> = [
    ['node -e 0 (Node alone)', process.execPath, ['-e', '0']],
    ['node dist/cli/aiki.js --version', process.execPath, ['dist/cli/aiki.js', '--version']],
    ['node cli/bin.js --version', process.execPath, ['cli/bin.js', '--version']],
    ['npm run -s aiki -- --version', 'npm', ['run', '-s', 'aiki', '--', '--version']],
    ['node --import tsx cli/aiki.ts --version (before; tsx cache warm)', process.execPath, ['--import', 'tsx', 'cli/aiki.ts', '--version']],
    ['node --import tsx cli/aiki.ts --version (before; tsx cache off)', process.execPath, ['--import', 'tsx', 'cli/aiki.ts', '--version'], noCache],
    ['node cli/bin.js municipality list', process.execPath, ['cli/bin.js', 'municipality', 'list']],
    ['node --import tsx cli/aiki.ts municipality list (before; tsx cache warm)', process.execPath, ['--import', 'tsx', 'cli/aiki.ts', 'municipality', 'list']],
    [
      'node --import tsx cli/aiki.ts municipality list (before; tsx cache off)',
      process.execPath,
      ['--import', 'tsx', 'cli/aiki.ts', 'municipality', 'list'],
      noCache,
    ],
  ];
  // Built (and fresh) before anything is measured; one warm-up run of each.
  for (const [, command, args, own] of ways) await time(command, args, own ?? env);
  const times = new Map<string, number[]>(ways.map(([name]) => [name, []]));
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]!);
    for (const [name, command, args, own] of ways) times.get(name)!.push(await time(command, args, own ?? env));
  }
  loads.sort((a, b) => a - b);
  console.log(
    `\n${runs} runs each, interleaved; load average (1 min) ${loads[0]!.toFixed(1)}–${loads.at(-1)!.toFixed(1)} on ${process.env.BENCH_NOISE === '1' ? 'a machine kept busy (BENCH_NOISE=1)' : 'this machine'}\n`,
  );
  console.log('| way | median ms | p90 ms | min ms |');
  console.log('|---|---|---|---|');
  for (const [name, t] of times) {
    t.sort((a, b) => a - b);
    console.log(`| \`${name}\` | ${quantile(t, 0.5).toFixed(0)} | ${quantile(t, 0.9).toFixed(0)} | ${t[0]!.toFixed(0)} |`);
  }
} finally {
  await cluster.stop();
  await db.stop();
}
