/**
 * Spans that follow a request from the gateway into the subgraphs, without an OpenTelemetry SDK:
 * a span per request a service serves (`continueTrace`, `traceRequest`), a span per call it makes
 * (`startSpan` with kind `client`, its context sent as `traceparent`), the current span carried
 * by AsyncLocalStorage, and finished spans handed to exporters (a JSON log line, OTLP/HTTP).
 *
 * Sampling is parent-based, as OpenTelemetry's default sampler: a span with a parent follows the
 * parent's sampled flag, a root span is sampled with probability `sampleRatio`. Spans that are not
 * sampled still get ids and are propagated (W3C Trace Context §4: the decision travels
 * downstream), they are only not exported.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { FLAG_RANDOM_TRACE_ID, FLAG_SAMPLED, isSampled, newSpanId, newTraceId, parseTraceparent, traceContextHeaders, type SpanContext } from './traceContext.ts';

export type SpanKind = 'internal' | 'server' | 'client';
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** A finished span, as exporters receive it. */
export interface SpanData {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The parent came from another process (an incoming `traceparent`). */
  parentIsRemote: boolean;
  traceFlags: number;
  traceState?: string;
  /** Wall-clock start and end, nanoseconds since the Unix epoch (from the monotonic clock). */
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationMs: number;
  attributes: Attributes;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
}

export interface SpanExporter {
  /** Called once per finished sampled span; must not block or throw. */
  export(span: SpanData): void;
  /** Sends what is buffered. */
  shutdown?(): Promise<void>;
}

export interface SpanOptions {
  kind?: SpanKind;
  /** The parent: a span, a remote context (from `traceparent`), `null` for a new trace; default the current span. */
  parent?: Span | SpanContext | null;
  attributes?: Attributes;
}

export class Span {
  readonly context: SpanContext;
  readonly parentSpanId: string | undefined;
  private readonly parentIsRemote: boolean;
  private readonly startMs = performance.now();
  private readonly attributes: Attributes;
  private status: SpanData['status'] = { code: 'unset' };
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private name: string,
    readonly kind: SpanKind,
    parent: Span | SpanContext | undefined,
    attributes: Attributes,
  ) {
    const parentContext = parent instanceof Span ? parent.context : parent;
    this.parentIsRemote = parent !== undefined && !(parent instanceof Span);
    this.parentSpanId = parentContext?.spanId;
    this.attributes = { ...attributes };
    this.context = parentContext
      ? { traceId: parentContext.traceId, spanId: newSpanId(), traceFlags: parentContext.traceFlags, ...(parentContext.traceState ? { traceState: parentContext.traceState } : {}) }
      : { traceId: newTraceId(), spanId: newSpanId(), traceFlags: FLAG_RANDOM_TRACE_ID | (tracer.sampleRoot() ? FLAG_SAMPLED : 0) };
  }

  get traceId(): string {
    return this.context.traceId;
  }

  get spanId(): string {
    return this.context.spanId;
  }

  /** Exported when it ends. */
  get sampled(): boolean {
    return isSampled(this.context);
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value !== undefined && !this.ended) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Record<string, AttributeValue | undefined>): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  /** `error` with the error's message; `ok` only when the outcome is known good (OpenTelemetry leaves most spans `unset`). */
  setStatus(code: 'ok' | 'error', message?: string): this {
    if (!this.ended) this.status = message === undefined ? { code } : { code, message };
    return this;
  }

  /** Ends the span and hands it to the exporters (once; later calls do nothing). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const endMs = performance.now();
    if (!this.sampled) return;
    this.tracer.emit({
      name: this.name,
      kind: this.kind,
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      ...(this.parentSpanId ? { parentSpanId: this.parentSpanId } : {}),
      parentIsRemote: this.parentIsRemote,
      traceFlags: this.context.traceFlags,
      ...(this.context.traceState ? { traceState: this.context.traceState } : {}),
      startTimeUnixNano: unixNano(this.startMs),
      endTimeUnixNano: unixNano(endMs),
      durationMs: Math.round((endMs - this.startMs) * 1000) / 1000,
      attributes: { ...this.attributes },
      status: { ...this.status },
    });
  }
}

/** Nanoseconds since the epoch for a `performance.now()` reading: the time origin in µs fits a double exactly. */
function unixNano(nowMs: number): bigint {
  return BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n + BigInt(Math.round(nowMs * 1e6));
}

const active = new AsyncLocalStorage<Span>();

/** The span of what this code runs for, if any. */
export function activeSpan(): Span | undefined {
  return active.getStore();
}

/** Runs `fn` with `span` as the current span (its calls' spans become its children). */
export function withSpan<T>(span: Span, fn: () => T): T {
  return active.run(span, fn);
}

export interface TracerOptions {
  exporters?: SpanExporter[];
  /** Probability that a new trace (no incoming `traceparent`) is sampled, 0–1. Default 1. */
  sampleRatio?: number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
}

export class Tracer {
  private readonly exporters: SpanExporter[];
  private readonly sampleRatio: number;
  private readonly random: () => number;

  constructor(opts: TracerOptions = {}) {
    this.exporters = [...(opts.exporters ?? [])];
    this.sampleRatio = opts.sampleRatio ?? 1;
    if (!(this.sampleRatio >= 0 && this.sampleRatio <= 1)) throw new RangeError(`sampleRatio must be in [0, 1], got ${opts.sampleRatio}`);
    this.random = opts.random ?? Math.random;
  }

  startSpan(name: string, opts: SpanOptions = {}): Span {
    const parent = opts.parent === null ? undefined : (opts.parent ?? activeSpan());
    return new Span(this, name, opts.kind ?? 'internal', parent, opts.attributes ?? {});
  }

  /**
   * Runs `fn` in a new span that ends when `fn` settles; a rejection sets the span's status to
   * `error` and is rethrown.
   */
  async inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
    const span = this.startSpan(name, opts);
    try {
      return await withSpan(span, () => fn(span));
    } catch (err) {
      span.setStatus('error', err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      span.end();
    }
  }

  /** @internal Decides a root span's sampling. */
  sampleRoot(): boolean {
    return this.sampleRatio >= 1 || (this.sampleRatio > 0 && this.random() < this.sampleRatio);
  }

  /** @internal Hands a finished span to every exporter; one that throws does not stop the others. */
  emit(span: SpanData): void {
    for (const exporter of this.exporters) {
      try {
        exporter.export(span);
      } catch {
        // An exporter's failure is its own to report; the request goes on.
      }
    }
  }

  /** Flushes and stops every exporter. */
  async shutdown(): Promise<void> {
    await Promise.allSettled(this.exporters.map((e) => e.shutdown?.()));
  }
}

let processTracer = new Tracer();

/** The process's tracer: spans and propagation, no export until {@link setTracer} installs one configured. */
export function tracer(): Tracer {
  return processTracer;
}

/** Installs the process's tracer (at start, from `readTracingConfig` in main.ts); returns the previous one. */
export function setTracer(next: Tracer): Tracer {
  const previous = processTracer;
  processTracer = next;
  return previous;
}

/**
 * The server span of an incoming request: a child of the caller's span when the request carries a
 * valid `traceparent` (and its `tracestate`), else the root of a new trace. Not yet current: run
 * the request's work in {@link withSpan}, or use {@link traceRequest}, which also ends it.
 */
export function continueTrace(req: IncomingMessage, name?: string, t: Tracer = processTracer): Span {
  const header = (key: string) => {
    const v = req.headers[key];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const parent = parseTraceparent(header('traceparent'), header('tracestate'));
  const path = (req.url ?? '/').split('?')[0];
  return t.startSpan(name ?? `${req.method ?? 'GET'} ${path}`, {
    kind: 'server',
    parent: parent ?? null,
    attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path ?? '/' },
  });
}

/**
 * Serves one request inside its server span ({@link continueTrace}): the span is current while
 * `handle` runs and ends when the response is finished or the connection closes, with the HTTP
 * status (status `error` from 500 up, OpenTelemetry's HTTP server convention).
 */
export async function traceRequest<T>(req: IncomingMessage, res: ServerResponse, handle: () => Promise<T>, t: Tracer = processTracer): Promise<T> {
  const span = continueTrace(req, undefined, t);
  const end = () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus('error');
    span.end();
  };
  res.once('close', end);
  try {
    return await withSpan(span, handle);
  } catch (err) {
    span.setStatus('error', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/**
 * The headers that carry the current span (or `span`) to the service being called: `traceparent`
 * and `tracestate`. None outside a span.
 */
export function traceHeaders(span: Span | undefined = activeSpan()): Record<string, string> {
  return span ? traceContextHeaders(span.context) : {};
}

/** Sets {@link traceHeaders} on a Fetch API `Headers` (RemoteGraphQLDataSource's `request.http.headers`). */
export function setTraceHeaders(headers: { set(name: string, value: string): unknown } | undefined, span: Span | undefined = activeSpan()): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(traceHeaders(span))) headers.set(name, value);
}

/** `{traceId, spanId}` of the current span, to add to a log line so it can be found from the trace. */
export function traceFields(span: Span | undefined = activeSpan()): { traceId?: string; spanId?: string } {
  return span ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/**
 * Spans as JSON log lines: `{"msg":"span","span":name,"traceId","spanId","parentSpanId","durationMs",
 * "kind","status","attributes"}` through runtime/log.ts, at `level` (debug by default: a line per
 * request and per subgraph call would double the gateway's log volume at info).
 */
export function logSpanExporter(log: Logger, level: 'debug' | 'info' = 'debug'): SpanExporter {
  return {
    export(span) {
      log[level]('span', {
        span: span.name,
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        durationMs: span.durationMs,
        kind: span.kind,
        ...(span.status.code === 'unset' ? {} : { status: span.status }),
        attributes: span.attributes,
      });
    },
  };
}
