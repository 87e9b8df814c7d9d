/**
 * The pause in settlement when the main chain's lease holder is killed: two main-chain processes,
 * transfers kyoto → osaka sent all along (a batch every 100 ms, straight to kyoto's ledger), and the
 * holder `kill -9`ed BENCH_KILLS times (default 5), started again after each. Each pause is the time
 * from the kill to the next transfer the main chain records CREDITED (the new lease holder's count,
 * asked every 25 ms); a credit the dead holder's last commands still wrote within 500 ms of the
 * kill is not counted as the next one. Prints every pause and the median.
 * BENCH_LEASE_MS sets the lease term (default: the main chain's, 2000 ms).
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { loadavg } from 'node:os';
import { MongoClient } from 'mongodb';
import { startCluster } from '../cluster/cluster.ts';
import { formatAddress, generateKeyPair, signTransfer } from '../core/index.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';

const KILLS = Number(process.env.BENCH_KILLS ?? 5);
const LEASE_MS = process.env.BENCH_LEASE_MS;
const SUBMIT_MANY = 'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { txid } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallet = (town: string) => {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress(town, keys.publicKey) };
};
const senders = Array.from({ length: 4 }, () => wallet('kyoto'));
const recipients = Array.from({ length: 4 }, () => wallet('osaka').address);
const prefix = `bench_failover_${process.pid}`;
const events: string[] = [];
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`load average at start ${loads()}`);
const cluster = await startCluster({
  municipalities: [
    { code: 'kyoto', name: 'kyoto' },
    { code: 'osaka', name: 'osaka' },
  ],
  dbPrefix: prefix,
  operatorToken: 'bench-operator', // 8 characters at least (runtime/env.ts envToken)
  mainchainReplicas: 2,
  // Hand-overs from the processes' log lines: a pause with more than one was a lease lost again under load.
  onLog: (service, line) => {
    if (!service.startsWith('mainchain')) return;
    if (line.includes('took the main-chain lease over')) events.push('took over');
    else if (line.includes('holding the main-chain lease')) events.push('holding');
    else if (line.includes('lost the main-chain lease')) events.push('lost');
  },
  mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '200', AIKI_SETTLE_INTERVAL_MS: '50', ...(LEASE_MS ? { AIKI_LEASE_MS: LEASE_MS } : {}) },
  ledgerEnv: (spec) => ({
    AIKI_BLOCK_INTERVAL_MS: '50',
    AIKI_ANCHOR_INTERVAL_MS: '50',
    AIKI_GENESIS: JSON.stringify(spec.code === 'kyoto' ? senders.map((s) => ({ address: s.address, amount: '1000000000' })) : []),
  }),
});
const mongo = new MongoClient(cluster.db.uri);
const settlements = mongo.db(`${prefix}_mainchain`).collection<{ _id: string; status: string }>('settlements');
const credited = () => settlements.countDocuments({ status: 'CREDITED' });
/**
 * Settlements CREDITED, as the lease holder counts them in memory (from the database when it took the
 * lease, then one more per step it writes); undefined while no process holds the lease. Polled every
 * 25 ms instead of counting in the database, a filter FerretDB answers by reading every settlement
 * (docs/DATABASE.md): the polling itself slowed the main chain more as settlements accumulated.
 */
const heldCredited = async (): Promise<number | undefined> => {
  const holder = await cluster.mainchainHolder();
  if (!holder) return undefined;
  const reply = await postGraphQL<{ settlementCounts: Array<{ status: string; count: number }> }>(holder.url, '{ settlementCounts { status count } }', {
    secret: subgraphSecret(),
  }).catch(() => undefined);
  return reply?.data?.settlementCounts.find((c) => c.status === 'CREDITED')?.count;
};

let sending = true;
const nonces = senders.map(() => 0);
const traffic = (async () => {
  while (sending) {
    await Promise.all(
      senders.map(async (s, i) => {
        const ts = Array.from({ length: 2 }, (_, k) =>
          signTransfer(
            {
              v: 1,
              type: 'transfer',
              from: s.address,
              to: recipients[(i + k) % recipients.length]!,
              amount: '1',
              nonce: ++nonces[i]!,
              memo: '',
              time: new Date().toISOString(),
            },
            s.secretKey,
          ),
        );
        const reply = await postGraphQL(cluster.ledgers.get('kyoto')!.url, SUBMIT_MANY, { variables: { m: 'kyoto', ts }, secret: subgraphSecret() }).catch(
          () => undefined,
        );
        if (!reply?.data) nonces[i]! -= ts.length; // not acknowledged: the same nonces again
      }),
    );
    await sleep(100);
  }
})();

try {
  const pauses: number[] = [];
  await sleep(5000);
  for (let k = 0; k < KILLS; k++) {
    let holder;
    while (!(holder = await cluster.mainchainHolder())) await sleep(100);
    const index = cluster.mainchains.indexOf(holder);
    const before = await heldCredited();
    while ((await heldCredited()) === before) await sleep(25); // traffic is crediting
    events.length = 0;
    const killedAt = performance.now();
    await holder.kill(); // kill -9
    await sleep(500);
    const settled = await credited(); // with whatever the dead holder's last commands wrote
    let next: number;
    for (;;) {
      if (((await heldCredited()) ?? 0) > settled) {
        next = performance.now();
        break;
      }
      await sleep(25);
    }
    pauses.push(next - killedAt);
    console.log(
      `  kill ${k + 1}: next transfer credited ${((next - killedAt) / 1000).toFixed(2)} s after the kill (load average ${loads()}; lease since the kill: ${events.join(', ') || 'nothing logged'})`,
    );
    await cluster.restartMainchain(index);
    await sleep(3000);
  }
  const sorted = [...pauses].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  console.log(
    `Settlement pause when the main chain's lease holder is killed (lease term ${LEASE_MS ?? 2000} ms), ${KILLS} kills: median ${(median / 1000).toFixed(2)} s, min ${(sorted[0]! / 1000).toFixed(2)} s, max ${(sorted.at(-1)! / 1000).toFixed(2)} s`,
  );
} finally {
  sending = false;
  await traffic;
  await mongo.close();
  await cluster.stop();
}
