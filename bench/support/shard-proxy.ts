/**
 * Bench-only: a minimal HTTP "shard proxy" that lets a stock gateway (stock @apollo/gateway, Hive
 * Gateway) reach the sharded `ledger` subgraph through one URL — which is all their supergraph can
 * hold for it. It splits each `_entities` request by municipality and forwards the parts to the
 * ledgers in parallel (entity-split.ts), signed like every call inside the federation
 * (runtime/postGraphQL). Nothing else: no parsing of the query, no retries, no caching.
 *
 * `node --import tsx bench/support/shard-proxy.ts` with AIKI_BENCH_SHARDS='{"kyoto":"http://…/graphql",…}'
 * and AIKI_PORT (0: any free port); prints `{"event":"ready","url":…}` when it serves.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postGraphQL } from '../../runtime/graphql.ts';
import { subgraphSecret } from '../../runtime/env.ts';
import { splitEntities, type GraphQLBody } from './entity-split.ts';

const shards = JSON.parse(process.env.AIKI_BENCH_SHARDS ?? '{}') as Record<string, string>;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let body: GraphQLBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLBody;
    } catch {
      return reply(400, { errors: [{ message: 'not JSON' }] });
    }
    splitEntities(body, async (code, part) => {
      const url = shards[code];
      if (!url) return { errors: [{ message: `the bench shard proxy knows no municipality ${code}` }] };
      return postGraphQL(url, part.query, { variables: part.variables, operationName: part.operationName, secret: subgraphSecret() });
    }).then(
      (result) => reply(200, result),
      (err: unknown) => reply(502, { errors: [{ message: `shard proxy: ${(err as Error).message}` }] }),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.AIKI_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ event: 'ready', url: `http://127.0.0.1:${port}/graphql` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
