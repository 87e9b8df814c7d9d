/**
 * Strings by key, bounded by a number of entries and by size, forgetting the least recently used
 * first. A JavaScript Map iterates in insertion order, so re-inserting on every hit keeps the
 * oldest use first: each operation is O(1) (evictions amortised).
 *
 * Size is counted as the UTF-16 length of key and value plus a fixed overhead per entry: an
 * approximation of the heap they hold (V8 stores ASCII strings one byte a character, so it errs
 * on the large side).
 */
const ENTRY_OVERHEAD = 64;

export interface LruStoreStats {
  entries: number;
  bytes: number;
  evictions: number;
}

export class LruStore {
  private readonly map = new Map<string, string>();
  private size = 0;
  private evicted = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {
    if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new RangeError(`LruStore: expected a positive integer number of entries, got ${maxEntries}`);
    if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new RangeError(`LruStore: expected a positive integer number of bytes, got ${maxBytes}`);
  }

  /** The value, now the most recently used. */
  get(key: string): string | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used; one larger than a tenth of the bound is not kept. */
  set(key: string, value: string): boolean {
    const cost = key.length * 2 + value.length * 2 + ENTRY_OVERHEAD;
    this.delete(key);
    if (cost > this.maxBytes / 10) return false;
    this.map.set(key, value);
    this.size += cost;
    while (this.map.size > this.maxEntries || this.size > this.maxBytes) {
      const [oldest, v] = this.map.entries().next().value as [string, string];
      this.map.delete(oldest);
      this.size -= oldest.length * 2 + v.length * 2 + ENTRY_OVERHEAD;
      this.evicted++;
    }
    return true;
  }

  delete(key: string): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.size -= key.length * 2 + value.length * 2 + ENTRY_OVERHEAD;
  }

  clear(): void {
    this.map.clear();
    this.size = 0;
  }

  stats(): LruStoreStats {
    return { entries: this.map.size, bytes: this.size, evictions: this.evicted };
  }
}
