/**
 * The gateway's observability, the public door of `gateway/observability/`: Prometheus metrics
 * (a dependency-free registry, the gateway's metrics, an Apollo plugin that counts and times
 * requests) and the spans of calls to subgraphs. Tracing itself — W3C `traceparent`, spans,
 * export — is shared with the subgraphs in runtime/observability/.
 */
import { CONTENT_TYPE } from './metrics.ts';
import type { GatewayMetrics } from './gatewayMetrics.ts';

export { CONTENT_TYPE, Counter, DEFAULT_BUCKETS, escapeHelp, escapeLabelValue, formatValue, Gauge, Histogram, OVERFLOW, Registry, type Labels, type MetricOptions } from './metrics.ts';
export {
  codeLabel,
  GatewayMetrics,
  REQUEST_BUCKETS,
  type CacheStats,
  type OperationType,
  type RequestObservation,
  type RequestOutcome,
  type SubgraphObservation,
  type SubgraphOutcome,
} from './gatewayMetrics.ts';
export { metricsPlugin, observeAdmit } from './plugin.ts';
export { observeDataSource, traceSubgraphCall, type SubgraphCall } from './subgraphCalls.ts';

/** What runtime/http.ts sends for `GET /metrics`: the exposition and its content type, read at each scrape. */
export function metricsEndpoint(metrics: GatewayMetrics): () => { contentType: string; body: string } {
  return () => ({ contentType: CONTENT_TYPE, body: metrics.metricsText() });
}
