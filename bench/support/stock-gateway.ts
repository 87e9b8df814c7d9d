/**
 * Bench-only: stock @apollo/gateway on @apollo/server, as its documentation sets one up
 * (`new ApolloGateway({ supergraphSdl })`, `new ApolloServer({ gateway })`, `startStandaloneServer`),
 * with no plugin of ours and every default (its data sources, make-fetch-happen, APQ, CSRF
 * prevention, landing page). One addition, without which no subgraph of this federation answers:
 * each subgraph call carries the federation's signature header (runtime/signing.ts), added around
 * the data source's default fetcher — the same HMAC our gateway computes for each of its calls.
 *
 * `node --import tsx bench/support/stock-gateway.ts <supergraph.graphql>` with AIKI_PORT (0: any
 * free port); prints `{"event":"ready","url":…}` when it serves.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { signRequest } from '../../runtime/signing.ts';
import { subgraphSecret } from '../../runtime/env.ts';

const supergraphSdl = readFileSync(process.argv[2]!, 'utf8');
const secret = subgraphSecret();

const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ url }) => {
    const source = new RemoteGraphQLDataSource({ url });
    if (secret) {
      const fetcher = source.fetcher;
      source.fetcher = (input, init) =>
        fetcher(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), ...signRequest(secret, init?.method ?? 'POST', String(input), String(init?.body ?? '')) },
        });
    }
    return source;
  },
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.AIKI_PORT ?? 0), host: '127.0.0.1' } });
process.stdout.write(JSON.stringify({ event: 'ready', url }) + '\n');
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
