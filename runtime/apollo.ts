/** An Apollo Server for an Aiki subgraph: federated schema, masked errors, our logger, no tracing noise. */
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { maskErrors } from './errors.ts';
import { operationGuardPlugin } from './operationGuard.ts';
import type { Logger } from './log.ts';

export function apolloLogger(log: Logger) {
  return { debug: (m: string) => log.debug(m), info: (m: string) => log.info(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
}

/**
 * Introspection on or off (each main.ts reads it: runtime/env.ts `envIntrospection`, on unless
 * NODE_ENV=production, as in the Docker image), and, where it is off, no field suggestions in
 * validation errors either: "Did you mean proposal?" would give the schema away field by field.
 * Every Aiki Apollo Server takes these.
 */
export function schemaDisclosure(introspection: boolean): { introspection: boolean; hideSchemaDetailsFromClientErrors: boolean } {
  return { introspection, hideSchemaDetailsFromClientErrors: !introspection };
}

export function createSubgraphServer<TContext extends BaseContext>(
  typeDefs: DocumentNode,
  resolvers: object,
  log: Logger,
  { introspection, plugins = [] }: { introspection: boolean; plugins?: ApolloServerPlugin<TContext>[] },
): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    // The generated resolver types are stricter than @apollo/subgraph's resolver map.
    schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as Parameters<typeof buildSubgraphSchema>[0] extends { resolvers?: infer R } ? R : never }),
    formatError: maskErrors(log),
    ...schemaDisclosure(introspection),
    includeStacktraceInErrorResponses: false,
    logger: apolloLogger(log),
    plugins: [
      operationGuardPlugin<TContext>(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(), // it loads from a CDN
      // Apollo's cache-control plugin computes a policy from @cacheControl hints, which no schema
      // here has, through a hook on every field resolved: a fifth of a ledger's CPU on a block page
      // (docs/BENCHMARKS.md). Off; every answer says what the plugin said for want of hints.
      ApolloServerPluginCacheControlDisabled(),
      noStore<TContext>(),
      ...plugins,
    ],
    // runtime/process.ts stops the service on SIGINT/SIGTERM. Apollo's own handler would stop it
    // too, and @apollo/server 5.5 never resolves the wait of a second stop() called while the first
    // runs: every subgraph then hung on SIGTERM until SIGKILL (and wrote no --cpu-prof profile).
    stopOnTerminationSignals: false,
  });
}

/** `Cache-Control: no-store` on every answer, as Apollo's cache-control plugin set it on answers without hints. */
function noStore<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => void response.http.headers.set('cache-control', 'no-store'),
    }),
  };
}
