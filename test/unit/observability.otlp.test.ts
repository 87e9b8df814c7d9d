import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../runtime/log.ts';
import { OtlpHttpExporter, otlpHeaders, otlpTracesUrl, readTracingConfig, Tracer, parseTraceparent } from '../../runtime/observability/index.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** A stand-in OTLP/HTTP collector: records each request, answers `status` (or never, when `hang`). */
async function collector(opts: { status?: number; hang?: boolean } = {}): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    received.push({ method: req.method!, path: req.url!, headers: req.headers, body: JSON.parse(text) });
    if (opts.hang) return;
    res.writeHead(opts.status ?? 200, { 'content-type': 'application/json' });
    res.end(opts.status && opts.status >= 400 ? '{"code":3}' : '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received, server };
}

const servers: Server[] = [];
const exporters: OtlpHttpExporter[] = [];
afterEach(async () => {
  for (const e of exporters.splice(0)) await e.shutdown();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function setup(collectorOpts: { status?: number; hang?: boolean } = {}, exporterOpts: { maxBatch?: number; maxQueue?: number; timeoutMs?: number } = {}) {
  const c = await collector(collectorOpts);
  servers.push(c.server);
  const warnings: Array<Record<string, unknown> | undefined> = [];
  const exporter = new OtlpHttpExporter({
    url: c.url,
    resource: { serviceName: 'gateway', attributes: { 'deployment.environment': 'test' } },
    headers: { 'x-api-key': 'k1' },
    intervalMs: 60_000, // the tests flush by hand
    log: { ...silent, warn: (_m, f) => warnings.push(f) },
    ...exporterOpts,
  });
  exporters.push(exporter);
  return { ...c, exporter, tracer: new Tracer({ exporters: [exporter] }), warnings };
}

describe('OTLP/HTTP JSON export', () => {
  it('posts a well-formed ExportTraceServiceRequest to a real collector', async () => {
    const { exporter, tracer, received } = await setup();
    const server = tracer.startSpan('query Account', { kind: 'server', parent: parseTraceparent(INCOMING, 'rojo=1') });
    const client = tracer.startSpan('ledger kyoto', { kind: 'client', parent: server, attributes: { 'aiki.municipality': 'kyoto', 'aiki.errors': 2, ratio: 0.5, cached: false } });
    client.setStatus('error', 'SHARD_UNAVAILABLE').end();
    server.end();
    expect(received).toHaveLength(0); // batched, not sent on the request's path
    await exporter.flush();

    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/traces');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-api-key']).toBe('k1');

    const { resourceSpans } = req!.body;
    expect(resourceSpans).toHaveLength(1);
    expect(resourceSpans[0].resource.attributes).toEqual([
      { key: 'deployment.environment', value: { stringValue: 'test' } },
      { key: 'service.name', value: { stringValue: 'gateway' } },
    ]);
    const [scope] = resourceSpans[0].scopeSpans;
    expect(scope.scope.name).toEqual(expect.any(String));
    const [c, s] = scope.spans;
    for (const span of [c, s]) {
      expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736'); // hex, not base64
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.startTimeUnixNano).toMatch(/^\d{19}$/); // fixed64 as a decimal string
      expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
      expect(span.traceState).toBe('rojo=1');
    }
    expect(s).toMatchObject({ name: 'query Account', kind: 2, parentSpanId: '00f067aa0ba902b7', flags: 0x301, status: { code: 0 } });
    expect(c).toMatchObject({ name: 'ledger kyoto', kind: 3, parentSpanId: s.spanId, flags: 0x101, status: { code: 2, message: 'SHARD_UNAVAILABLE' } });
    expect(c.attributes).toEqual([
      { key: 'aiki.municipality', value: { stringValue: 'kyoto' } },
      { key: 'aiki.errors', value: { intValue: '2' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'cached', value: { boolValue: false } },
    ]);
    expect(exporter.stats()).toEqual({ exported: 2, dropped: 0, failed: 0, queued: 0 });
  });

  it('sends in batches of maxBatch, one POST at a time, and starts a full batch at once', async () => {
    const { exporter, tracer, received } = await setup({}, { maxBatch: 2 });
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`, { parent: null }).end();
    await exporter.flush();
    expect(received.map((r) => r.body.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name))).toEqual([['s0', 's1'], ['s2', 's3'], ['s4']]);
    expect(exporter.stats().exported).toBe(5);
  });

  it('drops spans beyond maxQueue, and counts and logs a failed POST without throwing', async () => {
    const { exporter, tracer, received, warnings } = await setup({ status: 503 }, { maxQueue: 3 });
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`, { parent: null }).end();
    await exporter.flush();
    expect(received).toHaveLength(1);
    expect(exporter.stats()).toEqual({ exported: 0, dropped: 2, failed: 3, queued: 0 });
    expect(warnings).toEqual([expect.objectContaining({ spans: 3, reason: 'HTTP 503' })]);
  });

  it('never holds up the code that ends a span, even when the collector hangs', async () => {
    const { exporter, tracer, received } = await setup({ hang: true }, { maxBatch: 1, timeoutMs: 200 });
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`, { parent: null }).end();
    expect(exporter.stats().queued).toBe(3); // nothing serialised or sent on the caller's path
    await new Promise((r) => setImmediate(r));
    expect(exporter.stats().queued).toBe(2); // a full batch (of 1) went as soon as the caller was done
    await exporter.flush(); // each POST times out
    expect(received.length).toBe(3);
    expect(exporter.stats()).toMatchObject({ exported: 0, failed: 3 });
  });
});

describe('tracing configuration from the environment', () => {
  it('builds the traces URL as the OpenTelemetry exporter specification says', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' })).toBe('http://collector:4318/otlp/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' })).toBe('http://b:9999/custom');
    expect(otlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=a%20b, tenant=t1,broken' })).toEqual({ 'x-api-key': 'a b', tenant: 't1' });
  });

  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT under OTEL_SERVICE_NAME, and logs spans at AIKI_TRACE_LOG', async () => {
    const c = await collector();
    servers.push(c.server);
    const lines: string[] = [];
    const log: Logger = { ...silent, info: (m) => lines.push(m) };
    const { tracer, otlp } = readTracingConfig('gateway', log, { OTEL_EXPORTER_OTLP_ENDPOINT: c.url.replace('/v1/traces', ''), OTEL_SERVICE_NAME: 'edge-gw', OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,host.name=h1', AIKI_TRACE_LOG: 'info' });
    exporters.push(otlp!);
    tracer.startSpan('x', { parent: null }).end();
    await tracer.shutdown();
    expect(lines).toEqual(['span']);
    expect(c.received).toHaveLength(1);
    expect(c.received[0]!.body.resourceSpans[0].resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'edge-gw' } },
      { key: 'host.name', value: { stringValue: 'h1' } },
    ]);
  });

  it('refuses a bad sampler argument or log level, and exports nothing when the SDK is disabled', () => {
    expect(() => readTracingConfig('gw', silent, { OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => readTracingConfig('gw', silent, { AIKI_TRACE_LOG: 'loud' })).toThrow(/AIKI_TRACE_LOG/);
    expect(readTracingConfig('gw', silent, { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' }).otlp).toBeUndefined();
  });
});
