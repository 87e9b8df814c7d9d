/**
 * A request followed through the real federation with the OpenTelemetry SDK on: every process (the
 * gateway, the main chain, kyoto's ledger) exports its spans over OTLP/HTTP (JSON) to a collector
 * that is a plain HTTP server in this test. One gateway request's trace must hold @apollo/gateway's
 * own spans (request, plan, fetch), the gateway's span of its call to kyoto, the ledger's server
 * span continuing it, and a MongoDB command span under that server span — one trace, across three
 * processes, by the parent links alone.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService } from '../cluster/services.ts';
import { eventually } from './support/helpers.ts';
import { KYOTO, useTestCluster } from './support/cluster.ts';

/** One span as OTLP/JSON carries it (opentelemetry-proto, trace.proto; ids as hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean } }>;
}

interface Received extends OtlpSpan {
  service: string;
  scope: string;
}

/** trace.proto `Span.SpanKind`. */
const SERVER = 2;
const CLIENT = 3;

const spans: Received[] = [];
const requests: Array<{ path: string; contentType: string }> = [];
let collector: Server;
let collectorUrl: string;

beforeAll(async () => {
  // The collector: POST /v1/traces with an ExportTraceServiceRequest in JSON, answered with an empty ExportTraceServiceResponse.
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '' });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }> }>;
      };
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service, scope: ss.scope.name });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (collector ? collector.close(() => r()) : r())));

const fed = useTestCluster('tracing', () => {
  // Every service exports to the collector, in batches sent every 200 ms.
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_BSP_SCHEDULE_DELAY: '200' };
  return { municipalities: [KYOTO], mainchainEnv: otel, gatewayEnv: otel, ledgerEnv: otel };
});

const attribute = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.boolValue;
};

describe('a gateway request traced across the federation', () => {
  it('has @apollo/gateway’s plan and fetch spans and a MongoDB span under the ledger’s server span, over OTLP/HTTP', { timeout: 120_000 }, async () => {
    // The client's own trace context: the gateway continues it, so its spans are found by this id.
    const traceId = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const txid = randomBytes(32).toString('hex'); // looked up in the database: an absence is never cached
    const res = await fetch(fed.cluster.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${clientSpan}-01` },
      body: JSON.stringify({ query: `query Lookup { municipality(code: "kyoto") { chain { transaction(txid: "${txid}") { id } } } }` }),
    });
    expect(await res.json()).toEqual({ data: { municipality: { chain: { transaction: null } } } });

    const byId = new Map<string, Received>();
    const shown = () =>
      spans
        .map((s) => `${s.traceId === traceId ? '*' : ' '} ${s.service} ${s.scope}: ${s.name} (${s.kind}) ${s.spanId} <- ${s.parentSpanId ?? '-'}`)
        .join('\n');
    const trace = await eventually(
      async () => {
        const mine = spans.filter((s) => s.traceId === traceId);
        for (const s of mine) byId.set(s.spanId, s);
        // Done when a MongoDB span of the ledger has arrived and its chain of parents reaches the client's span.
        const mongo = mine.find(isLedgerMongo);
        return mongo && chainOf(mongo, byId).at(-1)?.parentSpanId === clientSpan ? mine : undefined;
      },
      60_000,
      'the trace of the request at the collector',
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the collector has:\n${shown()}`);
    });

    expect(requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);
    const named = (service: string, name: string) => trace.filter((s) => s.service === service && s.name === name);
    // @apollo/gateway's own spans, under the gateway's server span (which continues the client's).
    const [request] = named('gateway', 'gateway.request');
    expect(request).toBeDefined();
    expect(named('gateway', 'gateway.plan')).toHaveLength(1);
    const fetches = named('gateway', 'gateway.fetch');
    expect(fetches.length).toBeGreaterThanOrEqual(1);
    const server = byId.get(request!.parentSpanId!)!;
    expect(server).toMatchObject({ service: 'gateway', kind: SERVER, parentSpanId: clientSpan, name: 'query Lookup' });

    // The gateway's call to kyoto, then the HTTP client span, then kyoto's server span, then MongoDB.
    const mongo = trace.find(isLedgerMongo)!;
    expect(mongo.kind).toBe(CLIENT);
    expect(mongo.name).toMatch(/^(find|aggregate) /); // `find tx_index`: the command and its collection
    const chain = chainOf(mongo, byId).map((s) => `${s.service}: ${s.name} (${s.kind})`);
    const ledgerServer = chainOf(mongo, byId).find((s) => s.service === 'ledger-kyoto' && s.kind === SERVER)!;
    expect(ledgerServer, chain.join(' <- ')).toBeDefined();
    const client = byId.get(ledgerServer.parentSpanId!)!;
    expect(client).toMatchObject({ service: 'gateway', kind: CLIENT });
    const call = byId.get(client.parentSpanId!)!;
    expect(call).toMatchObject({ service: 'gateway', name: 'ledger kyoto' });
    expect(attribute(call, 'aiki.municipality')).toBe('kyoto');
    expect(attribute(call, 'aiki.outcome')).toBe('ok');
    expect(fetches.map((f) => f.spanId)).toContain(call.parentSpanId);
    expect(chainOf(mongo, byId).map((s) => s.spanId)).toEqual(expect.arrayContaining([ledgerServer.spanId, call.spanId, request!.spanId]));
  });
});

describe('a tracing variable that is wrong', () => {
  it('stops the service at start with a log line naming the variable', async () => {
    const lines: string[] = [];
    const start = spawnService('gateway-bad-otel', 'gateway', {
      env: { AIKI_MAINCHAIN_URL: fed.cluster.mainchain.url, AIKI_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_TRACES_SAMPLER_ARG: '1.5' },
      onLog: (line) => void lines.push(line),
    });
    await expect(start).rejects.toThrow(/did not start: exited \(1\)/);
    const failed = lines.map((l) => JSON.parse(l) as { level: string; msg: string; err?: { message: string } }).find((l) => l.msg === 'failed to start');
    expect(failed).toMatchObject({ level: 'error', err: { message: 'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "1.5")' } });
  });
});

/** A MongoDB command span of kyoto's ledger. */
function isLedgerMongo(span: Received): boolean {
  return span.service === 'ledger-kyoto' && span.scope === '@opentelemetry/instrumentation-mongodb';
}

/** `span` and its parents, nearest first, as far as they are known. */
function chainOf(span: Received, byId: Map<string, Received>): Received[] {
  const chain = [span];
  for (let s = byId.get(span.parentSpanId ?? ''); s && chain.length < 50; s = byId.get(s.parentSpanId ?? '')) chain.push(s);
  return chain;
}
