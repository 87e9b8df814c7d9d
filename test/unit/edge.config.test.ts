import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TRACE_QUERY } from '../../core/index.ts';
import { DEFAULT_LIMITS, edgePlugins, manifestOf, RateLimiter, readEdgeConfig, sha256Hex } from '../../gateway/edge/index.ts';
import { codes, startEdgeGateway, type EdgeContext, type EdgeGateway } from './edge.support.ts';

describe('edgePlugins: the three checks in one gateway, in order', () => {
  let gw: EdgeGateway;
  beforeAll(async () => {
    const limiter = new RateLimiter({ ratePerSecond: 0.01, burst: 4 });
    gw = await startEdgeGateway(edgePlugins<EdgeContext>({ limits: {} }, { limiter, remoteAddress: (c) => c.remoteAddress }));
  });
  afterAll(() => gw.close());

  it('measures what a persisted query stands for, and rate limits before anything else', async () => {
    const flood = `{ ${'a '.repeat(3000)}}`;
    expect(codes(await gw.post({ query: flood }))).toEqual(['TOO_MANY_TOKENS']);
    expect(codes(await gw.post({ query: flood, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(flood) } } }))).toEqual(['TOO_MANY_TOKENS']);
    const trace = await gw.post({
      query: TRACE_QUERY,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(TRACE_QUERY) } },
      variables: { id: 'kyoto:00' },
    });
    expect(codes(trace).filter((c) => c !== 'INTERNAL_SERVER_ERROR')).toEqual([]);
    expect(gw.subgraphCalls()).toBeGreaterThan(0);
    expect(
      codes(await gw.post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(TRACE_QUERY) } }, variables: { id: 'kyoto:00' } })),
    ).not.toContain('PERSISTED_QUERY_NOT_FOUND');
    // The bucket of 4 is empty: the flood is now refused for its rate, before it is looked at.
    const limited = await gw.post({ query: flood });
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.status).toBe(429);
  });
});

describe('readEdgeConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('has the defaults: APQ, rate limited, default limits', () => {
    const config = readEdgeConfig();
    expect(config.safelist).toBeUndefined();
    expect(config.rateLimit).toEqual({ ratePerSecond: 50, burst: 100 });
    expect(config.limits).toEqual({ maxDepth: DEFAULT_LIMITS.maxDepth, maxCost: DEFAULT_LIMITS.maxCost, maxTokens: DEFAULT_LIMITS.maxTokens });
  });

  it('reads a safelist manifest, turns the rate limit off with 0, and overrides limits', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aiki-edge-')), 'manifest.json');
    writeFileSync(file, JSON.stringify(manifestOf([TRACE_QUERY])));
    vi.stubEnv('AIKI_SAFELIST', file);
    vi.stubEnv('AIKI_RATE_LIMIT_RPS', '0');
    vi.stubEnv('AIKI_MAX_QUERY_COST', '5000');
    const config = readEdgeConfig();
    expect(config.safelist?.operations.map((o) => o.body)).toEqual([TRACE_QUERY]);
    expect(config.rateLimit).toBeUndefined();
    expect(config.limits.maxCost).toBe(5000);
  });

  it('stops the start on a manifest it cannot read, naming the variable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aiki-edge-')), 'manifest.json');
    writeFileSync(file, '{"format":"relay"}');
    vi.stubEnv('AIKI_SAFELIST', file);
    expect(() => readEdgeConfig()).toThrow(/^AIKI_SAFELIST: not a persisted query manifest/);
  });
});
