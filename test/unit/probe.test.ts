/**
 * Calls to operator-given URLs (runtime/probe.ts, runtime/endpoint.ts), against real hostile HTTP
 * servers started here: the ledger contract check — what the main chain runs at registration and
 * proposal execution and the gateway before a municipality joins its shard map — never hangs on a
 * silent endpoint, reads no more than its cap of a 50 MB answer, follows no redirect to an internal
 * address, relays no remote text whole, hands no federation signature out, and connects to no
 * link-local (nor, outside development, private or loopback) address. The gateway's fetch for
 * extension subgraphs has the same time-out, cap and no redirect; internal calls follow no redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedgerEndpoint } from '../../schema/index.ts';
import { addressRefusal } from '../../runtime/endpoint.ts';
import { isProbe, probeGraphQL, PROBE_MAX_BYTES, PROBES } from '../../runtime/probe.ts';
import { boundedFetcher } from '../../runtime/boundedFetcher.ts';
import { federationFetcher, SIGNATURE_HEADER } from '../../runtime/signing.ts';
import { GraphQLTransportError, postGraphQL } from '../../runtime/graphql.ts';
import { fetchLabel } from '../../runtime/stateLabel.ts';
import { hostileServer, type HostileServer } from '../support/hostile.ts';
import { eventually } from '../support/helpers.ts';

const FIFTY_MB = 50 * 1024 * 1024;
const servers: HostileServer[] = [];
let internal: HostileServer;
const env = { secret: process.env.AIKI_SUBGRAPH_SECRET };
/** Development: private and loopback addresses allowed (AIKI_ALLOW_PRIVATE_ENDPOINTS=1, which a service's main.ts reads). */
const DEV = { allowPrivateEndpoints: true };
const PRODUCTION = { allowPrivateEndpoints: false };

async function server(...args: Parameters<typeof hostileServer>): Promise<HostileServer> {
  const s = await hostileServer(...args);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  // An internal service that must never be reached through a redirect.
  internal = await server(() => ({ kind: 'json', body: { data: { _service: { sdl: 'type Query { secret: String }' } } } }));
  process.env.AIKI_SUBGRAPH_SECRET = 'probe-test-secret';
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const [name, value] of [['AIKI_SUBGRAPH_SECRET', env.secret]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function check(url: string, timeoutMs = 500) {
  const result = await checkLedgerEndpoint(url, 'kyoto', { timeoutMs, policy: DEV });
  expect(result.ok).toBe(false);
  return result.ok ? undefined! : result.error;
}

describe('the ledger contract check against a hostile endpoint', () => {
  it('gives up on one that never answers: SUBGRAPH_TIMEOUT', async () => {
    const hang = await server(() => ({ kind: 'hang' }));
    const error = await check(hang.url, 300);
    expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', timeoutMs: 300, municipality: 'kyoto', endpoint: hang.url });
  });

  it.each([
    { how: 'streamed without a length', declare: false },
    { how: 'declared in Content-Length', declare: true },
  ])('reads no more than its cap of a 50 MB answer ($how): RESPONSE_TOO_LARGE', async ({ declare }) => {
    const huge = await server(() => ({ kind: 'huge', bytes: FIFTY_MB, declare }));
    const error = await check(huge.url, 30_000);
    expect(error.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', limit: PROBE_MAX_BYTES });
    // The caller hung up: the server stopped writing long before 50 MB.
    const written = await eventually(
      async () => (huge.written.length === 1 && huge.requests.length === 1 ? huge.written[0] : undefined),
      10_000,
      'the server to stop',
    );
    expect(written).toBeLessThan(FIFTY_MB / 4);
  });

  it.each([301, 302, 307, 308])('follows no redirect (HTTP %i) to an internal address: ENDPOINT_REFUSED, the target never called', async (status) => {
    const before = internal.requests.length;
    const redirect = await server(() => ({ kind: 'redirect', to: internal.url, status }));
    const error = await check(redirect.url);
    expect(error.extensions).toMatchObject({ code: 'ENDPOINT_REFUSED', endpoint: redirect.url });
    expect(error.message).not.toContain(internal.url);
    expect(internal.requests.length).toBe(before);
  });

  it('relays a remote error text clipped, never whole', async () => {
    const loud = await server(() => ({ kind: 'json', body: { errors: [{ message: 'x'.repeat(900_000) }] } }));
    const error = await check(loud.url);
    expect(error.extensions?.code).toBe('SCHEMA_MISMATCH');
    expect(error.message.length).toBeLessThan(1000);
    expect(JSON.stringify(error.extensions).length).toBeLessThan(2000);
  });

  it('sends no federation signature: nothing captured can be replayed against a subgraph', async () => {
    const capture = await server(() => ({ kind: 'json', body: { errors: [{ message: 'thanks' }] } }));
    await check(capture.url);
    expect(capture.requests).toHaveLength(1);
    expect(capture.requests[0]!.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(capture.requests[0]!.headers.authorization).toBeUndefined();
    expect(isProbe(capture.requests[0]!.body)).toBe(true);
  });
});

describe('which addresses the federation calls', () => {
  it.each([
    ['169.254.169.254', true, 'link-local'],
    ['fe80::1', true, 'link-local'],
    ['::ffff:169.254.169.254', true, 'link-local'],
    ['224.0.0.1', true, 'not a unicast'],
    ['255.255.255.255', true, 'not a unicast'],
    ['ff02::1', true, 'not a unicast'],
    ['127.0.0.1', false, 'loopback'],
    ['::1', false, 'loopback'],
    ['::ffff:127.0.0.1', false, 'loopback'],
    ['0.0.0.0', false, 'loopback'],
    ['10.1.2.3', false, 'private'],
    ['172.20.0.5', false, 'private'],
    ['192.168.1.1', false, 'private'],
    ['100.64.0.1', false, 'private'],
    ['fd12:3456::1', false, 'private'],
  ])('%s: refused always=%s (%s)', (address, always, kind) => {
    expect(addressRefusal(address, false)).toContain(kind);
    if (always) expect(addressRefusal(address, true)).toContain(kind);
    else expect(addressRefusal(address, true)).toBeUndefined();
  });

  it.each(['8.8.8.8', '2001:4860:4860::8888', '172.32.0.1', '11.0.0.1'])('%s is public: called', (address) => {
    expect(addressRefusal(address, false)).toBeUndefined();
  });

  it.each(['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]:4100/graphql', 'http://[::ffff:a9fe:a9fe]/graphql'])(
    'refuses a link-local URL even in development, without connecting: %s',
    async (url) => {
      await expect(probeGraphQL(url, PROBES.sdl, { policy: DEV, timeoutMs: 30_000 })).rejects.toMatchObject({ extensions: { code: 'ENDPOINT_REFUSED' } });
    },
  );

  it('refuses loopback and private targets outside development — by literal, by name after DNS, and IPv4-mapped', async () => {
    const ledgerish = await server(() => ({ kind: 'json', body: { data: { _service: { sdl: 'type Query { a: Int }' } } } }));
    const port = new URL(ledgerish.url).port;
    for (const url of [
      ledgerish.url,
      `http://localhost:${port}/graphql`,
      `http://[::ffff:127.0.0.1]:${port}/graphql`,
      `http://0.0.0.0:${port}/graphql`,
      'http://10.0.0.7:4100/graphql',
    ]) {
      await expect(probeGraphQL(url, PROBES.sdl, { policy: PRODUCTION, timeoutMs: 30_000 }), url).rejects.toMatchObject({
        extensions: { code: 'ENDPOINT_REFUSED' },
      });
    }
    expect(ledgerish.requests).toHaveLength(0);
    await expect(probeGraphQL(ledgerish.url, PROBES.sdl, { policy: DEV, timeoutMs: 30_000 })).resolves.toEqual({
      data: { _service: { sdl: 'type Query { a: Int }' } },
    });
  });
});

describe('what a subgraph answers unsigned', () => {
  const identity = (r: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query: PROBES.identity, variables: { r }, ...extra });
  it('exactly the probes', () => {
    expect(isProbe(JSON.stringify({ query: PROBES.sdl }))).toBe(true);
    expect(isProbe(JSON.stringify({ query: PROBES.sdl, variables: {}, operationName: 'AikiProbeSdl' }))).toBe(true);
    expect(isProbe(identity([{ __typename: 'Municipality', code: 'kyoto' }]))).toBe(true);
    expect(isProbe(JSON.stringify({ query: PROBES.genesis, variables: { r: [{ __typename: 'Municipality', code: 'kyoto' }] } }))).toBe(true);
  });
  it.each([
    ['another document', JSON.stringify({ query: '{ _service { sdl } }' })],
    ['a mutation', JSON.stringify({ query: 'mutation { submitTransaction(municipality: "kyoto", transaction: {}) { id } }' })],
    [
      'two representations',
      identity([
        { __typename: 'Municipality', code: 'kyoto' },
        { __typename: 'Municipality', code: 'osaka' },
      ]),
    ],
    ['another entity', identity([{ __typename: 'Account', id: 'kyoto:00' }])],
    ['a representation with more fields', identity([{ __typename: 'Municipality', code: 'kyoto', name: 'x' }])],
    ['more variables', JSON.stringify({ query: PROBES.identity, variables: { r: [{ __typename: 'Municipality', code: 'kyoto' }], x: 1 } })],
    ['another operation name', identity([{ __typename: 'Municipality', code: 'kyoto' }], { operationName: 'Other' })],
    ['extensions', identity([{ __typename: 'Municipality', code: 'kyoto' }], { extensions: { persistedQuery: {} } })],
    ['a long code', identity([{ __typename: 'Municipality', code: 'k'.repeat(2000) }])],
    ['not JSON', 'query AikiProbeSdl { _service { sdl } }'],
  ])('not %s', (_what, raw) => expect(isProbe(raw)).toBe(false));
});

describe("the gateway's fetch for extension subgraphs", () => {
  const fetcher = (subgraph = 'hostile') => boundedFetcher(federationFetcher('probe-test-secret'), { timeoutMs: 300, maxBytes: 1 << 20, subgraph });
  const call = (url: string) => fetcher()(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });

  it('times out a hung extension: SUBGRAPH_TIMEOUT', async () => {
    const hang = await server(() => ({ kind: 'hang' }));
    await expect(call(hang.url)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'hostile', timeoutMs: 300 } });
  });

  it('reads no more than its cap of a 50 MB answer: RESPONSE_TOO_LARGE', async () => {
    const huge = await server(() => ({ kind: 'huge', bytes: FIFTY_MB }));
    await expect(
      boundedFetcher(federationFetcher('probe-test-secret'), { timeoutMs: 30_000, maxBytes: 1 << 20, subgraph: 'hostile' })(huge.url, {
        method: 'POST',
        body: '{}',
      }),
    ).rejects.toMatchObject({ extensions: { code: 'RESPONSE_TOO_LARGE', limit: 1 << 20 } });
    const written = await eventually(async () => (huge.written.length === 1 ? huge.written[0] : undefined), 10_000, 'the server to stop');
    expect(written).toBeLessThan(FIFTY_MB / 4);
  });

  it('follows no redirect: ENDPOINT_REFUSED, the signed request never reaches the target', async () => {
    const before = internal.requests.length;
    const redirect = await server(() => ({ kind: 'redirect', to: internal.url, status: 307 }));
    await expect(call(redirect.url)).rejects.toMatchObject({ extensions: { code: 'ENDPOINT_REFUSED' } });
    expect(internal.requests.length).toBe(before);
  });

  it('passes a well-behaved answer through', async () => {
    const fine = await server(() => ({ kind: 'json', body: { data: { a: 1 } } }));
    const res = await call(fine.url);
    expect(await res.json()).toEqual({ data: { a: 1 } });
  });
});

describe("the federation's own calls", () => {
  it('postGraphQL follows no redirect: the signed request is not sent on', async () => {
    const before = internal.requests.length;
    const redirect = await server(() => ({ kind: 'redirect', to: internal.url, status: 308 }));
    await expect(postGraphQL(redirect.url, '{ a }', { timeoutMs: 30_000, secret: 'probe-test-secret' })).rejects.toThrow(GraphQLTransportError);
    expect(internal.requests.length).toBe(before);
    expect(redirect.requests[0]!.headers[SIGNATURE_HEADER]).toBeDefined(); // internal calls are signed: hence no redirect
  });

  it("a state label check reads no more than a label's size", async () => {
    const huge = await server(() => ({ kind: 'huge', bytes: FIFTY_MB }));
    await expect(fetchLabel('probe-test-secret', huge.url, 30_000)).resolves.toBeUndefined();
  });
});
