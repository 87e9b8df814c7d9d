/**
 * Tracing with the OpenTelemetry SDK, when configured (config.ts): a NodeTracerProvider that
 * batches spans to an OTLP/HTTP (JSON) exporter, parent-based sampling, W3C Trace Context
 * propagation, and the instrumentations that make the spans of a request:
 *
 * - `@opentelemetry/instrumentation-http`: a server span for each request a service serves (probes
 *   and scrapes left out), continuing the caller's `traceparent`;
 * - `@opentelemetry/instrumentation-undici`: a client span for each call made with `fetch` (every
 *   call between services), its `traceparent` added to the request;
 * - `@opentelemetry/instrumentation-mongodb`: a span for each database command made inside a trace;
 * - @apollo/gateway's own spans (`gateway.request`, `gateway.validate`, `gateway.plan`,
 *   `gateway.execute`, `gateway.fetch`, `gateway.postprocessing`), which it makes through
 *   `@opentelemetry/api` as soon as a tracer provider is registered.
 *
 * Off (the default), none of it is loaded: the SDK's modules are required only by
 * {@link startTracing}, and `@opentelemetry/api` alone answers "no span" everywhere.
 *
 * The instrumentations patch `node:http` and the mongodb driver as they are loaded, so tracing
 * must start before them: each service's main.ts imports its `tracing.ts` first, which calls
 * {@link startTracingOrExit} (runtime/observability/start.ts).
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { TracingConfig } from './config.ts';

type SdkTraceNode = typeof import('@opentelemetry/sdk-trace-node');
type OtlpHttp = typeof import('@opentelemetry/exporter-trace-otlp-http');
type Resources = typeof import('@opentelemetry/resources');
type Instrumentation = typeof import('@opentelemetry/instrumentation');
type HttpInstrumentationModule = typeof import('@opentelemetry/instrumentation-http');
type UndiciInstrumentationModule = typeof import('@opentelemetry/instrumentation-undici');
type MongoInstrumentationModule = typeof import('@opentelemetry/instrumentation-mongodb');

/** Requests that are not worth a trace: the probes and the scrape, asked every few seconds. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface Tracing {
  /** Sends the spans still queued and stops the exporter (at shutdown). */
  shutdown(): Promise<void>;
  /** Sends the spans queued now (tests). */
  forceFlush(): Promise<void>;
}

let running: Tracing | undefined;

/**
 * Registers the tracer provider, the context manager, the propagator and the instrumentations for
 * this process. Synchronous, so that it is done before the modules it patches are loaded. Once per
 * process.
 */
export function startTracing(config: TracingConfig): Tracing {
  if (running) throw new Error('tracing is already started in this process');
  const require = createRequire(import.meta.url);
  const { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-node') as SdkTraceNode;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as OtlpHttp;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as Resources;
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as Instrumentation;
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as HttpInstrumentationModule;
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as UndiciInstrumentationModule;
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as MongoInstrumentationModule;

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url, headers: config.headers }))],
  });
  provider.register(); // AsyncLocalStorage context, W3C traceparent and baggage
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '/').split('?')[0]!),
        // A call outside any request (a timer's) is not a trace of its own.
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Only inside a trace: the ledger's sequencer and the main chain's timers write all the time.
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
  running = {
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  };
  return running;
}

/** Sends the last spans and stops the exporter; nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  await running?.shutdown();
}
