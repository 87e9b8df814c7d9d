/**
 * The gateway's observability, the public door of `gateway/observability/`: its Prometheus metrics
 * (prom-client, beside the standard process metrics of runtime/metrics.ts), the cap on their label
 * sets, an Apollo plugin that counts and times requests, and the spans of calls to subgraphs.
 * Tracing itself — the OpenTelemetry SDK, W3C `traceparent`, export — is shared with the
 * subgraphs in runtime/observability/.
 */
import { metricsEndpoint as registryEndpoint, type MetricsText } from '../../runtime/metrics.ts';
import type { GatewayMetrics } from './gatewayMetrics.ts';

export {
  codeLabel,
  GatewayMetrics,
  REQUEST_BUCKETS,
  type CacheCounters,
  type OperationType,
  type RequestObservation,
  type RequestOutcome,
  type SubgraphObservation,
  type SubgraphOutcome,
} from './gatewayMetrics.ts';
export { LabelCap, MAX_SERIES, OVERFLOW } from './labelCap.ts';
export { metricsPlugin, observeAdmit } from './plugin.ts';
export { observeDataSource, traceSubgraphCall, type SubgraphCall } from './subgraphCalls.ts';

/** What runtime/http.ts sends for `GET /metrics`: the exposition and its content type, read at each scrape. */
export function metricsEndpoint(metrics: GatewayMetrics): () => Promise<MetricsText> {
  return registryEndpoint(metrics.registry);
}
