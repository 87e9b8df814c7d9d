/**
 * Per-request DataLoaders: a page of transactions with their blocks and accounts costs one query
 * per collection, whatever the page size.
 */
import { oneBatch } from '../../db/mongo.ts';
import DataLoader from 'dataloader';
import type { AccountDoc, BlockDoc, MempoolDoc, RejectedDoc, TxIndexDoc } from './models.ts';
import type { LedgerStore } from './store.ts';

function byId<K extends string | number, V extends { _id: K }>(load: (ids: readonly K[]) => Promise<V[]>) {
  return new DataLoader<K, V | null>(async (ids) => {
    const docs = new Map((await load(ids)).map((d) => [d._id, d]));
    return ids.map((id) => docs.get(id) ?? null);
  });
}

export function createLoaders(store: LedgerStore) {
  let head: Promise<BlockDoc> | undefined;
  return {
    /** The chain head's header, read once per request however many fields ask for it. */
    head: () => (head ??= store.head({ light: true })),
    block: byId<number, BlockDoc>((ids) => store.blocks.find({ _id: { $in: [...ids] } }, oneBatch(ids.length)).toArray()),
    txIndex: byId<string, TxIndexDoc>((ids) => store.txIndex.find({ _id: { $in: [...ids] } }, oneBatch(ids.length)).toArray()),
    mempool: byId<string, MempoolDoc>((ids) => store.mempool.find({ _id: { $in: [...ids] } }, oneBatch(ids.length)).toArray()),
    rejected: byId<string, RejectedDoc>((ids) => store.rejected.find({ _id: { $in: [...ids] } }, oneBatch(ids.length)).toArray()),
    account: byId<string, AccountDoc>((ids) => store.accounts.find({ _id: { $in: [...ids] } }, oneBatch(ids.length)).toArray()),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
