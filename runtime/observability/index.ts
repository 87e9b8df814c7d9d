/**
 * Tracing every service shares, the public door of `runtime/observability/`: the configuration
 * (`OTEL_*`), the OpenTelemetry SDK started from it, and the project's own spans. The logger adds
 * the current span's ids to each line (runtime/log.ts); metrics are runtime/metrics.ts and, for the
 * gateway, gateway/observability/.
 */
export { readTracingConfig, type TracingConfig } from './config.ts';
export { startTracing, stopTracing, type Tracing } from './tracing.ts';
export { startTracingOrExit } from './start.ts';
export { activeSpan, failSpan, inSpan, tracer } from './spans.ts';
