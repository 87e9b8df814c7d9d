/**
 * The gateway's metrics, on one {@link Registry} served at `GET /metrics`:
 *
 * | metric | labels |
 * |---|---|
 * | `aiki_gateway_requests_total` | `operation_type`, `outcome` (ok, error, refused), `code` |
 * | `aiki_gateway_request_duration_seconds` (histogram) | `operation_type`, `outcome` |
 * | `aiki_subgraph_requests_total` | `subgraph`, `municipality`, `outcome` (ok, error, unavailable) |
 * | `aiki_subgraph_request_duration_seconds` (histogram) | `subgraph`, `municipality` |
 * | `aiki_gateway_cache_hits_total`, `…_misses_total`, `…_bypasses_total`, `…_evictions_total`, `aiki_gateway_cache_entries`, `…_bytes` | `cache` |
 * | `aiki_shard_map_municipalities` (gauge) | `state` (serving, pending, suspended) |
 *
 * Every label is bounded: operation types are four, codes are the catalogue's (core/errors.ts)
 * and Apollo Server's, anything else counted as INTERNAL_SERVER_ERROR (what the client is shown);
 * municipalities are the registry's (a shard is called only once it is in the shard map);
 * subgraphs are the composed ones. Operation names are client-chosen, so never a label — they are
 * on the request's span instead. Hit rate: `rate(…hits_total[5m]) / (rate(…hits_total[5m]) +
 * rate(…misses_total[5m]))`.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { isErrorCode } from '../../core/errors.ts';
import type { ShardMap } from '../router/ShardMap.ts';
import { Counter, Histogram, Registry, type Labels } from './metrics.ts';

export type RequestOutcome = 'ok' | 'error' | 'refused';
/** `error`: the subgraph answered with GraphQL errors; `unavailable`: no GraphQL answer at all (refused connection, time-out, not JSON). */
export type SubgraphOutcome = 'ok' | 'error' | 'unavailable';
export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/**
 * Request durations: the gateway answers a cached read in a few ms, a single submitted transfer
 * in ~3–4 ms of ledger time plus the hop (265–360 /s, docs/BENCHMARKS.md), a batch of 100 in
 * ~40–50 ms, and a 3-hop trace with proofs in tens of ms; the tail to 10 s covers the shard time-out.
 */
export const REQUEST_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RequestObservation {
  operationType: OperationType;
  outcome: RequestOutcome;
  /** `extensions.code` of the first error; '' when there was none. */
  code: string;
  durationMs: number;
}

export type SubgraphObservation = {
  subgraph: string;
  /** The municipality a ledger call went to; '' for the main chain and extension subgraphs. */
  municipality?: string;
  durationMs: number;
} & ({ ok: boolean } | { outcome: SubgraphOutcome });

/**
 * What a cache reports (gateway/cache's `EntityCache.stats()` has this shape): running totals
 * since it started, and its size now. The optional ones are exposed when present.
 */
export interface CacheStats {
  hits: number;
  misses: number;
  bypasses?: number;
  evictions?: number;
  entries?: number;
  bytes?: number;
}

const APOLLO_CODES = new Set<string>(Object.values(ApolloServerErrorCode));

/** A code as a bounded label value: the catalogue's and Apollo Server's as they are, anything else INTERNAL_SERVER_ERROR. */
export function codeLabel(code: unknown): string {
  if (code === undefined || code === null || code === '') return '';
  return isErrorCode(code) || (typeof code === 'string' && APOLLO_CODES.has(code)) ? (code as string) : 'INTERNAL_SERVER_ERROR';
}

export class GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'operation_type' | 'outcome' | 'code'>;
  readonly requestDuration: Histogram<'operation_type' | 'outcome'>;
  readonly subgraphRequests: Counter<'subgraph' | 'municipality' | 'outcome'>;
  readonly subgraphDuration: Histogram<'subgraph' | 'municipality'>;
  private readonly caches = new Map<string, () => CacheStats>();
  private shards: Pick<ShardMap, 'codes' | 'get'> | undefined;

  constructor(registry: Registry = new Registry(), { buckets = REQUEST_BUCKETS }: { buckets?: readonly number[] } = {}) {
    this.registry = registry;
    this.requests = registry.counter({
      name: 'aiki_gateway_requests_total',
      help: 'GraphQL requests the gateway answered, by operation type, outcome (ok, error, refused before execution) and the code of the first error.',
      labelNames: ['operation_type', 'outcome', 'code'],
    });
    this.requestDuration = registry.histogram({
      name: 'aiki_gateway_request_duration_seconds',
      help: 'Time from the start of a GraphQL request to its response, in seconds.',
      labelNames: ['operation_type', 'outcome'],
      buckets,
    });
    this.subgraphRequests = registry.counter({
      name: 'aiki_subgraph_requests_total',
      help: 'Calls from the gateway to subgraphs, by subgraph, municipality (ledger shards) and outcome (ok, error: GraphQL errors, unavailable: no GraphQL answer).',
      labelNames: ['subgraph', 'municipality', 'outcome'],
    });
    this.subgraphDuration = registry.histogram({
      name: 'aiki_subgraph_request_duration_seconds',
      help: 'Time of one call from the gateway to a subgraph, in seconds.',
      labelNames: ['subgraph', 'municipality'],
      buckets,
    });
    const cacheMetric = (field: keyof CacheStats, type: 'counter' | 'gauge', name: string, help: string) =>
      registry.collected<'cache'>({
        name,
        help,
        type,
        labelNames: ['cache'],
        collect: () => {
          const samples: Array<readonly [{ cache: string }, number]> = [];
          for (const [cache, stats] of this.caches) {
            const value = stats()[field];
            if (typeof value === 'number') samples.push([{ cache }, value]);
          }
          return samples;
        },
      });
    cacheMetric('hits', 'counter', 'aiki_gateway_cache_hits_total', 'Lookups the gateway answered from its cache.');
    cacheMetric('misses', 'counter', 'aiki_gateway_cache_misses_total', 'Cacheable lookups not found in the cache (fetched).');
    cacheMetric('bypasses', 'counter', 'aiki_gateway_cache_bypasses_total', 'Lookups that did not use the cache (data that can change).');
    cacheMetric('evictions', 'counter', 'aiki_gateway_cache_evictions_total', 'Entries the cache dropped to stay within its bounds.');
    cacheMetric('entries', 'gauge', 'aiki_gateway_cache_entries', 'Entries in the cache.');
    cacheMetric('bytes', 'gauge', 'aiki_gateway_cache_bytes', 'Estimated size of the cache, in bytes.');
    registry.collected<'state'>({
      name: 'aiki_shard_map_municipalities',
      help: 'Municipalities in the shard map: serving (admitted, active), pending (not admitted: no endpoint passed the ledger contract check), suspended (by governance).',
      type: 'gauge',
      labelNames: ['state'],
      collect: () => {
        const shards = this.shards;
        if (!shards) return [];
        const counts = { serving: 0, pending: 0, suspended: 0 };
        for (const code of shards.codes()) {
          const shard = shards.get(code);
          if (shard) counts[shard.status === 'SUSPENDED' ? 'suspended' : shard.state]++;
        }
        return Object.entries(counts).map(([state, n]) => [{ state }, n] as const);
      },
    });
  }

  /** The exposition for `GET /metrics` (served with {@link CONTENT_TYPE}). */
  metricsText(): string {
    return this.registry.metricsText();
  }

  observeRequest({ operationType, outcome, code, durationMs }: RequestObservation): void {
    this.requests.inc({ operation_type: operationType, outcome, code: codeLabel(code) });
    this.requestDuration.observe({ operation_type: operationType, outcome }, durationMs / 1000);
  }

  /** One call to one subgraph (for the ledger: one municipality's shard), as the shard router or a data source made it. */
  observeSubgraphCall(call: SubgraphObservation): void {
    const outcome: SubgraphOutcome = 'outcome' in call ? call.outcome : call.ok ? 'ok' : 'error';
    const labels: Labels<'subgraph' | 'municipality'> = { subgraph: call.subgraph, municipality: call.municipality ?? '' };
    this.subgraphRequests.inc({ ...labels, outcome });
    this.subgraphDuration.observe(labels, call.durationMs / 1000);
  }

  /** Exposes a cache's stats as `aiki_gateway_cache_*{cache=name}`, read at each scrape: `watchCache(() => entityCache.stats())`. */
  watchCache(stats: () => CacheStats, name = 'entity'): void {
    this.caches.set(name, stats);
  }

  /** Exposes the shard map's size by state as `aiki_shard_map_municipalities`, read at each scrape. */
  watchShardMap(shards: Pick<ShardMap, 'codes' | 'get'>): void {
    this.shards = shards;
  }
}
