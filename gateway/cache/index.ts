/**
 * The gateway's caches and request sharing (docs/GATEWAY.md): the entity cache of immutable
 * ledger data, single-flight for identical reads issued together, and the counted query plan
 * cache. Their counters, in one object, are `GET /ready`'s `cache` (for metrics exporters).
 */
import type { EntityCacheStats } from './EntityCache.ts';
import type { PlanCacheStats } from './PlanCache.ts';
import type { SingleFlightStats } from './SingleFlight.ts';
import type { StateCacheStats } from './StateCache.ts';
import type { ResponseCacheStats } from './ResponseCache.ts';
import type { GrantedLabelsStats } from './GrantedLabels.ts';

export { EntityCache, type EntitiesReply, type EntityCacheOptions, type EntityCacheStats, type FetchEntities } from './EntityCache.ts';
export { PlanCache, type PlanCacheStats } from './PlanCache.ts';
export { SharedReadsDataSource, type SharedReadsOptions, type SubgraphAnswer } from './SharedReadsDataSource.ts';
export { GrantedLabels, type GrantedLabelsStats } from './GrantedLabels.ts';
export { ResponseCache, type ResponseCacheStats, type WireNote } from './ResponseCache.ts';
export { Reads, readsOf } from './Reads.ts';
export { StateCache, takeLabel, type LabelledReply, type StateCacheOptions, type StateCacheStats } from './StateCache.ts';
export { SingleFlight, copyJson, type SingleFlightOptions, type SingleFlightStats, type SingleFlightWindow } from './SingleFlight.ts';
export { cacheBounds, readCacheConfig, CACHE_BUDGET_MB, type CacheConfig, type CacheStore } from './config.ts';
export { countedCalls, readThrough, type Read } from './readThrough.ts';

/** The counters of all the gateway's caches together (`GET /ready`'s `cache`); one cache's counters, as metrics read them, are gateway/observability's `CacheCounters`. */
export interface GatewayCacheStats {
  /** Null when the entity cache is off. */
  entities: EntityCacheStats | null;
  /** Null when the state cache is off: the ledgers' answers, and the other subgraphs' (the main chain's). */
  state: StateCacheStats | null;
  subgraphState: StateCacheStats | null;
  /** Null when the state cache is off (it builds on it): whole responses. */
  responses: ResponseCacheStats | null;
  /** Null when the state cache is off: labels held under the subgraphs' grants. */
  grants: GrantedLabelsStats | null;
  /** Null when single-flight is off. */
  singleFlight: SingleFlightStats | null;
  plans: PlanCacheStats;
}
