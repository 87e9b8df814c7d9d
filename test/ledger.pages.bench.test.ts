/**
 * How long a page of `Chain.blocks` and of `Account.transactions` takes, on the test database
 * (FerretDB unless MONGODB_URI or mongod is there), with the ledger reading as it does on
 * FerretDB. Not a check, a measurement: skipped unless AIKI_BENCH_PAGES is set.
 *
 *   AIKI_BENCH_PAGES=1 npx vitest run test/ledger.pages.bench.test.ts
 *
 * Figures in docs/LEDGER.md ("Reading pages").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLedgerSubgraph, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { blockKey, type BlockDoc, type EntryBody, type StoredTx } from '../subgraphs/ledger/models.ts';
import { createLogger } from '../runtime/log.ts';
import { bytesToHex, sha256, utf8 } from '../core/index.ts';
import { dropDatabases, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { wallet } from './support/ledger.ts';

const enabled = Boolean(process.env.AIKI_BENCH_PAGES);
const BLOCKS = Number(process.env.AIKI_BENCH_BLOCKS ?? 120);
const PER_BLOCK = 12; // transfers per block, among ACCOUNTS accounts: about 1,000 history documents per 100 blocks
const ACCOUNTS = 40;
const ROUNDS = 40;

const log = createLogger('bench', 'error');
let ledger: RunningLedger;
let prefix: string;
const target = wallet('kyoto'); // in every block
const accounts = Array.from({ length: ACCOUNTS }, () => wallet('kyoto'));

beforeAll(async () => {
  if (!enabled) return;
  prefix = uniquePrefix('pagesbench');
  ledger = await startLedgerSubgraph(
    { municipality: 'kyoto', port: 0, mongoUri: mongoUri(), dbName: `${prefix}_kyoto`, sequencerKey: sha256(utf8('pages bench')), sequence: false, lookups: 'per-key' },
    log,
  );
  const { store } = ledger;
  const genesis = (await store.blocks.findOne({ _id: blockKey(0) }))!;
  const nonces = new Map<string, number>();
  for (let height = 1; height <= BLOCKS; height++) {
    const bodies: EntryBody[] = [];
    for (let i = 0; i < PER_BLOCK; i++) {
      const from = i === 0 ? target.address : accounts[(height * 7 + i * 3) % ACCOUNTS]!.address;
      const to = accounts[(height * 5 + i * 11 + 1) % ACCOUNTS]!.address;
      if (from === to) continue;
      const nonce = (nonces.get(from) ?? 0) + 1;
      nonces.set(from, nonce);
      bodies.push({ v: 1, type: 'transfer', from, to, amount: '1', nonce, memo: '', time: '2026-01-01T00:00:00.000Z' });
    }
    const txs: StoredTx[] = bodies.map((body, i) => ({ id: bytesToHex(sha256(utf8(`${height}/${i}`))), body, signature: '00'.repeat(64), poh: {} as StoredTx['poh'] }));
    const block: BlockDoc = { _id: blockKey(height), height, header: { ...genesis.header, height, txCount: txs.length }, hash: bytesToHex(sha256(utf8(`b${height}`))), signature: '00'.repeat(64), txs };
    await store.commit(block);
    await store.catchUp();
  }
}, 600_000);

afterAll(async () => {
  if (!enabled) return;
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

const HISTORY = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Account {
  transactions(first: 20, after: $after) { edges { cursor node { id amount } } pageInfo { hasNextPage endCursor } } } } }`;
const CHAIN = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Municipality {
  chain { blocks(first: 20, after: $after) { edges { cursor node { height hash txCount } } pageInfo { hasNextPage endCursor } } } } } }`;

/** The median time of one request, over ROUNDS requests one after the other (after 5 unmeasured). */
async function median(query: string, variables: Record<string, unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 5; i++) {
    const start = performance.now();
    const r = await gql(ledger.url, query, variables);
    if (i >= 5) times.push(performance.now() - start);
    expect(r.errors).toBeUndefined();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

it.skipIf(!enabled)('a page of 20 blocks and of 20 history entries', async () => {
  const history = await ledger.store.history.countDocuments();
  const account = [{ __typename: 'Account', id: target.address }];
  const chain = [{ __typename: 'Municipality', code: 'kyoto' }];
  const middle = `${target.address}|${blockKey(Math.floor(BLOCKS / 2))}|0`;
  const rows = {
    'Account.transactions(first: 20)': await median(HISTORY, { r: account }),
    'Account.transactions(first: 20, after: <middle>)': await median(HISTORY, { r: account, after: middle }),
    'Chain.blocks(first: 20)': await median(CHAIN, { r: chain }),
    'Chain.blocks(first: 20, after: <middle>)': await median(CHAIN, { r: chain, after: String(Math.floor(BLOCKS / 2)) }),
  };
  console.log(`${BLOCKS} blocks, ${history} history documents; median ms per request over ${ROUNDS}:`);
  for (const [read, ms] of Object.entries(rows)) console.log(`  ${read.padEnd(50)} ${ms.toFixed(1)} ms`);
}, 600_000);
