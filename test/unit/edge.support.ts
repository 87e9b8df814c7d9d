/**
 * A real gateway for the edge tests: @apollo/gateway over the supergraph composed from
 * schema/*.graphql, served by runtime/http.ts on 127.0.0.1, with the edge plugins under test.
 * The subgraphs are one stub that counts its calls: a call means the operation got past the edge
 * and was planned.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { serve } from '../../runtime/http.ts';
import { maskErrors } from '../../runtime/errors.ts';
import type { Logger } from '../../runtime/log.ts';
import { composeFederation, mainchain } from '../../schema/index.ts';

export interface EdgeContext {
  remoteAddress?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export interface EdgeGateway {
  schema: GraphQLSchema;
  /** Calls that reached a subgraph so far. */
  subgraphCalls(): number;
  post(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/** The API schema of the supergraph the gateway serves. */
export async function supergraphApiSchema(): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl: supergraphSdl() });
  const { schema } = await gateway.load();
  await gateway.stop();
  return schema;
}

function supergraphSdl(): string {
  const composed = composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.typeDefs });
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  return composed.supergraphSdl;
}

export async function startEdgeGateway(plugins: ApolloServerPlugin<EdgeContext>[]): Promise<EdgeGateway> {
  let calls = 0;
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphSdl(),
    buildService: () => ({
      async process() {
        calls++;
        return { data: {} };
      },
    }),
  });
  const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  let schema: GraphQLSchema | undefined;
  const apollo = new ApolloServer<EdgeContext>({
    gateway,
    formatError: maskErrors(log),
    includeStacktraceInErrorResponses: false,
    persistedQueries: false,
    introspection: true,
    plugins: [
      ...plugins,
      {
        async serverWillStart() {
          return {
            schemaDidLoadOrUpdate({ apiSchema }) {
              schema = apiSchema;
            },
          };
        },
      },
    ],
  });
  const served = await serve(apollo, { port: 0, log, context: async (req) => ({ remoteAddress: req.socket.remoteAddress }) });
  return {
    get schema() {
      if (!schema) throw new Error('no schema loaded');
      return schema;
    },
    subgraphCalls: () => calls,
    async post(body, headers = {}) {
      const res = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Reply['body'] };
    },
    close: () => served.close(),
  };
}

/** The codes of a reply's errors. */
export function codes(reply: Reply): unknown[] {
  return (reply.body.errors ?? []).map((e) => e.extensions?.code);
}
