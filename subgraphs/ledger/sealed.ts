/**
 * What a ledger never changes once it is in the database, kept in this process's memory
 * (runtime/immutableCache.ts): sealed blocks (by height, and their heights by hash), tx index
 * entries (where a confirmed transaction is) and history documents (an account's entries in one
 * block). None of them is ever updated or deleted: store.ts writes them by unique-key inserts
 * only, and a block document is the commit point. Bounded by memory (AIKI_SEALED_CACHE_MB).
 *
 * Filled only from what the database holds — a read that found the document, or the block this
 * process has just committed — never from the book's pending state, so nothing here is a block or
 * a transaction that was not sealed. Mutable state (the head, accounts, the mempool, rejections)
 * is read from the database on every request.
 */
import { hexToBytes, MerkleTree } from '../../core/index.ts';
import { ImmutableCache, memoizedBy, type ImmutableCacheStats } from '../../runtime/immutableCache.ts';
import type { BlockDoc, HistoryDoc, TxIndexDoc } from './models.ts';

/** Roughly what a stored transaction holds in the heap (ids, signature, body, PoH entry). */
const TX_BYTES = 1200;
const DOC_BYTES = 200;

type Entry = { kind: 'block'; doc: BlockDoc } | { kind: 'tx'; doc: TxIndexDoc } | { kind: 'history'; doc: HistoryDoc } | { kind: 'hash'; height: number };

const sizeOf = (e: Entry) =>
  DOC_BYTES +
  (e.kind === 'block'
    ? (e.doc.txs.length + (e.doc.allocations?.length ?? 0)) * TX_BYTES
    : e.kind === 'history'
      ? 8 * (e.doc.indexes.length + (e.doc.prev?.length ?? 0))
      : 0);

/** A sealed block's Merkle tree over its transaction ids, built once per block document: each proof is then O(log n). */
export const txTree = memoizedBy((block: BlockDoc) => new MerkleTree(block.txs.map((tx) => hexToBytes(tx.id))));

export class SealedCache {
  private readonly cache: ImmutableCache<Entry>;

  constructor(maxBytes: number) {
    this.cache = new ImmutableCache<Entry>(maxBytes, sizeOf);
  }

  block(height: number): BlockDoc | undefined {
    return this.get(`b${height}`, 'block')?.doc;
  }

  /** The height of the sealed block with this hash, if it was read here. */
  heightOf(hash: string): number | undefined {
    return this.get(`h${hash}`, 'hash')?.height;
  }

  txIndex(txid: string): TxIndexDoc | undefined {
    return this.get(`t${txid}`, 'tx')?.doc;
  }

  history(id: string): HistoryDoc | undefined {
    return this.get(`a${id}`, 'history')?.doc;
  }

  /** A sealed block read from the database or just committed: its whole document (with `txs`). */
  putBlock(doc: BlockDoc): void {
    this.cache.put(`b${doc.height}`, { kind: 'block', doc });
    this.cache.put(`h${doc.hash}`, { kind: 'hash', height: doc.height });
  }

  putTxIndex(doc: TxIndexDoc): void {
    this.cache.put(`t${doc._id}`, { kind: 'tx', doc });
  }

  putHistory(doc: HistoryDoc): void {
    this.cache.put(`a${doc._id}`, { kind: 'history', doc });
  }

  stats(): ImmutableCacheStats {
    return this.cache.stats();
  }

  private get<K extends Entry['kind']>(key: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const entry = this.cache.get(key);
    return entry?.kind === kind ? (entry as Extract<Entry, { kind: K }>) : undefined;
  }
}
