/**
 * What every service's `GET /metrics` starts from: a prom-client registry with the standard process
 * and Node.js metrics (`process_cpu_seconds_total`, `process_resident_memory_bytes`, the heap by
 * space, `nodejs_eventloop_lag_seconds` and its percentiles, `nodejs_gc_duration_seconds`, open
 * handles…) and `aiki_build_info`, beside the service's own. The gateway's are in
 * gateway/observability/; the subgraphs' caches are added by {@link watchImmutableCache}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ImmutableCacheStats } from './immutableCache.ts';

export interface MetricsText {
  contentType: string;
  body: string;
}

/** The package's version, from the package.json above this file (source: runtime/, built: dist/runtime/). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'aiki-federation') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

let processMetrics: Registry | undefined;

/**
 * The standard process and Node.js metrics, once per process however many servers it runs (tests
 * start several): a registry of their own, sampled by prom-client's collectors. The event loop's
 * delay is sampled every 20 ms (prom-client's default 10: half the wake-ups, for a figure read every
 * 15 s or more).
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: 20 });
  }
  return processMetrics;
}

/**
 * A registry for a service's own metrics, starting with `aiki_build_info{service,version,node_version} 1`;
 * the process's standard metrics start being sampled now (GC durations, event-loop delay).
 */
export function serviceRegistry(service: string): Registry {
  processRegistry();
  const registry = new Registry();
  new Gauge({
    name: 'aiki_build_info',
    help: 'Which build this process runs: always 1, the version in its labels.',
    labelNames: ['service', 'version', 'node_version'] as const,
    registers: [registry],
  }).set({ service, version: packageVersion(), node_version: process.version }, 1);
  return registry;
}

/** `GET /metrics`: the standard process metrics and the service's own, read at each scrape. */
export function metricsEndpoint(registry: Registry): () => Promise<MetricsText> {
  return async () => ({ contentType: registry.contentType, body: (await processRegistry().metrics()) + (await registry.metrics()) });
}

/**
 * A subgraph's cache of immutable documents (runtime/immutableCache.ts) as `<prefix>_bytes`,
 * `_max_bytes`, `_entries` (gauges) and `_hits_total`, `_misses_total`, `_evictions_total`
 * (counters), read at each scrape, so that an operator can size it; `setting` names the variable
 * that bounds it (`AIKI_SEALED_CACHE_MB`).
 */
export function watchImmutableCache(registry: Registry, prefix: string, setting: string, stats: () => ImmutableCacheStats): void {
  const series: Array<['gauge' | 'counter', string, string, (s: ImmutableCacheStats) => number]> = [
    ['gauge', 'bytes', 'Estimated heap held by immutable documents kept in memory.', (s) => s.bytes],
    ['gauge', 'max_bytes', `The bound on ${prefix}_bytes (${setting}).`, (s) => s.maxBytes],
    ['gauge', 'entries', 'Documents kept in memory.', (s) => s.entries],
    ['counter', 'hits_total', 'Reads answered from memory.', (s) => s.hits],
    ['counter', 'misses_total', 'Reads that went to the database.', (s) => s.misses],
    ['counter', 'evictions_total', 'Documents dropped to stay within the bound, least recently used first.', (s) => s.evictions],
  ];
  for (const [kind, name, help, read] of series) {
    const metric = { name: `${prefix}_${name}`, help, registers: [registry] };
    if (kind === 'gauge')
      new Gauge({
        ...metric,
        collect() {
          this.set(read(stats()));
        },
      });
    else
      new Counter({
        ...metric,
        collect() {
          setCounter(this, [[{}, read(stats())]]);
        },
      });
  }
}

/**
 * A counter read from a source that keeps its own running totals (a cache's hits): in a metric's
 * `collect`, its series are replaced by `samples` (prom-client counters otherwise only go up by `inc`).
 */
export function setCounter<L extends string>(counter: Counter<L>, samples: Iterable<readonly [Partial<Record<L, string>>, number]>): void {
  counter.reset();
  for (const [labels, value] of samples) counter.inc(labels, value);
}
