/** The cache's settings from the environment (docs/GATEWAY.md). */
import { envInt } from '../../runtime/env.ts';
import type { CacheConfig } from './index.ts';

/**
 * AIKI_ENTITY_CACHE (1, or 0: off), AIKI_ENTITY_CACHE_MB (its bound in MiB, 64),
 * AIKI_ENTITY_CACHE_ENTRIES (100,000), AIKI_STATE_CACHE (1, or 0: off; it shares the entity
 * cache's bounds), AIKI_SINGLE_FLIGHT (1, 0: off, or `flight`: also join
 * calls on the wire, see SingleFlight.ts), AIKI_SINGLE_FLIGHT_QUEUE_MS (20; 0: never hold a call
 * behind an identical one on the wire).
 */
export function readCacheConfig(): CacheConfig {
  return {
    entities: envInt('AIKI_ENTITY_CACHE', 1, { max: 1 }) === 1,
    maxBytes: envInt('AIKI_ENTITY_CACHE_MB', 64, { min: 1, max: 1 << 16 }) * 2 ** 20,
    maxEntries: envInt('AIKI_ENTITY_CACHE_ENTRIES', 100_000, { min: 1 }),
    state: envInt('AIKI_STATE_CACHE', 1, { max: 1 }) === 1,
    singleFlight: process.env.AIKI_SINGLE_FLIGHT === 'flight' ? 'flight' : envInt('AIKI_SINGLE_FLIGHT', 1, { max: 1 }) === 1,
    singleFlightQueueMs: envInt('AIKI_SINGLE_FLIGHT_QUEUE_MS', 20, { max: 10_000 }),
  };
}
