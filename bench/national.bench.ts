/**
 * The gateway at national scale: Japan has 1,741 municipalities. One cluster (support/kyoto.ts:
 * the main chain, ledgers for kyoto, osaka and nara, our gateway with its default registry
 * reading — long poll, and a complete read every 10 s — run as deployed: built (`npm run
 * build:server`, done first) and started with plain node and its flags (cluster/services.ts
 * SERVICE_FLAGS), not through tsx, whose loader thread alone holds some 40 MB; kyoto's blocks from BENCH_TRANSFERS
 * transfers in batches of 10), measured with its 3 municipalities, then again once
 * BENCH_MUNICIPALITIES (1741) more are registered and the gateway routes to every one: bench-only
 * filler endpoints (support/fillers.ts, as the governance benchmark has; they pass the same
 * contract and genesis checks as a ledger and are idle while a measurement runs). At each scale:
 *  - the gateway process's resident memory (VmRSS in /proc/<pid>/status) before and after the
 *    load, and its peak so far (VmHWM);
 *  - a block page's requests/s, p50 and p99 at BENCH_CONCURRENCY (16) clients for BENCH_SECONDS
 *    (5) after 2 s of warm-up (bench/load.ts): kyoto's head page, every client the same, and
 *    the next of up to 32 pages in turn (the gateway benchmark's `same` and `distinct`).
 * Issue 13's target: at most 150 MB with 1,744 municipalities, and no slower than with 3.
 * BENCH_HEAPSNAPSHOT=1 then takes a heap snapshot of the gateway (`--heapsnapshot-signal`; at the
 * end, as taking one grows the process) and prints what holds the most heap, by constructor.
 *
 *   npm run bench -- national
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, row, type LoadResult } from './load.ts';
import { loadPlans } from './support/direct-plan.ts';
import { fillerCodes, registerFillers, startFillers } from './support/fillers.ts';
import { benchCluster, BLOCK_PAGE, gql, seedKyoto, sleep, wallet } from './support/kyoto.ts';
import { memoryOf, type Memory } from './support/memory.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 480);
const FILLERS = Number(process.env.BENCH_MUNICIPALITIES ?? 1741);
const snapshots = process.env.BENCH_HEAPSNAPSHOT === '1';
const TOWNS = ['kyoto', 'osaka', 'nara'];
const TARGET_MB = 150;

const treasury = wallet('kyoto');
const accounts = Array.from({ length: 32 }, () => wallet('kyoto'));
const snapshotDir = mkdtempSync(join(tmpdir(), 'aiki-national-bench-'));
execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
const cluster = await benchCluster(`bench_nat_${process.pid}`, TOWNS, treasury, {
  pollIntervalMs: 10_000, // the gateway's own default; the tests' clusters read every second
  compiled: true,
  env: snapshots ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` } : {},
});
const fillers = await startFillers();
const ours = cluster.gateway.url;
const gatewayPid = cluster.gateway.child.pid;
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * The gateway's heap by what holds it: a snapshot (SIGUSR2), each node's self size summed by
 * constructor (objects) or kind (strings, code, arrays…), the largest `top`.
 */
async function heapByConstructor(top = 12): Promise<string> {
  const before = new Set(readdirSync(snapshotDir));
  process.kill(gatewayPid!, 'SIGUSR2');
  let file: string | undefined;
  for (let size = -1; ; await sleep(500)) {
    file ??= readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const now = statSync(join(snapshotDir, file)).size;
    if (now > 0 && now === size) break; // written to the end
    size = now;
  }
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(join(snapshotDir, file), 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = snapshot.meta.node_types[0];
  const bySize = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type} ${strings[nodes[i + nameAt]!]}` : `(${type})`;
    const entry = bySize.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[i + sizeAt]!;
    entry.count++;
    total += nodes[i + sizeAt]!;
    bySize.set(key, entry);
  }
  rmSync(join(snapshotDir, file));
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  return [
    `heap snapshot of the gateway at the end: ${mb(total)} MB in ${nodes.length / fields.length} objects; the largest by constructor (self size):`,
    ...[...bySize]
      .sort(([, a], [, b]) => b.bytes - a.bytes)
      .slice(0, top)
      .map(([key, { bytes, count }]) => `  ${mb(bytes).padStart(7)} MB  ${String(count).padStart(8)} × ${key.slice(0, 80)}`),
    `gateway RSS with the snapshot taken: ${memoryOf(gatewayPid).rssMB.toFixed(0)} MB`,
  ].join('\n');
}

interface Scale {
  municipalities: number;
  idle: Memory;
  loaded: Memory;
  head: LoadResult;
  pages: LoadResult;
}

async function measure(municipalities: number, pages: Array<string | null>): Promise<Scale> {
  const idle = memoryOf(gatewayPid);
  console.log(
    `\n${municipalities} municipalities registered (load average ${loads()}); gateway RSS ${idle.rssMB.toFixed(0)} MB (anonymous ${idle.anonMB.toFixed(0)} MB, files ${idle.fileMB.toFixed(0)} MB)`,
  );
  const head = await load(ours, { query: BLOCK_PAGE, variables: { code: 'kyoto', after: null } }, { seconds, concurrency });
  console.log('  ' + row("kyoto's head block page, every client the same", head));
  const distinct = await loadPlans(
    pages.map((after) => [[{ target: 'ours', url: ours, body: { query: BLOCK_PAGE, variables: { code: 'kyoto', after } } }]]),
    { seconds, concurrency },
  );
  console.log('  ' + row(`the next of ${pages.length} block pages in turn`, distinct));
  const loaded = memoryOf(gatewayPid);
  console.log(
    `  gateway RSS after the load ${loaded.rssMB.toFixed(0)} MB (anonymous ${loaded.anonMB.toFixed(0)} MB, files ${loaded.fileMB.toFixed(0)} MB), peak so far ${loaded.peakMB.toFixed(0)} MB (load average ${loads()})`,
  );
  return { municipalities, idle, loaded, head, pages: distinct };
}

try {
  let t0 = performance.now();
  await seedKyoto(ours, treasury, accounts, TRANSFERS);
  await sleep(1000); // the last blocks anchored: the data no longer changes
  const { municipality } = await gql<{ municipality: { chain: { blocks: { edges: Array<{ cursor: string }> } } } }>(
    ours,
    '{ municipality(code: "kyoto") { chain { blocks(first: 100) { edges { cursor } } } } }',
  );
  const cursors = municipality.chain.blocks.edges.map((e) => e.cursor);
  const pages = [null, ...cursors.slice(0, Math.max(0, Math.min(31, cursors.length - 10)))];
  console.log(
    `national: the gateway with ${TOWNS.length} and with ${TOWNS.length + FILLERS} municipalities; ${TRANSFERS} transfers within kyoto (${cursors.length} blocks) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${concurrency} clients, ${seconds} s each after 2 s of warm-up; ${cluster.db.kind} database`,
  );

  const small = await measure(TOWNS.length, pages);
  t0 = performance.now();
  const { registerS, admitS } = await registerFillers(
    { mainchain: cluster.mainchain.url, gateway: ours, token: 'bench-token' },
    fillers,
    fillerCodes(FILLERS),
    TOWNS.length + FILLERS,
  );
  console.log(`\n${FILLERS} filler municipalities registered in ${registerS.toFixed(1)} s, all routed by the gateway ${admitS.toFixed(1)} s later`);
  await sleep(2000); // the registry read settled
  const large = await measure(TOWNS.length + FILLERS, pages);

  console.log(`\nsummary (target: ≤ ${TARGET_MB} MB at ${large.municipalities}, block pages no slower than at ${small.municipalities})`);
  console.log('municipalities | RSS idle | RSS after load | peak | head page req/s (p50, p99 ms) | pages in turn req/s (p50, p99 ms)');
  const cell = (r: LoadResult) => `${r.rps.toFixed(0)} (${r.p50ms.toFixed(0)}, ${r.p99ms.toFixed(0)})${r.errors ? `, ${r.errors} errors` : ''}`;
  for (const s of [small, large]) {
    console.log(
      `${String(s.municipalities).padStart(14)} | ${s.idle.rssMB.toFixed(0).padStart(5)} MB | ${s.loaded.rssMB.toFixed(0).padStart(11)} MB | ${s.loaded.peakMB.toFixed(0).padStart(4)} MB | ${cell(s.head)} | ${cell(s.pages)}`,
    );
  }
  const memory = Math.max(large.idle.rssMB, large.loaded.rssMB);
  console.log(
    `memory at ${large.municipalities}: ${memory.toFixed(0)} MB (${memory <= TARGET_MB ? 'met' : 'NOT met'}); at ${small.municipalities}: ${Math.max(small.idle.rssMB, small.loaded.rssMB).toFixed(0)} MB; req/s at ${large.municipalities} / at ${small.municipalities}: head page ${(large.head.rps / small.head.rps).toFixed(2)}x, pages in turn ${(large.pages.rps / small.pages.rps).toFixed(2)}x`,
  );
  if (snapshots) console.log(`\n${await heapByConstructor()}`);
} finally {
  await fillers.close();
  await cluster.stop();
  rmSync(snapshotDir, { recursive: true, force: true });
}
