/**
 * The whole federation as real processes: database, main chain, three ledger subgraphs, gateway,
 * talking over real HTTP, each ledger on its own database.
 */
import { describe, expect, it } from 'vitest';
import { eventually, gql, mongoUri, plantBlock } from './support/helpers.ts';
import { KYOTO, OSAKA, NARA, registeredBehindMainchain, useTestCluster } from './support/cluster.ts';

const TOKEN = 'e2e-operator-token';
const MUNICIPALITIES = [KYOTO, OSAKA, NARA];
const LIST = '{ municipalities { code name chain { municipality height headHash } } }';

const fed = useTestCluster('e2e', { municipalities: MUNICIPALITIES, operatorToken: TOKEN, pollIntervalMs: 200 });

const registry = async () => (await gql(fed.cluster.gateway.url, '{ municipalities { code name status endpoints } }')).data;

describe('the federation through the gateway', () => {
  it('lists every municipality with the chain its own ledger answers', async () => {
    // Give kyoto's database one more block, written behind the ledger's back: only kyoto's chain
    // may show it, which proves each chain comes from that municipality's own database.
    // Its PoH count past 2^31, as after a few days of ticking: GraphQL's 32-bit Int could not carry it.
    // Kyoto's lease holder notices a block it did not commit within a round, and rebuilds on it.
    await plantBlock(mongoUri(), `${fed.prefix}_ledger_kyoto`, 1, 'ab'.repeat(32), { pohCount: 3_000_000_000 });
    type Listed = Array<{ code: string; name: string; chain: { municipality: string; height: number; headHash: string } }>;
    const list = await eventually(
      async () => {
        const reply = await gql(fed.cluster.gateway.url, LIST);
        expect(reply.errors).toBeUndefined();
        const listed = reply.data!.municipalities as Listed;
        return listed[0]?.chain.height === 1 ? listed : undefined;
      },
      20_000,
      "kyoto's planted block",
    );
    expect(list.map((m) => m.code)).toEqual(['kyoto', 'osaka', 'nara']);
    for (const m of list) expect(m.chain.municipality).toBe(m.code);
    expect(list.map((m) => m.chain.height)).toEqual([1, 0, 0]);
    expect(new Set(list.map((m) => m.chain.headHash)).size).toBe(3);
    const head = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { chain { head { pohCount } } } }');
    expect(head.errors).toBeUndefined();
    expect(head.data).toEqual({ municipality: { chain: { head: { pohCount: 3_000_000_000 } } } });
  });

  it('answers for a municipality registered while it runs, within seconds, without a restart', async () => {
    const gatewayPid = fed.cluster.gateway.child.pid;
    const ledger = await fed.cluster.startLedger({ code: 'kobe', name: 'Kobe' });
    const started = Date.now();
    const reply = await gql(
      fed.cluster.gateway.url,
      'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code status } }',
      { input: { code: 'kobe', name: 'Kobe', endpoints: [ledger.url] } },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(reply).toEqual({ data: { registerMunicipality: { code: 'kobe', status: 'ACTIVE' } } });
    const chain = await eventually(
      async () => {
        const r = await gql(fed.cluster.gateway.url, '{ municipality(code: "kobe") { chain { municipality height } } }');
        return (r.data?.municipality as { chain: unknown } | undefined)?.chain ?? undefined;
      },
      10_000,
      'kobe to answer through the gateway',
    );
    expect(chain).toEqual({ municipality: 'kobe', height: 0 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fed.cluster.gateway.child.pid).toBe(gatewayPid);
    expect(fed.cluster.gateway.child.exitCode).toBeNull();
  });

  it('keeps answering for the others when one ledger is killed, naming the missing one', async () => {
    await fed.cluster.ledgers.get('osaka')!.kill();
    const reply = await gql(fed.cluster.gateway.url, LIST);
    const list = reply.data!.municipalities as Array<{ code: string; chain: { municipality: string } | null }>;
    expect(list.find((m) => m.code === 'osaka')!.chain).toBeNull();
    for (const m of list.filter((m) => m.code !== 'osaka')) expect(m.chain?.municipality).toBe(m.code);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]!.extensions).toMatchObject({ code: 'SHARD_UNAVAILABLE', municipality: 'osaka' });
    // Where the ledger runs is the federation's business: in the gateway's log, not in the answer.
    const osakaPort = new URL(fed.cluster.ledgers.get('osaka')!.url).port;
    expect(JSON.stringify(reply.errors)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|:${osakaPort}|http`));
    // The path names the entity whose ledger fields could not be fetched.
    expect(reply.errors![0]!.path).toEqual(['municipalities', list.findIndex((m) => m.code === 'osaka')]);
  });
});

describe('the gateway admits only ledgers that pass the contract check', () => {
  it('keeps a municipality written into the registry behind the main chain out of the shard map', async () => {
    // An entry that skipped the main chain's check (written straight into its database): the
    // gateway must check it itself before routing to it.
    const error = await registeredBehindMainchain(fed.cluster, { code: 'himeji', name: 'Himeji', endpoints: [fed.cluster.mainchain.url] }, 10_000);
    expect(error.data).toEqual({ municipality: { name: 'Himeji', chain: null } });
    expect(error.errors![0]!.extensions).toMatchObject({ code: 'SHARD_UNAVAILABLE', municipality: 'himeji', reason: 'SCHEMA_MISMATCH' });
    expect(JSON.stringify(error.errors)).not.toMatch(/127\.0\.0\.1|http|sha256:/);
  });
});

describe('bad input through the gateway: a coded error, the registry unchanged', () => {
  const register = (input: unknown, token: string | null = TOKEN) =>
    gql(
      fed.cluster.gateway.url,
      'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }',
      { input },
      token ? { authorization: `Bearer ${token}` } : {},
    );

  it('refuses a request body over 1 MB and one that is not JSON, with a coded error', async () => {
    const big = await fetch(fed.cluster.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ municipalities { code } } # ${'x'.repeat(1 << 20)}` }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    const garbled = await fetch(fed.cluster.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('refuses an unknown municipality code', async () => {
    const reply = await gql(fed.cluster.gateway.url, '{ municipality(code: "atlantis") { name chain { height } } }');
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'UNKNOWN_MUNICIPALITY', municipality: 'atlantis' });
  });

  it.each([
    ['a URL that does not answer', () => ({ code: 'sakai', name: 'Sakai', endpoints: ['http://127.0.0.1:9/graphql'] }), 'SUBGRAPH_UNREACHABLE'],
    ['a URL serving another schema', () => ({ code: 'sakai', name: 'Sakai', endpoints: [fed.cluster.mainchain.url] }), 'SCHEMA_MISMATCH'],
    ["another municipality's ledger", () => ({ code: 'sakai', name: 'Sakai', endpoints: [fed.cluster.ledgers.get('kyoto')!.url] }), 'WRONG_MUNICIPALITY'],
    ['a code already registered', () => ({ code: 'kyoto', name: 'Kyoto again', endpoints: [fed.cluster.ledgers.get('kyoto')!.url] }), 'MUNICIPALITY_EXISTS'],
    ['a malformed code', () => ({ code: 'Not A Code', name: 'X', endpoints: ['http://127.0.0.1:9/graphql'] }), 'BAD_USER_INPUT'],
    ['a non-http URL', () => ({ code: 'sakai', name: 'Sakai', endpoints: ['file:///etc/passwd'] }), 'BAD_USER_INPUT'],
    ['no endpoints', () => ({ code: 'sakai', name: 'Sakai', endpoints: [] }), 'BAD_USER_INPUT'],
    ['an operator ($gt) in a string field', () => ({ code: { $gt: '' }, name: 'Sakai', endpoints: ['http://127.0.0.1:9/graphql'] }), 'BAD_USER_INPUT'],
  ])('refuses registering %s', async (_what, input, code) => {
    const before = await registry();
    const reply = await register(input());
    expect(reply.data ?? null).toBeNull();
    expect(reply.errors?.[0]?.extensions?.code).toBe(code);
    expect(await registry()).toEqual(before);
  });

  it('refuses an operator mutation without or with wrong credentials', async () => {
    const before = await registry();
    const kyoto = { code: 'sakai', name: 'Sakai', endpoints: [fed.cluster.ledgers.get('kyoto')!.url] };
    for (const token of [null, 'wrong-token']) {
      const reply = await register(kyoto, token);
      expect(reply.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await registry()).toEqual(before);
  });
});
