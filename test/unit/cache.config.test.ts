import { afterEach, describe, expect, it, vi } from 'vitest';
import { CACHE_BUDGET_MB, cacheBounds, readCacheConfig } from '../../gateway/cache/config.ts';

describe('readCacheConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('shares one budget among the stores: together they hold no more than it', () => {
    const budgetBytes = readCacheConfig().budgetBytes!;
    expect(budgetBytes).toBe(CACHE_BUDGET_MB * 2 ** 20);
    const bounds = cacheBounds(budgetBytes);
    expect(Object.keys(bounds).sort()).toEqual(['entities', 'plans', 'responses', 'state', 'subgraphState']);
    const total = Object.values(bounds).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(budgetBytes);
    expect(total).toBeGreaterThan(budgetBytes - 5);
    for (const bound of Object.values(bounds)) expect(bound).toBeGreaterThan(0);
  });

  it('reads AIKI_CACHE_MB as the budget of all the caches', () => {
    vi.stubEnv('AIKI_CACHE_MB', '12');
    const bounds = cacheBounds(readCacheConfig().budgetBytes);
    expect(Object.values(bounds).reduce((a, b) => a + b, 0)).toBe(12 * 2 ** 20);
  });

  it('refuses a budget that is not a positive integer, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      vi.stubEnv('AIKI_CACHE_MB', bad);
      expect(() => readCacheConfig()).toThrow(/^AIKI_CACHE_MB must be an integer/);
    }
  });

  it('refuses AIKI_ENTITY_CACHE_MB, which bounded each store alone: it is not silently ignored', () => {
    vi.stubEnv('AIKI_ENTITY_CACHE_MB', '64');
    expect(() => readCacheConfig()).toThrow(/AIKI_ENTITY_CACHE_MB is no longer read: set AIKI_CACHE_MB/);
  });
});
