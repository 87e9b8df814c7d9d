import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_QUERY } from '../../core/index.ts';
import { limitsPlugin } from '../../gateway/edge/limits.ts';
import { manifestOf, persistedQueriesPlugin, readManifest, sha256Hex } from '../../gateway/edge/persisted.ts';
import { codes, startEdgeGateway, type EdgeGateway } from './edge.support.ts';

const HEIGHT = '{ mainChain { height } }';
const pq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('edge APQ (automatic persisted queries)', () => {
  let gw: EdgeGateway;
  beforeAll(async () => {
    gw = await startEdgeGateway([persistedQueriesPlugin(), limitsPlugin()]);
  });
  afterAll(() => gw.close());

  it('asks for an unknown hash, stores it with its query, then runs it from the hash alone', async () => {
    const hash = sha256Hex(HEIGHT);
    const miss = await gw.post({ extensions: pq(hash) });
    expect(codes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(miss.status).toBe(200); // what APQ clients expect before they send the query
    expect(miss.headers.get('cache-control')).toContain('no-cache');

    const calls = gw.subgraphCalls();
    const register = await gw.post({ query: HEIGHT, extensions: pq(hash) });
    expect(codes(register)).not.toContain('PERSISTED_QUERY_NOT_FOUND');
    expect(gw.subgraphCalls()).toBe(calls + 1);

    const hit = await gw.post({ extensions: pq(hash) });
    expect(codes(hit)).not.toContain('PERSISTED_QUERY_NOT_FOUND');
    expect(gw.subgraphCalls()).toBe(calls + 2);
  });

  it('refuses a hash that is not the query’s, and stores nothing under it', async () => {
    const other = sha256Hex('{ parameters { quorum } }');
    const reply = await gw.post({ query: HEIGHT, extensions: pq(other) });
    expect(codes(reply)).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
    expect(reply.status).toBe(400);
    expect(codes(await gw.post({ extensions: pq(other) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses a malformed persistedQuery extension', async () => {
    const reply = await gw.post({ query: HEIGHT, extensions: { persistedQuery: { version: 2, sha256Hash: sha256Hex(HEIGHT) } } });
    expect(codes(reply)).toEqual(['PERSISTED_QUERY_MALFORMED']);
  });

  it('does not store an operation the limits refused', async () => {
    const deep =
      '{ transaction(id: "kyoto:00") { block { transactions { edges { node { block { transactions { edges { node { block { transactions { edges { node { id } } } } } } } } } } } } } }';
    const hash = sha256Hex(deep);
    expect(codes(await gw.post({ query: deep, extensions: pq(hash) }))).toEqual(['QUERY_TOO_DEEP']);
    expect(codes(await gw.post({ extensions: pq(hash) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('edge safelist mode', () => {
  const manifest = manifestOf([TRACE_QUERY, HEIGHT]);
  let gw: EdgeGateway;
  beforeAll(async () => {
    gw = await startEdgeGateway([persistedQueriesPlugin({ safelist: readManifest(JSON.stringify(manifest)) }), limitsPlugin()]);
  });
  afterAll(() => gw.close());

  it('runs a registered operation sent by id', async () => {
    const before = gw.subgraphCalls();
    const reply = await gw.post({ extensions: pq(manifest.operations[0]!.id), variables: { id: 'kyoto:00', depth: 3 } });
    expect(codes(reply)).not.toContain('OPERATION_NOT_SAFELISTED');
    expect(gw.subgraphCalls()).toBeGreaterThan(before);
  });

  it('runs a registered operation sent in full', async () => {
    const before = gw.subgraphCalls();
    const reply = await gw.post({ query: HEIGHT });
    expect(codes(reply)).not.toContain('OPERATION_NOT_SAFELISTED');
    expect(gw.subgraphCalls()).toBe(before + 1);
  });

  it('refuses an unregistered operation sent in full, before any subgraph is called', async () => {
    const before = gw.subgraphCalls();
    const reply = await gw.post({ query: '{ mainChain { height headHash } }' });
    expect(codes(reply)).toEqual(['OPERATION_NOT_SAFELISTED']);
    expect(reply.status).toBe(400);
    // One character more than a registered operation is another operation.
    expect(codes(await gw.post({ query: `${HEIGHT} ` }))).toEqual(['OPERATION_NOT_SAFELISTED']);
    expect(gw.subgraphCalls()).toBe(before);
  });

  it('refuses an unknown id, and an attempt to register a new operation through APQ', async () => {
    const q = '{ parameters { quorum } }';
    expect(codes(await gw.post({ extensions: pq(sha256Hex(q)) }))).toEqual(['OPERATION_NOT_SAFELISTED']);
    expect(codes(await gw.post({ query: q, extensions: pq(sha256Hex(q)) }))).toEqual(['OPERATION_NOT_SAFELISTED']);
    expect(codes(await gw.post({ extensions: pq(sha256Hex(q)) }))).toEqual(['OPERATION_NOT_SAFELISTED']);
  });

  it('refuses a flood before it is measured: the safelist answers first', async () => {
    expect(codes(await gw.post({ query: `{ ${'a '.repeat(5000)}}` }))).toEqual(['OPERATION_NOT_SAFELISTED']);
  });
});

describe('readManifest', () => {
  it('reads the Apollo persisted query manifest format', () => {
    const m = manifestOf(['query Height { mainChain { height } }']);
    expect(m.operations[0]).toMatchObject({ name: 'Height', type: 'query', id: sha256Hex('query Height { mainChain { height } }') });
    expect(readManifest(JSON.stringify(m))).toEqual(m);
  });

  it.each([
    ['another format', { format: 'relay', version: 1, operations: [] }],
    ['another version', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }],
    ['an operation without body', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a', name: 'A', type: 'query' }] }],
    [
      'an operation of an unknown type',
      { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a', name: 'A', type: 'fetch', body: '{ a }' }] },
    ],
  ])('refuses %s', (_what, manifest) => {
    expect(() => readManifest(manifest)).toThrow(/manifest/);
  });
});
