/** The caches' bounds: entries and size, least recently used forgotten first; the plan cache's counters. */
import { describe, expect, it } from 'vitest';
import { Lru } from '../../runtime/lru.ts';
import { PlanCache } from '../../gateway/cache/index.ts';

describe('Lru', () => {
  it('forgets the least recently used beyond its number of entries', () => {
    const store = Lru.strings(2, 1 << 20);
    store.set('a', '1');
    store.set('b', '2');
    expect(store.get('a')).toBe('1'); // a is now the most recent
    store.set('c', '3');
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual(['1', undefined, '3']);
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  it('stays within its size, counting keys and values', () => {
    const store = Lru.strings(1000, 10_000);
    for (let i = 0; i < 100; i++) store.set(`key-${i}`, 'x'.repeat(200));
    const { bytes, entries, evictions } = store.stats();
    expect(bytes).toBeLessThanOrEqual(10_000);
    expect(entries).toBeLessThan(100);
    expect(entries + evictions).toBe(100);
    expect(store.get('key-99')).toBe('x'.repeat(200));
    expect(store.get('key-0')).toBeUndefined();
  });

  it('does not keep a value larger than a tenth of its size, and accounts for replaced values', () => {
    const store = Lru.strings(10, 10_000);
    expect(store.set('big', 'x'.repeat(600))).toBe(false);
    expect(store.get('big')).toBeUndefined();
    store.set('k', 'x'.repeat(100));
    store.set('k', 'y');
    expect(store.stats()).toMatchObject({ entries: 1, bytes: 2 + 2 + 64 });
  });
});

describe('PlanCache', () => {
  it('counts hits, misses and clears', async () => {
    const plans = new PlanCache(2);
    expect(await plans.get('q1')).toBeUndefined();
    await plans.set('q1', { kind: 'QueryPlan' } as never);
    expect(await plans.get('q1')).toEqual({ kind: 'QueryPlan' });
    await plans.set('q2', { kind: 'QueryPlan' } as never);
    await plans.set('q3', { kind: 'QueryPlan' } as never);
    expect(await plans.get('q1')).toBeUndefined(); // beyond 2 entries, the oldest went
    plans.clear();
    expect(plans.stats()).toMatchObject({ hits: 1, misses: 2, clears: 1, entries: 0, bytes: 0 });
  });
});
