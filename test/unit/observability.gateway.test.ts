/**
 * The gateway's observability in process: its request metrics as an Apollo plugin, what it reads
 * at scrape time, and the spans of a request — @apollo/gateway's own and ours for each subgraph
 * call — recorded by the OpenTelemetry SDK into memory, with the fetch instrumentation carrying
 * `traceparent` to the subgraph. (test/tracing.e2e.test.ts follows one across real processes.)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aikiError } from '../../core/errors.ts';
import { edgePlugins, httpRateLimit, RateLimiter } from '../../gateway/edge/index.ts';
import {
  codeLabel,
  GatewayMetrics,
  metricsEndpoint,
  metricsPlugin,
  observeAdmit,
  observeDataSource,
  traceSubgraphCall,
} from '../../gateway/observability/index.ts';
import { ShardMap } from '../../gateway/router/ShardMap.ts';
import { maskErrors } from '../../runtime/errors.ts';
import type { Logger } from '../../runtime/log.ts';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { tracer } from '../../runtime/observability/index.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const INCOMING = `00-${TRACE_ID}-${PARENT_ID}-01`;

/** The samples of one metric in an exposition, as `labels text → value` (prom-client writes labels in their declared order). */
function samplesOf(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out[m[2] ?? ''] = Number(m[3]);
  }
  return out;
}

// The SDK, as runtime/observability/tracing.ts starts it in a service, recording into memory; and
// the fetch instrumentation, which adds `traceparent` to the calls made inside a span.
const exported = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] });
provider.register();
registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation({ requireParentforSpans: true })] });
afterAll(() => provider.shutdown());

const spans = (): ReadableSpan[] => exported.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
/** A context whose span came from a client: what the HTTP instrumentation makes of an incoming `traceparent`. */
const incoming = (): Context => propagation.extract(context.active(), { traceparent: INCOMING });

describe('metricsPlugin in a real Apollo Server, with the edge in front', () => {
  const typeDefs = `
    type Query { hello: String  poor: String  broke: String  deep: Node }
    type Node { next: Node  v: Int }
    type Mutation { ping: Int  deep: Node }`;
  const resolvers = {
    Query: {
      hello: () => 'hi',
      poor: () => {
        throw aikiError('INSUFFICIENT_FUNDS', 'balance 3, amount 5');
      },
      broke: () => {
        throw new Error('a secret stack');
      },
      deep: () => ({}),
    },
    Node: { next: () => ({}), v: () => 1 },
    Mutation: { ping: () => 1, deep: () => ({}) },
  };
  let metrics: GatewayMetrics;
  let apollo: ApolloServer<BaseContext>;

  beforeAll(async () => {
    metrics = new GatewayMetrics();
    apollo = new ApolloServer({
      typeDefs,
      resolvers,
      plugins: [...edgePlugins({ limits: { maxDepth: 3 } }), metricsPlugin(metrics)],
      formatError: maskErrors(silent),
      persistedQueries: false,
      logger: silent,
    });
    await apollo.start();
  });
  afterAll(() => apollo.stop());

  const post = async (body: Record<string, unknown>) => {
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
      context: async () => ({}),
    });
    if (result.body.kind !== 'complete') throw new Error('expected a complete body');
    return { status: result.status ?? 200, body: JSON.parse(result.body.string) as { errors?: Array<{ extensions?: { code?: string } }> } };
  };

  it('counts each request by operation type, outcome and code, and times it', async () => {
    const cases: Array<[Record<string, unknown>, string, string, string]> = [
      [{ query: '{ hello }' }, 'query', 'ok', ''],
      [{ query: 'query Named { hello }', operationName: 'Named' }, 'query', 'ok', ''],
      [{ query: 'mutation { ping }' }, 'mutation', 'ok', ''],
      [{ query: '{ poor }' }, 'query', 'error', 'INSUFFICIENT_FUNDS'],
      [{ query: '{ broke }' }, 'query', 'error', 'INTERNAL_SERVER_ERROR'],
      [{ query: '{ deep { next { next { next { v } } } } }' }, 'query', 'refused', 'QUERY_TOO_DEEP'],
      [{ query: 'mutation { deep { next { next { next { v } } } } }' }, 'mutation', 'refused', 'QUERY_TOO_DEEP'],
      [{ query: '{ hello ' }, 'unknown', 'refused', 'GRAPHQL_PARSE_FAILED'],
      [{ query: '{ nope }' }, 'unknown', 'refused', 'GRAPHQL_VALIDATION_FAILED'],
      // refused before parsing (edge/refusal.ts): the stand-in's type is not the client's
      [{ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, 'unknown', 'refused', 'PERSISTED_QUERY_NOT_FOUND'],
    ];
    for (const [body, , outcome, code] of cases) {
      const reply = await post(body);
      expect(reply.body.errors?.[0]?.extensions?.code ?? '', JSON.stringify(body)).toBe(code);
      expect(outcome === 'ok').toBe(reply.body.errors === undefined);
    }

    const text = await metrics.metricsText();
    const expected: Record<string, number> = {};
    for (const [, type, outcome, code] of cases) {
      const key = `{operation_type="${type}",outcome="${outcome}",code="${code}"}`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    expect(samplesOf(text, 'aiki_gateway_requests_total')).toEqual(expected);

    const counts = samplesOf(text, 'aiki_gateway_request_duration_seconds_count');
    expect(counts['{operation_type="query",outcome="ok"}']).toBe(2);
    expect(counts['{operation_type="query",outcome="refused"}']).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(cases.length);
    const inf = samplesOf(text, 'aiki_gateway_request_duration_seconds_bucket');
    expect(inf['{le="+Inf",operation_type="query",outcome="ok"}']).toBe(2);
    expect(text).not.toContain('Named'); // operation names are never labels
  });

  it('names the request’s server span after its operation and records the outcome on it', async () => {
    exported.reset();
    for (const body of [{ query: 'query Greeting { hello }' }, { query: '{ broke }' }, { query: '{ hello ' }]) {
      const span = tracer().startSpan('POST', { kind: SpanKind.SERVER }, incoming());
      await context.with(trace.setSpan(incoming(), span), () => post(body));
      span.end();
    }
    expect(spans().map((s) => [s.name, s.attributes, s.status.code])).toEqual([
      ['query Greeting', { 'graphql.operation.type': 'query', 'graphql.operation.name': 'Greeting', 'aiki.outcome': 'ok' }, SpanStatusCode.UNSET],
      ['query', { 'graphql.operation.type': 'query', 'aiki.outcome': 'error', 'aiki.error.code': 'INTERNAL_SERVER_ERROR' }, SpanStatusCode.ERROR],
      ['POST', { 'graphql.operation.type': 'unknown', 'aiki.outcome': 'refused', 'aiki.error.code': 'GRAPHQL_PARSE_FAILED' }, SpanStatusCode.UNSET],
    ]);
    expect(spans()[0]!.spanContext().traceId).toBe(TRACE_ID);
  });
});

describe('gateway metrics read at scrape time and at the HTTP edge', () => {
  it('counts a request the HTTP rate limit refuses before Apollo sees it', async () => {
    const metrics = new GatewayMetrics();
    const admit = observeAdmit(metrics, httpRateLimit(new RateLimiter({ ratePerSecond: 0.001, burst: 1 })));
    const req = { headers: {}, socket: { remoteAddress: '192.0.2.1' } } as unknown as IncomingMessage;
    expect(admit(req)).toBeUndefined();
    expect(admit(req)?.status).toBe(429);
    expect(samplesOf(await metrics.metricsText(), 'aiki_gateway_requests_total')).toEqual({
      '{operation_type="unknown",outcome="refused",code="RATE_LIMITED"}': 1,
    });
  });

  it('exposes a cache’s stats and the shard map by state, as they are at each scrape', async () => {
    const metrics = new GatewayMetrics();
    const stats = { hits: 3, misses: 1, bypasses: 2, stored: 1, entries: 1, bytes: 420, evictions: 0 };
    metrics.watchCache(() => stats);
    metrics.watchCache(() => {
      throw new Error('a cache that fails to report is left out of the scrape, not the scrape');
    }, 'broken');
    const shards = new ShardMap();
    shards.set({ code: 'kyoto', admission: 'serving', endpoints: ['http://k'], registered: ['http://k'] });
    shards.set({ code: 'osaka', admission: 'serving', endpoints: ['http://o'], registered: ['http://o'], status: 'SUSPENDED' });
    shards.set({ code: 'nara', admission: 'pending', registered: ['http://n'], reason: aikiError('SCHEMA_MISMATCH', 'no') });
    metrics.watchShardMap(shards);

    let text = await metrics.metricsText();
    expect(samplesOf(text, 'aiki_gateway_cache_hits_total')).toEqual({ '{cache="entity"}': 3 });
    expect(samplesOf(text, 'aiki_gateway_cache_misses_total')).toEqual({ '{cache="entity"}': 1 });
    expect(samplesOf(text, 'aiki_gateway_cache_bytes')).toEqual({ '{cache="entity"}': 420 });
    expect(text).toContain('# TYPE aiki_gateway_cache_hits_total counter\n');
    expect(text).toContain('# TYPE aiki_gateway_cache_bytes gauge\n');
    expect(samplesOf(text, 'aiki_shard_map_municipalities')).toEqual({ '{state="serving"}': 1, '{state="pending"}': 1, '{state="suspended"}': 1 });

    stats.hits = 10;
    shards.set({ code: 'nara', admission: 'serving', endpoints: ['http://n'], registered: ['http://n'] });
    const scraped = await metricsEndpoint(metrics)();
    text = scraped.body;
    expect(samplesOf(text, 'aiki_gateway_cache_hits_total')).toEqual({ '{cache="entity"}': 10 });
    expect(samplesOf(text, 'aiki_shard_map_municipalities')).toEqual({ '{state="serving"}': 2, '{state="pending"}': 0, '{state="suspended"}': 1 });
    expect(scraped.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('keeps the code label bounded: a code from outside the catalogue counts as INTERNAL_SERVER_ERROR', () => {
    expect(codeLabel('SHARD_UNAVAILABLE')).toBe('SHARD_UNAVAILABLE');
    expect(codeLabel('GRAPHQL_VALIDATION_FAILED')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(codeLabel('made-up-by-a-subgraph-1234')).toBe('INTERNAL_SERVER_ERROR');
    expect(codeLabel({ not: 'a string' })).toBe('INTERNAL_SERVER_ERROR');
    expect(codeLabel(undefined)).toBe('');
  });
});

/**
 * A node:http server for an Apollo Server, each request in a server span that continues the
 * caller's `traceparent` — what the HTTP instrumentation does in a service (runtime/observability/tracing.ts).
 */
async function serveTraced(apollo: ApolloServer<BaseContext>, seen: Array<string | undefined> = []): Promise<{ url: string; server: Server }> {
  await apollo.start();
  const server = createServer((req, res) => {
    seen.push(req.headers.traceparent as string | undefined);
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan('POST', { kind: SpanKind.SERVER }, parent);
    void context.with(trace.setSpan(parent, span), async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!, headers, search: '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) },
        context: async () => ({}),
      });
      res.statusCode = result.status ?? 200;
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.end(result.body.kind === 'complete' ? result.body.string : '');
      span.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

describe('a request followed into the subgraphs', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await close(s);
    exported.reset();
  });

  /** A stand-in ledger shard: answers `reply`, and records the `traceparent` it was sent. */
  async function shard(reply: object): Promise<{ url: string; seen: Array<string | undefined> }> {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.traceparent as string | undefined);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen };
  }

  const post = (url: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ _entities }"}' }).then(
      async (r) => (await r.json()) as { errors?: unknown[] },
    );

  it('traceSubgraphCall makes a span for the call; the HTTP call under it carries traceparent to the shard', async () => {
    const metrics = new GatewayMetrics();
    const kyoto = await shard({ data: { ok: true } });
    const request = tracer().startSpan('query Accounts', { kind: SpanKind.SERVER }, incoming());
    await context.with(trace.setSpan(incoming(), request), () =>
      traceSubgraphCall(metrics, { subgraph: 'ledger', municipality: 'kyoto', url: kyoto.url }, () => post(kyoto.url)),
    );
    request.end();

    const call = spans().find((s) => s.name === 'ledger kyoto')!;
    expect(call.attributes).toEqual({ 'aiki.subgraph': 'ledger', 'aiki.municipality': 'kyoto', 'url.full': kyoto.url, 'aiki.outcome': 'ok' });
    expect(call.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(call)).toBe(request.spanContext().spanId);
    const http = spans().find((s) => s.kind === SpanKind.CLIENT)!; // the fetch instrumentation's
    expect(parentOf(http)).toBe(call.spanContext().spanId);
    expect(kyoto.seen).toEqual([`00-${TRACE_ID}-${http.spanContext().spanId}-01`]);
    const text = await metrics.metricsText();
    expect(samplesOf(text, 'aiki_subgraph_requests_total')).toEqual({ '{subgraph="ledger",municipality="kyoto",outcome="ok"}': 1 });
    expect(samplesOf(text, 'aiki_subgraph_request_duration_seconds_count')).toEqual({ '{subgraph="ledger",municipality="kyoto"}': 1 });
  });

  it('counts a reply with errors as error, and no answer as unavailable (rethrown, span in error)', async () => {
    const metrics = new GatewayMetrics();
    const osaka = await shard({ errors: [{ message: 'no', extensions: { code: 'NONCE_REUSED' } }] });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
    await close(closed);

    const reply = await traceSubgraphCall(metrics, { subgraph: 'ledger', municipality: 'osaka' }, () => post(osaka.url));
    expect(reply.errors).toHaveLength(1);
    await expect(traceSubgraphCall(metrics, { subgraph: 'ledger', municipality: 'nara' }, () => post(deadUrl))).rejects.toThrow();

    expect(samplesOf(await metrics.metricsText(), 'aiki_subgraph_requests_total')).toEqual({
      '{subgraph="ledger",municipality="osaka",outcome="error"}': 1,
      '{subgraph="ledger",municipality="nara",outcome="unavailable"}': 1,
    });
    expect(spans().find((s) => s.name === 'ledger osaka')!.attributes).toMatchObject({ 'aiki.outcome': 'error', 'aiki.errors': 1 });
    const nara = spans().find((s) => s.name === 'ledger nara')!;
    expect(nara.status.code).toBe(SpanStatusCode.ERROR);
    expect(nara.attributes['aiki.outcome']).toBe('unavailable');
    expect(parentOf(nara)).toBeUndefined(); // called outside a request: a trace of its own
  });

  it('records @apollo/gateway’s own spans (request, plan, fetch) around the call of an observed RemoteGraphQLDataSource', async () => {
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { thing(id: ID!): Thing }
      type Thing @key(fields: "id") { id: ID! name: String }`);
    const subgraphSeen: Array<string | undefined> = [];
    const things = await serveTraced(
      new ApolloServer({
        schema: buildSubgraphSchema({ typeDefs, resolvers: { Query: { thing: (_: unknown, { id }: { id: string }) => ({ id, name: `thing ${id}` }) } } }),
        logger: silent,
      }),
      subgraphSeen,
    );
    servers.push(things.server);
    const composed = composeServices([{ name: 'things', url: things.url, typeDefs }]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));

    const metrics = new GatewayMetrics();
    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      logger: silent,
      // Node's fetch, as gateway/server.ts gives its data sources (runtime/signing.ts federationFetcher).
      buildService: ({ name, url }) =>
        observeDataSource(new RemoteGraphQLDataSource({ url, fetcher: fetch as unknown as RemoteGraphQLDataSource['fetcher'] }), name, metrics),
    });
    const gw = await serveTraced(new ApolloServer({ gateway, plugins: [metricsPlugin(metrics)], logger: silent }));
    servers.push(gw.server);

    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: INCOMING },
      body: JSON.stringify({ query: 'query OneThing { thing(id: "7") { name } }' }),
    });
    expect(await res.json()).toEqual({ data: { thing: { name: 'thing 7' } } });
    await new Promise((r) => setTimeout(r, 50)); // the subgraph's server span ends after its answer is sent

    const byName = (name: string) => spans().filter((s) => s.name === name);
    const [server] = byName('query OneThing'); // the gateway's server span, renamed by the plugin
    const [request] = byName('gateway.request');
    const [plan] = byName('gateway.plan');
    const [fetchSpan] = byName('gateway.fetch');
    const [call] = byName('things');
    expect(server).toBeDefined();
    expect(server!.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(server!)).toBe(PARENT_ID);
    expect(parentOf(request!)).toBe(server!.spanContext().spanId);
    expect(parentOf(plan!)).toBe(request!.spanContext().spanId);
    expect(request!.instrumentationScope.name).toBe(plan!.instrumentationScope.name); // @apollo/gateway's tracer
    expect(parentOf(call!)).toBe(fetchSpan!.spanContext().spanId);
    expect(call!.attributes['aiki.outcome']).toBe('ok');
    const http = spans().find((s) => s.kind === SpanKind.CLIENT && parentOf(s) === call!.spanContext().spanId)!;
    expect(subgraphSeen).toEqual([`00-${TRACE_ID}-${http.spanContext().spanId}-01`]);
    const served = spans().filter((s) => s.kind === SpanKind.SERVER && s !== server);
    expect(served).toHaveLength(1);
    expect(parentOf(served[0]!)).toBe(http.spanContext().spanId);

    const text = await metrics.metricsText();
    expect(samplesOf(text, 'aiki_gateway_requests_total')).toEqual({ '{operation_type="query",outcome="ok",code=""}': 1 });
    expect(samplesOf(text, 'aiki_subgraph_requests_total')).toEqual({ '{subgraph="things",municipality="",outcome="ok"}': 1 });
    await gateway.stop();
  });
});
