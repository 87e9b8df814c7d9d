/**
 * Operator auth at the gateway, with real processes: the main chain, a kyoto ledger, and a gateway
 * (gateway/main.ts) whose every call to the main chain passes through a recording proxy, so the
 * test sees exactly what reached the main chain — and what never did. Also: the main chain takes
 * an operator claim only under the federation's signature, and the gateway's metrics listener.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { sha256, utf8 } from '../core/index.ts';
import { createLogger } from '../runtime/log.ts';
import { OPERATOR_HEADER, operatorClaim, signRequest, VERIFY_OPERATOR_PATH } from '../runtime/signing.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { startMainchainSubgraph, type RunningMainchain } from '../subgraphs/mainchain/server.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { KYOTO, useTestCluster } from './support/cluster.ts';

const TOKEN = 'auth-root-token';
const root = { authorization: `Bearer ${TOKEN}` };
const PROPOSE = 'mutation($input: ProposalInput!) { propose(input: $input) { id proposer } }';
const MINT = 'mutation($name: String!) { createOperatorToken(name: $name) { id name token } }';
const REVOKE = 'mutation($id: String!) { revokeOperatorToken(id: $id) }';
const suspendKyoto = (title: string) => ({ input: { title, suspendMunicipality: { code: 'kyoto', reason: 'auth test' } } });

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A pass-through proxy in front of the main chain that records every request. */
async function recordingProxy(target: string): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ path: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      const out = request({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let gateway: ServiceProcess;
let metricsUrl = '';

const fed = useTestCluster('auth', { municipalities: [KYOTO], operatorToken: TOKEN });
beforeAll(async () => {
  proxy = await recordingProxy(fed.cluster.mainchain.url);
  gateway = await spawnService('gateway-auth', 'gateway', {
    env: { AIKI_MAINCHAIN_URL: proxy.url, AIKI_PORT: '0', AIKI_RATE_LIMIT_RPS: '0', AIKI_METRICS_PORT: '0' },
    onLog: (line) => {
      const logged = /"metrics":"([^"]+)"/.exec(line);
      if (logged && line.includes('"serving"')) metricsUrl = logged[1]!;
    },
  });
  await eventually(
    async () => ((await gql(gateway.url, '{ municipalities { code } }')).data?.municipalities?.length ? true : undefined),
    20_000,
    'the gateway to serve kyoto',
  );
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await proxy?.close();
});

/** What reached the main chain through the gateway while `run` ran. */
async function reaching(run: () => Promise<void>): Promise<Seen[]> {
  const from = proxy.seen.length;
  await run();
  return proxy.seen.slice(from).filter((s) => !s.body.includes('AikiRegistry')); // not the gateway's own registry reads
}

const through = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => gql(gateway.url, query, variables, headers);

let carol = { id: '', token: '' };

describe('operator auth at the gateway', () => {
  it('refuses an operator mutation without credentials with UNAUTHENTICATED, and the main chain never sees it', async () => {
    let reply: Awaited<ReturnType<typeof through>> | undefined;
    const seen = await reaching(async () => {
      reply = await through(PROPOSE, suspendKyoto('no credentials'));
    });
    expect(reply!.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', field: 'Mutation.propose' });
    expect(reply!.errors?.[0]?.message).toMatch(/Authorization: Bearer <token>/);
    expect(reply!.data ?? null).toBeNull();
    expect(seen).toEqual([]); // not even asked about a token
  });

  it('refuses a wrong token at the gateway after asking the main chain only about the token', async () => {
    for (const headers of [{ authorization: 'Bearer wrong' }, { authorization: TOKEN }, { authorization: `Bearer ${TOKEN}x` }]) {
      let reply: Awaited<ReturnType<typeof through>> | undefined;
      const seen = await reaching(async () => {
        reply = await through(PROPOSE, suspendKyoto('wrong token'), headers);
      });
      expect(reply!.errors?.[0]?.extensions, JSON.stringify(headers)).toMatchObject({ code: 'UNAUTHENTICATED', field: 'Mutation.propose' });
      expect(seen.every((s) => s.path === VERIFY_OPERATOR_PATH)).toBe(true);
      expect(seen.some((s) => s.body.includes('propose'))).toBe(false);
    }
  });

  it('lets the root token and a minted token through; subgraphs get the operator as a signed claim, never the token', async () => {
    let minted: Awaited<ReturnType<typeof through>> | undefined;
    const seen = await reaching(async () => {
      minted = await through(MINT, { name: 'carol' }, root);
    });
    expect(minted!.errors).toBeUndefined();
    carol = minted!.data!.createOperatorToken;
    const call = seen.find((s) => s.body.includes('createOperatorToken'))!;
    expect(call.headers[OPERATOR_HEADER]).toBe('token=root;name=root');
    expect(call.headers['x-aiki-signature']).toBeTruthy();
    expect(call.headers.authorization).toBeUndefined();
    expect(seen.some((s) => s.body.includes(TOKEN) && s.path !== VERIFY_OPERATOR_PATH)).toBe(false);

    const proposed = await through(PROPOSE, suspendKyoto('by carol'), { authorization: `Bearer ${carol.token}` });
    expect(proposed.errors).toBeUndefined();
    expect(proposed.data!.propose.proposer).toBe('carol');
  });

  it('drops an x-aiki-operator header a client sends to the gateway', async () => {
    const forged = { [OPERATOR_HEADER]: operatorClaim({ name: 'root', token: 'root' }) };
    // Alone, it is no credential.
    expect((await through(PROPOSE, suspendKyoto('forged'), forged)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Beside carol's token, the operator is carol.
    let proposed: Awaited<ReturnType<typeof through>> | undefined;
    const seen = await reaching(async () => {
      proposed = await through(PROPOSE, suspendKyoto('carol, claiming root'), { ...forged, authorization: `Bearer ${carol.token}` });
    });
    expect(proposed!.data!.propose.proposer).toBe('carol');
    expect(seen.find((s) => s.body.includes('propose'))!.headers[OPERATOR_HEADER]).toBe(`token=${carol.id};name=carol`);
    // On a read, nothing is passed on.
    const read = await reaching(async () => {
      expect((await through('{ proposals(first: 1) { id } }', {}, forged)).errors).toBeUndefined();
    });
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((s) => s.headers[OPERATOR_HEADER] === undefined)).toBe(true);
  });

  it('stops a revoked token: at once at the main chain, at the gateway within 5 s', async () => {
    const dave = (await through(MINT, { name: 'dave' }, root)).data!.createOperatorToken as { id: string; token: string };
    const asDave = () => through(PROPOSE, suspendKyoto('by dave'), { authorization: `Bearer ${dave.token}` });
    expect((await asDave()).data?.propose.proposer).toBe('dave'); // the gateway now holds dave's verdict
    expect((await through(REVOKE, { id: dave.id }, root)).data?.revokeOperatorToken).toBe(true);
    const revokedAt = Date.now();
    // The gateway still passes dave's claim for a while, but the main chain no longer takes it.
    const soon = await asDave();
    expect(soon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Then the gateway itself refuses (its refusal names the field), and nothing reaches the main chain.
    const atGateway = await eventually(
      async () => {
        const r = await asDave();
        expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        return r.errors?.[0]?.extensions?.field ? Date.now() : undefined;
      },
      10_000,
      'the gateway to refuse the revoked token',
    );
    expect(atGateway - revokedAt).toBeLessThanOrEqual(5_000 + 1_000); // the verdict's 5 s, and a second of slack for a loaded machine
    const seen = await reaching(async () => void (await asDave()));
    expect(seen.some((s) => s.body.includes('propose'))).toBe(false);
  });
});

describe('the main chain and operator claims', () => {
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> } };
  };
  const mint = (name: string) => JSON.stringify({ query: MINT, variables: { name } });

  it('refuses a claim that the signature does not cover', async () => {
    const url = fed.cluster.mainchain.url;
    const secret = subgraphSecret()!;
    const body = mint('mallory');
    const claim = { [OPERATOR_HEADER]: operatorClaim({ name: 'root', token: 'root' }) };
    // A valid signature over the body alone, the claim added after.
    const added = await post(url, body, { ...signRequest(secret, 'POST', url, body), ...claim });
    expect(added.status).toBe(401);
    expect(added.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST_SIGNATURE');
    // A valid signature over another claim.
    const other = await post(url, body, {
      ...signRequest(secret, 'POST', url, body, Date.now(), { [OPERATOR_HEADER]: `token=${carol.id};name=carol` }),
      ...claim,
    });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST_SIGNATURE');
    // No signature at all.
    expect((await post(url, body, claim)).body.errors?.[0]?.extensions?.code).toBe('SIGNATURE_REQUIRED');
    // The operator check itself answers only the federation.
    const unsignedCheck = await post(url.replace('/graphql', VERIFY_OPERATOR_PATH), JSON.stringify({ authorization: `Bearer ${TOKEN}` }), {});
    expect(unsignedCheck.status).toBe(401);
    // Signed over the claim, by a holder of the secret, it is the operator's word — while its token lives.
    const signed = await post(url, body, { ...signRequest(secret, 'POST', url, body, Date.now(), claim), ...claim });
    expect(signed.body.errors).toBeUndefined();
    expect(signed.body.data!.createOperatorToken.name).toBe('mallory');
    const revokedClaim = { [OPERATOR_HEADER]: 'token=0000000000000000;name=ghost' };
    const ghost = await post(url, body, { ...signRequest(secret, 'POST', url, body, Date.now(), revokedClaim), ...revokedClaim });
    expect(ghost.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('still takes a bearer token on a direct signed call (the CLI against the main chain)', async () => {
    const direct = await gql(fed.cluster.mainchain.url, MINT, { name: 'erin' }, root);
    expect(direct.errors).toBeUndefined();
    expect((await gql(fed.cluster.mainchain.url, MINT, { name: 'erin' }, { authorization: 'Bearer wrong' })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('never reads a claim when it has no secret to check it with', async () => {
    const secret = process.env.AIKI_SUBGRAPH_SECRET;
    let open: RunningMainchain | undefined;
    try {
      delete process.env.AIKI_SUBGRAPH_SECRET; // for gql(): send it unsigned
      open = await startMainchainSubgraph(
        { port: 0, mongoUri: mongoUri(), dbName: `${fed.prefix}_unsigned`, operatorToken: TOKEN, secretKey: sha256(utf8('auth test key')) },
        createLogger('mainchain-unsigned'),
      );
      const claimed = await gql(open.url, MINT, { name: 'mallory' }, { [OPERATOR_HEADER]: operatorClaim({ name: 'root', token: 'root' }) });
      expect(claimed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await gql(open.url, MINT, { name: 'frank' }, root)).errors).toBeUndefined();
    } finally {
      process.env.AIKI_SUBGRAPH_SECRET = secret;
      await open?.close();
    }
  });
});

describe('metrics on a port of their own', () => {
  it('serves /metrics on the metrics listener (loopback) and no longer on the public port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scraped = await fetch(metricsUrl);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^aiki_gateway_requests_total\{[^}]*outcome="refused",code="UNAUTHENTICATED"\} [1-9]/m);
    const publicPort = await fetch(gateway.url.replace('/graphql', '/metrics'));
    expect(publicPort.status).toBe(404);
    await publicPort.body?.cancel();
    expect((await fetch(metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404); // nothing else there
    // /ready's details (shard map, cache and operator counters) there too; the public port says only "ready".
    expect(await (await fetch(gateway.url.replace('/graphql', '/ready'))).json()).toEqual({ status: 'ready' });
    expect(await (await fetch(metricsUrl.replace('/metrics', '/ready'))).json()).toMatchObject({
      status: 'ready',
      municipalities: expect.arrayContaining(['kyoto']),
      cache: expect.any(Object),
    });
  });
});
