/**
 * Per-request DataLoaders: a page of transactions with their blocks and accounts costs one query
 * per collection, whatever the page size — on MongoDB. On FerretDB, whose `$in` reads a whole
 * collection, the same keys are read one `findOne` each (`store.lookups`, db/mongo.ts).
 *
 * Blocks, tx index entries and history documents never change once written: they come from this
 * process's {@link SealedCache} when it has them, and what the database gives is kept there.
 * Accounts, the mempool and rejections change, and are read from the database every request.
 */
import { findByIds } from '../../db/mongo.ts';
import DataLoader from 'dataloader';
import { blockKey, type AccountDoc, type BlockDoc, type HistoryDoc, type PendingTx, type RejectedDoc } from './models.ts';
import type { SealedCache } from './sealed.ts';
import type { HeadReader } from './state.ts';
import type { LedgerStore } from './store.ts';

function byId<V extends { _id: string }>(load: (ids: readonly string[]) => Promise<V[]>) {
  return new DataLoader<string, V | null>(async (ids) => {
    const docs = new Map((await load(ids)).map((d) => [d._id, d]));
    return ids.map((id) => docs.get(id) ?? null);
  });
}

/** A loader by `_id` that asks `sealed` first and keeps what the database found there. */
function immutable<V extends { _id: string }>(read: (ids: readonly string[]) => Promise<V[]>, cached: (id: string) => V | undefined, keep: (doc: V) => void) {
  return byId<V>(async (ids) => {
    const hits = ids.map(cached);
    const found = await read(ids.filter((_, i) => !hits[i]));
    found.forEach(keep);
    return [...(hits.filter(Boolean) as V[]), ...found];
  });
}

export function createLoaders(store: LedgerStore, sealed: SealedCache, heads: HeadReader, labelHeight?: number) {
  let head: Promise<number> | undefined = labelHeight === undefined ? undefined : Promise.resolve(labelHeight);
  const block = new DataLoader<number, BlockDoc | null>(async (heights) => {
    const hits = heights.map((h) => sealed.block(h));
    const docs = await store.findSealed('blocks', heights.filter((_, i) => !hits[i]).map(blockKey));
    docs.forEach((d) => sealed.putBlock(d));
    const byHeight = new Map(docs.map((d) => [d.height, d]));
    return heights.map((h, i) => hits[i] ?? byHeight.get(h) ?? null);
  });
  /** The newest sealed block's height, read once per request however many fields ask for it (or the label's, read at its start). */
  const headHeight = () => (head ??= heads.height());
  return {
    headHeight,
    /** The newest sealed block. */
    head: async () => (await block.load(await headHeight()))!,
    block,
    /** A confirmed transaction's place, if this process has seen it: no lookup needed. */
    knownTx: (txid: string) => sealed.txIndex(txid),
    txIndex: immutable(
      (ids) => store.findSealed('txIndex', ids),
      (id) => sealed.txIndex(id),
      (d) => sealed.putTxIndex(d),
    ),
    pending: new DataLoader<string, PendingTx | null>(async (ids) => {
      const entries = await store.mempool.find({ 'txs.id': { $in: [...ids] } }).toArray();
      const found = new Map(entries.flatMap((e) => e.txs).map((tx) => [tx.id, tx]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    rejected: byId<RejectedDoc>((ids) => findByIds(store.rejected, ids, store.lookups)),
    account: byId<AccountDoc>((ids) => findByIds(store.accounts, ids, store.lookups)),
    /** History documents by `_id` (`<address>|<height>`): the pages of Account.transactions. */
    history: immutable<HistoryDoc>(
      (ids) => store.findSealed('history', ids),
      (id) => sealed.history(id),
      (d) => sealed.putHistory(d),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
