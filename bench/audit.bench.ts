/**
 * `npm run bench -- audit`: `aiki audit` on a long chain (issue 15: ≥ 10,000 blocks), its speed
 * in blocks/s and its peak resident memory, as the CLI reports them.
 *
 * A cluster (main chain, kyoto's ledger, gateway) is started; kyoto's ledger is stopped while
 * BENCH_BLOCKS blocks (default 10,000) of 1–4 signed transfers each are written into its
 * database by test/support/chain.ts (sealed by core/'s sealNext, written by the ledger's store);
 * the ledger is started again and anchors them on the main chain itself (100 per call, as
 * always). Then `aiki audit kyoto --page 100 --checkpoint <file>` runs as its own process through
 * the gateway, every block checked; a second run audits the whole chain again (`--from 0`), and a
 * third goes on from the kept checkpoint. A fourth, `aiki audit --mainchain --page 100
 * --checkpoint <file>`, walks the main chain that anchored them (every anchor's event id and
 * registered signature checked). The CLI runs compiled (cli/bin.js), as `npm run aiki` and the
 * tests run it. BENCH_BLOCKS=100000 shows whether memory stays flat (takes long: the writing and
 * the anchoring too).
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startCluster } from '../cluster/cluster.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { fundedSenders, writeChain } from '../test/support/chain.ts';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10_000);
const KYOTO = { code: 'kyoto', name: 'Kyoto' };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const { senders, genesis } = fundedSenders('kyoto', 256, 10n ** 12n);
const prefix = `bench_audit_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'aiki-audit-bench-'));

const cluster = await startCluster({
  municipalities: [KYOTO],
  dbPrefix: prefix,
  operatorToken: 'bench-operator', // 8 characters at least (runtime/env.ts envToken)
  mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '200' },
  ledgerEnv: () => ({ AIKI_GENESIS: JSON.stringify(genesis), AIKI_ANCHOR_INTERVAL_MS: '50' }),
});
const mongo = new MongoClient(cluster.db.uri);
try {
  console.log(`aiki audit on ${BLOCKS.toLocaleString('en-US')} blocks (load average ${load()} at start)`);
  const ledger = cluster.ledgers.get('kyoto')!;
  const port = Number(new URL(ledger.url).port);
  await ledger.stop();

  let t0 = performance.now();
  let last = t0;
  const lookups = 'ferretdbVersion' in (await mongo.db('admin').command({ buildInfo: 1 })) ? 'per-key' : 'batched';
  const head = await writeChain({
    db: mongo.db(`${prefix}_ledger_kyoto`),
    lookups,
    municipality: 'kyoto',
    sequencerKey: cluster.keys.sequencer('kyoto'),
    senders,
    blocks: BLOCKS,
    onProgress: (h) => {
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.log(`  … written up to block ${h}`);
      }
    },
  });
  console.log(`  chain written: blocks 1–${head} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  t0 = performance.now();
  await cluster.startLedger(KYOTO, port);
  for (last = t0; ; await new Promise((r) => setTimeout(r, 1000))) {
    const r = await postGraphQL<{ anchor: { inclusion: { index: number } | null } | null; municipality: { anchoredHeight: number } }>(
      cluster.gateway.url,
      'query($h: Int!) { municipality(code: "kyoto") { anchoredHeight } anchor(municipality: "kyoto", height: $h) { inclusion { index } } }',
      { variables: { h: head }, secret: subgraphSecret() },
    );
    if (r.data?.anchor?.inclusion) break;
    if (performance.now() - last > 10_000) {
      last = performance.now();
      console.log(`  … anchored up to ${r.data?.municipality.anchoredHeight ?? '?'}`);
    }
  }
  console.log(`  anchored and sealed on the main chain in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const checkpoint = join(dir, 'kyoto.checkpoint.json');
  const kyoto = ['audit', 'kyoto', '--page', '100', '--to', String(head), '--checkpoint', checkpoint];
  const main = ['audit', '--mainchain', '--page', '100', '--checkpoint', join(dir, 'main.checkpoint.json')];
  const runs: Array<[string, string[], RegExp]> = [
    ['first run, the whole chain (keeps a checkpoint)', kyoto, /verified: kyoto blocks 0–/],
    ['second run, the whole chain again through warm caches (checks the kept checkpoint on the way)', [...kyoto, '--from', '0'], /verified: kyoto blocks 0–/],
    ['third run, going on from the kept checkpoint (nothing new: the consistency proof only)', kyoto, new RegExp(`verified: kyoto blocks ${head + 1}–${head}`)],
    ['the main chain that anchored them, whole (`--mainchain`)', main, /verified: the main chain blocks 0–/],
  ];
  for (const [run, args, verified] of runs) {
    console.log(`  ${run}, load average ${load()}:`);
    const out = await audit(['--url', cluster.gateway.url, ...args]);
    const speed = /(\d+) blocks in ([\d.]+) s \((\d+) blocks\/s; ([\d.]+) s of it checking\), peak RSS (\d+) MiB/.exec(out);
    if (!speed || !verified.test(out)) throw new Error(`the audit did not pass:\n${out}`);
    console.log(
      `    ${speed[1]} blocks in ${speed[2]} s: ${speed[3]} blocks/s (${speed[4]} s of it checking, the rest waiting for the API), peak RSS ${speed[5]} MiB`,
    );
  }
  console.log(`  load average ${load()} at end`);
} finally {
  await mongo.close();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `aiki` with `args`; its stdout, or throws with both streams if it failed. */
function audit(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/bin.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`aiki exited ${code}\n${stdout}\n${stderr}`))));
  });
}
