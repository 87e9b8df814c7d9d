/**
 * The gateway's entity cache and plan cache with real processes: transfers confirmed on a real
 * ledger and read back through the gateway — balances always the new ones, a pending transaction
 * read as confirmed once sealed — next to a second gateway process without the cache (the same
 * bytes), the counters of GET /ready, and query plans kept when a municipality joins. The state
 * cache (accounts and chain pages kept while their ledger's head stays) with readers hammering
 * while blocks are sealed: never an answer older than what the client has already seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import type { GatewayCacheStats } from '../gateway/cache/index.ts';
import { eventually, gql } from './support/helpers.ts';
import { funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

// Osaka seals a block every 2 s: a transaction just submitted there is read while still PENDING.
const GENESIS = 1_000_000;
const treasury = wallet('kyoto');
const osakan = wallet('osaka');
let uncached: ServiceProcess;
let nonce = 0;

const TX = `query($id: String!) { transaction(id: $id) { id status amount height block { id hash }
  proof { txid index treeSize path root header { height hash signature } poh { ticks hash start segment { ticks event hash } } } } }`;
const BLOCK = `query($id: String!) { block(id: $id) { id height hash prevHash txCount
  transactions(first: 50) { pageInfo { hasNextPage endCursor } edges { cursor node { id from to amount status proof { index path root } } } } } }`;
const ACCOUNT = `query($a: String!) { account(address: $a) { id balance nonce
  transactions(first: 20) { edges { cursor node { id amount status block { id hash } proof { index path root } } } } } }`;
const CHAIN = `{ municipality(code: "kyoto") { code chain { height headHash
  blocks(first: 5) { pageInfo { hasNextPage endCursor } edges { cursor node { id height hash transactions(first: 10) { edges { node { id amount proof { root } } } } } } } } } }`;

const fed = useTestCluster('gwcache', {
  municipalities: [KYOTO, OSAKA],
  pollIntervalMs: 200,
  ledgerEnv: ({ code }): Record<string, string> =>
    code === 'kyoto' ? { AIKI_BLOCK_INTERVAL_MS: '50' } : code === 'osaka' ? { AIKI_BLOCK_INTERVAL_MS: '2000' } : {},
  genesis: { kyoto: funds(GENESIS, treasury), osaka: funds(GENESIS, osakan) },
});
beforeAll(async () => {
  uncached = await spawnService('gateway-uncached', 'gateway', {
    env: {
      AIKI_MAINCHAIN_URL: fed.cluster.mainchain.url,
      AIKI_PORT: '0',
      AIKI_REGISTRY_POLL_MS: '200',
      AIKI_RATE_LIMIT_RPS: '0',
      AIKI_ENTITY_CACHE: '0',
      AIKI_STATE_CACHE: '0',
      AIKI_SINGLE_FLIGHT: '0',
      AIKI_METRICS_PUBLIC: '1',
    },
  });
});

afterAll(() => uncached?.stop());

/** The reply's exact bytes. */
async function text(url: string, query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.text();
}

async function stats(url = fed.cluster.gateway.url): Promise<GatewayCacheStats> {
  const res = await fetch(url.replace(/\/graphql$/, '/ready'));
  return ((await res.json()) as { cache: GatewayCacheStats }).cache;
}

/** Runs `read` until the gateway's `counter` (a cache's hits…) has moved while it ran: something else may move it meanwhile, or not yet. */
function untilCounted(counter: (s: GatewayCacheStats) => number, read: () => Promise<unknown>, what: string): Promise<true> {
  return eventually(
    async () => {
      const before = counter(await stats());
      await read();
      return counter(await stats()) > before ? true : undefined;
    },
    10_000,
    what,
  );
}

async function send(from: typeof treasury, to: string, amount: number, n: number): Promise<string> {
  const reply = await gql(fed.cluster.gateway.url, SUBMIT, { m: from.address.split(':')[0], t: transfer(from, to, amount, n) });
  expect(reply.errors).toBeUndefined();
  return (reply.data!.submitTransaction as { id: string }).id;
}

const status = async (id: string) => ((await gql(fed.cluster.gateway.url, TX, { id })).data?.transaction as { status: string } | null)?.status;

describe('the entity cache through the gateway', () => {
  it('reads a balance after a confirmed transfer as the new balance, every time, between cached reads', async () => {
    const alice = wallet('kyoto');
    let sum = 0;
    for (let i = 1; i <= 10; i++) {
      const id = await send(treasury, alice.address, i, ++nonce);
      sum += i;
      await eventually(async () => ((await status(id)) === 'CONFIRMED' ? true : undefined), 10_000, `${id} confirmed`);

      const account = (await gql(fed.cluster.gateway.url, ACCOUNT, { a: alice.address })).data!.account as {
        balance: string;
        nonce: number;
        transactions: { edges: Array<{ node: { id: string; status: string } }> };
      };
      expect(account.balance).toBe(String(sum));
      expect(account.transactions.edges).toHaveLength(i);
      expect(account.transactions.edges[0]!.node).toMatchObject({ id, status: 'CONFIRMED' });
      const sender = (await gql(fed.cluster.gateway.url, 'query($a: String!) { account(address: $a) { balance nonce } }', { a: treasury.address })).data!
        .account;
      expect(sender).toEqual({ balance: String(GENESIS - sum), nonce });

      // Cached reads in between: the transaction and its block, twice each, as an uncached gateway answers them.
      const { height } = (await gql(fed.cluster.gateway.url, TX, { id })).data!.transaction as { height: number };
      for (const [query, variables] of [
        [TX, { id }],
        [BLOCK, { id: `kyoto:${height}` }],
      ] as const) {
        const plain = await text(uncached.url, query, variables);
        expect(await text(fed.cluster.gateway.url, query, variables)).toBe(plain);
        expect(await text(fed.cluster.gateway.url, query, variables)).toBe(plain);
      }
    }
    const { entities } = await stats();
    expect(entities!.hits).toBeGreaterThanOrEqual(20);
  });

  it('reads a PENDING transaction as CONFIRMED once its block is sealed', async () => {
    let pending: string | undefined;
    for (let n = 1; n <= 5 && !pending; n++) {
      const id = await send(osakan, wallet('osaka').address, 10, n);
      // Read again and again while pending: were PENDING kept, it would never be read otherwise.
      for (let k = 0; k < 3; k++) if ((await status(id)) === 'PENDING') pending = id;
    }
    expect(pending, 'a transaction read while PENDING').toBeDefined();
    await eventually(async () => ((await status(pending!)) === 'CONFIRMED' ? true : undefined), 15_000, `${pending} read as CONFIRMED`);
    const plain = await text(uncached.url, TX, { id: pending });
    expect(JSON.parse(plain).data.transaction).toMatchObject({ status: 'CONFIRMED', proof: { txid: pending!.split(':')[1] } });
    const before = await stats();
    expect(await text(fed.cluster.gateway.url, TX, { id: pending })).toBe(plain);
    expect(await text(fed.cluster.gateway.url, TX, { id: pending })).toBe(plain);
    const after = await stats();
    expect(after.entities!.hits + after.responses!.hits, 'answered from a cache').toBeGreaterThan(before.entities!.hits + before.responses!.hits);
  });

  it('answers transactions, blocks, accounts and chain pages with the bytes of a gateway without it', async () => {
    const bob = wallet('kyoto');
    const ids = [await send(treasury, bob.address, 7, ++nonce), await send(treasury, bob.address, 8, ++nonce)];
    await eventually(async () => ((await Promise.all(ids.map(status))).every((s) => s === 'CONFIRMED') ? true : undefined), 10_000, 'both confirmed');
    const { height } = (await gql(fed.cluster.gateway.url, TX, { id: ids[1] })).data!.transaction as { height: number };
    for (const [query, variables] of [
      [TX, { id: ids[0] }],
      [BLOCK, { id: `kyoto:${height}` }],
      [BLOCK, { id: 'kyoto:0' }],
      [ACCOUNT, { a: bob.address }],
      [ACCOUNT, { a: treasury.address }],
      [CHAIN, {}],
      [TX, { id: `kyoto:${'0'.repeat(64)}` }], // not found: the same error
      [BLOCK, { id: 'kyoto:999999' }],
    ] as const) {
      const plain = await text(uncached.url, query, variables);
      expect(await text(fed.cluster.gateway.url, query, variables), `${query} ${JSON.stringify(variables)}`).toBe(plain);
      expect(await text(fed.cluster.gateway.url, query, variables), `${query} ${JSON.stringify(variables)}, again`).toBe(plain);
    }
  });

  it('counts hits for repeated reads of sealed blocks, and none for accounts', async () => {
    const block = { id: 'kyoto:1' };
    await gql(fed.cluster.gateway.url, BLOCK, block);
    const before = (await stats()).entities!;
    // Another query text (an alias): not the response cache's to answer, the same entity.
    await gql(fed.cluster.gateway.url, BLOCK.replace('block(id: $id)', 'again: block(id: $id)'), block);
    const after = (await stats()).entities!;
    expect(after.hits).toBe(before.hits + 1);
    expect(after.misses).toBe(before.misses);
    await gql(fed.cluster.gateway.url, 'query($a: String!) { account(address: $a) { balance nonce } }', { a: treasury.address });
    const account = (await stats()).entities!;
    expect(account.hits).toBe(after.hits);
    expect(account.bypasses).toBe(after.bypasses + 1);
    expect((await stats(uncached.url)).entities).toBeNull();
  });
});

describe('the state cache through the gateway', () => {
  it('answers an account and a chain page from the cache while the head stays, and never after a block', async () => {
    const carol = wallet('kyoto');
    const read = async () =>
      (await gql(fed.cluster.gateway.url, ACCOUNT, { a: carol.address })).data!.account as { balance: string; transactions: { edges: unknown[] } };
    // Readers asking all along, so that cached answers are in use when each block is sealed.
    let reading = true;
    const hammer = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (reading) await Promise.all([read(), gql(fed.cluster.gateway.url, CHAIN)]);
      }),
    );
    const start = await stats();
    let sum = 0;
    try {
      for (let i = 1; i <= 6; i++) {
        const id = await send(treasury, carol.address, 100 + i, ++nonce);
        sum += 100 + i;
        await eventually(async () => ((await status(id)) === 'CONFIRMED' ? true : undefined), 10_000, `${id} confirmed`);
        // Seen CONFIRMED: every read from now on has the new balance, the new history, the new head.
        for (let k = 0; k < 3; k++) {
          const account = await read();
          expect(account.balance).toBe(String(sum));
          expect(account.transactions.edges).toHaveLength(i);
          const chain = JSON.parse(await text(fed.cluster.gateway.url, CHAIN)).data.municipality.chain as {
            height: number;
            blocks: { edges: Array<{ node: { height: number } }> };
          };
          const { height } = (await gql(fed.cluster.gateway.url, TX, { id })).data!.transaction as { height: number };
          expect(chain.height).toBeGreaterThanOrEqual(height);
          expect(chain.blocks.edges[0]!.node.height).toBe(chain.height);
        }
      }
    } finally {
      reading = false;
      await hammer;
    }
    const end = await stats();
    // Identical requests are the response cache's; a request it cannot answer reaches the state cache.
    expect(end.responses!.hits, 'responses given again').toBeGreaterThan(start.responses!.hits);
    expect(end.responses!.stale, 'responses found unusable after a block').toBeGreaterThan(start.responses!.stale);
    expect(end.state!.stale, 'ledger answers found unusable after a block').toBeGreaterThan(start.state!.stale);
    // The same request bytes again: answered with the kept bytes before Apollo Server — the reads above went that way too.
    expect(end.responses!.wireHits, 'answered from the bytes on the wire').toBeGreaterThan(start.responses!.wireHits);
    // Checked against kyoto's head as granted by its ledger, without a call: revoked before each block.
    expect(end.state!.granted, 'checks answered by a granted head').toBeGreaterThan(start.state!.granted);
    expect(end.grants!.revoked, 'grants revoked by the blocks').toBeGreaterThan(start.grants!.revoked);
    // The same bytes as a gateway without it, twice (the second from the cache).
    for (const [query, variables] of [
      [ACCOUNT, { a: carol.address }],
      [CHAIN, {}],
    ] as const) {
      const plain = await text(uncached.url, query, variables);
      expect(await text(fed.cluster.gateway.url, query, variables)).toBe(plain);
      const before = (await stats()).responses!.hits;
      expect(await text(fed.cluster.gateway.url, query, variables)).toBe(plain);
      expect((await stats()).responses!.hits).toBe(before + 1);
    }
    // With credentials, never from the bytes on the wire: Apollo Server's path decides each such request.
    const wired = (await stats()).responses!.wireHits;
    for (let k = 0; k < 2; k++) {
      const res = await fetch(fed.cluster.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-an-operator' },
        body: JSON.stringify({ query: CHAIN }),
      });
      expect(res.status).toBe(200);
    }
    expect((await stats()).responses!.wireHits).toBe(wired);
    // A page of the same account in another query text: the response cache misses, the state cache answers the ledger's part.
    const state = (await stats()).state!.hits;
    await gql(fed.cluster.gateway.url, ACCOUNT.replace('account(address: $a)', 'again: account(address: $a)'), { a: carol.address });
    expect((await stats()).state!.hits).toBe(state + 1);
    expect((await stats(uncached.url)).state).toBeNull();
    expect((await stats(uncached.url)).responses).toBeNull();
  });

  it('answers identical requests arriving together with one execution, each checked as a cache hit', async () => {
    const dave = wallet('kyoto');
    const id = await send(treasury, dave.address, 77, ++nonce);
    await eventually(async () => ((await status(id)) === 'CONFIRMED' ? true : undefined), 10_000, `${id} confirmed`);
    const plain = await text(uncached.url, ACCOUNT, { a: dave.address });
    const before = await stats();
    // Never asked before: the first request executes; the others, in flight meanwhile, wait for its answer.
    const answers = await Promise.all(Array.from({ length: 16 }, () => text(fed.cluster.gateway.url, ACCOUNT, { a: dave.address })));
    const after = await stats();
    for (const answer of answers) expect(answer).toBe(plain);
    expect(JSON.parse(plain).data.account.balance).toBe('77');
    expect(after.responses!.collapsed - before.responses!.collapsed, 'requests answered by an identical one made meanwhile').toBeGreaterThan(0);
    expect(after.responses!.misses - before.responses!.misses, 'executed: fewer than asked').toBeLessThan(16);
  });

  it('never keeps an answer that read a pending transaction or nothing', async () => {
    // Chain.transaction answers null without an error: the ledger must say it read outside the blocks.
    const query = 'query($t: String!) { municipality(code: "kyoto") { chain { transaction(txid: $t) { id status } } } }';
    const before = await stats();
    for (let k = 0; k < 3; k++) {
      const reply = await gql(fed.cluster.gateway.url, query, { t: '1'.repeat(64) });
      expect(reply.errors).toBeUndefined();
      expect((reply.data!.municipality as { chain: { transaction: unknown } }).chain.transaction).toBeNull();
    }
    const after = await stats();
    expect(after.state!.hits).toBe(before.state!.hits);
    expect(after.state!.entries).toBe(before.state!.entries);
    expect(after.responses!.hits).toBe(before.responses!.hits);
    expect(after.responses!.entries).toBe(before.responses!.entries);
  });
});

describe("the main chain's labelled answers through the gateway", () => {
  it('keeps a main-chain answer while the main chain writes nothing, and reads anew after a write', async () => {
    const LIST = '{ municipalities { code name status } }';
    const codes = async () => ((await gql(fed.cluster.gateway.url, LIST)).data!.municipalities as Array<{ code: string }>).map((m) => m.code);
    await codes();
    // Anchors and settlement steps are writes too: a quiet moment comes soon enough.
    await untilCounted((s) => s.responses!.hits, codes, 'a main-chain answer served from the cache');
    // …and checked against the registry's label as granted by the main chain, without a call.
    await untilCounted((s) => s.subgraphState!.granted, codes, "a check answered by the registry's granted label");
    const sakai = await fed.cluster.startLedger({ code: 'sakai', name: 'Sakai' });
    expect((await fed.cluster.register({ code: 'sakai', name: 'Sakai' }, [sakai.url])).errors).toBeUndefined();
    // Registered: the very next read lists it, though the list before was cached.
    expect(await codes()).toContain('sakai');
    expect(await text(fed.cluster.gateway.url, LIST)).toBe(await text(uncached.url, LIST));
    expect((await stats(uncached.url)).subgraphState).toBeNull();
  });

  it('keeps a registry answer while anchors are written, never an anchored height after its anchor', async () => {
    const LIST = '{ municipalities { code name status } }';
    const ANCHORED = '{ municipality(code: "kyoto") { code anchoredHeight } }';
    const anchoredHeight = async (url: string) => ((await gql(url, ANCHORED)).data!.municipality as { anchoredHeight: number }).anchoredHeight;
    await gql(fed.cluster.gateway.url, LIST);
    await gql(fed.cluster.gateway.url, ANCHORED);
    const before = await anchoredHeight(fed.cluster.mainchain.url);
    // A block sealed and anchored: the main chain writes the anchor, its event, a block…
    await send(treasury, wallet('kyoto').address, 1, ++nonce);
    await eventually(async () => ((await anchoredHeight(fed.cluster.mainchain.url)) > before ? true : undefined), 20_000, 'a new kyoto block anchored');
    // …which moves nothing a registry answer holds: it is given again.
    const hits = (await stats()).responses!.hits;
    expect(await text(fed.cluster.gateway.url, LIST)).toBe(await text(uncached.url, LIST));
    expect((await stats()).responses!.hits).toBe(hits + 1);
    // The anchored height moves with every anchor: read anew, never the kept one.
    expect(await anchoredHeight(fed.cluster.gateway.url)).toBe(await anchoredHeight(fed.cluster.mainchain.url));
    expect(await anchoredHeight(fed.cluster.gateway.url)).toBeGreaterThan(before);
  });

  it('keeps a trace (main chain and ledgers) once settled, and follows the settlement to CREDITED before', async () => {
    const id = await send(treasury, wallet('osaka').address, 5, ++nonce);
    const query =
      'query($id: String!) { mainChain { sequencer } trace(transactionId: $id, depth: 1) { hops { settlement { status } transfer { status amount } } } }';
    const settled = async () => {
      const hop = ((await gql(fed.cluster.gateway.url, query, { id })).data?.trace as { hops: Array<{ settlement: { status: string } }> } | null)?.hops[0];
      return hop?.settlement.status === 'CREDITED' ? true : undefined;
    };
    await eventually(settled, 20_000, `${id} read as CREDITED through the caching gateway`);
    await untilCounted(
      (s) => s.responses!.hits,
      async () => {
        const [ours, plain] = [await text(fed.cluster.gateway.url, query, { id }), await text(uncached.url, query, { id })];
        expect(ours).toBe(plain);
        await text(fed.cluster.gateway.url, query, { id });
      },
      'a settled trace given again from the response cache',
    );
  });
});

describe('query plans across shard map changes', () => {
  it('keeps its query plans when a municipality joins', async () => {
    await gql(fed.cluster.gateway.url, CHAIN);
    const start = (await stats()).plans;
    const nara = await fed.cluster.startLedger({ code: 'nara', name: 'Nara' });
    expect((await fed.cluster.register({ code: 'nara', name: 'Nara' }, [nara.url])).errors).toBeUndefined();
    await eventually(
      async () =>
        ((await gql(fed.cluster.gateway.url, '{ municipality(code: "nara") { chain { height } } }')).data?.municipality as { chain: unknown } | undefined)
          ?.chain ?? undefined,
      10_000,
      'nara answering through the gateway',
    );
    const joined = (await stats()).plans;
    await gql(fed.cluster.gateway.url, CHAIN);
    const after = (await stats()).plans;
    expect(joined.clears).toBe(start.clears);
    expect(after.misses).toBe(joined.misses); // planned before nara joined, still planned
    expect(after.hits).toBe(joined.hits + 1);
  });
});
