/**
 * Documents that never change once written — a subgraph's sealed blocks, confirmed transactions,
 * anchors, sealed event positions — kept in a process's memory without expiry, bounded by an
 * estimate of the heap they hold (least recently used first), with hit and miss counts for
 * metrics. Only a document read from the database (or just written there) goes in; an absence
 * is never kept, since what is missing now may be written a moment later.
 */
import type { MetricsText } from './http.ts';
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
 * `GET /metrics` (Prometheus text format 0.0.4) of a subgraph's cache: what it holds and how often
 * it answers, so that an operator can size it. `prefix` names the metrics (`aiki_ledger_sealed_cache`),
 * `setting` the variable that bounds it.
 */
export function cacheMetrics(prefix: string, setting: string, s: ImmutableCacheStats): MetricsText {
  const lines = (
    [
      ['bytes', 'gauge', 'Estimated heap held by immutable documents kept in memory.', s.bytes],
      ['max_bytes', 'gauge', `The bound on ${prefix}_bytes (${setting}).`, s.maxBytes],
      ['entries', 'gauge', 'Documents kept in memory.', s.entries],
      ['hits_total', 'counter', 'Reads answered from memory.', s.hits],
      ['misses_total', 'counter', 'Reads that went to the database.', s.misses],
      ['evictions_total', 'counter', 'Documents dropped to stay within the bound, least recently used first.', s.evictions],
    ] as const
  ).flatMap(([name, type, help, value]) => [`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`, `${prefix}_${name} ${value}`]);
  return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: `${lines.join('\n')}\n` };
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
