import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../runtime/log.ts';
import { formatTraceparent, parseTraceparent, traceContextHeaders } from '../../runtime/observability/traceContext.ts';
import { activeSpan, logSpanExporter, traceHeaders, Tracer, traceRequest, withSpan, type SpanData } from '../../runtime/observability/tracing.ts';

// The examples of W3C Trace Context §3.2.3.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-01`;
const NOT_SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-00`;

function recording(opts: { sampleRatio?: number } = {}) {
  const spans: SpanData[] = [];
  const tracer = new Tracer({ exporters: [{ export: (s) => spans.push(s) }], ...opts });
  return { tracer, spans };
}

describe('traceparent (W3C Trace Context §3.2)', () => {
  it('parses the specification’s examples and formats them back unchanged', () => {
    expect(parseTraceparent(SAMPLED)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1 });
    expect(parseTraceparent(NOT_SAMPLED)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 0 });
    for (const header of [SAMPLED, NOT_SAMPLED, `00-${TRACE_ID}-${PARENT_ID}-03`, `00-${TRACE_ID}-${PARENT_ID}-02`]) {
      expect(formatTraceparent(parseTraceparent(header)!)).toBe(header);
    }
  });

  it('keeps the sampled and random-trace-id flags and zeroes the ones it does not know (§3.2.2.5)', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-ff`)!.traceFlags).toBe(0x03);
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-09`)!.traceFlags).toBe(0x01);
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 0xff })).toBe(`00-${TRACE_ID}-${PARENT_ID}-03`);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['a version that is not hex', `0g-${TRACE_ID}-${PARENT_ID}-01`],
    ['an upper-case version', `0A-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with more after the flags', `${SAMPLED}-00`],
    ['a trace id one character short', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a trace id one character long', `00-${TRACE_ID}a-${PARENT_ID}-01`],
    ['a parent id one character short', `00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`],
    ['flags of one character', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['upper-case hex in the trace id', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['upper-case hex in the parent id', `00-${TRACE_ID}-00F067AA0BA902B7-01`],
    ['flags that are not hex', `00-${TRACE_ID}-${PARENT_ID}-0x`],
    ['underscores for dashes', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['two headers joined by Node', `${SAMPLED}, ${SAMPLED}`],
    ['a higher version whose flags run on', `01-${TRACE_ID}-${PARENT_ID}-01x`],
  ])('ignores a traceparent with %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('reads a higher version as far as version 00 goes and answers in version 00 (§3.2.4)', () => {
    for (const header of [`cc-${TRACE_ID}-${PARENT_ID}-01`, `cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-adds`]) {
      const parsed = parseTraceparent(header);
      expect(parsed).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1 });
      expect(formatTraceparent(parsed!)).toBe(SAMPLED);
    }
  });

  it('takes tracestate only with a valid traceparent, passes it on unchanged, and drops one over 512 characters', () => {
    expect(parseTraceparent(SAMPLED, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7')!.traceState).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(traceContextHeaders(parseTraceparent(SAMPLED, 'rojo=1')!)).toEqual({ traceparent: SAMPLED, tracestate: 'rojo=1' });
    expect(parseTraceparent(SAMPLED, `k=${'v'.repeat(511)}`)!.traceState).toBeUndefined();
    expect(parseTraceparent(`ff-${TRACE_ID}-${PARENT_ID}-01`, 'rojo=1')).toBeUndefined();
  });

  it('refuses to format an invalid context', () => {
    expect(() => formatTraceparent({ traceId: '0'.repeat(32), spanId: PARENT_ID, traceFlags: 1 })).toThrow(/trace id/);
    expect(() => formatTraceparent({ traceId: TRACE_ID, spanId: 'xyz', traceFlags: 1 })).toThrow(/span id/);
  });
});

describe('spans', () => {
  it('a child of an incoming traceparent keeps the trace id, names the parent, and gets its own span id', () => {
    const { tracer, spans } = recording();
    const span = tracer.startSpan('POST /graphql', { kind: 'server', parent: parseTraceparent(SAMPLED, 'rojo=1') });
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.parentSpanId).toBe(PARENT_ID);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.spanId).not.toBe(PARENT_ID);
    expect(traceHeaders(span)).toEqual({ traceparent: `00-${TRACE_ID}-${span.spanId}-01`, tracestate: 'rojo=1' });
    span.setAttribute('http.response.status_code', 200).end();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 'POST /graphql', kind: 'server', traceId: TRACE_ID, parentSpanId: PARENT_ID, parentIsRemote: true, attributes: { 'http.response.status_code': 200 } });
    expect(spans[0]!.endTimeUnixNano).toBeGreaterThanOrEqual(spans[0]!.startTimeUnixNano);
    const now = BigInt(Date.now()) * 1_000_000n;
    expect(spans[0]!.startTimeUnixNano > now - 60_000_000_000n && spans[0]!.startTimeUnixNano <= now + 1_000_000_000n).toBe(true);
  });

  it('starts a new sampled trace with the random-trace-id flag when there is no parent', () => {
    const { tracer } = recording();
    const a = tracer.startSpan('a', { parent: null });
    const b = tracer.startSpan('b', { parent: null });
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.traceId).not.toBe(b.traceId);
    expect(a.parentSpanId).toBeUndefined();
    expect(traceHeaders(a).traceparent).toBe(`00-${a.traceId}-${a.spanId}-03`);
  });

  it('follows the caller’s sampling decision, and samples new traces by ratio', () => {
    const { tracer, spans } = recording({ sampleRatio: 0 });
    const unsampled = tracer.startSpan('x', { parent: parseTraceparent(NOT_SAMPLED) });
    const child = tracer.startSpan('y', { parent: unsampled });
    expect(traceHeaders(child).traceparent).toBe(`00-${TRACE_ID}-${child.spanId}-00`); // still propagated
    const root = tracer.startSpan('z', { parent: null }); // ratio 0
    const sampledByCaller = tracer.startSpan('w', { parent: parseTraceparent(SAMPLED) });
    for (const s of [unsampled, child, root, sampledByCaller]) s.end();
    expect(spans.map((s) => s.name)).toEqual(['w']);

    const half = new Tracer({ sampleRatio: 0.5, random: (() => { const r = [0.2, 0.7]; return () => r.shift()!; })() });
    expect([half.startSpan('a', { parent: null }).sampled, half.startSpan('b', { parent: null }).sampled]).toEqual([true, false]);
  });

  it('carries the current span across awaits and timers, separately for concurrent requests', async () => {
    const { tracer } = recording();
    const seen: Array<[string, string | undefined, string | undefined]> = [];
    const request = (name: string, delayMs: number) => {
      const span = tracer.startSpan(name, { parent: null });
      return withSpan(span, async () => {
        await new Promise((r) => setTimeout(r, delayMs));
        const child = tracer.startSpan(`${name}.call`);
        seen.push([name, child.parentSpanId === span.spanId ? 'child' : 'stranger', activeSpan()?.spanId === span.spanId ? 'current' : undefined]);
        child.end();
        span.end();
      });
    };
    await Promise.all([request('a', 20), request('b', 5), request('c', 10)]);
    expect(seen.sort()).toEqual([['a', 'child', 'current'], ['b', 'child', 'current'], ['c', 'child', 'current']]);
    expect(activeSpan()).toBeUndefined();
  });

  it('ends a span once; inSpan marks a rejection as an error and rethrows it', async () => {
    const { tracer, spans } = recording();
    const span = tracer.startSpan('once', { parent: null });
    span.end();
    span.setAttribute('late', 1).end();
    await expect(tracer.inSpan('fails', { parent: null }, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(spans.map((s) => [s.name, s.status, s.attributes])).toEqual([
      ['once', { code: 'unset' }, {}],
      ['fails', { code: 'error', message: 'boom' }, {}],
    ]);
  });

  it('logs a span as one JSON log line', () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const log: Logger = { debug: (m, f) => lines.push([m, f]), info() {}, warn() {}, error() {} };
    const tracer = new Tracer({ exporters: [logSpanExporter(log)] });
    const span = tracer.startSpan('ledger kyoto', { kind: 'client', parent: parseTraceparent(SAMPLED), attributes: { 'aiki.municipality': 'kyoto' } });
    span.setStatus('error', 'no answer').end();
    expect(lines).toHaveLength(1);
    const [msg, fields] = lines[0]!;
    expect(msg).toBe('span');
    expect(fields).toEqual({
      span: 'ledger kyoto',
      traceId: TRACE_ID,
      spanId: span.spanId,
      parentSpanId: PARENT_ID,
      durationMs: expect.any(Number),
      kind: 'client',
      status: { code: 'error', message: 'no answer' },
      attributes: { 'aiki.municipality': 'kyoto' },
    });
  });
});

describe('continuing a trace in a real HTTP server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function serveTraced(tracer: Tracer, status = 200): Promise<{ url: string; inside: Array<string | undefined> }> {
    const inside: Array<string | undefined> = [];
    server = createServer((req, res) => {
      void traceRequest(req, res, async () => {
        await new Promise((r) => setImmediate(r));
        inside.push(activeSpan()?.spanId);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      }, tracer);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql?x=1`, inside };
  }

  it('makes the server span a child of the caller’s traceparent, current while the request is served', async () => {
    const { tracer, spans } = recording();
    const { url, inside } = await serveTraced(tracer);
    const res = await fetch(url, { method: 'POST', headers: { traceparent: SAMPLED, tracestate: 'rojo=1' }, body: '{}' });
    await res.text();
    await new Promise((r) => setTimeout(r, 20)); // the span ends on the response's close
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'POST /graphql',
      kind: 'server',
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      traceState: 'rojo=1',
      attributes: { 'http.request.method': 'POST', 'url.path': '/graphql', 'http.response.status_code': 200 },
      status: { code: 'unset' },
    });
    expect(inside).toEqual([spans[0]!.spanId]);
  });

  it('starts a new trace for a request without a valid traceparent, and marks a 5xx an error', async () => {
    const { tracer, spans } = recording();
    const { url } = await serveTraced(tracer, 503);
    for (const headers of [{}, { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` }] as Array<Record<string, string>>) await (await fetch(url, { headers })).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(spans).toHaveLength(2);
    for (const s of spans) {
      expect(s.traceId).not.toBe(TRACE_ID);
      expect(s.parentSpanId).toBeUndefined();
      expect(s.status.code).toBe('error');
    }
    expect(spans[0]!.traceId).not.toBe(spans[1]!.traceId);
  });
});
