/**
 * How the entity cache reads ledger `_entities` requests: which entity types it may keep, what it
 * sends instead, and that what it sends is a valid request to the ledger contract.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { entityQuery } from '../../gateway/cache/entityQuery.ts';
import { CACHEABLE_ENTITIES, IMMUTABLE_FIELDS, immutableAnswer } from '../../gateway/cache/immutable.ts';
import { ledger } from '../../schema/sdl.ts';
import { entities } from './cache.support.ts';

const schema: GraphQLSchema = buildSubgraphSchema({ typeDefs: ledger.typeDefs, resolvers: {} });
const valid = (query: string) => expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);

/** Fields of each object type of the contract. */
const contract = new Map(
  ledger.typeDefs.definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION ? [[d.name.value, (d.fields ?? []).map((f) => f.name.value)] as const] : [],
  ),
);

describe('what is immutable in the ledger contract', () => {
  it('lists only fields the contract has', () => {
    for (const [type, fields] of Object.entries(IMMUTABLE_FIELDS)) {
      expect(contract.get(type), type).toBeDefined();
      for (const field of fields) expect(contract.get(type), `${type}.${field}`).toContain(field);
    }
  });

  it('leaves out of blocks and transactions exactly the accounts they lead to: a new field is a decision', () => {
    const left = [...CACHEABLE_ENTITIES].flatMap((type) =>
      contract
        .get(type)!
        .filter((f) => !IMMUTABLE_FIELDS[type]!.has(f))
        .map((f) => `${type}.${f}`),
    );
    expect(left).toEqual(['Transaction.sender', 'Transaction.recipient']);
  });

  it('has nothing of accounts, chains or municipalities', () => {
    for (const type of ['Account', 'Chain', 'Municipality', 'BlockConnection', 'BlockEdge']) expect(IMMUTABLE_FIELDS[type], type).toBeUndefined();
  });

  it('takes a block that resolved, and a transaction only when CONFIRMED', () => {
    expect(immutableAnswer('Block', { height: 1 }, undefined)).toBe(true);
    expect(immutableAnswer('Block', null, undefined)).toBe(false);
    expect(immutableAnswer('Transaction', { id: 'x' }, 'CONFIRMED')).toBe(true);
    for (const status of ['PENDING', 'REJECTED', undefined]) expect(immutableAnswer('Transaction', { id: 'x' }, status)).toBe(false);
    expect(immutableAnswer('Account', { id: 'x' }, 'CONFIRMED')).toBe(false);
  });
});

describe('reading an _entities request', () => {
  it('keeps blocks asked with immutable fields, under one key per selection', () => {
    const a = entityQuery(entities('... on Block { height hash transactions(first: 5) { edges { node { id proof { root } } } } }'))!;
    const b = entityQuery(entities('... on Block { height hash }'))!;
    expect(a.cached.get('Block')!.keyPrefix).not.toBe(b.cached.get('Block')!.keyPrefix);
    expect(entityQuery(`${entities('... on Block { height hash }')} `)!.cached.get('Block')!.keyPrefix).toBe(b.cached.get('Block')!.keyPrefix);
    expect(a.cutOuts).toEqual([]);
    expect(a.asksStatus).toBe(false);
  });

  it("asks a transaction's status under its own alias, the request otherwise unchanged", () => {
    const q = entityQuery(entities('... on Transaction { id amount proof { root } }'))!;
    expect(q.cached.has('Transaction')).toBe(true);
    expect(q.asksStatus).toBe(true);
    expect(q.send).toMatch(/__aiki_status: status/);
    valid(q.send);
  });

  it('keeps nothing that reaches an account, a chain or a municipality', () => {
    for (const selection of [
      '... on Transaction { amount sender { balance } }',
      '... on Transaction { recipient { id } }',
      '... on Block { transactions { edges { node { sender { nonce } } } } }',
      '... on Account { balance }',
      '... on Municipality { chain { height } }',
    ]) {
      expect(entityQuery(entities(selection))!.cached.size, selection).toBe(0);
    }
  });

  it("cuts an account's transactions down to ids when they ask for more than scalars, and makes their own request", () => {
    const q = entityQuery(
      entities('... on Account { balance nonce transactions(first: $n) { edges { cursor node { id amount proof { root path } } } } }', ', $n: Int'),
    )!;
    expect(q.cached.size).toBe(0);
    expect(q.cutOuts).toHaveLength(1);
    expect(q.cutOuts[0]!.typename).toBe('Transaction');
    expect(q.send).toMatch(/node \{\s*__aiki_ref_0: id\s*\}/);
    valid(q.send);
    valid(q.cutOuts[0]!.query);
    // The cut-out is an ordinary cacheable request.
    expect(entityQuery(q.cutOuts[0]!.query)!.cached.has('Transaction')).toBe(true);
  });

  it('leaves transactions in place when they ask for nothing costly (no proof, no block page)', () => {
    for (const selection of [
      '... on Account { balance transactions { edges { node { id amount memo } } } }',
      '... on Account { balance transactions { edges { node { id block { id hash } } } } }',
    ]) {
      const q = entityQuery(entities(selection))!;
      expect(q.cutOuts, selection).toEqual([]);
      expect(q.send).toBe(entities(selection));
    }
    expect(
      entityQuery(entities('... on Account { transactions { edges { node { id block { transactions { edges { node { id } } } } } } } }'))!.cutOuts,
    ).toHaveLength(1);
  });

  it('moves a variable used only inside a cut-out to the cut-out', () => {
    const q = entityQuery(
      entities('... on Municipality { chain { blocks(first: 3) { edges { node { transactions(first: $n) { edges { node { id } } } } } } } }', ', $n: Int'),
    )!;
    expect(q.cutOuts).toHaveLength(1);
    expect(q.cutOuts[0]!.variables).toEqual(['n']);
    expect(q.send).not.toContain('$n');
    valid(q.send);
    valid(q.cutOuts[0]!.query);
  });

  it('inlines named fragments', () => {
    const q = entityQuery(`${entities('... on Transaction { ...entry }')}\nfragment entry on Transaction { txid proof { root } }`)!;
    expect(q.cached.has('Transaction')).toBe(true);
    expect(q.send).not.toContain('fragment');
    valid(q.send);
  });

  it('cuts nothing when a response key repeats (merged fields), and passes through what it does not understand', () => {
    const merged = entityQuery(entities('... on Account { transactions { edges { node { id } } } transactions { edges { node { proof { root } } } } }'))!;
    expect(merged.cutOuts).toEqual([]);
    expect(merged.send).toBe(entities('... on Account { transactions { edges { node { id } } } transactions { edges { node { proof { root } } } } }'));
    expect(entityQuery('mutation { submitTransaction(municipality: "kyoto", transaction: $t) { id } }')).toBeNull();
    expect(entityQuery('{ _service { sdl } }')).toBeNull();
    expect(entityQuery('not graphql')).toBeNull();
    // A client's alias that looks like ours: not touched at all.
    expect(entityQuery(entities('... on Account { transactions { edges { node { __aiki_ref_0: id proof { root } } } } }'))).toBeNull();
  });
});
