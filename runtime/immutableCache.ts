/**
 * Documents that never change once written — a subgraph's sealed blocks, confirmed transactions,
 * anchors, sealed event positions — kept in a process's memory without expiry, bounded by an
 * estimate of the heap they hold (least recently used first), with hit and miss counts for
 * metrics. Only a document read from the database (or just written there) goes in; an absence
 * is never kept, since what is missing now may be written a moment later.
 */
import { Lru, type LruStats } from './lru.ts';

export interface ImmutableCacheStats extends LruStats {
  hits: number;
  misses: number;
  maxBytes: number;
}

export class ImmutableCache<V> {
  private readonly lru: Lru<string, V>;
  private hits = 0;
  private misses = 0;

  constructor(
    readonly maxBytes: number,
    /** An estimate of the heap `value` holds, besides its key. */
    sizeOf: (value: V) => number,
  ) {
    this.lru = new Lru<string, V>(Number.MAX_SAFE_INTEGER, { maxBytes, sizeOf: (key, value) => key.length * 2 + sizeOf(value) });
  }

  get(key: string): V | undefined {
    const value = this.lru.get(key);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  put(key: string, value: V): void {
    this.lru.set(key, value);
  }

  stats(): ImmutableCacheStats {
    return { ...this.lru.stats(), hits: this.hits, misses: this.misses, maxBytes: this.maxBytes };
  }
}

/**
 * `compute(doc)` once per document object, kept as long as the object is (a WeakMap): for what an
 * immutable document implies and costs to work out, such as a sealed block's Merkle tree.
 */
export function memoizedBy<D extends object, V>(compute: (doc: D) => V): (doc: D) => V {
  const memo = new WeakMap<D, V>();
  return (doc) => {
    let value = memo.get(doc);
    if (value === undefined) memo.set(doc, (value = compute(doc)));
    return value;
  };
}
