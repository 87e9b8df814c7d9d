/**
 * The metrics every service serves (runtime/metrics.ts) and the gateway's label-set cap
 * (gateway/observability/labelCap.ts). The exposition is prom-client's; values are read back with
 * its registry's JSON (`getMetricsAsJSON`), the text checked only for what a scraper depends on.
 */
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics, LabelCap, MAX_SERIES, metricsEndpoint, OVERFLOW } from '../../gateway/observability/index.ts';
import { ShardMap } from '../../gateway/router/ShardMap.ts';
import { metricsEndpoint as serviceEndpoint, packageVersion, serviceRegistry, setCounter, watchImmutableCache } from '../../runtime/metrics.ts';

/** The samples of `name` (a histogram's `_bucket`, `_sum`, `_count` too) as `labels → value`, labels sorted. */
async function samplesOf(registry: Registry, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      if (((v as { metricName?: string }).metricName ?? metric.name) !== name) continue;
      const labels = Object.entries(v.labels).sort(([a], [b]) => a.localeCompare(b));
      out[labels.map(([k, val]) => `${k}=${String(val)}`).join(',')] = v.value;
    }
  }
  return out;
}

/** 1,741 municipality codes, as the registry would hold at national scale. */
const CODES = Array.from({ length: 1741 }, (_, i) => `m${String(i).padStart(4, '0')}`);

describe('GET /metrics of every service', () => {
  it('serves the standard process and Node.js metrics and the build info, in the Prometheus text format', async () => {
    const registry = serviceRegistry('ledger');
    const { contentType, body } = await serviceEndpoint(registry)();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [name, type] of [
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['process_start_time_seconds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_heap_space_size_used_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
      ['nodejs_gc_duration_seconds', 'histogram'],
      ['nodejs_version_info', 'gauge'],
      ['aiki_build_info', 'gauge'],
    ]) {
      expect(body, name).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    }
    expect(body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(body).toContain(`aiki_build_info{service="ledger",version="${packageVersion()}",node_version="${process.version}"} 1\n`);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    // Several servers in one process (tests) share the process's metrics: each is exposed once.
    const again = (await serviceEndpoint(serviceRegistry('mainchain'))()).body;
    expect(again.match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1);
  });

  it('exposes a subgraph’s immutable cache as it is at each scrape', async () => {
    const registry = serviceRegistry('ledger');
    const stats = { hits: 3, misses: 1, evictions: 0, entries: 2, bytes: 420, maxBytes: 1024 };
    watchImmutableCache(registry, 'aiki_ledger_sealed_cache', 'AIKI_SEALED_CACHE_MB', () => stats);
    expect(await samplesOf(registry, 'aiki_ledger_sealed_cache_hits_total')).toEqual({ '': 3 });
    stats.hits = 10;
    stats.bytes = 900;
    expect(await samplesOf(registry, 'aiki_ledger_sealed_cache_hits_total')).toEqual({ '': 10 });
    expect(await samplesOf(registry, 'aiki_ledger_sealed_cache_bytes')).toEqual({ '': 900 });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE aiki_ledger_sealed_cache_hits_total counter\n');
    expect(text).toContain('# HELP aiki_ledger_sealed_cache_max_bytes The bound on aiki_ledger_sealed_cache_bytes (AIKI_SEALED_CACHE_MB).\n');
  });

  it('sets a counter read from a source’s own running totals', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 't_total', help: 'T.', labelNames: ['cache'], registers: [registry] });
    setCounter(c, [
      [{ cache: 'a' }, 5],
      [{ cache: 'b' }, 0],
    ]);
    setCounter(c, [[{ cache: 'a' }, 7]]);
    expect(await samplesOf(registry, 't_total')).toEqual({ 'cache=a': 7 }); // a source that went away is no longer exposed
  });
});

describe('the cap on label sets', () => {
  it('folds label sets beyond the cap into one _overflow series; a set seen before still counts as itself', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'o_total', help: 'O.', labelNames: ['id', 'kind'], registers: [registry] });
    const cap = new LabelCap<'id' | 'kind'>(['id', 'kind'], 3);
    for (let i = 0; i < 10; i++) c.inc(cap.labels({ id: String(i), kind: 'k' }));
    c.inc(cap.labels({ id: '1', kind: 'k' }));
    expect(await samplesOf(registry, 'o_total')).toEqual({ 'id=0,kind=k': 1, 'id=1,kind=k': 2, 'id=2,kind=k': 1, [`id=${OVERFLOW},kind=${OVERFLOW}`]: 7 });
    expect(cap.size).toBe(3);
  });

  it('keeps every municipality of a national shard map in its own series: 1,741 municipalities, three outcomes each', async () => {
    const metrics = new GatewayMetrics(new Registry());
    const shards = new ShardMap();
    for (const code of CODES) shards.set({ code, admission: 'serving', endpoints: [`http://${code}`], registered: [`http://${code}`] });
    metrics.watchShardMap(shards);
    for (const code of CODES)
      for (const outcome of ['ok', 'error', 'unavailable'] as const)
        metrics.observeSubgraphCall({ subgraph: 'ledger', municipality: code, durationMs: 3, outcome });
    metrics.observeSubgraphCall({ subgraph: 'mainchain', durationMs: 2, ok: true });

    const calls = await samplesOf(metrics.registry, 'aiki_subgraph_requests_total');
    expect(Object.keys(calls)).toHaveLength(CODES.length * 3 + 1);
    expect(Object.keys(calls).filter((k) => k.includes(OVERFLOW))).toEqual([]);
    expect(calls['municipality=m1740,outcome=unavailable,subgraph=ledger']).toBe(1);
    const durations = await samplesOf(metrics.registry, 'aiki_subgraph_request_duration_seconds_count');
    expect(Object.keys(durations)).toHaveLength(CODES.length + 1);
    expect(durations['municipality=m0000,subgraph=ledger']).toBe(3);
    expect(await samplesOf(metrics.registry, 'aiki_shard_map_municipalities')).toEqual({ 'state=serving': 1741, 'state=pending': 0, 'state=suspended': 0 });

    // A bug that labels by something unbounded still folds, past the cap that grows with the shard map.
    const cap = MAX_SERIES + 3 * CODES.length;
    for (let i = 0; i < cap; i++) metrics.observeSubgraphCall({ subgraph: `bug-${i}`, durationMs: 1, ok: true });
    const after = await samplesOf(metrics.registry, 'aiki_subgraph_requests_total');
    expect(Object.keys(after)).toHaveLength(cap + 1);
    // Kept: the 5,224 series above and 999 of the bug's; folded: the bug's other 5,224 calls.
    expect(after[`municipality=${OVERFLOW},outcome=${OVERFLOW},subgraph=${OVERFLOW}`]).toBe(CODES.length * 3 + 1);
    expect(after['municipality=m0000,outcome=ok,subgraph=ledger']).toBe(1); // and the municipalities' own series go on
  });

  it('counts one label set in one series however often it comes, beside the standard metrics', async () => {
    const metrics = new GatewayMetrics(new Registry());
    for (let i = 0; i < MAX_SERIES + 5; i++) metrics.observeRequest({ operationType: 'query', outcome: 'error', code: 'INSUFFICIENT_FUNDS', durationMs: 1 });
    expect(await samplesOf(metrics.registry, 'aiki_gateway_requests_total')).toEqual({
      'code=INSUFFICIENT_FUNDS,operation_type=query,outcome=error': MAX_SERIES + 5,
    });
    const text = (await metricsEndpoint(metrics)()).body;
    expect(text).toMatch(/^aiki_gateway_requests_total\{operation_type="query",outcome="error",code="INSUFFICIENT_FUNDS"\} 1005$/m);
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m); // the gateway's /metrics has the standard ones too
  });
});
