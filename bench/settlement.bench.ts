/**
 * The main chain's speed, in one run, side by side:
 *  1. transfers between municipalities per second, kyoto → osaka, from submission (through the
 *     gateway, in batches) until every one is CREDITED at the destination, next to the same
 *     number of transfers within kyoto, sealed end to end (the ledger alone);
 *  2. the latency of a 3-hop trace (kyoto → osaka → nara → kyoto) with every proof, through the
 *     gateway (p50, p99) — as it runs, and one with nothing cached (AIKI_ENTITY_CACHE=0,
 *     AIKI_STATE_CACHE=0, AIKI_SINGLE_FLIGHT=0) — next to the same trace without the ledgers'
 *     proofs, straight from the main chain (what the main chain alone costs).
 * BENCH_MAINCHAIN_REPLICAS=2 runs two main-chain processes (one holds the lease and settles).
 * Prints the load average at the start and the end, and how often a main-chain process took up or
 * lost the lease (its log lines): a hand-over pauses settlement for seconds. For both transfer runs,
 * the CPU time each process spent per transfer (support/cpu.ts) and what that allows on this
 * machine's cores: the throughput no scheduling could beat at that cost.
 */
import { loadavg } from 'node:os';
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { startCluster } from '../cluster/cluster.ts';
import { spawnService } from '../cluster/services.ts';
import { formatAddress, generateKeyPair, signTransfer, TRACE_QUERY, type SignedTransaction } from '../core/index.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { cpuPerItem } from './support/cpu.ts';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 16);
const PER_SENDER = Number(process.env.BENCH_PER_SENDER ?? 60);
const BATCH = 20;
const TRACES = Number(process.env.BENCH_TRACES ?? 100);
const TOWNS = ['kyoto', 'osaka', 'nara'];
const SUBMIT_MANY = 'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { txid } }';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const wallet = (town: string) => {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress(town, keys.publicKey) };
};
const senders = Array.from({ length: SENDERS }, () => wallet('kyoto'));
const hops = TOWNS.map(wallet); // the 3-hop trace: kyoto → osaka → nara → kyoto
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`load average at start ${loads()}`);
/** Main-chain lease events, counted from the processes' log lines. */
const lease = { holding: 0, lost: 0, takeovers: 0 };
const cluster = await startCluster({
  municipalities: TOWNS.map((code) => ({ code, name: code })),
  dbPrefix: `bench_settle_${process.pid}`,
  onLog: (service, line) => {
    if (!service.startsWith('mainchain')) return;
    if (line.includes('holding the main-chain lease')) lease.holding++;
    if (line.includes('lost the main-chain lease')) lease.lost++;
    if (line.includes('took the main-chain lease over')) lease.takeovers++;
  },
  operatorToken: 'bench-operator', // 8 characters at least (runtime/env.ts envToken)
  mainchainReplicas: Number(process.env.BENCH_MAINCHAIN_REPLICAS ?? 1),
  mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '200', AIKI_SETTLE_INTERVAL_MS: '50' },
  ledgerEnv: (spec) => ({
    AIKI_BLOCK_INTERVAL_MS: '50',
    AIKI_MAX_TX_PER_BLOCK: '2000',
    AIKI_ANCHOR_INTERVAL_MS: '50',
    AIKI_GENESIS: JSON.stringify(spec.code === 'kyoto' ? [...senders, hops[0]!].map((s) => ({ address: s.address, amount: '1000000000' })) : []),
  }),
});
const gateway = cluster.gateway.url;
/** The processes of the federation, by name, for their CPU time (the database's when this benchmark started it). */
const pids = (): Record<string, number | undefined> => ({
  database: cluster.db.process?.pid,
  gateway: cluster.gateway.child.pid,
  ...Object.fromEntries(cluster.mainchains.map((m, i) => [cluster.mainchains.length > 1 ? `mainchain ${i}` : 'mainchain', m.child.pid])),
  ...Object.fromEntries(TOWNS.map((t) => [t, cluster.ledgers.get(t)!.child.pid])),
});

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const reply = await postGraphQL<T>(url, query, { variables, secret: subgraphSecret() });
  if (reply.errors?.length) throw new Error(JSON.stringify(reply.errors));
  return reply.data!;
}

// The lease holder keeps the counts in memory (another process would read every settlement).
let holderUrl: string | undefined;
const credited = async () => {
  holderUrl ??= (await cluster.mainchainHolder())?.url;
  return (
    await gql<{ settlementCounts: Array<{ status: string; count: number }> }>(holderUrl ?? cluster.mainchain.url, '{ settlementCounts { status count } }')
  ).settlementCounts;
};

/** Submits every sender's transfers to `to(i)` in batches; resolves when `done()` holds. Returns transfers per second. */
async function run(label: string, firstNonce: number, to: () => string, done: (n: number) => Promise<boolean>): Promise<number> {
  const txs: SignedTransaction[][] = senders.map((s) =>
    Array.from({ length: PER_SENDER }, (_, i) =>
      signTransfer(
        { v: 1, type: 'transfer', from: s.address, to: to(), amount: '1', nonce: firstNonce + i, memo: '', time: new Date().toISOString() },
        s.secretKey,
      ),
    ),
  );
  const total = SENDERS * PER_SENDER;
  const cpu = cpuPerItem(pids());
  const start = performance.now();
  await Promise.all(
    txs.map(async (mine) => {
      for (let i = 0; i < mine.length; i += BATCH) await gql(gateway, SUBMIT_MANY, { m: 'kyoto', ts: mine.slice(i, i + BATCH) });
    }),
  );
  const accepted = (performance.now() - start) / 1000;
  // Polled every 250 ms (the main chain keeps its counts in memory).
  while (!(await done(total))) await new Promise((r) => setTimeout(r, 250));
  const seconds = (performance.now() - start) / 1000;
  console.log(`  ${label.padEnd(44)} ${fmt(total / seconds)} transfers/s   (${total} in ${seconds.toFixed(1)} s; all accepted in ${accepted.toFixed(1)} s)`);
  console.log(`    ${cpu(total, 'transfer')}`);
  return total / seconds;
}

try {
  console.log(`Transfers end to end, ${SENDERS} clients x ${PER_SENDER} in batches of ${BATCH}, through the gateway`);
  const osaka = Array.from({ length: 8 }, () => wallet('osaka').address);
  const local = Array.from({ length: 8 }, () => wallet('kyoto').address);
  let pick = 0;
  const baseline = (await credited()).find((c) => c.status === 'CREDITED')!.count;
  await run(
    'kyoto → osaka, until credited at osaka (ours)',
    1,
    () => osaka[pick++ % osaka.length]!,
    async (n) => (await credited()).find((c) => c.status === 'CREDITED')!.count - baseline >= n,
  );
  // The peer: the same transfers within kyoto, until sealed (watched by the sender's nonce).
  await run(
    'kyoto → kyoto, until sealed (the ledger alone)',
    PER_SENDER + 1,
    () => local[pick++ % local.length]!,
    async () => {
      const { account } = await gql<{ account: { nonce: number } }>(gateway, 'query($a: String!) { account(address: $a) { nonce } }', {
        a: senders.at(-1)!.address,
      });
      return account.nonce >= 2 * PER_SENDER;
    },
  );

  // A 3-hop trace: each hop settled before the next is sent.
  let id = '';
  for (let i = 0; i < 3; i++) {
    const from = hops[i]!;
    const to = hops[(i + 1) % 3]!;
    const nonce = 1; // each wallet sends once
    const tx = signTransfer(
      { v: 1, type: 'transfer', from: from.address, to: to.address, amount: String(1000 - i), nonce, memo: '', time: new Date().toISOString() },
      from.secretKey,
    );
    const town = TOWNS[i]!;
    const { submitTransactions } = await gql<{ submitTransactions: Array<{ txid: string }> }>(gateway, SUBMIT_MANY, { m: town, ts: [tx] });
    const hopId = `${town}:${submitTransactions[0]!.txid}`;
    if (i === 0) id = hopId;
    for (;;) {
      const { settlement } = await gql<{ settlement: { status: string } | null }>(gateway, 'query($id: String!) { settlement(id: $id) { status } }', {
        id: hopId,
      });
      if (settlement?.status === 'CREDITED') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // Wait until the last hop's entry is anchored and sealed, so that every trace is complete.
  for (;;) {
    const data = await gql<{ trace: { hops: Array<{ entryAnchor: { inclusion: unknown } | null }> } }>(gateway, TRACE_QUERY, { id, depth: 3 });
    if (data.trace.hops.length === 3 && data.trace.hops.every((h) => h.entryAnchor?.inclusion)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const MAIN_ONLY = `query($id: String!) { trace(transactionId: $id, depth: 3) { hops { depth settlement { id status steps { status eventId inclusion { index path mainBlock { height hash header signature } } } }
    transferAnchor { hash header signature inclusion { index path mainBlock { hash header signature } } } entryAnchor { hash header inclusion { index path } } } } }`;
  const time = async (url: string, query: string) => {
    const latencies: number[] = [];
    for (let i = 0; i < TRACES; i++) {
      const t0 = performance.now();
      await gql(url, query, { id, depth: 3 });
      latencies.push(performance.now() - t0);
    }
    return latencies.sort((a, b) => a - b);
  };
  const full = await time(gateway, TRACE_QUERY);
  // The same gateway with nothing cached and nothing shared: every request planned and fetched.
  const uncached = await spawnService('gateway-uncached', 'gateway', {
    env: {
      AIKI_MAINCHAIN_URL: cluster.mainchain.url,
      AIKI_PORT: '0',
      AIKI_RATE_LIMIT_RPS: '0',
      AIKI_ENTITY_CACHE: '0',
      AIKI_STATE_CACHE: '0',
      AIKI_SINGLE_FLIGHT: '0',
    },
  });
  let fetched: number[];
  try {
    await gql(uncached.url, TRACE_QUERY, { id, depth: 3 }); // its supergraph loaded, its connections open
    fetched = await time(uncached.url, TRACE_QUERY);
  } finally {
    await uncached.stop();
  }
  const mainOnly = await time(cluster.mainchain.url, MAIN_ONLY);
  console.log(`3-hop trace, ${TRACES} sequential requests`);
  console.log(
    `  with every proof, through the gateway (ours)  p50 ${pct(full, 0.5).toFixed(1).padStart(6)} ms   p99 ${pct(full, 0.99).toFixed(1).padStart(6)} ms`,
  );
  console.log(
    `  the same, nothing cached at the gateway       p50 ${pct(fetched, 0.5).toFixed(1).padStart(6)} ms   p99 ${pct(fetched, 0.99).toFixed(1).padStart(6)} ms   (target p50 ≤ 50 ms)`,
  );
  console.log(
    `  main-chain part only, straight to it          p50 ${pct(mainOnly, 0.5).toFixed(1).padStart(6)} ms   p99 ${pct(mainOnly, 0.99).toFixed(1).padStart(6)} ms`,
  );
  console.log(
    `main-chain lease: taken up ${lease.holding} times (${lease.takeovers} from a holder that stopped renewing), lost ${lease.lost} times; load average at the end ${loads()}`,
  );
} finally {
  await cluster.stop();
}
