/**
 * Where introspection is off (NODE_ENV=production, as in the Docker image), validation errors
 * suggest no field names either (runtime/apollo.ts, schemaDisclosure): a real Apollo Server built
 * as every Aiki service builds it.
 */
import { HeaderMap } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;
const typeDefs = parse('type Query { proposal(id: String!): String }');
const saved = process.env.NODE_ENV;
afterEach(() => void (process.env.NODE_ENV = saved));

async function ask(nodeEnv: string, query: string): Promise<Array<{ message: string; extensions?: { code?: string } }>> {
  process.env.NODE_ENV = nodeEnv;
  const apollo = createSubgraphServer(typeDefs, { Query: { proposal: () => 'p' } }, silent);
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
