/**
 * A Map bounded by a number of entries and, optionally, by size, forgetting the least recently
 * used first. A JavaScript Map iterates in insertion order, so re-inserting on every use keeps the
 * oldest use first: each operation is O(1) (evictions amortised).
 *
 * The gateway's caches bound their strings by size (`Lru.strings`: the UTF-16 length of key and
 * value plus a fixed overhead per entry, an approximation of the heap they hold that errs on the
 * large side); its edge bounds clients and persisted queries by number.
 */
const ENTRY_OVERHEAD = 64;

export interface LruStats {
  entries: number;
  bytes: number;
  evictions: number;
}

export interface LruOptions<K, V> {
  /** Largest total size; a value larger than a tenth of it is not kept. Default: no bound. */
  maxBytes?: number;
  sizeOf?: (key: K, value: V) => number;
}

export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private bytes = 0;
  private evicted = 0;
  private readonly maxBytes: number;
  private readonly sizeOf: (key: K, value: V) => number;

  constructor(
    readonly maxEntries: number,
    { maxBytes = Infinity, sizeOf = () => 0 }: LruOptions<K, V> = {},
  ) {
    if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new RangeError(`Lru: expected a positive integer number of entries, got ${maxEntries}`);
    if (!(maxBytes === Infinity || (Number.isInteger(maxBytes) && maxBytes > 0)))
      throw new RangeError(`Lru: expected a positive integer number of bytes, got ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
  }

  /** Strings bounded by entries and by the memory they hold (see above). */
  static strings(maxEntries: number, maxBytes: number): Lru<string, string> {
    return new Lru<string, string>(maxEntries, { maxBytes, sizeOf: (key, value) => key.length * 2 + value.length * 2 + ENTRY_OVERHEAD });
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used; false (and not kept) when larger than a tenth of the size bound. */
  set(key: K, value: V): boolean {
    const cost = this.sizeOf(key, value);
    this.delete(key);
    if (cost > this.maxBytes / 10) return false;
    this.map.set(key, value);
    this.bytes += cost;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, v] = this.map.entries().next().value as [K, V];
      this.map.delete(oldest);
      this.bytes -= this.sizeOf(oldest, v);
      this.evicted++;
    }
    return true;
  }

  delete(key: K): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.bytes -= this.sizeOf(key, value);
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  /** The least recently used entry, without touching it. */
  oldest(): [K, V] | undefined {
    return this.map.entries().next().value;
  }

  stats(): LruStats {
    return { entries: this.map.size, bytes: this.bytes, evictions: this.evicted };
  }
}
