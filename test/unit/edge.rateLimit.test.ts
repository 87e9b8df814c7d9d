import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientKeys, httpRateLimit, RateLimiter, rateLimitPlugin } from '../../gateway/edge/rateLimit.ts';
import { codes, startEdgeGateway, type EdgeGateway, type Reply } from './edge.support.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('RateLimiter', () => {
  it('lets a burst through, then refuses with the time until the next request is allowed', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3, now: () => now });
    const a = ['ip:10.0.0.1'];
    for (let i = 0; i < 3; i++) expect(limiter.take(a)).toEqual({ allowed: true });
    expect(limiter.take(a)).toEqual({ allowed: false, retryAfterMs: 500 });
    now = 499;
    expect(limiter.take(a)).toEqual({ allowed: false, retryAfterMs: 1 });
    now = 500;
    expect(limiter.take(a)).toEqual({ allowed: true });
    expect(limiter.take(['ip:10.0.0.2'])).toEqual({ allowed: true }); // another client has its own bucket
  });

  it('charges an invented credential to its address too, so new tokens buy no new buckets', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 3, addressFactor: 4, now: () => 0 });
    const allowed = Array.from({ length: 20 }, (_, i) => limiter.take(clientKeys(headers({ authorization: `Bearer forged-${i}` }), '10.0.0.9')).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(12);
    // Anonymous requests from that address have their own, smaller bucket.
    expect(limiter.take(clientKeys(headers({}), '10.0.0.9')).allowed).toBe(true);
  });

  it('tells clients apart by credential digest and client name, or else by address', () => {
    const [key, net] = clientKeys(headers({ authorization: 'Bearer s3cret', 'apollographql-client-name': 'wallet' }), '10.0.0.1');
    expect(key).toMatch(/^key:[0-9a-f]{32}\/wallet$/);
    expect(key).not.toContain('s3cret');
    expect(net).toBe('net:10.0.0.1');
    expect(clientKeys(headers({ 'apollographql-client-name': 'wallet' }), '10.0.0.1')).toEqual(['ip:10.0.0.1']);
    expect(clientKeys(headers({ 'x-api-key': 'k' }), '10.0.0.1')[0]).not.toBe(clientKeys(headers({ 'x-api-key': 'l' }), '10.0.0.1')[0]);
  });

  it('keeps at most maxClients buckets', () => {
    const limiter = new RateLimiter({ maxClients: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) limiter.take([`ip:10.0.${i >> 8}.${i & 255}`]);
    expect(limiter.clients).toBe(100);
  });

  it('forgets buckets that have refilled while idle', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 10, now: () => now });
    for (let i = 0; i < 50; i++) limiter.take([`ip:old-${i}`]);
    now = 10_000;
    for (let i = 0; i < 50; i++) limiter.take([`ip:new-${i}`]);
    expect(limiter.clients).toBe(50);
  });
});

async function untilAllowed(send: () => Promise<Reply | Response>): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const reply = await send();
    if (reply.status !== 429) return reply.status;
    await new Promise((r) => setTimeout(r, Number(reply.headers.get('retry-after')) * 1000));
  }
  throw new Error('still rate limited');
}

describe('httpRateLimit: before the body is read, as runtime/http.ts would call it', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const admit = httpRateLimit(new RateLimiter({ ratePerSecond: 1, burst: 2 }));
    server = createServer((req, res) => {
      const refused = admit(req);
      if (refused) {
        res.writeHead(refused.status, refused.headers);
        res.end(refused.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"ok":true}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 429 with Retry-After and RATE_LIMITED, and lets the client in again after the wait', async () => {
    const send = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { errors: Array<{ extensions: { code: string; retryAfterMs: number } }> };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]!.extensions.retryAfterMs).toBeGreaterThan(0);
    expect(await untilAllowed(send)).toBe(200);
  });
});

describe('rateLimitPlugin: first thing in the gateway', () => {
  let gw: EdgeGateway;
  beforeAll(async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2 });
    gw = await startEdgeGateway([rateLimitPlugin(limiter, (context) => context.remoteAddress)]);
  });
  afterAll(() => gw.close());

  it('answers 429 with Retry-After and RATE_LIMITED before any subgraph is called, then lets the client in again', async () => {
    const query = { query: '{ mainChain { height } }' };
    await gw.post(query);
    await gw.post(query);
    const before = gw.subgraphCalls();
    const refused = await gw.post(query);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.body.errors![0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    expect(refused.body.errors![0]!.extensions).not.toHaveProperty('http');
    expect(gw.subgraphCalls()).toBe(before);

    // A client with its own credential is another client.
    const other = await gw.post(query, { authorization: 'Bearer operator-token' });
    expect(other.status).not.toBe(429);

    expect(await untilAllowed(() => gw.post(query))).not.toBe(429);
    expect(gw.subgraphCalls()).toBeGreaterThan(before);
  });
});
