/**
 * Where introspection is off (NODE_ENV=production, as in the Docker image: runtime/env.ts
 * envIntrospection), validation errors suggest no field names either (runtime/apollo.ts,
 * schemaDisclosure): a real Apollo Server built as every Aiki service builds it.
 */
import { HeaderMap } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { envIntrospection } from '../../runtime/env.ts';
import { parse } from 'graphql';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;
const typeDefs = parse('type Query { proposal(id: String!): String }');
const saved = process.env.NODE_ENV;
afterEach(() => void (process.env.NODE_ENV = saved));

async function ask(nodeEnv: string, query: string): Promise<Array<{ message: string; extensions?: { code?: string } }>> {
  process.env.NODE_ENV = nodeEnv;
  const apollo = createSubgraphServer(typeDefs, { Query: { proposal: () => 'p' } }, silent, { introspection: envIntrospection() });
  await apollo.start();
  try {
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query } },
      context: async () => ({}),
    });
    if (result.body.kind !== 'complete') throw new Error('not a complete body');
    return (JSON.parse(result.body.string) as { errors: Array<{ message: string; extensions?: { code?: string } }> }).errors;
  } finally {
    await apollo.stop();
  }
}

describe('schema details in errors', () => {
  it('suggests field names only where introspection is on', async () => {
    const [dev] = await ask('development', '{ proposl(id: "1") }');
    expect(dev!.message).toMatch(/Did you mean "proposal"\?/);
    const [prod] = await ask('production', '{ proposl(id: "1") }');
    expect(prod!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(prod!.message).not.toMatch(/proposal/);
    const [intro] = await ask('production', '{ __schema { types { name } } }');
    expect(intro!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('answers of a subgraph', () => {
  it("are never to be stored by anyone on the way (no-store), with no per-field hook of Apollo's cache-control plugin", async () => {
    let resolved = 0;
    const apollo = createSubgraphServer(typeDefs, { Query: { proposal: () => String(++resolved) } }, silent, { introspection: true });
    await apollo.start();
    try {
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: 'POST',
          headers: new HeaderMap([['content-type', 'application/json']]),
          search: '',
          body: { query: '{ proposal(id: "1") }' },
        },
        context: async () => ({}),
      });
      expect(result.headers.get('cache-control')).toBe('no-store');
      if (result.body.kind !== 'complete') throw new Error('not a complete body');
      expect(JSON.parse(result.body.string)).toEqual({ data: { proposal: '1' } });
      // Apollo wraps every resolver of the schema only when a plugin hooks fields (the cache-control plugin did).
      const schema = (
        apollo as unknown as { internals: { state: { schemaManager: { getSchemaDerivedData(): { schema: import('graphql').GraphQLSchema } } } } }
      ).internals.state.schemaManager.getSchemaDerivedData().schema;
      const wrapped = Object.getOwnPropertySymbols(schema).map((s) => s.description);
      expect(wrapped).not.toContain('apolloServerPluginsEnabled');
    } finally {
      await apollo.stop();
    }
  });
});
