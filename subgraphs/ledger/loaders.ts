/**
 * Per-request DataLoaders: a page of transactions with their blocks and accounts costs one query
 * per collection, whatever the page size — on MongoDB. On FerretDB, whose `$in` reads a whole
 * collection, the same keys are read one `findOne` each (`store.lookups`, db/mongo.ts).
 */
import { findByIds } from '../../db/mongo.ts';
import DataLoader from 'dataloader';
import { blockKey, type AccountDoc, type BlockDoc, type HistoryDoc, type PendingTx, type RejectedDoc, type TxIndexDoc } from './models.ts';
import type { LedgerStore } from './store.ts';

function byId<V extends { _id: string }>(load: (ids: readonly string[]) => Promise<V[]>) {
  return new DataLoader<string, V | null>(async (ids) => {
    const docs = new Map((await load(ids)).map((d) => [d._id, d]));
    return ids.map((id) => docs.get(id) ?? null);
  });
}

export function createLoaders(store: LedgerStore) {
  let head: Promise<BlockDoc> | undefined;
  return {
    /** The chain head's header, read once per request however many fields ask for it. */
    head: () => (head ??= store.head({ light: true })),
    block: new DataLoader<number, BlockDoc | null>(async (heights) => {
      const docs = await findByIds(store.blocks, heights.map(blockKey), store.lookups);
      const byHeight = new Map(docs.map((d) => [d.height, d]));
      return heights.map((h) => byHeight.get(h) ?? null);
    }),
    txIndex: byId<TxIndexDoc>((ids) => findByIds(store.txIndex, ids, store.lookups)),
    pending: new DataLoader<string, PendingTx | null>(async (ids) => {
      const entries = await store.mempool.find({ 'txs.id': { $in: [...ids] } }).toArray();
      const found = new Map(entries.flatMap((e) => e.txs).map((tx) => [tx.id, tx]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    rejected: byId<RejectedDoc>((ids) => findByIds(store.rejected, ids, store.lookups)),
    account: byId<AccountDoc>((ids) => findByIds(store.accounts, ids, store.lookups)),
    /** History documents by `_id` (`<address>|<height>`): the pages of Account.transactions. */
    history: byId<HistoryDoc>((ids) => findByIds(store.history, ids, store.lookups)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
