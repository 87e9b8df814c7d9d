/**
 * GraphQL requests that are not a query or mutation this API serves — several operations and no
 * or an unknown operationName, a subscription, variables nested beyond any use — are refused with
 * a 4xx and a code, never a 500, by the gateway and by every subgraph (signed, as a member calls
 * them); and every process still answers afterwards.
 */
import { describe, expect, it } from 'vitest';
import { signRequest } from '../runtime/signing.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { KYOTO, useTestCluster } from './support/cluster.ts';

const fed = useTestCluster('requests', { municipalities: [KYOTO] });

/** POSTs a raw JSON body (signed for a subgraph); the status and the parsed answer. */
async function post(
  url: string,
  body: string,
): Promise<{ status: number; json: { errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(subgraphSecret()!, 'POST', url, body) }, body });
  return { status: res.status, json: (await res.json()) as never };
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const TWO = 'query A { __typename } query B { __typename }';
const BAD: Array<[string, string]> = [
  ['two operations, no operationName', JSON.stringify({ query: TWO })],
  ['two operations, an unknown operationName', JSON.stringify({ query: TWO, operationName: 'C' })],
  ['operationName not a string', JSON.stringify({ query: TWO, operationName: 7 })],
  ['a subscription', JSON.stringify({ query: 'subscription { __typename }' })],
  ['a subscription by operationName', JSON.stringify({ query: 'query A { __typename } subscription S { __typename }', operationName: 'S' })],
  ['variables nested 100,000 levels', `{"query":"query($v: [Int]) { __typename }","variables":{"v":${nested(100_000)}}}`],
  ['an undeclared variable nested 100,000 levels', `{"query":"{ __typename }","variables":{"v":${nested(100_000)}}}`],
  ['variables nested 33 levels, in a string too', `{"query":"{ __typename }","variables":{"v":"]]]]","w":${nested(32)}}}`],
  ['an extension nested 100,000 levels', `{"query":"{ __typename }","extensions":{"x":${nested(100_000)}}}`],
];

describe('requests that are not an operation this API serves', () => {
  const targets = () => [
    ['gateway', fed.cluster.gateway.url],
    ['main chain', fed.cluster.mainchain.url],
    ['ledger kyoto', fed.cluster.ledgers.get('kyoto')!.url],
  ];

  it.each(BAD)('refuses %s with a 4xx and a code, at the gateway and at each subgraph', async (_what, body) => {
    for (const [name, url] of targets()) {
      const { status, json } = await post(url!, body);
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
      expect(json.errors?.[0]?.extensions?.code, name).toMatch(/^[A-Z_]+$/);
      expect(json.errors?.[0]?.extensions?.code, name).not.toBe('INTERNAL_SERVER_ERROR');
    }
    for (const [name, url] of targets()) expect((await post(url!, JSON.stringify({ query: '{ __typename }' }))).status, `${name} still answers`).toBe(200);
  });

  it('still runs one operation of several when operationName names it, and JSON nested up to the limit (32)', async () => {
    for (const [name, url] of targets()) {
      for (const body of [JSON.stringify({ query: TWO, operationName: 'B' }), `{"query":"{ __typename }","variables":{"w":${nested(30)}}}`]) {
        const { status, json } = await post(url!, body);
        expect([status, json], name).toEqual([200, { data: { __typename: 'Query' } }]);
      }
    }
  });

  it('refuses variables nested too deep in a GET query string too', async () => {
    const url = `${fed.cluster.gateway.url}?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(`{"v":${nested(1000)}}`)}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('lists a client gives are bounded before the work they ask for', () => {
  it('refuses keyAccounts with 5,000 municipality codes for their number, before looking any up', async () => {
    const codes = Array.from({ length: 5000 }, (_, i) => `x${String(i).padStart(4, '0')}`); // none registered: a lookup would say UNKNOWN_MUNICIPALITY
    const r = await post(
      fed.cluster.gateway.url,
      JSON.stringify({
        query: 'query($k: String!, $m: [String!]) { keyAccounts(publicKey: $k, municipalities: $m) { id } }',
        variables: { k: 'ab'.repeat(32), m: codes },
      }),
    );
    expect(r.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'municipalities' });
  });

  it('refuses an _entities call with more than 10,000 representations at each subgraph, before looking any up', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    const cases: Array<[string, unknown]> = [
      [fed.cluster.ledgers.get('kyoto')!.url, { __typename: 'Block', id: 'kyoto:0' }],
      [fed.cluster.mainchain.url, { __typename: 'Municipality', code: 'kyoto' }],
    ];
    for (const [url, rep] of cases) {
      const over = await post(url, JSON.stringify({ query, variables: { r: Array(10_001).fill(rep) } }));
      expect(over.status, url).toBe(400);
      expect(over.json.errors?.[0]?.extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations' });
      // As a literal list, or behind a fragment, the same.
      const literal = `{ ... on Query { _entities(representations: [${Array(10_001)
        .fill(JSON.stringify(rep).replace(/"(\w+)":/g, '$1:'))
        .join(',')}]) { __typename } } }`;
      expect((await post(url, JSON.stringify({ query: literal }))).json.errors?.[0]?.extensions?.field, url).toBe('representations');
      const within = await post(url, JSON.stringify({ query, variables: { r: Array(3).fill(rep) } }));
      expect(within.json.errors, url).toBeUndefined();
    }
  });
});

describe('long polls', () => {
  it('lets one registryRevision per request wait, and refuses an alias waiting beside it', async () => {
    for (const url of [fed.cluster.gateway.url, fed.cluster.mainchain.url]) {
      const current = (await post(url, JSON.stringify({ query: '{ registryRevision }' }))).json as { data: { registryRevision: string } };
      const after = current.data.registryRevision; // unchanged for the test: each wait ends at its waitMs
      const two = await post(
        url,
        JSON.stringify({
          query: 'query($a: String) { a: registryRevision(after: $a, waitMs: 50) b: registryRevision(after: $a, waitMs: 50) }',
          variables: { a: after },
        }),
      );
      expect(
        two.json.errors?.map((e) => e.extensions),
        url,
      ).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'waitMs' })]);
      const one = await post(
        url,
        JSON.stringify({ query: 'query($a: String) { a: registryRevision(after: $a, waitMs: 50) b: registryRevision }', variables: { a: after } }),
      );
      expect(one.json, url).toEqual({ data: { a: after, b: after } });
    }
  });
});
