/**
 * Tracing every service shares, the public door of `runtime/observability/`: W3C Trace Context
 * parsing and formatting, spans carried by AsyncLocalStorage, and their export as JSON log lines
 * or over OTLP/HTTP JSON. The gateway's metrics are in gateway/observability/.
 */
export { FLAG_RANDOM_TRACE_ID, FLAG_SAMPLED, formatTraceparent, isSampled, isValidSpanId, isValidTraceId, newSpanId, newTraceId, parseTraceparent, traceContextHeaders, type SpanContext } from './traceContext.ts';
export {
  activeSpan,
  continueTrace,
  logSpanExporter,
  setTraceHeaders,
  setTracer,
  Span,
  traceFields,
  traceHeaders,
  tracer,
  Tracer,
  traceRequest,
  withSpan,
  type AttributeValue,
  type Attributes,
  type SpanData,
  type SpanExporter,
  type SpanKind,
  type SpanOptions,
  type TracerOptions,
} from './tracing.ts';
export { OtlpHttpExporter, otlpHeaders, otlpTraceRequest, otlpTracesUrl, type OtlpExporterOptions, type OtlpExporterStats, type OtlpResource } from './otlp.ts';
export { readTracingConfig, type TracingSetup } from './config.ts';
