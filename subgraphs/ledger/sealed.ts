/**
 * What a ledger never changes once it is in the database, kept in this process's memory: sealed
 * blocks (by height, and their heights by hash), tx index entries (where a confirmed transaction
 * is) and history documents (an account's entries in one block). Without expiry: none of them is
 * ever updated or deleted (store.ts writes them by unique-key inserts only, and a block document
 * is the commit point). Bounded by memory, least recently used first (AIKI_SEALED_CACHE_MB).
 *
 * Filled only from what the database holds — a read that found the document, or the block this
 * process has just committed — never from the book's pending state, so nothing here is a block or
 * a transaction that was not sealed. What is absent is never remembered as absent: a block or a
 * transaction not found now may be sealed a moment later. Mutable state (the head, accounts, the
 * mempool, rejections) is read from the database on every request.
 *
 * Measured (docs/BENCHMARKS.md, "Reading under the caches"): a block page of 10 blocks was 11
 * database round trips, 3 of them in sequence; with the blocks here it is one `_id` probe.
 */
import { Lru, type LruStats } from '../../runtime/lru.ts';
import type { BlockDoc, HistoryDoc, TxIndexDoc } from './models.ts';

/** Roughly what a stored transaction holds in the heap (ids, signature, body, PoH entry): measured ~1.1 KB. */
const TX_BYTES = 1200;
const DOC_BYTES = 200;

type Entry = { kind: 'block'; doc: BlockDoc } | { kind: 'tx'; doc: TxIndexDoc } | { kind: 'history'; doc: HistoryDoc } | { kind: 'hash'; height: number };

export interface SealedStats extends LruStats {
  hits: number;
  misses: number;
  maxBytes: number;
}

export class SealedCache {
  private readonly lru: Lru<string, Entry>;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxBytes: number) {
    this.lru = new Lru<string, Entry>(Number.MAX_SAFE_INTEGER, {
      maxBytes,
      sizeOf: (key, e) => key.length * 2 + DOC_BYTES + (e.kind === 'block' ? (e.doc.txs.length + (e.doc.allocations?.length ?? 0)) * TX_BYTES : e.kind === 'history' ? 8 * (e.doc.indexes.length + (e.doc.prev?.length ?? 0)) : 0),
    });
  }

  block(height: number): BlockDoc | undefined {
    return this.found(this.lru.get(`b${height}`), 'block')?.doc;
  }

  /** The height of the sealed block with this hash, if it was read here. */
  heightOf(hash: string): number | undefined {
    return this.found(this.lru.get(`h${hash}`), 'hash')?.height;
  }

  txIndex(txid: string): TxIndexDoc | undefined {
    return this.found(this.lru.get(`t${txid}`), 'tx')?.doc;
  }

  history(id: string): HistoryDoc | undefined {
    return this.found(this.lru.get(`a${id}`), 'history')?.doc;
  }

  /** A sealed block read from the database or just committed: its whole document (with `txs`). */
  putBlock(doc: BlockDoc): void {
    this.lru.set(`b${doc.height}`, { kind: 'block', doc });
    this.lru.set(`h${doc.hash}`, { kind: 'hash', height: doc.height });
  }

  putTxIndex(doc: TxIndexDoc): void {
    this.lru.set(`t${doc._id}`, { kind: 'tx', doc });
  }

  putHistory(doc: HistoryDoc): void {
    this.lru.set(`a${doc._id}`, { kind: 'history', doc });
  }

  stats(): SealedStats {
    return { ...this.lru.stats(), hits: this.hits, misses: this.misses, maxBytes: this.maxBytes };
  }

  private found<K extends Entry['kind']>(entry: Entry | undefined, kind: K): Extract<Entry, { kind: K }> | undefined {
    if (entry?.kind === kind) {
      this.hits++;
      return entry as Extract<Entry, { kind: K }>;
    }
    this.misses++;
    return undefined;
  }
}
