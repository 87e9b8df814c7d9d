/**
 * Which gateway serves the ledger queries fastest on the same subgraphs and data: ours, stock
 * @apollo/gateway and Hive Gateway, in one run, next to the direct subgraph calls (the upper limit).
 *
 * One cluster (database, main chain, ledgers for kyoto, osaka and nara, our gateway). Its data: a
 * kyoto treasury sends BENCH_TRANSFERS transfers within kyoto to 32 accounts, in batches of 10
 * (blocks of ~10), then 16 transfers each traced over 3 hops kyoto → osaka → nara → kyoto, each hop
 * credited before the next is sent (support/kyoto.ts). Four queries:
 *  1. a block page: `municipality(code: "kyoto")` with 10 blocks and their transactions (≤ 20 each);
 *  2. an account with history: balance, nonce and 20 newest transactions (not in `fresh`);
 *  3. a transaction with its inclusion proof, what `aiki tx show --verify` asks for (`fresh` only);
 *  4. a 3-hop trace with every proof (TRACE_QUERY, what `aiki verify` asks for).
 * Each through every target, each target its own process:
 *  - ours: the cluster's gateway (shard router, edge plugins, as `npm start` runs it);
 *  - stock @apollo/gateway + @apollo/server standalone, and Hive Gateway's CLI, on a supergraph
 *    composed by schema/compose.ts from the same SDL. A stock gateway holds one URL per subgraph
 *    and cannot route by municipality, so: queries 1–3 (kyoto only) go to a supergraph whose
 *    `ledger` is kyoto's ledger itself — the same subgraph work as ours, no extra hop; the trace
 *    (several municipalities) goes to a supergraph whose `ledger` is a bench-only shard proxy
 *    (support/shard-proxy.ts) that splits `_entities` by municipality — a hop ours does not have,
 *    measured on its own below the trace;
 *  - the direct calls: the subgraph calls the query plan makes, recorded once and replayed by a
 *    client that needs no gateway (support/direct-plan.ts).
 * Four workloads (BENCH_MODES, all by default):
 *  - `same`: every client sends the same query (the newest block page, the treasury, one trace).
 *    Identical requests in flight at once can be merged: Hive Gateway merges identical subgraph
 *    calls in flight by default (@graphql-tools/executor-http), which this workload rewards;
 *  - `distinct`: each request is the next of 32 block pages / 32 accounts / 16 traces in turn,
 *    so that no two requests in flight are the same and nothing can be merged;
 *  - `writes`: as `same`, while a background client has a transfer from the treasury sealed in
 *    kyoto every BENCH_WRITE_MS (200): every block changes the page, the account and kyoto's
 *    state, and every anchor the main chain's, so cached answers keep going out of date;
 *  - `fresh`: every request asks for the newest data while transfers are sealed — the head block
 *    page, the proof of a transaction confirmed within the last second, the trace of a transfer
 *    credited within the last second (the explorer's and the analyst's pattern). A background
 *    writer (support/writer.ts) has a transfer within kyoto and one from kyoto to osaka submitted
 *    every BENCH_WRITE_MS, watches them straight at kyoto's ledger and the main chain, and shares
 *    those it saw confirmed / credited; each request picks one seen within the last second.
 *    An answer without that newest data counts as an error: a head lower than the writer had seen
 *    sealed when the request was sent, the transaction not CONFIRMED with its proof, the transfer
 *    not CREDITED with its credit's proof. The direct calls: each query's calls recorded once, sent
 *    with the picked ids in place of the recorded ones.
 * (BENCH_HIVE_DEDUPE=0 turns that default off, to see what it is worth.)
 * BENCH_QUERIES (page,account,proof,trace) picks queries.
 * Every target's answer to every variant is checked against ours (same data, no errors) before it
 * is measured (in `fresh`, one request is checked as above). The summary ends with the issue's
 * targets for `writes` and `fresh`: ours ≥ 2× Hive Gateway's requests/s, p99 no worse. Same clients, warm-up and duration for all (bench/load.ts): BENCH_SECONDS (5),
 * BENCH_CONCURRENCY (16); BENCH_ROUNDS (1) repeats the targets in turn, each round starting one
 * later, and reports medians. Everything shares the machine's cores; the load average and each
 * process's share of a core (support/cpu.ts) are printed.
 */
import { noisePid } from './support/noise.ts'; // first: BENCH_NOISE=1 keeps one core busy for the whole run
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACE_QUERY } from '../core/index.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { closedLoop, load, post, row, type LoadResult } from './load.ts';
import { formatCpu, withCpu } from './support/cpu.ts';
import {
  checkPlan,
  directRecorder,
  loadPlans,
  prepare,
  replay,
  substitute,
  type DirectCall,
  type DirectPlan,
  type PreparedPlan,
} from './support/direct-plan.ts';
import { peerSupergraph, startHiveGateway, startShardProxy, startStockGateway, type Peer } from './support/gateway-peers.ts';
import { benchCluster, BLOCK_PAGE, gql, seedKyoto, sleep, SUBMIT_MANY, transferTx, wallet } from './support/kyoto.ts';
import { Recent, startWriter, type Writer } from './support/writer.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 480);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
type Mode = 'same' | 'distinct' | 'writes' | 'fresh';
const MODES = (process.env.BENCH_MODES ?? 'same,distinct,writes,fresh').split(',') as Mode[];
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 200);
const QUERIES = (process.env.BENCH_QUERIES ?? 'page,account,proof,trace').split(',');
const ACCOUNTS = 32;
const CHAINS = 16;
const TOWNS = ['kyoto', 'osaka', 'nara'];

const ACCOUNT = `query AccountHistory($address: String!) { account(address: $address) {
  id municipality balance nonce
  transactions(first: 20) { pageInfo { hasNextPage endCursor } edges { cursor node { id txid kind status from to amount nonce memo time height block { id hash } } } }
} }`;
/** What `aiki tx show --verify` asks for. */
const PROOF = `query Proof($id: String!) { transaction(id: $id) { id txid municipality status from to amount nonce memo time signature
  block { height hash }
  proof { txid index treeSize path root
    header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
    poh { ticks hash start segment { ticks event hash } } } } }`;

type Variables = Record<string, unknown>;
interface Query {
  key: string;
  name: string;
  query: string;
  /** The variants of `same` (and `writes`) and of `distinct`; a query without them is not in those workloads. */
  same?: Variables[];
  distinct?: Variables[];
  /** `fresh`: the request to send next — its variables, the ids in them, and whether an answer has the newest data. */
  fresh?: { name: string; next(): { variables: Variables; ids: string[]; accept(data: any): boolean } };
  stock: Peer;
  hive: Peer;
  via: string;
}

const treasury = wallet('kyoto');
const accounts = Array.from({ length: ACCOUNTS }, () => wallet('kyoto'));
/** Each chain: the treasury → osaka → nara → kyoto. */
const chains = Array.from({ length: CHAINS }, () => [treasury, wallet('osaka'), wallet('nara'), wallet('kyoto')]);
/** `fresh`: the osaka recipients of the writer's transfers from kyoto. */
const remote = Array.from({ length: 8 }, () => wallet('osaka').address);
/** JSON with sorted keys: two answers are the same data whatever order their fields came in. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
/** The median of each figure on its own (requests/s, p50, p99) over rounds. */
function median(results: LoadResult[]): LoadResult {
  const mid = <K extends keyof LoadResult>(k: K) => [...results].map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  return { requests: mid('requests'), errors: mid('errors'), seconds: mid('seconds'), rps: mid('rps'), p50ms: mid('p50ms'), p99ms: mid('p99ms') };
}
const seconds1 = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

const peers: Peer[] = [];
const cluster = await benchCluster(`bench_gw_${process.pid}`, TOWNS, treasury);
const ours = cluster.gateway.url;
const ledgerUrls = Object.fromEntries(TOWNS.map((t) => [t, cluster.ledgers.get(t)!.url]));
/** Stops the recorder of the direct calls, once started. */
let recorderStop: (() => Promise<void>) | undefined;
const workdir = mkdtempSync(join(tmpdir(), 'aiki-gateway-bench-')); // the peers' supergraph files

/** Submits each hop `i` of every chain in one batch to its town, and waits until all are credited. Returns their settlement ids. */
async function hop(i: number, firstNonce: number): Promise<string[]> {
  const town = chains[0]![i]!.address.split(':')[0]!;
  const txs = chains.map((c, k) => transferTx(c[i]!, c[i + 1]!.address, 1000 - i, i === 0 ? firstNonce + k : 1));
  const { submitTransactions } = await gql<{ submitTransactions: Array<{ txid: string }> }>(ours, SUBMIT_MANY, { m: town, ts: txs });
  const ids = submitTransactions.map((t) => `${town}:${t.txid}`);
  const settled = async (id: string) =>
    (await gql<{ settlement: { status: string } | null }>(ours, 'query($id: String!) { settlement(id: $id) { status } }', { id })).settlement?.status ===
    'CREDITED';
  while (!(await Promise.all(ids.map(settled))).every(Boolean)) await sleep(100);
  return ids;
}

// Interrupted (Ctrl-C, a time-out's SIGTERM): stop the peers and the cluster too, not only this process.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const p of peers) p.child.kill('SIGKILL');
    void cluster.stop().finally(() => process.exit(130));
  });
}

/** The treasury's last nonce: its transfers, then the first hop of each chain; the writers go on from there. */
const treasuryNonce = { last: TRANSFERS + CHAINS };
/** What the `fresh` writer has seen most recently, shared with the requests. */
const recent = new Recent();
/** The background writes of `writes` and `fresh` (support/writer.ts), for one measurement. */
const startWrites = (mode: Mode): Writer | undefined =>
  mode === 'writes' || mode === 'fresh'
    ? startWriter({
        gateway: ours,
        ledger: ledgerUrls.kyoto!,
        everyMs: WRITE_MS,
        sender: treasury,
        nonce: treasuryNonce,
        local: [accounts[1]!.address],
        fresh: mode === 'fresh' ? { remote, mainchain: cluster.mainchain.url, recent } : undefined,
      })
    : undefined;

try {
  // The data: blocks with transactions and accounts with history, in kyoto...
  let t0 = performance.now();
  await seedKyoto(ours, treasury, accounts, TRANSFERS);
  // ...and transfers traced over three hops, each hop credited before the next is sent.
  const traced = await hop(0, TRANSFERS + 1);
  await hop(1, 1);
  await hop(2, 1);
  const complete = async (id: string) => {
    const { trace } = await gql<{ trace: { hops: Array<{ entryAnchor: { inclusion: unknown } | null }> } }>(ours, TRACE_QUERY, { id, depth: 3 });
    return trace.hops.length === 3 && trace.hops.every((h) => h.entryAnchor?.inclusion);
  };
  while (!(await Promise.all(traced.map(complete))).every(Boolean)) await sleep(200);
  await sleep(1000); // the last main-chain block and anchors sealed: the data no longer changes
  const { municipality } = await gql<{ municipality: { chain: { blocks: { edges: Array<{ cursor: string }> } } } }>(
    ours,
    '{ municipality(code: "kyoto") { chain { blocks(first: 100) { edges { cursor } } } } }',
  );
  const cursors = municipality.chain.blocks.edges.map((e) => e.cursor);
  const pages = cursors.slice(0, Math.max(1, Math.min(32, cursors.length - 10)));
  console.log(
    `data: ${TRANSFERS} transfers within kyoto in batches of 10 (kyoto has ${cursors.length} blocks), ${CHAINS} transfers traced kyoto → osaka → nara → kyoto (${seconds1(t0)} s)`,
  );

  // The peers, each its own process, on the supergraph our gateway composes but for the ledger's URL.
  t0 = performance.now();
  const proxy = await startShardProxy(ledgerUrls);
  peers.push(proxy);
  const kyotoSdl = join(workdir, 'supergraph-kyoto.graphql');
  const proxySdl = join(workdir, 'supergraph-proxy.graphql');
  writeFileSync(kyotoSdl, await peerSupergraph(cluster.mainchain.url, ledgerUrls.kyoto!));
  writeFileSync(proxySdl, await peerSupergraph(cluster.mainchain.url, proxy.url));
  const started = await Promise.allSettled([startStockGateway(kyotoSdl), startHiveGateway(kyotoSdl), startStockGateway(proxySdl), startHiveGateway(proxySdl)]);
  for (const s of started) if (s.status === 'fulfilled') peers.push(s.value); // stopped at the end, even if another failed
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const [stockKyoto, hiveKyoto, stockProxy, hiveProxy] = peers.slice(1) as [Peer, Peer, Peer, Peer];
  console.log(`peers started in ${seconds1(t0)} s`);

  /** `fresh`: the head page as the writer last saw it sealed, one of the transfers it saw confirmed / credited in the last second. */
  const txidOf = (id: string) => id.slice(id.indexOf(':') + 1);
  const queries = (
    [
      {
        key: 'page',
        name: 'block page (10 blocks, their txs)',
        query: BLOCK_PAGE,
        same: [{ code: 'kyoto', after: null }],
        distinct: pages.map((after) => ({ code: 'kyoto', after })),
        fresh: {
          name: 'head block page (10 blocks, txs)',
          next() {
            const head = recent.head;
            return {
              variables: { code: 'kyoto', after: null },
              ids: [],
              accept: (d) => d.municipality?.chain?.height >= head && d.municipality.chain.blocks.edges.length > 0,
            };
          },
        },
        stock: stockKyoto,
        hive: hiveKyoto,
        via: 'ledger = kyoto',
      },
      {
        key: 'account',
        name: 'account with history (20 txs)',
        query: ACCOUNT,
        same: [{ address: treasury.address }],
        distinct: accounts.map((a) => ({ address: a.address })),
        stock: stockKyoto,
        hive: hiveKyoto,
        via: 'ledger = kyoto',
      },
      {
        key: 'proof',
        name: 'transaction with its proof',
        query: PROOF,
        fresh: {
          name: 'proof of a tx confirmed < 1 s ago',
          next() {
            const { id } = recent.pick('confirmed')!;
            return { variables: { id }, ids: [txidOf(id)], accept: (d) => d.transaction?.status === 'CONFIRMED' && d.transaction.proof != null };
          },
        },
        stock: stockKyoto,
        hive: hiveKyoto,
        via: 'ledger = kyoto',
      },
      {
        key: 'trace',
        name: '3-hop trace with proofs (3 towns)',
        query: TRACE_QUERY,
        same: [{ id: traced[0]!, depth: 3 }],
        distinct: traced.map((id) => ({ id, depth: 3 })),
        fresh: {
          name: 'trace of a transfer credited < 1 s ago',
          next() {
            const { id, creditId } = recent.pick('credited')!;
            return {
              variables: { id, depth: 3 },
              ids: [txidOf(id), creditId!],
              accept: (d) => d.trace?.hops?.[0]?.settlement?.status === 'CREDITED' && d.trace.hops[0].entry?.proof != null,
            };
          },
        },
        stock: stockProxy,
        hive: hiveProxy,
        via: 'ledger = shard proxy',
      },
    ] satisfies Query[]
  ).filter((q) => QUERIES.includes(q.key));
  const variantsOf = (q: Query, mode: Mode) => (mode === 'fresh' ? [] : (q[mode === 'writes' ? 'same' : mode] ?? []));
  const inMode = (q: Query, mode: Mode) => (mode === 'fresh' ? !!q.fresh : !!q.same);

  // The direct calls of every variant, recorded at the start of each workload (the writes of one
  // move the data of the next); in `fresh`, of one request each, once the writer has confirmed and credited transfers.
  const recorder = await directRecorder(await peerSupergraph(cluster.mainchain.url, ledgerUrls.kyoto!), cluster.mainchain.url, ledgerUrls);
  recorderStop = () => recorder.stop();
  const plans = new Map<string, DirectPlan[]>();
  /** `fresh`: the ids in each query's recorded calls, replaced by each request's. */
  const recordedIds = new Map<string, string[]>();
  const record = async (mode: Mode) => {
    t0 = performance.now();
    const writer = mode === 'fresh' ? startWrites(mode) : undefined;
    while (writer && !(recent.confirmed.length && recent.credited.length)) await sleep(100);
    await writer?.stop();
    for (const q of queries.filter((q) => inMode(q, mode))) {
      const recorded: DirectPlan[] = [];
      for (const v of variantsOf(q, mode)) recorded.push(await recorder.record(q.query, v)); // one at a time: the recorder tells calls apart by order
      if (mode === 'fresh') {
        const { variables, ids } = q.fresh!.next();
        recorded.push(await recorder.record(q.query, variables));
        recordedIds.set(q.key, ids);
      }
      plans.set(`${q.key}/${mode}`, recorded);
    }
    console.log(`direct calls recorded in ${seconds1(t0)} s`);
  };

  const processes = {
    'our gateway': cluster.gateway.child.pid,
    'stock (ledger = kyoto)': stockKyoto.child.pid,
    'stock (ledger = proxy)': stockProxy.child.pid,
    'Hive (ledger = kyoto)': hiveKyoto.child.pid,
    'Hive (ledger = proxy)': hiveProxy.child.pid,
    'shard proxy': proxy.child.pid,
    mainchain: cluster.mainchain.child.pid,
    ...Object.fromEntries(TOWNS.map((t) => [t, cluster.ledgers.get(t)!.child.pid])),
    database: cluster.db.process?.pid,
    'load generator': process.pid,
    noise: noisePid,
  };
  /** Runs one measurement; prints its row, and where the CPU went (% of one core, warm-up included). */
  const measure = async (label: string, fn: () => Promise<LoadResult>, indent = '  ') => {
    const { result, cpu } = await withCpu(processes, fn);
    console.log(indent + row(label, result));
    const where = formatCpu(cpu);
    if (where) console.log(`${indent}    cpu: ${where}`);
    return result;
  };

  console.log(
    `\n${concurrency} concurrent clients, ${seconds} s each after 2 s of warm-up, ${ROUNDS} round(s) in turn (medians below), ${cluster.db.kind} database; the cluster, the peers and this load generator share the machine's cores${noisePid ? ', with one core kept busy by the noise process (BENCH_NOISE=1)' : ''}`,
  );
  type Cell = LoadResult | string;
  const summaries: Array<{ mode: string; name: string; results: Record<string, Cell> }> = [];
  const headers: Record<Mode, string> = {
    same: 'same: every client sends the same query (identical requests in flight can be merged)',
    distinct: `distinct: each request is the next of ${pages.length} block pages / ${ACCOUNTS} accounts / ${CHAINS} traces (no two in flight are the same)`,
    writes: `writes: as same, while a transfer from the treasury is sealed in kyoto every ${WRITE_MS} ms`,
    fresh: `fresh: the newest data while a transfer within kyoto and one from kyoto to osaka are submitted every ${WRITE_MS} ms; an answer without it counts as an error`,
  };
  for (const mode of MODES) {
    console.log(`\n### ${headers[mode]}`);
    await record(mode);
    for (const q of queries.filter((q) => inMode(q, mode))) {
      const variants = variantsOf(q, mode);
      const name = mode === 'fresh' ? q.fresh!.name : q.name;
      console.log(`\n${name}, ${mode === 'fresh' ? 'picked for each request' : `${variants.length} variant(s)`}`);
      const results: Record<string, Cell> = {};
      summaries.push({ mode, name, results });
      const references = await Promise.all(variants.map((v) => postGraphQL(ours, q.query, { variables: v, secret: subgraphSecret() })));
      const failed = references.find((r) => r.errors?.length || !r.data);
      if (failed) {
        console.log(`  ✗ ours answered with errors, nothing measured: ${JSON.stringify(failed.errors).slice(0, 400)}`);
        continue;
      }
      const expected = references.map((r) => canonical(r.data));
      const recorded = plans.get(`${q.key}/${mode}`)!;
      const direct = recorded.map((p) => p.stages);
      /** `fresh`: the recorded calls with the ids of a request picked now. */
      const freshPlan = (ids: string[]): PreparedPlan =>
        substitute(
          prepare(direct[0]!),
          recordedIds.get(q.key)!.map((id, i) => [id, ids[i]!]),
        );
      const targets = [
        { key: 'ours', label: 'ours', url: ours },
        { key: 'stock', label: `stock @apollo/gateway (${q.via})`, url: q.stock.url },
        { key: 'hive', label: `Hive Gateway${process.env.BENCH_HIVE_DEDUPE === '0' ? ' no dedupe' : ''} (${q.via})`, url: q.hive.url },
        { key: 'direct', label: 'direct subgraph calls (upper limit)', url: '' },
      ];
      // Every target must give ours' answer to every variant, without errors, before it is measured (in `fresh`: the newest data).
      const runnable: Array<(typeof targets)[number] & { run: () => Promise<LoadResult> }> = [];
      for (const t of targets) {
        let wrong: string | undefined;
        if (t.key === 'direct') {
          for (const [i, plan] of recorded.entries()) {
            wrong = plan.result.errors?.length
              ? `the recording gateway got errors: ${JSON.stringify(plan.result.errors).slice(0, 300)}`
              : // Recorded before any background write: under `writes` the data has moved on since (the calls stay right).
                mode !== 'writes' && mode !== 'fresh' && canonical(plan.result.data) !== expected[i]
                ? `variant ${i}: the recorded calls answer differently from ours`
                : await checkPlan(mode === 'fresh' ? freshPlan(q.fresh!.next().ids) : prepare(plan.stages));
            if (wrong) break;
          }
        } else if (mode === 'fresh') {
          const { variables, accept } = q.fresh!.next();
          const answer = await postGraphQL(t.url, q.query, { variables, secret: subgraphSecret() }).catch((err: Error) => ({
            errors: [{ message: err.message }],
            data: undefined,
          }));
          wrong = answer.errors?.length
            ? `errors: ${JSON.stringify(answer.errors).slice(0, 300)}`
            : !answer.data || !accept(answer.data)
              ? `not the newest data: ${JSON.stringify(answer.data).slice(0, 300)}`
              : undefined;
        } else {
          for (const [i, v] of variants.entries()) {
            const answer = await postGraphQL(t.url, q.query, { variables: v, secret: subgraphSecret() }).catch((err: Error) => ({
              errors: [{ message: err.message }],
              data: undefined,
            }));
            wrong = answer.errors?.length
              ? `errors: ${JSON.stringify(answer.errors).slice(0, 300)}`
              : canonical(answer.data) !== expected[i]
                ? `variant ${i}: a different answer from ours`
                : undefined;
            if (wrong) break;
          }
        }
        if (wrong) {
          console.log(`  ✗ ${t.label}: ${wrong} — not measured`);
          results[t.key] = wrong;
          continue;
        }
        const options = { seconds, concurrency };
        const run =
          mode === 'fresh'
            ? t.key === 'direct'
              ? () => closedLoop(() => replay(freshPlan(q.fresh!.next().ids)), options)
              : () =>
                  closedLoop(() => {
                    const { variables, accept } = q.fresh!.next();
                    return post(t.url, JSON.stringify({ query: q.query, variables }), accept);
                  }, options)
            : t.key === 'direct'
              ? () => loadPlans(direct, options)
              : variants.length === 1
                ? () => load(t.url, { query: q.query, variables: variants[0] }, options)
                : () =>
                    loadPlans(
                      variants.map((v) => [[{ target: t.key, url: t.url, body: { query: q.query, variables: v } }]]),
                      options,
                    );
        runnable.push({ ...t, run });
      }
      console.log(`  direct calls per request: ${direct[0]!.map((s) => s.map((c) => c.target).join(' + ')).join(' → ')}`);
      // Rounds in turn, each starting one target later, so that a busy spell of the machine is shared out.
      const rounds = new Map<string, LoadResult[]>(runnable.map((t) => [t.key, []]));
      for (let round = 0; round < ROUNDS; round++) {
        if (ROUNDS > 1)
          console.log(
            `  round ${round + 1}   (load average ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' ')})`,
          );
        else
          console.log(
            `  (load average ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' ')})`,
          );
        for (let k = 0; k < runnable.length; k++) {
          const t = runnable[(k + round) % runnable.length]!;
          const before = t.key === 'ours' ? await cacheCounts() : undefined;
          recent.takeAges(); // from here on: this measurement's picks
          const writer = startWrites(mode);
          rounds.get(t.key)!.push(await measure(t.label, t.run));
          await writer?.stop();
          if (before) console.log(`      cache: ${cacheDelta(before, await cacheCounts())}`);
          if (mode === 'fresh')
            console.log(
              `      picked: ${recent.takeAges() || 'the head as last seen sealed'}; writer: ${writer!.counts().submitted} transfers, ${writer!.counts().failed} not confirmed or credited`,
            );
        }
      }
      for (const t of runnable) results[t.key] = median(rounds.get(t.key)!);
      if (ROUNDS > 1) {
        console.log(`  medians of ${ROUNDS} rounds:`);
        for (const t of runnable) console.log('  ' + row(t.label, results[t.key] as LoadResult));
      }
      if (q.via.includes('proxy') && mode === MODES[0] && typeof results.direct === 'object') {
        // What the proxy adds for the stock gateways: the trace's ledger stage through it, and straight.
        const viaProxy: DirectCall[][][] = recorded.map((p) => [p.unsplit.map((body) => ({ target: 'proxy', url: proxy.url, body }))]);
        const straight: DirectCall[][][] = recorded.map((p) => [p.stages.at(-1)!]);
        console.log(
          `  the shard proxy's cost: the trace's ledger calls alone (${recorded[0]!.unsplit.length} _entities requests, ${straight[0]![0]!.length} after the split)`,
        );
        await measure('through the shard proxy', () => loadPlans(viaProxy, { seconds, concurrency }), '    ');
        await measure('straight to the ledgers', () => loadPlans(straight, { seconds, concurrency }), '    ');
      }
    }
  }

  const rps = (r: Cell | undefined) => (typeof r === 'object' ? r.rps.toFixed(0) : '✗');
  const p99 = (r: Cell | undefined) => (typeof r === 'object' ? r.p99ms.toFixed(0) : '✗');
  const ratio = (a: Cell | undefined, b: Cell | undefined, f: (r: LoadResult) => number) =>
    typeof a === 'object' && typeof b === 'object' ? (f(a) / f(b)).toFixed(2) + 'x' : '—';
  console.log('\nsummary: req/s (p99 ms); ratios of ours to the peer (req/s: higher is better; p99: lower is better)');
  console.log(
    `${'workload / query'.padEnd(50)}${['ours', 'stock', 'Hive', 'direct'].map((h) => h.padEnd(13)).join('')}${['ours/stock', 'ours/Hive', 'p99 o/stock', 'p99 o/Hive'].map((h) => h.padEnd(12)).join('')}`,
  );
  for (const { mode, name, results: r } of summaries) {
    const cell = (k: string) => `${rps(r[k])} (${p99(r[k])})`.padEnd(13);
    const ratios = [
      ratio(r.ours, r.stock, (x) => x.rps),
      ratio(r.ours, r.hive, (x) => x.rps),
      ratio(r.ours, r.stock, (x) => x.p99ms),
      ratio(r.ours, r.hive, (x) => x.p99ms),
    ];
    console.log(`${`${mode}: ${name}`.padEnd(50)}${['ours', 'stock', 'hive', 'direct'].map(cell).join('')}${ratios.map((x) => x.padEnd(12)).join('')}`);
  }
  // Issue 13's targets while blocks are sealed: ours at least twice Hive Gateway's requests/s, p99 no worse.
  const live = summaries.filter((s) => s.mode === 'writes' || s.mode === 'fresh');
  if (live.length) {
    console.log(`\ntargets under writes and fresh (ours ≥ 2x Hive Gateway's req/s, p99 no worse)${noisePid ? ', BENCH_NOISE=1' : ''}:`);
    for (const { mode, name, results: r } of live) {
      const [o, h] = [r.ours, r.hive];
      if (typeof o !== 'object' || typeof h !== 'object') {
        console.log(`  ${`${mode}: ${name}`.padEnd(50)} not measured (${typeof o === 'string' ? `ours: ${o}` : `Hive: ${String(h)}`})`);
        continue;
      }
      const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log(
        `  ${`${mode}: ${name}`.padEnd(50)} req/s ours ${o.rps.toFixed(0)} / Hive ${h.rps.toFixed(0)} = ${(o.rps / h.rps).toFixed(2)}x (${met(o.rps >= 2 * h.rps)}); p99 ours ${o.p99ms.toFixed(0)} ms, Hive ${h.p99ms.toFixed(0)} ms (${met(o.p99ms <= h.p99ms)}); errors ours ${o.errors}, Hive ${h.errors}`,
      );
    }
  }
} finally {
  await recorderStop?.();
  for (const p of peers.reverse()) await p.stop();
  await cluster.stop();
  rmSync(workdir, { recursive: true, force: true });
}

/** What our gateway's caches did between two readings: hits / misses of each, and single-flight's calls (checks included). */
function cacheDelta(before: Record<string, Record<string, number> | null>, after: Record<string, Record<string, number> | null>): string {
  const d = (cache: string, field: string) => (after[cache]?.[field] ?? 0) - (before[cache]?.[field] ?? 0);
  return [
    `responses ${d('responses', 'hits')} hits / ${d('responses', 'misses')} misses`,
    `ledger state ${d('state', 'hits')} / ${d('state', 'misses')}`,
    `main-chain state ${d('subgraphState', 'hits')} / ${d('subgraphState', 'misses')}`,
    `entities ${d('entities', 'hits')} / ${d('entities', 'misses')}`,
    `single-flight ${d('singleFlight', 'calls')} calls, ${d('singleFlight', 'shared')} shared`,
  ].join('; ');
}

/** Our gateway's cache counters (GET /ready), to say where its answers came from. */
async function cacheCounts(): Promise<Record<string, Record<string, number> | null>> {
  const res = await fetch(cluster.gateway.url.replace(/\/graphql$/, '/ready'));
  return ((await res.json()) as { cache: Record<string, Record<string, number> | null> }).cache;
}
