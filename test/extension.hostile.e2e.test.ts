/**
 * Hostile extension subgraphs and municipality endpoints, through governance and the running
 * gateway (issue 19): real processes, real hostile HTTP servers started here. A proposal whose
 * extension hangs, answers 50 MB, redirects to an internal address, lives at a link-local address
 * or takes over the contract FAILS quickly with its code — not after minutes of retries; a
 * registered extension that hangs or floods gives the client a coded error on its own fields
 * while the rest is answered; a hostile municipality endpoint receives no signature to replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER } from '../runtime/signing.ts';
import { eventually, gql } from './support/helpers.ts';
import { KYOTO, OSAKA, NARA, useTestCluster } from './support/cluster.ts';
import { decide } from './support/governance.ts';
import { everyProcessAnswers, hostileServer, serviceSdl, type HostileServer } from './support/hostile.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const TOKEN = 'hostile-extension-operator-token';
const VOTERS = ['kyoto', 'osaka'];
const FIFTY_MB = 50 * 1024 * 1024;
/** Decided well inside this, where a broken extension used to keep its proposal open for 150 s. */
const DECIDED_MS = 30_000;
const FLAKY_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query { fine: String slow: String huge: String }`;
const TAKEOVER_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@override"])
type Query { motto: String }
type Municipality @key(fields: "code") { code: String! name: String! @override(from: "mainchain") }`;

const servers: HostileServer[] = [];
let internal: HostileServer;

async function server(...args: Parameters<typeof hostileServer>): Promise<HostileServer> {
  const s = await hostileServer(...args);
  servers.push(s);
  return s;
}

const fed = useTestCluster('hostext', {
  municipalities: [KYOTO, OSAKA, NARA],
  operatorToken: TOKEN,
  mainchainEnv: { AIKI_VOTING_PERIOD_MS: '120000', AIKI_MAIN_BLOCK_INTERVAL_MS: '200', AIKI_PROBE_TIMEOUT_MS: '2000' },
  gatewayEnv: { AIKI_EXTENSION_TIMEOUT_MS: '2000', AIKI_EXTENSION_MAX_BYTES: String(1 << 20) },
});
beforeAll(async () => void (internal = await server(() => ({ kind: 'json', body: { data: { secret: 'internal' } } }))));
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function subgraphs(): Promise<string[]> {
  const r = await gql(fed.cluster.gateway.url, '{ subgraphs { name } }');
  return (r.data!.subgraphs as Array<{ name: string }>).map((s) => s.name);
}

describe('a proposal for a broken or hostile extension fails quickly, with its code', () => {
  const CASES: Array<{ name: string; code: string; url: () => Promise<string> }> = [
    { name: 'hangs', code: 'SUBGRAPH_TIMEOUT', url: async () => (await server(() => ({ kind: 'hang' }))).url },
    { name: 'floods', code: 'RESPONSE_TOO_LARGE', url: async () => (await server(() => ({ kind: 'huge', bytes: FIFTY_MB }))).url },
    { name: 'redirects', code: 'ENDPOINT_REFUSED', url: async () => (await server(() => ({ kind: 'redirect', to: internal.url }))).url },
    { name: 'garbles', code: 'SUBGRAPH_UNREACHABLE', url: async () => (await server(() => ({ kind: 'json', body: ['not', 'graphql'] }))).url },
    { name: 'metadata', code: 'ENDPOINT_REFUSED', url: async () => 'http://169.254.169.254/latest/graphql' },
    { name: 'takeover', code: 'CONTRACT_TAKEOVER', url: async () => (await server(() => serviceSdl(TAKEOVER_SDL))).url },
  ];

  it.each(CASES)('an extension that $name: FAILED with $code, nothing registered', async ({ name, code, url }) => {
    const before = await subgraphs();
    const calledInternal = internal.requests.length;
    const proposal = await decide(fed.cluster, TOKEN, `Extension that ${name}`, { registerSubgraph: { name, url: await url() } }, VOTERS, DECIDED_MS);
    expect(proposal.status).toBe('FAILED');
    expect(proposal.failure?.code).toBe(code);
    expect(proposal.failure!.message.length).toBeLessThan(2100);
    expect(await subgraphs()).toEqual(before);
    expect(internal.requests.length).toBe(calledInternal);
    await everyProcessAnswers(fed.cluster);
  });

  it('serves the main chain’s Municipality.name, not the takeover’s', async () => {
    const r = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { name } }');
    expect(r).toEqual({ data: { municipality: { name: 'Kyoto' } } });
  });
});

describe('a hostile municipality endpoint', () => {
  it('gets no signature it could replay against a real subgraph', async () => {
    const capture = await server(() => ({ kind: 'json', body: { data: { _service: { sdl: 'type Query { a: Int }' } } } }));
    const proposal = await decide(
      fed.cluster,
      TOKEN,
      'Kobe, hostile',
      { registerMunicipality: { code: 'kobe', name: 'Kobe', endpoints: [capture.url] } },
      VOTERS,
      DECIDED_MS,
    );
    expect(proposal).toMatchObject({ status: 'FAILED', failure: { code: 'SCHEMA_MISMATCH' } });
    expect(capture.requests.length).toBeGreaterThan(0);
    for (const r of capture.requests) expect(r.headers[SIGNATURE_HEADER]).toBeUndefined();

    // Replayed against the real kyoto ledger with what it captured, a transfer is refused unsigned.
    const treasury = wallet('kyoto');
    const body = JSON.stringify({ query: SUBMIT, variables: { m: 'kyoto', t: transfer(treasury, wallet('kyoto').address, 1, 1) } });
    const { host: _host, 'content-length': _length, ...headers } = capture.requests[0]!.headers as Record<string, string>;
    const replay = await fetch(fed.cluster.ledgers.get('kyoto')!.url, { method: 'POST', headers, body });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('SIGNATURE_REQUIRED');
    // The probe itself, replayed, reads only what the gateway serves anyone.
    const probe = await fetch(fed.cluster.ledgers.get('kyoto')!.url, { method: 'POST', headers, body: capture.requests[0]!.body });
    expect(probe.status).toBe(200);
    await everyProcessAnswers(fed.cluster);
  });
});

describe('a registered extension that misbehaves later', () => {
  let flaky: HostileServer;

  beforeAll(async () => {
    flaky = await server((req) => {
      if (req.path.startsWith('/state')) return { kind: 'json', body: { label: null } };
      if (req.body.includes('_service')) return serviceSdl(FLAKY_SDL);
      if (req.body.includes('slow')) return { kind: 'hang' };
      if (req.body.includes('huge')) return { kind: 'huge', bytes: FIFTY_MB };
      return { kind: 'json', body: { data: { fine: 'ok' } } };
    });
    const proposal = await decide(fed.cluster, TOKEN, 'Flaky', { registerSubgraph: { name: 'flaky', url: flaky.url } }, VOTERS, DECIDED_MS);
    expect(proposal).toMatchObject({ status: 'PASSED', failure: null });
    await eventually(
      async () => ((await gql(fed.cluster.gateway.url, '{ fine }')).data?.fine === 'ok' ? true : undefined),
      30_000,
      'the gateway to serve the flaky extension',
    );
  });

  it.each([
    { field: 'slow', code: 'SUBGRAPH_TIMEOUT' },
    { field: 'huge', code: 'RESPONSE_TOO_LARGE' },
  ])('gives the client $code on $field, and answers the rest', async ({ field, code }) => {
    const r = await gql(fed.cluster.gateway.url, `{ ${field} municipality(code: "kyoto") { name chain { height } } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, subgraph: 'flaky' });
    expect(r.data).toMatchObject({ [field]: null, municipality: { name: 'Kyoto', chain: { height: expect.any(Number) } } });
    await everyProcessAnswers(fed.cluster);
  });
});
