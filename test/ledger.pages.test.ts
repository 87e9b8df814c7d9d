/**
 * Pages of `Chain.blocks` and `Account.transactions` against a reference computed from the blocks
 * themselves: every `first` paged through to the end, every cursor, hasNextPage and endCursor.
 * The chain is written straight into the store (commit + catchUp, the lease holder's path) so
 * that which account is touched in which block is known: accounts with several entries in one
 * block, accounts spanning more blocks than a history document lists (RECENT_HISTORY), an
 * account whose history began before history documents listed their predecessors (written the
 * old way), one with a genesis allocation only, one never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent, Document } from 'mongodb';
import { startLedgerSubgraph, type LedgerConfig, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { blockKey, type BlockDoc, type EntryBody, type StoredTx } from '../subgraphs/ledger/models.ts';
import { touchedByEntry } from '../subgraphs/ledger/store.ts';
import { createLogger } from '../runtime/log.ts';
import { bytesToHex, sha256, utf8 } from '../core/index.ts';
import { dropDatabases, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { wallet } from './support/ledger.ts';

const log = createLogger('test', 'error');
let ledger: RunningLedger;
let prefix: string;

const treasury = wallet('kyoto');
const idle = wallet('kyoto'); // a genesis allocation, no transaction
const never = wallet('kyoto'); // no document at all
const busy = wallet('kyoto'); // in most blocks after the old-format ones, sometimes several times
const old = wallet('kyoto'); // in the old-format blocks and in the later ones
const oldOnly = wallet('kyoto'); // in the old-format blocks only
const crowd = wallet('kyoto'); // 45 entries in one block, a few elsewhere
const once = wallet('kyoto');
const others = Array.from({ length: 4 }, () => wallet('kyoto'));
const remote = wallet('osaka'); // the sender of credit entries (settlements from another ledger)
/** The accounts whose pages are checked (the treasury, in almost every block, adds nothing to busy and old but time). */
const ACCOUNTS = { idle, never, busy, old, oldOnly, crowd, once, other: others[0]! };

/** Blocks 1..OLD are written the way ledgers did before history documents listed their predecessors. */
const OLD = 12;
const HEIGHT = 95;

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nonces = new Map<string, number>();
function transferBody(from: string, to: string, amount: number): EntryBody {
  const nonce = (nonces.get(from) ?? 0) + 1;
  nonces.set(from, nonce);
  return { v: 1, type: 'transfer', from, to, amount: String(amount), nonce, memo: '', time: '2026-01-01T00:00:00.000Z' };
}
const creditBody = (to: string, amount: number, n: number): EntryBody => ({
  v: 1,
  type: 'credit',
  settlement: bytesToHex(sha256(utf8(`s${n}`))),
  from: remote.address,
  to,
  amount: String(amount),
  time: '2026-01-01T00:00:00.000Z',
});

/** Which entries block `height` holds (block 1..HEIGHT). */
function entriesOf(height: number, rnd: () => number): EntryBody[] {
  const bodies: EntryBody[] = [];
  const pick = () => others[Math.floor(rnd() * others.length)]!.address;
  if (height === 40) return bodies; // an empty block
  if (height <= OLD) {
    bodies.push(transferBody(treasury.address, old.address, height));
    if (height % 2 === 0) bodies.push(transferBody(old.address, pick(), 1), transferBody(treasury.address, oldOnly.address, 2));
    if (height % 3 === 0) bodies.push(transferBody(pick(), old.address, 1), transferBody(oldOnly.address, pick(), 1));
    if (height === 5) bodies.push(transferBody(treasury.address, crowd.address, 100));
    return bodies;
  }
  if (height % 7 !== 0) bodies.push(transferBody(treasury.address, busy.address, 1));
  if (height % 10 === 3) bodies.push(transferBody(treasury.address, busy.address, 2), transferBody(busy.address, pick(), 1));
  if (rnd() < 0.1) bodies.push(creditBody(busy.address, 3, height));
  if (height % 2 === 1) bodies.push(transferBody(old.address, pick(), 1));
  if (height % 10 === 5) bodies.push(transferBody(treasury.address, old.address, 5));
  if (height === 50)
    for (let i = 0; i < 45; i++) bodies.push(i % 3 === 0 ? transferBody(crowd.address, pick(), 1) : transferBody(treasury.address, crowd.address, 1));
  if (height === 51 || height === 80) bodies.push(transferBody(treasury.address, crowd.address, 1));
  if (height === 60) bodies.push(transferBody(treasury.address, once.address, 9));
  bodies.push(transferBody(pick(), treasury.address, 1));
  return bodies.filter((b) => b.from !== b.to);
}

function makeBlock(genesis: BlockDoc, height: number, bodies: EntryBody[]): BlockDoc {
  const txs: StoredTx[] = bodies.map((body, i) => ({
    id: bytesToHex(sha256(utf8(`${height}/${i}`))),
    body,
    signature: '00'.repeat(64),
    poh: { hash: '00'.repeat(32), count: 1 } as unknown as StoredTx['poh'],
  }));
  const hash = bytesToHex(sha256(utf8(`block ${height}`)));
  return { _id: blockKey(height), height, header: { ...genesis.header, height, txCount: txs.length }, hash, signature: '00'.repeat(64), txs };
}

const blocks: BlockDoc[] = [];

const config = (): LedgerConfig => ({
  municipality: 'kyoto',
  port: 0,
  mongoUri: mongoUri(),
  dbName: `${prefix}_kyoto`,
  sequencerKey: sha256(utf8('pages test')),
  genesis: {
    allocations: [
      { address: treasury.address, amount: '1000000000' },
      { address: idle.address, amount: '5' },
    ],
    time: '2026-01-01T00:00:00.000Z',
  },
  sequence: false, // this test writes the blocks
});

beforeAll(async () => {
  prefix = uniquePrefix('pages');
  ledger = await startLedgerSubgraph(
    { ...config(), monitorCommands: true, lookups: 'per-key' /* what the ledger does on FerretDB (db/mongo.ts), whatever the test database */ },
    log,
  );
  const { store } = ledger;
  const genesis = (await store.blocks.findOne({ _id: blockKey(0) }))!;
  blocks.push(genesis);
  const rnd = random(7);
  for (let height = 1; height <= HEIGHT; height++) {
    const block = makeBlock(genesis, height, entriesOf(height, rnd));
    blocks.push(block);
    expect(await store.commit(block)).toBe(true);
    await store.catchUp();
    if (height === OLD) {
      // What a ledger wrote before history documents listed their predecessors.
      await store.history.updateMany({}, { $unset: { prev: '' } });
      await store.accounts.updateMany({}, { $unset: { recent: '' } });
    }
  }
}, 300_000);

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

// --- the reference -------------------------------------------------------------------------

interface Edge {
  cursor: string;
  node: { txid: string; height: number };
}
interface Page {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every entry of `address`, newest first, with its cursor: straight from the blocks. */
function historyOf(address: string): Edge[] {
  const edges: Edge[] = [];
  for (const block of blocks) {
    block.txs.forEach((tx, index) => {
      if (touchedByEntry(tx.body, 'kyoto').includes(address))
        edges.push({ cursor: `${address}|${blockKey(block.height)}|${index}`, node: { txid: tx.id, height: block.height } });
    });
  }
  return edges.reverse();
}

function slice<T extends { cursor: string }>(all: T[], first: number, after: string | null): { edges: T[]; pageInfo: Page['pageInfo'] } {
  const start = after === null ? 0 : all.findIndex((e) => e.cursor === after) + 1;
  expect(start, `cursor ${after} is in the reference`).toBeGreaterThanOrEqual(0);
  const edges = all.slice(start, start + first);
  return { edges, pageInfo: { hasNextPage: start + first < all.length, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null } };
}

const HISTORY = `query($r: [_Any!]!, $n: Int!, $after: String) { _entities(representations: $r) { ... on Account {
  transactions(first: $n, after: $after) { edges { cursor node { txid height } } pageInfo { hasNextPage endCursor } }
} } }`;

async function historyPage(address: string, first: number, after: string | null, url = ledger.url): Promise<Page> {
  const r = await gql(url, HISTORY, { r: [{ __typename: 'Account', id: address }], n: first, after });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!._entities as Array<{ transactions: Page }>)[0]!.transactions;
}

const BLOCKS = `query($r: [_Any!]!, $n: Int!, $after: String) { _entities(representations: $r) { ... on Municipality {
  chain { blocks(first: $n, after: $after) { edges { cursor node { height hash txCount } } pageInfo { hasNextPage endCursor } } }
} } }`;

interface BlockEdge {
  cursor: string;
  node: { height: number; hash: string; txCount: number };
}

async function blockPage(first: number, after: string | null, url = ledger.url): Promise<{ edges: BlockEdge[]; pageInfo: Page['pageInfo'] }> {
  const r = await gql(url, BLOCKS, { r: [{ __typename: 'Municipality', code: 'kyoto' }], n: first, after });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!._entities as Array<{ chain: { blocks: { edges: BlockEdge[]; pageInfo: Page['pageInfo'] } } }>)[0]!.chain.blocks;
}

const blockEdges = (): BlockEdge[] =>
  [...blocks].reverse().map((b) => ({ cursor: String(b.height), node: { height: b.height, hash: b.hash, txCount: b.header.txCount } }));

// --- the tests -----------------------------------------------------------------------------

describe("Account.transactions: an account's history, newest first", () => {
  it('the test chain has what the pages must get right', () => {
    const blocksOf = (address: string) => new Set(historyOf(address).map((e) => e.node.height)).size;
    expect(blocksOf(busy.address)).toBeGreaterThan(2 * 32); // more than two hops of predecessors
    expect(blocksOf(old.address)).toBeGreaterThan(32 + OLD);
    expect(Math.max(...blocks.map((b) => b.txs.filter((t) => touchedByEntry(t.body, 'kyoto').includes(crowd.address)).length))).toBeGreaterThan(40);
    expect(historyOf(oldOnly.address).every((e) => e.node.height <= OLD)).toBe(true);
    expect(historyOf(idle.address)).toEqual([]);
  });

  for (const [name, w] of Object.entries(ACCOUNTS)) {
    it(`${name}: paged through with every first, each page as the blocks say`, async () => {
      const all = historyOf(w.address);
      for (let first = 1; first <= Math.min(all.length + 1, 100); first++) {
        let after: string | null = null;
        for (let pages = 0; ; pages++) {
          const page = await historyPage(w.address, first, after);
          expect(page, `${name}, first ${first}, after ${after}`).toEqual(slice(all, first, after));
          if (!page.pageInfo.hasNextPage) break;
          expect(pages).toBeLessThan(all.length);
          after = page.pageInfo.endCursor;
        }
      }
    }, 300_000);

    // (Paging with first: 1 above starts from every cursor already.)
    it(`${name}: from every cursor, pages of 2, 33 and 100`, async () => {
      const all = historyOf(w.address);
      for (const after of [null, ...all.map((e) => e.cursor)]) {
        for (const first of [2, 33, 100])
          expect(await historyPage(w.address, first, after), `${name}, first ${first}, after ${after}`).toEqual(slice(all, first, after));
      }
    }, 300_000);
  }
});

describe('Chain.blocks: the chain, newest first', () => {
  it('paged through with every first, and from every cursor', async () => {
    const all = blockEdges();
    for (let first = 1; first <= 100; first++) {
      let after: string | null = null;
      for (;;) {
        const page = await blockPage(first, after);
        expect(page, `first ${first}, after ${after}`).toEqual(slice(all, first, after));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    }
    for (const after of [null, ...all.map((e) => e.cursor)]) {
      for (const first of [2, 100]) expect(await blockPage(first, after), `first ${first}, after ${after}`).toEqual(slice(all, first, after));
    }
  }, 300_000);

  it('a cursor above the head pages from the head', async () => {
    const all = blockEdges();
    for (const after of [HEIGHT + 1, HEIGHT + 2, 10_000, 10 ** 15]) expect(await blockPage(5, String(after))).toEqual(slice(all, 5, null));
  });
});

describe("MongoDB's reads (lookups: batched, one $in or an indexed range)", () => {
  let mongoLike: RunningLedger;
  beforeAll(async () => {
    mongoLike = await startLedgerSubgraph({ ...config(), lookups: 'batched' }, log);
  });
  afterAll(() => mongoLike?.close());

  it('the same history pages from every cursor', async () => {
    for (const w of [busy, old]) {
      const all = historyOf(w.address);
      for (const after of [null, ...all.map((e) => e.cursor)]) {
        for (const first of [1, 33])
          expect(await historyPage(w.address, first, after, mongoLike.url), `first ${first}, after ${after}`).toEqual(slice(all, first, after));
      }
    }
  }, 300_000);

  it('the same block pages from every cursor', async () => {
    const all = blockEdges();
    for (const after of [null, ...all.map((e) => e.cursor)]) expect(await blockPage(20, after, mongoLike.url), `after ${after}`).toEqual(slice(all, 20, after));
  }, 300_000);
});

// --- what the database is asked ------------------------------------------------------------

/** The database commands one request sends, with their filter and sort. */
async function commandsOf(query: string, variables: Record<string, unknown>): Promise<Document[]> {
  const seen: Document[] = [];
  const listen = (e: CommandStartedEvent) =>
    seen.push({ name: e.commandName, collection: e.command[e.commandName], filter: e.command.filter, sort: e.command.sort });
  ledger.mongo.client.on('commandStarted', listen);
  try {
    const r = await gql(ledger.url, query, variables);
    expect(r.errors).toBeUndefined();
  } finally {
    ledger.mongo.client.off('commandStarted', listen);
  }
  return seen;
}

/** A command FerretDB 1.24 answers without reading the whole collection: `{_id: <string>}`, no sort. */
const byIdOnly = (c: Document) => c.name === 'find' && c.sort === undefined && Object.keys(c.filter ?? {}).join() === '_id' && typeof c.filter._id === 'string';

describe('reads by _id only (FerretDB pushes down nothing else)', () => {
  it('a page of history, first page and from a cursor, deep in a long history', async () => {
    const all = historyOf(busy.address);
    for (const [first, after] of [
      [5, null],
      [100, null],
      [20, all[70]!.cursor],
      [100, all[30]!.cursor],
    ] as const) {
      const commands = await commandsOf(HISTORY, { r: [{ __typename: 'Account', id: busy.address }], n: first, after });
      expect(
        commands.filter((c) => !byIdOnly(c)),
        `first ${first}, after ${after}`,
      ).toEqual([]);
      // The account (or the cursor's history document), first + 1 history documents at most, a block per entry at most.
      expect(commands.length).toBeLessThanOrEqual(1 + (first + 1) + first);
    }
  });

  it('a page of blocks, first page and from a cursor', async () => {
    for (const [first, after] of [
      [20, null],
      [100, null],
      [10, '50'],
      [5, String(HEIGHT + 10)],
    ] as const) {
      const commands = await commandsOf(BLOCKS, { r: [{ __typename: 'Municipality', code: 'kyoto' }], n: first, after });
      expect(
        commands.filter((c) => !byIdOnly(c)),
        `first ${first}, after ${after}`,
      ).toEqual([]);
      // At most: the head (meta.applied, one probe past it), then the page's blocks — fewer when they are kept already (sealed.ts).
      expect(commands.length).toBeLessThanOrEqual(2 + Math.min(first, blocks.length));
      // Asked again, the blocks are in memory: the probe for a block past the head is the only
      // read, and a page below a sealed cursor needs none.
      const again = await commandsOf(BLOCKS, { r: [{ __typename: 'Municipality', code: 'kyoto' }], n: first, after });
      const probe = { name: 'find', collection: 'blocks', filter: { _id: blockKey(HEIGHT + 1) }, sort: undefined };
      // (Above the head, the heights asked for are looked up again: a block not found is never remembered as absent.)
      if (after === null || after === '50') expect(again, `first ${first}, after ${after}, again`).toEqual(after === null ? [probe] : []);
    }
  });
});

describe('page sizes: `first` is 1–100 (schema/ledger.graphql), anything else refused with a code', () => {
  const MUNICIPALITY = { __typename: 'Municipality', code: 'kyoto' };
  const PAGES: Array<[string, string, Record<string, unknown>]> = [
    [
      'Chain.blocks',
      'query($r: [_Any!]!, $n: Int) { _entities(representations: $r) { ... on Municipality { chain { blocks(first: $n) { edges { cursor } } } } } }',
      { r: [MUNICIPALITY] },
    ],
    [
      'Chain.blocksFrom',
      'query($r: [_Any!]!, $n: Int) { _entities(representations: $r) { ... on Municipality { chain { blocksFrom(height: 0, first: $n) { height } } } } }',
      { r: [MUNICIPALITY] },
    ],
    [
      'Block.transactions',
      'query($r: [_Any!]!, $n: Int) { _entities(representations: $r) { ... on Block { transactions(first: $n) { edges { cursor } } } } }',
      { r: [{ __typename: 'Block', id: 'kyoto:1' }] },
    ],
    [
      'Account.transactions',
      'query($r: [_Any!]!, $n: Int) { _entities(representations: $r) { ... on Account { transactions(first: $n) { edges { cursor } } } } }',
      { r: [{ __typename: 'Account', id: busy.address }] },
    ],
  ];

  it.each(PAGES)('%s: 100 answered, 0, 101 and -1 refused as BAD_USER_INPUT naming first', async (_name, query, variables) => {
    const ok = await gql(ledger.url, query, { ...variables, n: 100 });
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
    for (const n of [0, 101, -1]) {
      const r = await gql(ledger.url, query, { ...variables, n });
      expect(
        r.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message]),
        `first: ${n}`,
      ).toEqual([['BAD_USER_INPUT', 'first', `first must be 1–100 (got ${n})`]]);
    }
  });
});

// --- applying a block again after a crash --------------------------------------------------

describe('history documents list the same predecessors however often a block is applied', () => {
  const snapshot = async () => ({
    history: await ledger.store.history.find({}).sort({ _id: 1 }).toArray(),
    accounts: await ledger.store.accounts.find({}).sort({ _id: 1 }).toArray(),
  });

  it('re-applying every block (the applied height lost) changes no document', async () => {
    const before = await snapshot();
    expect(before.history.filter((d) => d.prev).length).toBeGreaterThan(100);
    await ledger.store.meta.updateOne({ _id: 'applied' }, { $set: { height: 0 } });
    await ledger.store.catchUp();
    expect(await snapshot()).toEqual(before);
  });

  it('a crash after some history documents and some accounts of a block: the re-run writes what the first run would have', async () => {
    const { store } = ledger;
    const height = HEIGHT + 1;
    const block = makeBlock(blocks[0]!, height, [
      transferBody(treasury.address, busy.address, 1),
      transferBody(busy.address, old.address, 1),
      transferBody(old.address, crowd.address, 1),
      transferBody(treasury.address, busy.address, 1),
    ]);
    const touched = [treasury, busy, old, crowd].map((w) => w.address);
    const accountsBefore = await store.accounts.find({ _id: { $in: touched } }).toArray();
    expect(await store.commit(block)).toBe(true);
    blocks.push(block);
    await store.catchUp();
    const applied = await snapshot();
    // As if the first run had inserted all history documents but one (busy's), and written the
    // accounts but old's, when it crashed: old's document is already at this height.
    await store.history.deleteOne({ _id: `${busy.address}|${blockKey(height)}` });
    for (const doc of accountsBefore) if (doc._id !== old.address) await store.accounts.replaceOne({ _id: doc._id }, doc);
    await store.meta.updateOne({ _id: 'applied' }, { $set: { height: HEIGHT } });
    await store.catchUp();
    expect(await snapshot()).toEqual(applied);
    const all = historyOf(busy.address);
    for (const first of [1, 5, 40]) expect(await historyPage(busy.address, first, null)).toEqual(slice(all, first, null));
  });
});
