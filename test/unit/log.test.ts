/**
 * The structured log (runtime/log.ts, pino): the line's shape the launcher and the tests read,
 * secrets written as `[redacted]`, and the current span's ids on each line written inside a trace.
 */
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../runtime/log.ts';
import { tracer } from '../../runtime/observability/index.ts';

/** A logger writing into an array, one parsed object per line. */
function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const raw: string[] = [];
  const log = createLogger('gateway', level, { write: (line) => void raw.push(line) });
  return { log, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
provider.register();
afterAll(() => provider.shutdown());

describe('the log', () => {
  it('writes one JSON object per line: time, level by name, service, msg and the fields; below its level nothing', () => {
    const { log, raw, lines } = capture('info');
    log.debug('not written');
    log.info('serving', { url: 'http://127.0.0.1:4000/graphql', municipalities: ['kyoto'] });
    log.error('request failed', { err: new Error('boom') });
    expect(raw).toHaveLength(2);
    expect(raw.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const [serving, failed] = lines();
    expect(serving).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      service: 'gateway',
      msg: 'serving',
      url: 'http://127.0.0.1:4000/graphql',
      municipalities: ['kyoto'],
    });
    expect(raw[1]).toMatch(/"level":"error"/); // what cluster/start.ts and the tests look for
    expect(failed!.err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('log.test.ts') });
  });

  it('redacts tokens, keys, secrets and signatures — at the top, one level down and in headers — and a URL’s password', () => {
    const secrets = ['Bearer op-token-1', 'api-key-2', 'fed-secret-3', 'seq-key-4', 't=1,v1=sig5', 'tok-6', 'pw-7', 'sk-8'];
    const { log, raw, lines } = capture();
    log.warn('operator refused', {
      authorization: secrets[0],
      headers: { 'x-api-key': secrets[1], 'x-aiki-signature': secrets[4], accept: 'application/json' },
      config: { subgraphSecret: secrets[2], sequencerKey: secrets[3], port: 4000 },
      request: { headers: { authorization: secrets[0] } },
      token: secrets[5],
      secretKey: secrets[7],
      reason: `cannot reach mongodb://aiki:${secrets[6]}@db.internal:27017/aiki`,
    });
    log.error(`connect failed: mongodb://aiki:${secrets[6]}@db.internal:27017`, {
      err: new Error(`auth failed for https://u:${secrets[6]}@h/`),
      attempts: [{ url: `mongodb://a:${secrets[6]}@x`, cause: new Error('nested') }],
    });
    for (const secret of secrets) expect(raw.join(''), secret).not.toContain(secret);
    const [refused, failed] = lines();
    expect(refused).toMatchObject({
      authorization: '[redacted]',
      headers: { 'x-api-key': '[redacted]', 'x-aiki-signature': '[redacted]', accept: 'application/json' },
      config: { subgraphSecret: '[redacted]', sequencerKey: '[redacted]', port: 4000 },
      request: { headers: { authorization: '[redacted]' } },
      token: '[redacted]',
      secretKey: '[redacted]',
      reason: 'cannot reach mongodb://aiki:[redacted]@db.internal:27017/aiki',
    });
    expect(failed!.msg).toBe('connect failed: mongodb://aiki:[redacted]@db.internal:27017');
    expect((failed!.err as { message: string }).message).toBe('auth failed for https://u:[redacted]@h/');
    expect(failed!.attempts).toEqual([{ url: 'mongodb://a:[redacted]@x', cause: expect.objectContaining({ type: 'Error', message: 'nested' }) }]); // at depth too
    expect(REDACTED).toEqual(expect.arrayContaining(['authorization', 'token', 'secret', 'key', 'sequencerKey', 'x-api-key']));
  });

  it('carries the current span’s traceId and spanId inside a trace, and none outside', async () => {
    const { log, lines } = capture();
    log.info('before');
    const ids = await tracer().startActiveSpan('query Accounts', async (span) => {
      await new Promise((r) => setTimeout(r, 1)); // across an await, as in a request
      log.info('inside', { municipality: 'kyoto' });
      span.end();
      return span.spanContext();
    });
    log.info('after');
    const [before, inside, after] = lines();
    expect(before).not.toHaveProperty('traceId');
    expect(inside).toMatchObject({ msg: 'inside', traceId: ids.traceId, spanId: ids.spanId, municipality: 'kyoto' });
    expect(inside!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toHaveProperty('traceId');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
