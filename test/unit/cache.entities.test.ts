/**
 * The entity cache against a ledger subgraph in memory (the real contract): what it keeps, what
 * it never keeps, and that its answers are the ledger's, byte for byte.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EntityCache } from '../../gateway/cache/index.ts';
import { entities, ledgerModel, memorySubgraph, seal, type Model } from './cache.support.ts';

const ALICE = 'kyoto:alice';
const BOB = 'kyoto:bob';
let model: Model;
let ledger: ReturnType<typeof memorySubgraph>;
let cache: EntityCache;
let generation = 0;

function addTx(txid: string, amount: number, status: 'PENDING' | 'CONFIRMED' = 'PENDING') {
  model.txs.set(`kyoto:${txid}`, { id: `kyoto:${txid}`, txid, status, from: ALICE, to: BOB, amount: String(amount) });
}

beforeEach(() => {
  model = ledgerModel();
  ledger = memorySubgraph(model);
  generation = 0;
  cache = new EntityCache({ scope: () => `kyoto.${generation}` });
  addTx('t1', 10);
  addTx('t2', 20);
  seal(model, []); // genesis
  seal(model, ['kyoto:t1', 'kyoto:t2']);
  model.accounts.set(BOB, { balance: 30, nonce: 0, history: ['kyoto:t2', 'kyoto:t1'] });
});

const resolve = (query: string, reps: unknown[], variables: Record<string, unknown> = {}) => cache.resolve(query, variables, reps, undefined, ledger.fetch);
const direct = (query: string, reps: unknown[], variables: Record<string, unknown> = {}) => ledger.fetch(query, variables, reps);
/**
 * The reply's bytes as the gateway uses them: data before errors (graphql-js puts errors first, the
 * shard router data first), without the errors' `locations` (they point into the subgraph request,
 * which the cache may reshape; @apollo/gateway drops them: downstreamServiceError).
 */
const bytes = (reply: { data?: unknown; errors?: ReadonlyArray<{ locations?: unknown }> }) =>
  JSON.stringify({ data: reply.data, errors: reply.errors?.map(({ locations: _locations, ...error }) => error) });
const block = (height: number) => ({ __typename: 'Block', id: `kyoto:${height}` });
const tx = (txid: string) => ({ __typename: 'Transaction', id: `kyoto:${txid}` });
const account = (id: string) => ({ __typename: 'Account', id });

const BLOCK = entities('... on Block { height hash transactions(first: 10) { edges { node { id amount status proof { index root path } } } } }');
const TX = entities('... on Transaction { id amount status block { height } proof { index root } }');
const TX_NO_STATUS = entities('... on Transaction { id amount proof { root } }');
const ACCOUNT = entities('... on Account { balance nonce transactions(first: 10) { edges { node { id amount proof { root path } } } } }');

describe('the entity cache', () => {
  it('answers a sealed block from the cache after one fetch, with the bytes the ledger sends', async () => {
    const first = await resolve(BLOCK, [block(1)]);
    const second = await resolve(BLOCK, [block(1)]);
    const fetches = ledger.calls.length;
    const uncached = await direct(BLOCK, [block(1)]);
    expect(fetches).toBe(1);
    expect(bytes(first)).toBe(bytes(uncached));
    expect(bytes(second)).toBe(bytes(uncached));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stored: 1 });
  });

  it('never keeps a PENDING transaction: once confirmed it is read as CONFIRMED, then from the cache', async () => {
    addTx('t3', 5);
    for (let i = 0; i < 3; i++)
      expect(await resolve(TX, [tx('t3')])).toEqual({ data: { _entities: [{ id: 'kyoto:t3', amount: '5', status: 'PENDING', block: null, proof: null }] } });
    expect(ledger.calls).toHaveLength(3);
    const height = seal(model, ['kyoto:t3']);
    const confirmed = {
      data: { _entities: [{ id: 'kyoto:t3', amount: '5', status: 'CONFIRMED', block: { height }, proof: { index: 0, root: `root-${height}` } }] },
    };
    expect(await resolve(TX, [tx('t3')])).toEqual(confirmed);
    expect(await resolve(TX, [tx('t3')])).toEqual(confirmed);
    expect(ledger.calls).toHaveLength(4);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 4, stored: 1, notStored: 3 });
  });

  it('asks the status itself when the selection does not, and never shows it', async () => {
    addTx('t3', 5);
    const pending = await resolve(TX_NO_STATUS, [tx('t3')]);
    expect(pending).toEqual(await direct(TX_NO_STATUS, [tx('t3')]));
    expect(ledger.calls[0]!.query).toContain('__aiki_status: status');
    seal(model, ['kyoto:t3']);
    const confirmed = await resolve(TX_NO_STATUS, [tx('t3')]);
    expect(bytes(confirmed)).toBe(bytes(await direct(TX_NO_STATUS, [tx('t3')])));
    expect(JSON.stringify(confirmed)).not.toContain('__aiki');
    expect(bytes(await resolve(TX_NO_STATUS, [tx('t3')]))).toBe(bytes(confirmed));
    expect(cache.stats()).toMatchObject({ hits: 1, stored: 1, notStored: 1 });
  });

  it('fetches an account every time, and only the transactions it has not seen', async () => {
    const before = await resolve(ACCOUNT, [account(BOB)]);
    expect(bytes(before)).toBe(bytes(await direct(ACCOUNT, [account(BOB)])));
    // A transfer to bob is confirmed: new balance, a new newest transaction.
    addTx('t3', 7);
    seal(model, ['kyoto:t3']);
    model.accounts.set(BOB, { balance: 37, nonce: 0, history: ['kyoto:t3', 'kyoto:t2', 'kyoto:t1'] });
    ledger.calls.length = 0;
    const after = await resolve(ACCOUNT, [account(BOB)]);
    expect(bytes(after)).toBe(bytes(await direct(ACCOUNT, [account(BOB)])));
    expect((after.data as any)._entities[0].balance).toBe('37');
    expect((after.data as any)._entities[0].transactions.edges.map((e: any) => e.node.id)).toEqual(['kyoto:t3', 'kyoto:t2', 'kyoto:t1']);
    // The account (its transactions cut down to ids), then the one transaction not cached yet.
    expect(ledger.calls[0]!.query).toContain('__aiki_ref_0: id');
    expect(ledger.calls[1]!.representations).toEqual([tx('t3')]);
    expect(ledger.calls).toHaveLength(3); // and the direct read
  });

  it('never caches a selection that reaches an account', async () => {
    const query = entities('... on Transaction { amount sender { balance } }');
    expect(await resolve(query, [tx('t1')])).toEqual({ data: { _entities: [{ amount: '10', sender: { balance: '0' } }] } });
    model.accounts.set(ALICE, { balance: 99, nonce: 2, history: [] });
    expect(await resolve(query, [tx('t1')])).toEqual({ data: { _entities: [{ amount: '10', sender: { balance: '99' } }] } });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, bypasses: 2, stored: 0 });
  });

  it('keeps errors at their entity, and caches none of what erred', async () => {
    await resolve(BLOCK, [block(1)]);
    const reps = [block(1), block(7), tx('t1')];
    const query = entities('... on Block { height hash } ... on Transaction { amount }');
    const uncached = await direct(query, reps);
    expect(uncached.errors?.[0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'BLOCK_NOT_FOUND' } });
    expect(bytes(await resolve(query, reps))).toBe(bytes(uncached));
    expect(bytes(await resolve(query, reps))).toBe(bytes(uncached)); // blocks 1 and t1 from the cache
    expect(ledger.calls.at(-1)!.representations).toEqual([block(7)]);
  });

  it('sends the request as it came when a cut-out does not resolve, and returns its answer untouched', async () => {
    // A history entry the ledger cannot resolve as an entity of its own.
    model.txs.set('kyoto:ghost', { id: 'kyoto:ghost', txid: 'ghost', status: 'CONFIRMED', from: ALICE, to: BOB, amount: '1', height: 1, index: 0 });
    model.accounts.set(BOB, { balance: 31, nonce: 0, history: ['kyoto:ghost'] });
    const fetchGhost = ledger.fetch;
    ledger.fetch = async (query, variables, reps) => {
      if ((reps as Array<{ id: string }>).some((r) => r.id === 'kyoto:ghost') && query.includes('on Transaction'))
        return { data: { _entities: [null] }, errors: [{ message: 'gone', path: ['_entities', 0] }] };
      return fetchGhost(query, variables, reps);
    };
    const got = await resolve(ACCOUNT, [account(BOB)]);
    expect(bytes(got)).toBe(bytes(await direct(ACCOUNT, [account(BOB)])));
    expect(cache.stats().fallbacks).toBe(1);
  });

  it('keys a selection by the values of the variables it uses', async () => {
    const query = entities('... on Block { transactions(first: $n) { edges { node { id } } } }', ', $n: Int');
    const one = await resolve(query, [block(1)], { n: 1 });
    const two = await resolve(query, [block(1)], { n: 2 });
    expect((one.data as any)._entities[0].transactions.edges).toHaveLength(1);
    expect((two.data as any)._entities[0].transactions.edges).toHaveLength(2);
    expect(bytes(await resolve(query, [block(1)], { n: 1 }))).toBe(bytes(one));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('forgets a municipality registered anew (a new scope)', async () => {
    await resolve(BLOCK, [block(1)]);
    generation++;
    await resolve(BLOCK, [block(1)]);
    expect(ledger.calls).toHaveLength(2);
  });

  it('cuts sealed blocks out of a chain page, their transactions with them', async () => {
    const query = entities(
      '... on Municipality { chain { height blocks(first: 5) { edges { cursor node { height transactions(first: 5) { edges { node { amount } } } } } } } }',
    );
    const rep = { __typename: 'Municipality', code: 'kyoto' };
    expect(bytes(await resolve(query, [rep]))).toBe(bytes(await direct(query, [rep])));
    addTx('t3', 3);
    seal(model, ['kyoto:t3']);
    ledger.calls.length = 0;
    const page = await resolve(query, [rep]);
    expect(bytes(page)).toBe(bytes(await direct(query, [rep])));
    expect((page.data as any)._entities[0].chain.height).toBe(2);
    expect(ledger.calls[1]!.representations).toEqual([block(2)]); // blocks 1 and 0 from the cache
  });
});
