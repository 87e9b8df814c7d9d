/**
 * Error masking (runtime/errors.ts) in a real Apollo Server: our coded refusals and GraphQL's own
 * request errors reach the client as they are; any other exception — which Apollo labels
 * INTERNAL_SERVER_ERROR, a code of the catalogue — reaches it as a generic message, its text,
 * extensions and stack only in the log.
 */
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aikiError } from '../../core/errors.ts';
import { maskErrors } from '../../runtime/errors.ts';
import type { Logger } from '../../runtime/log.ts';

const logged: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
const log = {
  debug() {},
  info() {},
  warn() {},
  error: (msg: string, fields?: Record<string, unknown>) => void logged.push({ msg, fields }),
} as unknown as Logger;

const typeDefs = `type Query { refused: String  thrown: String  coded: String  internal: String  typed: String  echo(n: Int!): Int }`;
const resolvers = {
  Query: {
    refused: () => {
      throw aikiError('BAD_USER_INPUT', 'title must be printable', { field: 'input.title' });
    },
    thrown: () => {
      throw new TypeError('$.title: expected a well-formed string, got a lone surrogate');
    },
    // An error that names a catalogue code without being ours: a library's, or a bug's.
    internal: () => {
      throw new GraphQLError('connection to 10.0.0.7:27017 closed', { extensions: { code: 'INTERNAL_SERVER_ERROR', host: '10.0.0.7' } });
    },
    typed: () => {
      throw Object.assign(new Error('ECONNREFUSED 127.0.0.1:5104'), { code: 'ECONNREFUSED' });
    },
    echo: (_: unknown, { n }: { n: number }) => n,
  },
};

let apollo: ApolloServer<BaseContext>;
beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs, resolvers, formatError: maskErrors(log), includeStacktraceInErrorResponses: true, logger: log });
  await apollo.start();
});
afterAll(() => apollo.stop());

async function post(body: Record<string, unknown>) {
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
    context: async () => ({}),
  });
  if (result.body.kind !== 'complete') throw new Error('not a complete body');
  return JSON.parse(result.body.string) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe('error masking', () => {
  it('passes our coded refusals, without a stack', async () => {
    const { errors } = await post({ query: '{ refused }' });
    expect(errors).toEqual([
      { message: 'title must be printable', path: ['refused'], locations: expect.any(Array), extensions: { code: 'BAD_USER_INPUT', field: 'input.title' } },
    ]);
  });

  it.each(['thrown', 'internal', 'typed'])('masks an unexpected error (%s): a generic message, the details in the log only', async (field) => {
    logged.length = 0;
    const { errors } = await post({ query: `{ ${field} }` });
    expect(errors).toEqual([{ message: 'Internal server error', path: [field], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(logged).toHaveLength(1);
    expect(String(logged[0]!.fields?.err)).toMatch(/lone surrogate|10\.0\.0\.7|5104/);
  });

  it("passes GraphQL's own request errors with their codes", async () => {
    expect((await post({ query: '{ nope }' })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post({ query: '{ echo(' })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const coerced = await post({ query: 'query($n: Int!) { echo(n: $n) }', variables: { n: 'x' } });
    expect(coerced.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(coerced.errors?.[0]?.message).toMatch(/\$n/);
  });
});
