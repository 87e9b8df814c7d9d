/**
 * The ledger's speed, in one run, side by side:
 *  1. signed transfers per second accepted and sealed end to end into one municipality, through
 *     the gateway and (the upper limit) straight to the ledger subgraph, with p50 and p99
 *     latency from submission to the block that confirms it;
 *  2. Ed25519 signature checks per second, node:crypto (OpenSSL) and @noble/curves;
 *  3. the Proof of History tick rate next to this machine's bare sequential SHA-256 rate.
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { signRequest } from '../runtime/signing.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { createHash, hash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { PohRecorder, generateKeyPair, sign, utf8, verify, verifyFast, formatAddress, signTransfer, type SignedTransaction } from '../core/index.ts';
import { startCluster } from '../cluster/cluster.ts';
import { blockKey } from '../subgraphs/ledger/models.ts';
import { cpuPerItem } from './support/cpu.ts';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 32);
const PER_SENDER = Number(process.env.BENCH_PER_SENDER ?? 30);
const SUBMIT = 'mutation($m: String!, $t: SignedTransactionInput!) { submitTransaction(municipality: $m, transaction: $t) { txid } }';
const SUBMIT_MANY = 'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { txid } }';
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

function rate(name: string, seconds: number, body: () => void): number {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) body();
    n += 100;
  }
  return n / seconds;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

// --- 2 and 3: pure rates first, on an idle machine -------------------------------------------
{
  const { secretKey, publicKey } = generateKeyPair();
  const msg = utf8('aiki/tx/v1\n{"amount":"1","from":"…"}');
  const sig = sign(msg, secretKey);
  const viaNode = rate('node', 2, () => verifyFast(sig, msg, publicKey));
  const viaNoble = rate('noble', 2, () => verify(sig, msg, publicKey));
  console.log('Ed25519 verify, 1 core');
  console.log(`  node:crypto (OpenSSL)       ${fmt(viaNode)} /s`);
  console.log(`  @noble/curves               ${fmt(viaNoble)} /s`);

  let h: Uint8Array = new Uint8Array(32);
  const bareNode = rate('sha node', 2, () => {
    h = createHash('sha256').update(h).digest();
  });
  const bareNoble = rate('sha noble', 2, () => {
    h = nobleSha256(h);
  });
  const bareOneShot = rate('sha one-shot', 2, () => {
    h = hash('sha256', h, 'buffer');
  });
  const fastest = Math.max(bareNode, bareNoble, bareOneShot);
  const poh = new PohRecorder(new Uint8Array(32));
  const t0 = performance.now();
  const ticks = 2_000_000;
  poh.tickN(ticks);
  const pohRate = ticks / ((performance.now() - t0) / 1000);
  console.log('Sequential SHA-256 of 32 bytes, 1 core');
  console.log(`  bare, node:crypto createHash ${fmt(bareNode)} /s`);
  console.log(`  bare, node:crypto hash()    ${fmt(bareOneShot)} /s`);
  console.log(`  bare, @noble/hashes         ${fmt(bareNoble)} /s`);
  console.log(`  PoH tickN (ours)            ${fmt(pohRate)} /s   (${(pohRate / fastest).toFixed(2)} of the fastest bare rate)`);
}

// --- 1: transfers end to end -------------------------------------------------------------------
const senders = Array.from({ length: SENDERS }, () => {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress('kyoto', keys.publicKey) };
});
const recipient = formatAddress('kyoto', generateKeyPair().publicKey);
const cluster = await startCluster({
  municipalities: [{ code: 'kyoto', name: 'Kyoto' }],
  dbPrefix: `bench_${process.pid}`,
  operatorToken: 'bench-token',
  ledgerEnv: () => ({
    AIKI_GENESIS: JSON.stringify(senders.map((s) => ({ address: s.address, amount: '1000000000' }))),
    AIKI_BLOCK_INTERVAL_MS: '50',
    AIKI_MAX_TX_PER_BLOCK: '2000',
  }),
});

async function endToEnd(label: string, url: string, firstNonce: number, batch = 1, scale = 1) {
  // Sign everything up front: the figure is the federation's, not the client's signing.
  const txs: SignedTransaction[][] = senders.map((s) =>
    Array.from({ length: PER_SENDER * scale }, (_, i) =>
      signTransfer(
        { v: 1, type: 'transfer', from: s.address, to: recipient, amount: '1', nonce: firstNonce + i, memo: '', time: new Date().toISOString() },
        s.secretKey,
      ),
    ),
  );
  const mongo = new MongoClient(cluster.db.uri);
  const blocks = mongo.db(`${cluster.dbPrefix}_ledger_kyoto`).collection<{ _id: string; height: number; txs: Array<{ id: string }> }>('blocks');
  // Blocks are watched by `_id` equality, one height after the other: the only lookup FerretDB's
  // SQLite backend pushes down (a range would read every block, slowing the ledger measured).
  let next = (await blocks.find().sort({ _id: -1 }).limit(1).next())!.height + 1;
  const submittedAt = new Map<string, number>();
  const confirmedAt = new Map<string, number>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const b = await blocks.findOne({ _id: blockKey(next) }, { projection: { 'txs.id': 1 } });
      if (!b) {
        await new Promise((r) => setTimeout(r, 20)); // a finer poll would load the database measured
        continue;
      }
      const now = performance.now();
      for (const t of b.txs) confirmedAt.set(t.id, now);
      next++;
    }
  })();
  const cpu = cpuPerItem({ database: cluster.db.process?.pid, gateway: cluster.gateway.child.pid, ledger: cluster.ledgers.get('kyoto')!.child.pid });
  const start = performance.now();
  await Promise.all(
    txs.map(async (mine) => {
      for (let i = 0; i < mine.length; i += batch) {
        const chunk = mine.slice(i, i + batch);
        const before = performance.now();
        const body = batch === 1 ? { query: SUBMIT, variables: { m: 'kyoto', t: chunk[0] } } : { query: SUBMIT_MANY, variables: { m: 'kyoto', ts: chunk } };
        const payload = JSON.stringify(body);
        const secret = subgraphSecret(); // the direct ledger calls are a federation member's
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, payload) : {}) },
          body: payload,
        });
        const reply = (await res.json()) as {
          data?: { submitTransaction?: { txid: string }; submitTransactions?: Array<{ txid: string } | null> };
          errors?: unknown;
        };
        const ids = batch === 1 ? [reply.data?.submitTransaction?.txid] : (reply.data?.submitTransactions ?? []).map((t) => t?.txid);
        if (ids.length !== chunk.length || ids.some((id) => !id)) throw new Error(`${label}: ${JSON.stringify(reply.errors)}`);
        for (const id of ids) submittedAt.set(id!, before);
      }
    }),
  );
  const acceptedIn = (performance.now() - start) / 1000;
  const total = SENDERS * PER_SENDER * scale;
  const deadline = Date.now() + 60_000;
  while (confirmedAt.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  watching = false;
  await watcher;
  await mongo.close();
  const end = Math.max(...confirmedAt.values());
  const latencies = [...submittedAt].map(([id, t]) => (confirmedAt.get(id) ?? NaN) - t).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  const tps = confirmedAt.size / ((end - start) / 1000);
  console.log(
    `  ${label.padEnd(26)}  ${fmt(tps)} transfers/s   p50 ${pct(0.5).toFixed(0).padStart(5)} ms   p99 ${pct(0.99).toFixed(0).padStart(5)} ms   confirmed ${confirmedAt.size}/${total}   (all accepted in ${acceptedIn.toFixed(1)} s: ${fmt(total / acceptedIn).trim()} /s)`,
  );
  console.log(`    ${cpu(total, 'transfer')}`);
}

/** The storage ceiling: how many findOne-by-_id the database answers at the same concurrency. */
async function databaseRate(): Promise<number> {
  const mongo = new MongoClient(cluster.db.uri);
  try {
    const coll = mongo.db(`bench_${process.pid}_probe`).collection<{ _id: string; pad: string }>('probe');
    await coll.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: `k${i}`, pad: 'x'.repeat(300) })));
    let n = 0;
    const end = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (performance.now() < end) await coll.findOne({ _id: `k${n++ % 1000}` });
      }),
    );
    await mongo.db(`bench_${process.pid}_probe`).dropDatabase();
    return n / 3;
  } finally {
    await mongo.close();
  }
}

try {
  console.log(
    `Database alone: findOne by _id, ${SENDERS} concurrent clients    ${fmt(await databaseRate())} /s   (an admission makes 3 reads and shares 1 insert)`,
  );
  console.log(`Transfers end to end, ${SENDERS} concurrent clients x ${PER_SENDER} signed transfers, ${cluster.db.kind} database`);
  await endToEnd('through the gateway (ours)', cluster.gateway.url, 1);
  await endToEnd('direct to the ledger', cluster.ledgers.get('kyoto')!.url, PER_SENDER + 1);
  console.log(`Transfers end to end in batches of ${BATCH} per request (submitTransactions), ${SENDERS} clients x ${PER_SENDER * 4}`);
  await endToEnd('through the gateway (ours)', cluster.gateway.url, 2 * PER_SENDER + 1, BATCH, 4);
  await endToEnd('direct to the ledger', cluster.ledgers.get('kyoto')!.url, 6 * PER_SENDER + 1, BATCH, 4);
} finally {
  await cluster.stop();
}
