/**
 * A Map bounded to `max` entries that forgets the least recently used first. A JavaScript Map
 * iterates in insertion order, so re-inserting on every use keeps the oldest use first: each
 * operation is O(1).
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`LruMap: expected a positive integer size, got ${max}`);
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

  /** Stores `value` as the most recently used, forgetting the least recently used beyond `max`. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** The least recently used entry, without touching it. */
  oldest(): [K, V] | undefined {
    return this.map.entries().next().value;
  }
}
