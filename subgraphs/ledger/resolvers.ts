/** Resolvers of the municipal ledger subgraph (schema/ledger.graphql). */
import { oneBatch } from '../../db/mongo.ts';
import { aikiError, bytesToHex, entryKind, entrySettlement, isMunicipalityCode, parseAddress, splitLedgerId } from '../../core/index.ts';
import type { Resolvers } from '../../schema/generated/ledger.ts';
import type { LedgerContext } from './context.ts';
import { txTree } from './sealed.ts';
import { blockKey, confirmedModel, OLDER_HISTORY, transactionModel, type AccountModel, type HistoryDoc, type TransactionModel } from './models.ts';

const MAX_PAGE = 100;
const MAX_BATCH = 1000;
const TXID = /^[0-9a-f]{64}$/;

function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw aikiError('BAD_USER_INPUT', `first must be 1–${MAX_PAGE} (got ${n})`, { field: 'first' });
  return n;
}

function cursorNumber(after: string | null | undefined): number | undefined {
  if (after == null) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(after))
    throw aikiError('BAD_USER_INPUT', `after is not a cursor from this connection: ${JSON.stringify(after)}`, { field: 'after' });
  return Number(after);
}

/** The local part of a ledger entity id `<municipality>:<local>`, checking that it names this ledger. */
function localId(id: unknown, ctx: LedgerContext, local: RegExp): string {
  const parts = splitLedgerId(id, local);
  if (!parts)
    throw aikiError('MALFORMED_REPRESENTATION', `not a ledger id "<municipality>:${local.source.replace(/^\^|\$$/g, '')}": ${JSON.stringify(id ?? null)}`);
  checkMunicipality(parts.municipality, ctx);
  return parts.local;
}

async function loadTransaction(txid: string, ctx: LedgerContext): Promise<TransactionModel | null> {
  const { loaders } = ctx;
  // A transaction seen confirmed here is confirmed for good: no lookup of the mempool or rejections.
  const known = loaders.knownTx(txid);
  const [at, pending, rejected] = known
    ? [known, null, null]
    : await Promise.all([loaders.txIndex.load(txid), loaders.pending.load(txid), loaders.rejected.load(txid)]);
  const block = at ? await loaders.block.load(at.height) : null;
  const model = transactionModel(txid, { at, block, pending, rejected });
  // Pending, rejected or unknown: state outside the blocks, which changes without a new head (state.ts).
  if (model?.status !== 'CONFIRMED' && ctx.state) ctx.state.volatile = true;
  return model;
}

async function loadAccount(address: string, ctx: LedgerContext): Promise<AccountModel> {
  const { municipality } = parseAddress(address);
  checkMunicipality(municipality, ctx);
  const doc = await ctx.loaders.account.load(address);
  return { address, balance: doc?.balance ?? 0, nonce: doc?.nonce ?? 0 };
}

function checkMunicipality(requested: string, ctx: LedgerContext): void {
  if (requested !== ctx.municipality) {
    throw aikiError('WRONG_MUNICIPALITY', `this is the ledger of ${ctx.municipality}, not of ${requested}`, {
      municipality: requested,
      served: ctx.municipality,
    });
  }
}

/**
 * A page of blocks, newest first: the `first` heights from `top` down, each read by `_id` (a sort
 * or a range reads every block on FerretDB: docs/DATABASE.md). Heights are contiguous from 0, so
 * there is a next page when height `top - first` exists, i.e. is not below 0.
 */
function missing(height: number, head: number): never {
  throw new Error(`block ${height} is missing below block ${head}`); // blocks are never deleted
}

async function blocksFrom(top: number, first: number, { loaders }: LedgerContext) {
  const heights = Array.from({ length: Math.max(0, Math.min(first, top + 1)) }, (_, i) => top - i);
  const blocks = await Promise.all(heights.map((h) => loaders.block.load(h)));
  return {
    blocks,
    page: () => ({
      edges: blocks.map((b, i) => {
        if (!b) throw new Error(`block ${heights[i]} is missing below block ${top}`); // blocks are never deleted
        return { cursor: String(b.height), node: b };
      }),
      pageInfo: { hasNextPage: top - first >= 0, endCursor: heights.length ? String(heights[heights.length - 1]) : null },
    }),
  };
}

interface HistoryEntry {
  height: number;
  index: number;
}

/**
 * Up to `need` entries of `address`'s history, newest first — those older than `from` (an `after`
 * cursor's position) when given — read by `_id` only: the account document lists its newest
 * history heights (`recent`), each history document the ones before it (`prev`), so a page reads
 * the account, then the history documents it needs in parallel, and goes on from the oldest one's
 * `prev` when it needs more. Each history document holds one entry at least, so `need` documents
 * are enough. Documents written before those lists existed are read by an `_id` range, as all
 * are on MongoDB, where that range is indexed (a scan on FerretDB; docs/LEDGER.md, "Reading pages").
 */
async function historyEntries(address: string, from: HistoryEntry | undefined, need: number, { store, loaders }: LedgerContext): Promise<HistoryEntry[]> {
  const prefix = `${address}|`;
  const key = (height: number) => `${prefix}${blockKey(height)}`;
  const entries: HistoryEntry[] = [];
  const take = (doc: HistoryDoc) => {
    for (let i = doc.indexes.length - 1; i >= 0; i--) {
      const index = doc.indexes[i]!;
      if (!from || doc.height < from.height || index < from.index) entries.push({ height: doc.height, index });
    }
  };
  /**
   * The history documents whose `_id` is below `upper` (or equal, with `inclusive`), newest first,
   * as many as still needed (and the one at `upper`, which may hold no entry older than `from`).
   */
  const readBelow = async (upper: string, inclusive = false) => {
    const limit = need - entries.length + (inclusive ? 1 : 0);
    const docs = await store.history
      .find({ _id: inclusive ? { $gt: prefix, $lte: upper } : { $gt: prefix, $lt: upper } }, oneBatch(limit))
      .sort({ _id: -1 })
      .toArray();
    docs.forEach(take);
  };
  if (store.lookups === 'batched') {
    // MongoDB: the range is one indexed command, where following `prev` would take one per 32
    // documents (db/mongo.ts, `lookups`).
    await readBelow(from ? key(from.height) : `${prefix}~`, true);
    return entries;
  }

  /** Heights still to read, ascending; a first {@link OLDER_HISTORY}: below them, read by a range. */
  let heights: readonly number[];
  /** The `_id` the heights lie below. */
  let below: string;
  if (!from) {
    const account = await loaders.account.load(address);
    if (!account) return entries;
    if (!account.recent) {
      await readBelow(`${prefix}~`);
      return entries;
    }
    [heights, below] = [account.recent, `${prefix}~`];
  } else {
    const doc = await loaders.history.load(key(from.height));
    if (doc) take(doc);
    if (!doc?.prev) {
      await readBelow(key(from.height));
      return entries;
    }
    [heights, below] = [doc.prev, doc._id];
  }
  while (entries.length < need) {
    const older = heights[0] === OLDER_HISTORY;
    const known = older ? heights.slice(1) : heights;
    if (known.length === 0) {
      if (older) await readBelow(below);
      break;
    }
    // The newest of them first, no more than the entries still needed.
    const wanted = known.slice(-(need - entries.length)).reverse();
    const docs = await Promise.all(wanted.map((h) => loaders.history.load(key(h))));
    for (const doc of docs) if (doc) take(doc); // none: nothing of the account at that height
    below = key(wanted[wanted.length - 1]!);
    const rest = known.slice(0, known.length - wanted.length);
    if (rest.length > 0) heights = older ? [OLDER_HISTORY, ...rest] : rest;
    else {
      const oldest = docs[docs.length - 1];
      if (!older && oldest?.prev) heights = oldest.prev;
      else {
        if (entries.length < need) await readBelow(below);
        break;
      }
    }
  }
  return entries;
}

export const resolvers: Resolvers = {
  Mutation: {
    submitTransaction: async (_root, { municipality, transaction }, ctx) => {
      checkMunicipality(municipality, ctx);
      const [result] = await ctx.admission.submit([transaction], { forwarded: ctx.forwarded });
      if (result instanceof Error) throw result;
      return result!;
    },
    submitTransactions: async (_root, { municipality, transactions }, ctx) => {
      checkMunicipality(municipality, ctx);
      if (transactions.length > MAX_BATCH)
        throw aikiError('BAD_USER_INPUT', `at most ${MAX_BATCH} transactions per batch (got ${transactions.length})`, { field: 'transactions' });
      // In order: a sender's nonces n, n+1, … in one batch are admitted one after the other.
      const results = await ctx.admission.submit(transactions, { forwarded: ctx.forwarded });
      // An Error item becomes null with its error at that index (graphql-js list completion).
      return results as TransactionModel[];
    },
    settle: async (_root, { municipality, orders }, ctx) => {
      checkMunicipality(municipality, ctx);
      if (orders.length > MAX_BATCH) throw aikiError('BAD_USER_INPUT', `at most ${MAX_BATCH} orders per call (got ${orders.length})`, { field: 'orders' });
      return (await ctx.admission.settle(orders, { forwarded: ctx.forwarded })) as TransactionModel[];
    },
    abortSettlement: async (_root, { municipality, order, signature }, ctx) => {
      checkMunicipality(municipality, ctx);
      return ctx.admission.abortSettlement(order, signature, { forwarded: ctx.forwarded });
    },
  },

  Municipality: {
    /**
     * Only this municipality's own entity resolves here: the shard router sends each
     * representation to the ledger it names, so a mismatch means a misrouted or forged request.
     */
    __resolveReference(ref: { code?: unknown }, ctx) {
      if (!isMunicipalityCode(ref.code)) {
        throw aikiError('MALFORMED_REPRESENTATION', `Municipality representation needs a municipality code, got ${JSON.stringify(ref.code ?? null)}`);
      }
      checkMunicipality(ref.code, ctx);
      return { code: ref.code };
    },
    chain: (_parent, _args, { municipality }) => ({ municipality }),
  },

  Chain: {
    municipality: (chain) => chain.municipality,
    height: (_chain, _args, { loaders }) => loaders.headHeight(),
    headHash: async (_chain, _args, { loaders }) => (await loaders.head()).hash,
    headTime: async (_chain, _args, { loaders }) => (await loaders.head()).header.time,
    head: (_chain, _args, { loaders }) => loaders.head(),
    blocks: async (_chain, { first, after }, ctx) => {
      const n = pageSize(first, 20);
      const before = cursorNumber(after);
      // From the head read once per request, so that a block sealed meanwhile cannot make the
      // page inconsistent; below a cursor, from the height under it — or from the head when that
      // height is not sealed (a cursor above the head pages from the head, as a range did).
      const read = await blocksFrom(before === undefined ? await ctx.loaders.headHeight() : before - 1, n, ctx);
      if (before !== undefined && read.blocks.length > 0 && !read.blocks[0])
        return (await blocksFrom(Math.min(before - 1, await ctx.loaders.headHeight()), n, ctx)).page();
      return read.page();
    },
    blocksFrom: async (_chain, { height, first }, ctx) => {
      const n = pageSize(first, 20);
      if (!Number.isSafeInteger(height) || height < 0) throw aikiError('BAD_USER_INPUT', `height must be >= 0 (got ${height})`, { field: 'height' });
      const head = await ctx.loaders.headHeight();
      const heights = Array.from({ length: Math.max(0, Math.min(n, head - height + 1)) }, (_, i) => height + i);
      const blocks = await Promise.all(heights.map((h) => ctx.loaders.block.load(h)));
      return blocks.map((b, i) => b ?? missing(heights[i]!, head));
    },
    checkpoint: async (_chain, { height }, { loaders, checkpoints, municipality }) => {
      const head = await loaders.headHeight();
      if (height != null && (!Number.isSafeInteger(height) || height < 0))
        throw aikiError('BAD_USER_INPUT', `height must be >= 0 (got ${height})`, { field: 'height' });
      if (height != null && height > head)
        throw aikiError('BLOCK_NOT_FOUND', `no block at height ${height} on ${municipality}: the head is ${head}`, { municipality });
      return checkpoints.at(height ?? head);
    },
    consistency: async (_chain, { from, to }, { loaders, checkpoints, municipality }) => {
      const head = await loaders.headHeight();
      if (!Number.isSafeInteger(from) || from < 0) throw aikiError('BAD_USER_INPUT', `from must be >= 0 (got ${from})`, { field: 'from' });
      if (to != null && (!Number.isSafeInteger(to) || to < 0)) throw aikiError('BAD_USER_INPUT', `to must be >= 0 (got ${to})`, { field: 'to' });
      const upper = to ?? head;
      if (upper > head) throw aikiError('BLOCK_NOT_FOUND', `no block at height ${upper} on ${municipality}: the head is ${head}`, { municipality });
      if (from > upper) throw aikiError('BAD_USER_INPUT', `from ${from} is above to ${upper}`, { field: 'from' });
      return checkpoints.consistency(from, upper);
    },
    block: async (_chain, { height, hash }, { store, loaders, sealed }) => {
      if ((height == null) === (hash == null)) throw aikiError('BAD_USER_INPUT', 'give exactly one of height and hash', { field: 'height' });
      if (height != null) {
        if (!Number.isSafeInteger(height) || height < 0) throw aikiError('BAD_USER_INPUT', `height must be >= 0 (got ${height})`, { field: 'height' });
        return loaders.block.load(height);
      }
      if (!TXID.test(hash!)) throw aikiError('BAD_USER_INPUT', 'hash must be 64 lower-case hex characters', { field: 'hash' });
      const known = sealed.heightOf(hash!);
      if (known !== undefined) return loaders.block.load(known);
      const block = await store.blocks.findOne({ hash: hash! });
      if (block) sealed.putBlock(block);
      return block;
    },
    transaction: async (_chain, { txid }, ctx) => {
      if (!TXID.test(txid)) throw aikiError('BAD_USER_INPUT', 'txid must be 64 lower-case hex characters', { field: 'txid' });
      return loadTransaction(txid, ctx);
    },
    account: (_chain, { address }, ctx) => loadAccount(address, ctx),
  },

  Block: {
    __resolveReference: async (ref: { id?: unknown }, ctx) => {
      const height = Number(localId(ref.id, ctx, /^(0|[1-9][0-9]{0,15})$/));
      const block = await ctx.loaders.block.load(height);
      if (!block) throw aikiError('BLOCK_NOT_FOUND', `no block at height ${height} on ${ctx.municipality}`, { municipality: ctx.municipality });
      return block;
    },
    id: (b) => `${b.header.municipality}:${b.height}`,
    municipality: (b) => b.header.municipality,
    height: (b) => b.height,
    hash: (b) => b.hash,
    prevHash: (b) => b.header.prevHash,
    time: (b) => b.header.time,
    txRoot: (b) => b.header.txRoot,
    txCount: (b) => b.header.txCount,
    pohEnd: (b) => b.header.pohEnd,
    pohCount: (b) => b.header.pohCount,
    sequencer: (b) => b.header.sequencer,
    signature: (b) => b.signature,
    v: (b) => b.header.v,
    poh: (b) => b.txs.map((tx) => tx.poh),
    allocations: (b) => (b.height === 0 ? (b.allocations ?? []) : null),
    transactions: (b, { first, after }) => {
      const n = pageSize(first, 100);
      const start = after == null ? 0 : cursorNumber(after)! + 1;
      const page = b.txs.slice(start, start + n);
      return {
        edges: page.map((tx, i) => ({
          cursor: String(start + i),
          node: confirmedModel(tx, b.height, start + i),
        })),
        pageInfo: { hasNextPage: start + n < b.txs.length, endCursor: page.length ? String(start + page.length - 1) : null },
      };
    },
  },

  Transaction: {
    __resolveReference: async (ref: { id?: unknown }, ctx) => {
      const txid = localId(ref.id, ctx, TXID);
      const tx = await loadTransaction(txid, ctx);
      if (!tx) throw aikiError('TRANSACTION_NOT_FOUND', `no transaction ${txid} on ${ctx.municipality}`, { municipality: ctx.municipality });
      return tx;
    },
    id: (t, _args, { municipality }) => `${municipality}:${t.txid}`,
    txid: (t) => t.txid,
    municipality: (_t, _args, { municipality }) => municipality,
    status: (t) => t.status,
    rejection: (t) => (t.status === 'REJECTED' ? { code: t.code, message: t.message } : null),
    kind: (t) => entryKind(t.body),
    settlement: (t, _args, { municipality }) => entrySettlement(t.body, municipality),
    from: (t) => t.body.from,
    to: (t) => t.body.to,
    amount: (t) => t.body.amount,
    nonce: (t) => (t.body.type === 'transfer' ? t.body.nonce : 0),
    memo: (t) => (t.body.type === 'transfer' ? t.body.memo : ''),
    time: (t) => t.body.time,
    signature: (t) => t.signature,
    sender: (t, _args, ctx) => (t.body.type === 'transfer' ? loadAccount(t.body.from, ctx) : null),
    recipient: (t, _args, ctx) => (t.body.to.startsWith(`${ctx.municipality}:`) ? loadAccount(t.body.to, ctx) : null),
    height: (t) => (t.status === 'CONFIRMED' ? t.height : null),
    block: (t, _args, { loaders }) => (t.status === 'CONFIRMED' ? loaders.block.load(t.height) : null),
    proof: async (t, _args, { loaders }) => {
      if (t.status !== 'CONFIRMED') return null;
      const block = (await loaders.block.load(t.height))!;
      const parent = (await loaders.block.load(t.height - 1))!;
      const tree = txTree(block);
      return {
        txid: t.txid,
        index: t.index,
        treeSize: tree.size,
        path: tree.path(t.index).map(bytesToHex),
        root: block.header.txRoot,
        header: { ...block.header, hash: block.hash, signature: block.signature },
        parent: { ...parent.header, hash: parent.hash, signature: parent.signature },
        poh: { ...block.txs[t.index]!.poh, start: parent.header.pohEnd, segment: block.txs.map((tx) => tx.poh) },
      };
    },
  },

  Account: {
    __resolveReference: (ref: { id?: unknown }, ctx) => loadAccount(String(ref.id ?? ''), ctx),
    id: (a) => a.address,
    municipality: (_a, _args, { municipality }) => municipality,
    balance: (a) => String(a.balance),
    nonce: (a) => a.nonce,
    transactions: async (a, { first, after }, ctx) => {
      const n = pageSize(first, 20);
      // Newest first. A cursor is `<address>|<height>|<index>`; n + 1 entries tell whether there is a next page.
      const prefix = `${a.address}|`;
      const cursor = after == null ? undefined : /^(\d{12})\|(\d{1,6})$/.exec(after.startsWith(prefix) ? after.slice(prefix.length) : '');
      if (after != null && !cursor) throw aikiError('BAD_USER_INPUT', 'after is not a cursor from this connection', { field: 'after' });
      const entries = await historyEntries(a.address, cursor ? { height: Number(cursor[1]), index: Number(cursor[2]) } : undefined, n + 1, ctx);
      const page = entries.slice(0, n);
      const blocks = await Promise.all(page.map((e) => ctx.loaders.block.load(e.height)));
      return {
        edges: page.map((e, i) => ({
          cursor: `${prefix}${blockKey(e.height)}|${e.index}`,
          node: confirmedModel(blocks[i]!.txs[e.index]!, e.height, e.index),
        })),
        pageInfo: {
          hasNextPage: entries.length > n,
          endCursor: page.length ? `${prefix}${blockKey(page[page.length - 1]!.height)}|${page[page.length - 1]!.index}` : null,
        },
      };
    },
  },
};
