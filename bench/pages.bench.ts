/**
 * A page of `Account.transactions` and of `Chain.blocks`, on FerretDB with the ledger reading as
 * it does there (docs/LEDGER.md, "Reading pages"), side by side with the read it replaced:
 *
 * - the history page by `_id` (`recent`/`prev` lists) vs the same ledger's range read, which it
 *   still uses for history written before those lists: a second database with the same blocks,
 *   the lists removed;
 * - the block page by height vs the range read the ledger made before (`find({_id: {$lt}})
 *   .sort({_id: -1})`), the database read alone — less than the whole request it was part of.
 *
 *   npm run bench -- pages        (BENCH_BLOCKS=120, BENCH_ROUNDS=40)
 *
 * Median of BENCH_ROUNDS requests one after the other, after 5 unmeasured.
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { loadavg } from 'node:os';
import { startDatabase } from '../db/launcher.ts';
import { oneBatch } from '../db/mongo.ts';
import { bytesToHex, formatAddress, generateKeyPair, sha256, utf8 } from '../core/index.ts';
import { startLedgerSubgraph, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { blockKey, type BlockDoc, type EntryBody, type StoredTx } from '../subgraphs/ledger/models.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { createLogger } from '../runtime/log.ts';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 120);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PER_BLOCK = 12; // transfers per block among ACCOUNTS accounts
const ACCOUNTS = 40;

const log = createLogger('bench', 'error');
const address = () => formatAddress('kyoto', generateKeyPair().publicKey);
const target = address(); // sends in every block
const accounts = Array.from({ length: ACCOUNTS }, address);

async function ledgerWithBlocks(uri: string, dbName: string): Promise<RunningLedger> {
  const ledger = await startLedgerSubgraph(
    { municipality: 'kyoto', port: 0, mongoUri: uri, dbName, sequencerKey: sha256(utf8('pages bench')), sequence: false, lookups: 'per-key' },
    log,
  );
  const { store } = ledger;
  const genesis = (await store.blocks.findOne({ _id: blockKey(0) }))!;
  const nonces = new Map<string, number>();
  for (let height = 1; height <= BLOCKS; height++) {
    const bodies: EntryBody[] = [];
    for (let i = 0; i < PER_BLOCK; i++) {
      const from = i === 0 ? target : accounts[(height * 7 + i * 3) % ACCOUNTS]!;
      const to = accounts[(height * 5 + i * 11 + 1) % ACCOUNTS]!;
      if (from === to) continue;
      const nonce = (nonces.get(from) ?? 0) + 1;
      nonces.set(from, nonce);
      bodies.push({ v: 1, type: 'transfer', from, to, amount: '1', nonce, memo: '', time: '2026-01-01T00:00:00.000Z' });
    }
    // Not signed or sealed: only the reads are measured, and they check neither.
    const txs: StoredTx[] = bodies.map((body, i) => ({
      id: bytesToHex(sha256(utf8(`${height}/${i}`))),
      body,
      signature: '00'.repeat(64),
      poh: {} as StoredTx['poh'],
    }));
    const block: BlockDoc = {
      _id: blockKey(height),
      height,
      header: { ...genesis.header, height, txCount: txs.length },
      hash: bytesToHex(sha256(utf8(`b${height}`))),
      signature: '00'.repeat(64),
      txs,
    };
    await store.commit(block);
    await store.catchUp();
  }
  return ledger;
}

/** The median time of `f`, over ROUNDS calls one after the other (after 5 unmeasured). */
async function median(f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 5; i++) {
    const start = performance.now();
    await f();
    if (i >= 5) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const HISTORY = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Account {
  transactions(first: 20, after: $after) { edges { cursor node { id amount } } pageInfo { hasNextPage endCursor } } } } }`;
const CHAIN = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Municipality {
  chain { blocks(first: 20, after: $after) { edges { cursor node { height hash txCount } } pageInfo { hasNextPage endCursor } } } } } }`;

const db = await startDatabase({ forceFerretDB: true });
const prefix = `bench_pages_${process.pid}`;
const ledgers: RunningLedger[] = [];
try {
  const ours = await ledgerWithBlocks(db.uri, `${prefix}_ours`);
  ledgers.push(ours);
  const peer = await ledgerWithBlocks(db.uri, `${prefix}_range`);
  ledgers.push(peer);
  // The peer's history as written before the lists: read by the range.
  await peer.store.accounts.updateMany({}, { $unset: { recent: '' } });
  await peer.store.history.updateMany({}, { $unset: { prev: '' } });

  const ask = (ledger: RunningLedger, query: string, variables: Record<string, unknown>) => async () => {
    const reply = await postGraphQL(ledger.url, query, { variables, secret: subgraphSecret() });
    if (reply.errors?.length) throw new Error(JSON.stringify(reply.errors));
  };
  const account = [{ __typename: 'Account', id: target }];
  const chain = [{ __typename: 'Municipality', code: 'kyoto' }];
  const middle = Math.floor(BLOCKS / 2);
  const rangeRead = (before?: number) => () =>
    ours.store.blocks
      .find(before === undefined ? {} : { _id: { $lt: blockKey(before) } }, oneBatch(21))
      .sort({ _id: -1 })
      .toArray();

  console.log(
    `${BLOCKS} blocks, ${await ours.store.history.countDocuments()} history documents, FerretDB; median ms per request over ${ROUNDS} (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  const rows: Array<[string, () => Promise<unknown>, string, () => Promise<unknown>]> = [
    ['Account.transactions(first: 20)', ask(ours, HISTORY, { r: account }), 'the range read', ask(peer, HISTORY, { r: account })],
    [
      'Account.transactions(first: 20, after: <middle>)',
      ask(ours, HISTORY, { r: account, after: `${target}|${blockKey(middle)}|0` }),
      'the range read',
      ask(peer, HISTORY, { r: account, after: `${target}|${blockKey(middle)}|0` }),
    ],
    ['Chain.blocks(first: 20)', ask(ours, CHAIN, { r: chain }), 'the range read alone', rangeRead()],
    ['Chain.blocks(first: 20, after: <middle>)', ask(ours, CHAIN, { r: chain, after: String(middle) }), 'the range read alone', rangeRead(middle)],
  ];
  for (const [name, f, peerName, p] of rows) {
    const [a, b] = [await median(f), await median(p)];
    console.log(`  ${name.padEnd(50)} ours ${a.toFixed(1).padStart(6)} ms   ${peerName} ${b.toFixed(1).padStart(6)} ms   ${(b / a).toFixed(1)}x`);
  }
} finally {
  for (const l of ledgers) await l.close();
  await db.stop();
}
