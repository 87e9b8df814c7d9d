/**
 * Export of finished spans over OTLP/HTTP with the JSON encoding (opentelemetry-proto
 * docs/specification.md, "OTLP/HTTP" and "JSON Protobuf Encoding"): a POST of an
 * `ExportTraceServiceRequest` as `application/json` to `<endpoint>/v1/traces`, trace and span ids
 * as hex (not base64), enums as integers, 64-bit integers as decimal strings.
 *
 * Spans are queued and sent in batches by a timer, never on the request's path: a full queue
 * drops new spans (counted), a failed POST drops its batch (counted, logged at most once a minute).
 * One POST is in flight at a time. No retry: a collector that is down loses those spans, not the
 * gateway's latency.
 */
import type { Logger } from '../log.ts';
import type { AttributeValue, SpanData, SpanExporter, SpanKind } from './tracing.ts';

/** trace.proto `Span.SpanKind`. */
const KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
/** trace.proto `Status.StatusCode`. */
const STATUS: Record<SpanData['status']['code'], number> = { unset: 0, ok: 1, error: 2 };
/** trace.proto `SpanFlags`: bit 8 says whether the parent is known to be remote, bit 9 that it is. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

function anyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export function otlpAttributes(attributes: Record<string, AttributeValue>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface OtlpResource {
  /** `service.name`: which process made the spans (gateway, ledger-kyoto, mainchain, …). */
  serviceName: string;
  attributes?: Record<string, AttributeValue>;
}

export const SCOPE = { name: 'aiki-federation/runtime/observability', version: '1' };

/** The JSON body of one OTLP `ExportTraceServiceRequest` carrying `spans`. */
export function otlpTraceRequest(spans: readonly SpanData[], resource: OtlpResource): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        // `serviceName` wins over a `service.name` among the attributes, as OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES.
        resource: { attributes: otlpAttributes({ ...resource.attributes, 'service.name': resource.serviceName }) },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              ...(s.traceState ? { traceState: s.traceState } : {}),
              flags: (s.traceFlags & 0xff) | (s.parentSpanId ? HAS_IS_REMOTE | (s.parentIsRemote ? IS_REMOTE : 0) : 0),
              name: s.name,
              kind: KIND[s.kind],
              startTimeUnixNano: s.startTimeUnixNano.toString(),
              endTimeUnixNano: s.endTimeUnixNano.toString(),
              attributes: otlpAttributes(s.attributes),
              status: { code: STATUS[s.status.code], ...(s.status.message ? { message: s.status.message } : {}) },
            })),
          },
        ],
      },
    ],
  };
}

/**
 * The OTLP traces URL from the standard variables (OpenTelemetry "OTLP Exporter Configuration"):
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`;
 * undefined when neither is set (no export).
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return new URL(traces).toString();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/*$/, '') + '/v1/traces';
  return url.toString();
}

/** `OTEL_EXPORTER_OTLP_HEADERS` (or `…_TRACES_HEADERS`): `key=value` pairs, comma-separated, values percent-decoded. */
export function otlpHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS]) {
    for (const pair of (raw ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      headers[pair.slice(0, eq).trim().toLowerCase()] = decodeURIComponent(pair.slice(eq + 1).trim());
    }
  }
  return headers;
}

export interface OtlpExporterOptions {
  /** The full traces URL, e.g. `http://127.0.0.1:4318/v1/traces` ({@link otlpTracesUrl}). */
  url: string;
  resource: OtlpResource;
  headers?: Record<string, string>;
  /** Spans per POST. */
  maxBatch?: number;
  /** Spans held while waiting; more are dropped. */
  maxQueue?: number;
  /** How often the queue is sent, in ms. */
  intervalMs?: number;
  /** Time-out of one POST, in ms. */
  timeoutMs?: number;
  log?: Logger;
}

export interface OtlpExporterStats {
  exported: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Lost in POSTs that failed. */
  failed: number;
  queued: number;
}

export class OtlpHttpExporter implements SpanExporter {
  private queue: SpanData[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly counts = { exported: 0, dropped: 0, failed: 0 };
  private lastWarning = -Infinity;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OtlpExporterOptions) {
    this.maxBatch = opts.maxBatch ?? 512;
    this.maxQueue = opts.maxQueue ?? 2048;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // unref: a pending export never keeps a process from exiting (shutdown() flushes on purpose).
    this.timer = setInterval(() => void this.flush(), opts.intervalMs ?? 1000).unref();
  }

  export(span: SpanData): void {
    if (this.queue.length >= this.maxQueue) {
      this.counts.dropped++;
      return;
    }
    this.queue.push(span);
    // A full batch goes at once, but after the caller's code: fetch's first call and
    // JSON.stringify of a batch take milliseconds that must not land on a request's path.
    if (this.queue.length >= this.maxBatch && !this.inFlight && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      }).unref();
    }
  }

  stats(): OtlpExporterStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Sends everything queued now, one batch after another; resolves when done (never rejects). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight = this.post(batch);
      await this.inFlight;
      this.inFlight = undefined;
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async post(batch: SpanData[]): Promise<void> {
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { ...this.opts.headers, 'content-type': 'application/json' },
        body: JSON.stringify(otlpTraceRequest(batch, this.opts.resource)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer(); // drain, so the connection is reused
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.counts.exported += batch.length;
    } catch (err) {
      this.counts.failed += batch.length;
      const now = performance.now();
      if (now - this.lastWarning >= 60_000) {
        this.lastWarning = now;
        this.opts.log?.warn('span export failed', { url: this.opts.url, spans: batch.length, reason: err instanceof Error ? err.message : String(err), ...this.stats() });
      }
    }
  }
}
