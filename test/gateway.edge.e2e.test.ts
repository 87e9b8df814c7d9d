/**
 * The gateway's edge in the real gateway process (gateway/main.ts, configured from its
 * environment): abusive operations refused with their codes before any subgraph is asked, a
 * safelisted gateway running only its manifest, and a rate-limited client told when to retry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { manifestOf, sha256Hex } from '../gateway/edge/index.ts';
import { signRequest } from '../runtime/signing.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { eventually, gql } from './support/helpers.ts';
import { KYOTO, useTestCluster } from './support/cluster.ts';

const RATE = 5;
const BURST = 10;
let safelisted: ServiceProcess;
const dir = mkdtempSync(join(tmpdir(), 'aiki-edge-'));
const SAFE = 'query Heads { municipalities { code chain { height } } }';

afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fed = useTestCluster('edge', { municipalities: [KYOTO], gatewayEnv: { AIKI_RATE_LIMIT_RPS: String(RATE), AIKI_RATE_LIMIT_BURST: String(BURST) } });
beforeAll(async () => {
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify(manifestOf([SAFE])));
  safelisted = await spawnService('gateway-safelist', 'gateway', {
    env: { AIKI_MAINCHAIN_URL: fed.cluster.mainchain.url, AIKI_PORT: '0', AIKI_SAFELIST: manifest, AIKI_RATE_LIMIT_RPS: '0' },
  });
});

afterAll(() => safelisted?.stop());

/** Requests as one client (its own API key): each gets its own rate-limit bucket. */
const as = (client: string) => (query: string, variables?: Record<string, unknown>) => gql(fed.cluster.gateway.url, query, variables, { 'x-api-key': client });

describe('the gateway edge', () => {
  it('refuses deep nesting, alias bombs, huge lists and token floods with their codes', async () => {
    const ask = as('abuser');
    const deep = `{ transaction(id: "kyoto:${'0'.repeat(64)}") { ${'block { transactions(first: 1) { edges { node { '.repeat(4)} id ${'} } } } '.repeat(4)} } }`;
    const cases: Array<[string, string]> = [
      [deep, 'QUERY_TOO_DEEP'],
      [`{ ${Array.from({ length: 50 }, (_, i) => `a${i}: mainChain { height }`).join(' ')} }`, 'TOO_MANY_ALIASES'],
      [
        '{ settlements(first: 1000) { id transfer { id } steps { status inclusion { path mainBlock { header anchors { header block { transactions(first: 1000) { edges { node { id } } } } } } } } } }',
        'QUERY_TOO_COSTLY',
      ],
      [`{ mainChain { height ${'h '.repeat(2500)} } }`, 'TOO_MANY_TOKENS'],
    ];
    for (const [query, code] of cases) {
      const r = await ask(query);
      expect(r.errors?.[0]?.extensions?.code, query.slice(0, 80)).toBe(code);
      expect(r.data ?? null).toBeNull();
    }
    // What a client legitimately asks passes.
    const ok = await ask(
      '{ municipalities { code chain { height blocks(first: 5) { edges { node { height transactions(first: 10) { edges { node { id amount } } } } } } } } }',
    );
    expect(ok.errors).toBeUndefined();
  });

  it('serves automatic persisted queries', async () => {
    const query = '{ mainChain { height } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    const post = (body: unknown) =>
      fetch(fed.cluster.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'apq' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>,
      );
    expect((await post({ extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query: '{ mainChain { headHash } }', extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect((await post({ query, extensions })).errors).toBeUndefined();
    expect(await post({ extensions })).toMatchObject({ data: { mainChain: { height: expect.any(Number) } } });
  });

  it('in safelist mode runs only the manifest operations', async () => {
    const ran = await gql(safelisted.url, SAFE);
    expect(ran.errors).toBeUndefined();
    expect(ran.data?.municipalities).toEqual([{ code: 'kyoto', chain: { height: expect.any(Number) } }]);
    for (const other of ['{ mainChain { height } }', 'query Heads { municipalities { code } }']) {
      expect((await gql(safelisted.url, other)).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_SAFELISTED');
    }
  });

  it('tells a client over its rate when to retry, and lets it in again', async () => {
    // All at once: one after another, on a busy machine each answer can take longer than the
    // bucket takes to refill one token (1/RATE s), and the client is never over its rate.
    const flood = await Promise.all(
      Array.from({ length: BURST * 3 }, () =>
        fetch(fed.cluster.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'flooder' },
          body: JSON.stringify({ query: '{ mainChain { height } }' }),
        }),
      ),
    );
    const statuses = flood.map((res) => res.status);
    const refused = flood.find((res) => res.status === 429);
    for (const res of flood) if (res !== refused) await res.body?.cancel();
    expect(refused, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(BURST); // the burst is let in
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await refused!.json()) as { errors: Array<{ extensions: { code: string; retryAfterMs: number } }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    // Another client is not affected; the flooder is let in once it waits.
    expect((await as('bystander')('{ mainChain { height } }')).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, body.errors[0]!.extensions.retryAfterMs));
    await eventually(async () => ((await as('flooder')('{ mainChain { height } }')).errors ? undefined : true), 5000, 'the flooder let in again');
  });

  it('leaves subgraphs closed to requests the federation did not sign', async () => {
    const secret = subgraphSecret()!;
    expect(secret).toBeTruthy(); // set by startCluster, inherited by every service
    const query = JSON.stringify({ query: '{ _service { sdl } }' });
    const post = (url: string, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> },
      }));
    for (const url of [fed.cluster.ledgers.get('kyoto')!.url, fed.cluster.mainchain.url]) {
      const code = async (headers: Record<string, string>) => {
        const r = await post(url, headers);
        return r.status === 401 ? r.body.errors?.[0]?.extensions.code : `HTTP ${r.status}`;
      };
      expect(await code({})).toBe('SIGNATURE_REQUIRED');
      expect(await code(signRequest('not the secret', 'POST', url, query))).toBe('BAD_REQUEST_SIGNATURE');
      expect(await code(signRequest(secret, 'POST', url, query, Date.now() - 120_000))).toBe('SIGNATURE_EXPIRED'); // a replay, or held up: too old, not forged
      expect(await code(signRequest('not the secret', 'POST', url, query, Date.now() - 120_000))).toBe('BAD_REQUEST_SIGNATURE'); // old and forged: forged
      expect(await code(signRequest(secret, 'POST', url, query.replace('sdl', 'sdl __typename')))).toBe('BAD_REQUEST_SIGNATURE'); // signed another body
      expect(await code({ 'x-aiki-signature': 't=1,v1=zz' })).toBe('BAD_REQUEST_SIGNATURE');
      const signed = await post(url, signRequest(secret, 'POST', url, query));
      expect(signed.status).toBe(200);
      expect(signed.body.errors).toBeUndefined();
    }
    // Through the gateway, which signs its calls, a client needs no signature.
    expect(
      (await fetch(fed.cluster.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ municipality(code: "kyoto") { chain { height } } }' }),
      }).then((r) => r.json())) as object,
    ).toMatchObject({ data: { municipality: { chain: { height: expect.any(Number) } } } });
  });

  it('exports Prometheus metrics: requests by outcome and code, subgraph calls per municipality, the shard map', async () => {
    await as('metrics')('{ municipality(code: "kyoto") { chain { height } } }');
    const text = await (await fetch(fed.cluster.gateway.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/^aiki_gateway_requests_total\{operation_type="query",outcome="ok",code=""\} [1-9]/m);
    expect(text).toMatch(/^aiki_gateway_requests_total\{[^}]*outcome="refused",code="QUERY_TOO_DEEP"\} [1-9]/m); // from the first test
    expect(text).toMatch(/^aiki_subgraph_requests_total\{subgraph="ledger",municipality="kyoto",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^aiki_shard_map_municipalities\{state="serving"\} 1$/m);
    expect(text).toMatch(/^aiki_gateway_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m); // and the standard process metrics
    expect(text).toMatch(/^aiki_build_info\{service="gateway",version="[^"]+",node_version="v\d+[^"]*"\} 1$/m);
  });
});
