/**
 * The gateway's metrics, on one prom-client registry served at `GET /metrics` beside the standard
 * process and Node.js metrics and `aiki_build_info` (runtime/metrics.ts):
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
 *
 * And bounded again, against a bug that puts an unbounded value in a label ({@link LabelCap}): each
 * labelled metric keeps at most {@link MAX_SERIES} label sets, the subgraph metrics that many more
 * per municipality in the shard map — 1,741 municipalities each keep their own series.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { isErrorCode } from '../../core/errors.ts';
import type { ShardMap } from '../router/ShardMap.ts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { serviceRegistry, setCounter } from '../../runtime/metrics.ts';
import { LabelCap, MAX_SERIES } from './labelCap.ts';

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
 * What one cache reports (gateway/cache's `EntityCache.stats()` has this shape): running totals
 * since it started, and its size now. The optional ones are exposed when present. (All the
 * gateway's caches together are gateway/cache's `GatewayCacheStats`.)
 */
export interface CacheCounters {
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

/** Series per municipality a subgraph metric may need: one per outcome. */
const SERIES_PER_MUNICIPALITY = 3;

type RequestLabels = 'operation_type' | 'outcome' | 'code';
type SubgraphLabels = 'subgraph' | 'municipality';

export class GatewayMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<RequestLabels>;
  private readonly requestDuration: Histogram<'operation_type' | 'outcome'>;
  private readonly subgraphRequests: Counter<SubgraphLabels | 'outcome'>;
  private readonly subgraphDuration: Histogram<SubgraphLabels>;
  private readonly requestCap = new LabelCap<RequestLabels>(['operation_type', 'outcome', 'code']);
  private readonly durationCap = new LabelCap<'operation_type' | 'outcome'>(['operation_type', 'outcome']);
  /** Grows with the shard map: every municipality of the registry keeps its own series. */
  private readonly subgraphCap = new LabelCap<SubgraphLabels | 'outcome'>(
    ['subgraph', 'municipality', 'outcome'],
    MAX_SERIES,
    () => SERIES_PER_MUNICIPALITY * this.municipalities(),
  );
  private readonly subgraphDurationCap = new LabelCap<SubgraphLabels>(['subgraph', 'municipality'], MAX_SERIES, () => this.municipalities());
  private readonly caches = new Map<string, () => CacheCounters>();
  private shards: Pick<ShardMap, 'codes' | 'get'> | undefined;

  constructor(registry: Registry = serviceRegistry('gateway'), { buckets = REQUEST_BUCKETS }: { buckets?: readonly number[] } = {}) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({
      name: 'aiki_gateway_requests_total',
      help: 'GraphQL requests the gateway answered, by operation type, outcome (ok, error, refused before execution) and the code of the first error.',
      labelNames: ['operation_type', 'outcome', 'code'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'aiki_gateway_request_duration_seconds',
      help: 'Time from the start of a GraphQL request to its response, in seconds.',
      labelNames: ['operation_type', 'outcome'],
      buckets: [...buckets],
      registers,
    });
    this.subgraphRequests = new Counter({
      name: 'aiki_subgraph_requests_total',
      help: 'Calls from the gateway to subgraphs, by subgraph, municipality (ledger shards) and outcome (ok, error: GraphQL errors, unavailable: no GraphQL answer).',
      labelNames: ['subgraph', 'municipality', 'outcome'],
      registers,
    });
    this.subgraphDuration = new Histogram({
      name: 'aiki_subgraph_request_duration_seconds',
      help: 'Time of one call from the gateway to a subgraph, in seconds.',
      labelNames: ['subgraph', 'municipality'],
      buckets: [...buckets],
      registers,
    });
    const caches = this.caches;
    /** A source's own totals, read at each scrape; a source that throws leaves its series out of that scrape. */
    const cacheSamples = (field: keyof CacheCounters) => {
      const samples: Array<readonly [{ cache: string }, number]> = [];
      for (const [cache, stats] of caches) {
        try {
          const value = stats()[field];
          if (typeof value === 'number') samples.push([{ cache }, value]);
        } catch {
          // left out of this scrape
        }
      }
      return samples;
    };
    const cacheCounter = (field: keyof CacheCounters, name: string, help: string) =>
      new Counter({
        name,
        help,
        labelNames: ['cache'],
        registers,
        collect() {
          setCounter(this, cacheSamples(field));
        },
      });
    const cacheGauge = (field: keyof CacheCounters, name: string, help: string) =>
      new Gauge({
        name,
        help,
        labelNames: ['cache'],
        registers,
        collect() {
          this.reset();
          for (const [labels, value] of cacheSamples(field)) this.set(labels, value);
        },
      });
    cacheCounter('hits', 'aiki_gateway_cache_hits_total', 'Lookups the gateway answered from its cache.');
    cacheCounter('misses', 'aiki_gateway_cache_misses_total', 'Cacheable lookups not found in the cache (fetched).');
    cacheCounter('bypasses', 'aiki_gateway_cache_bypasses_total', 'Lookups that did not use the cache (data that can change).');
    cacheCounter('evictions', 'aiki_gateway_cache_evictions_total', 'Entries the cache dropped to stay within its bounds.');
    cacheGauge('entries', 'aiki_gateway_cache_entries', 'Entries in the cache.');
    cacheGauge('bytes', 'aiki_gateway_cache_bytes', 'Estimated size of the cache, in bytes.');
    const shardMap = () => this.shards;
    new Gauge({
      name: 'aiki_shard_map_municipalities',
      help: 'Municipalities in the shard map: serving (admitted, active), pending (not admitted: no endpoint passed the ledger contract check), suspended (by governance).',
      labelNames: ['state'],
      registers,
      collect() {
        const shards = shardMap();
        if (!shards) return;
        const counts = { serving: 0, pending: 0, suspended: 0 };
        for (const code of shards.codes()) {
          const shard = shards.get(code);
          if (shard) counts[shard.status === 'SUSPENDED' ? 'suspended' : shard.admission]++;
        }
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }

  /** The exposition for `GET /metrics` (served with {@link Registry.contentType}). */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest({ operationType, outcome, code, durationMs }: RequestObservation): void {
    this.requests.inc(this.requestCap.labels({ operation_type: operationType, outcome, code: codeLabel(code) }));
    this.requestDuration.observe(this.durationCap.labels({ operation_type: operationType, outcome }), durationMs / 1000);
  }

  /** One call to one subgraph (for the ledger: one municipality's shard), as the shard router or a data source made it. */
  observeSubgraphCall(call: SubgraphObservation): void {
    const outcome: SubgraphOutcome = 'outcome' in call ? call.outcome : call.ok ? 'ok' : 'error';
    const labels = { subgraph: call.subgraph, municipality: call.municipality ?? '' };
    this.subgraphRequests.inc(this.subgraphCap.labels({ ...labels, outcome }));
    this.subgraphDuration.observe(this.subgraphDurationCap.labels(labels), call.durationMs / 1000);
  }

  /** Exposes a cache's stats as `aiki_gateway_cache_*{cache=name}`, read at each scrape: `watchCache(() => entityCache.stats())`. */
  watchCache(stats: () => CacheCounters, name = 'entity'): void {
    this.caches.set(name, stats);
  }

  /** Exposes the shard map's size by state as `aiki_shard_map_municipalities`, read at each scrape. */
  watchShardMap(shards: Pick<ShardMap, 'codes' | 'get'>): void {
    this.shards = shards;
  }

  private municipalities(): number {
    return this.shards?.codes().length ?? 0;
  }
}
