/** The cache's settings from the environment (docs/GATEWAY.md). */
import { envChoice, envInt } from '../../runtime/env.ts';

export interface CacheConfig {
  /** The entity cache of immutable ledger data (default on). */
  entities: boolean;
  /** The state cache of ledger answers at their head, checked before each use (StateCache.ts; default on). */
  state?: boolean;
  /** The memory budget of all the stores together, in bytes (config.ts shares it; default 48 MiB). */
  budgetBytes?: number;
  /** The most entries of each store. */
  maxEntries?: number;
  /** Single-flight for identical reads issued together (default on); `flight`: also join calls on the wire. */
  singleFlight: boolean | 'flight';
  /** How long a call may wait behind an identical one on the wire (SingleFlight.ts; default 20 ms). */
  singleFlightQueueMs?: number;
}

/**
 * The caches' memory budget by default, in MiB (AIKI_CACHE_MB): what all of them hold together
 * when full, counted as they count it (UTF-16 length, an upper bound on the heap their strings
 * take). Chosen so that the gateway stays within 150 MB resident at national scale with its
 * caches full (docs/BENCHMARKS.md, "The gateway at national scale").
 */
export const CACHE_BUDGET_MB = 48;

/** How the budget is shared, in twelfths: the entity cache holds what never changes; the plans are few. */
const SHARES = { entities: 4, state: 3, responses: 3, subgraphState: 1, plans: 1 } as const;

export type CacheStore = keyof typeof SHARES;

/** Each store's bound in bytes, the budget shared as {@link SHARES} says. */
export function cacheBounds(budgetBytes = CACHE_BUDGET_MB * 2 ** 20): Record<CacheStore, number> {
  return Object.fromEntries(Object.entries(SHARES).map(([store, twelfths]) => [store, Math.floor((budgetBytes * twelfths) / 12)])) as Record<
    CacheStore,
    number
  >;
}

/**
 * AIKI_ENTITY_CACHE (1, or 0: off), AIKI_CACHE_MB (the budget of all the caches in MiB, 48),
 * AIKI_ENTITY_CACHE_ENTRIES (100,000 entries in each store), AIKI_STATE_CACHE (1, or 0: off — the
 * state and response caches), AIKI_SINGLE_FLIGHT (1, 0: off, or `flight`: also join
 * calls on the wire, see SingleFlight.ts), AIKI_SINGLE_FLIGHT_QUEUE_MS (20; 0: never hold a call
 * behind an identical one on the wire).
 */
export function readCacheConfig(): CacheConfig {
  // It bounded each of four stores alone (4 × 64 MiB): a setting that no longer means what it said is refused, not ignored.
  if (process.env.AIKI_ENTITY_CACHE_MB !== undefined)
    throw new Error('AIKI_ENTITY_CACHE_MB is no longer read: set AIKI_CACHE_MB, the budget of all the gateway caches together (docs/GATEWAY.md)');
  return {
    entities: envInt('AIKI_ENTITY_CACHE', 1, { max: 1 }) === 1,
    budgetBytes: envInt('AIKI_CACHE_MB', CACHE_BUDGET_MB, { min: 1, max: 1 << 16 }) * 2 ** 20,
    maxEntries: envInt('AIKI_ENTITY_CACHE_ENTRIES', 100_000, { min: 1 }),
    state: envInt('AIKI_STATE_CACHE', 1, { max: 1 }) === 1,
    singleFlight: { flight: 'flight', '1': true, '0': false }[envChoice('AIKI_SINGLE_FLIGHT', ['0', '1', 'flight'], '1')] as boolean | 'flight',
    singleFlightQueueMs: envInt('AIKI_SINGLE_FLIGHT_QUEUE_MS', 20, { max: 10_000 }),
  };
}
