/**
 * Bench-only "filler" municipalities for bench/governance.bench.ts and bench/national.bench.ts: one HTTP server that serves
 * the ledger contract for any number of municipalities at once, one per path
 * (`http://127.0.0.1:<port>/<code>/graphql`). Never used outside the benchmarks.
 *
 * Why: the benchmark needs 10, 100 or 1,000 ACTIVE municipalities in the registry and in the
 * gateway's shard map, and 1,000 ledger processes do not fit on a 2-core machine. A filler answers
 * exactly what a registration and the gateway's admission ask of a ledger, and answers it as a
 * real ledger would: it is built from `schema/ledger.graphql` with @apollo/subgraph (so
 * `_service { sdl }` is the contract), resolves only its own `Municipality` (another code is
 * WRONG_MUNICIPALITY), and serves a genesis block built and signed with the ledger's own code
 * (subgraphs/ledger/genesis.ts) under a sequencer key this process holds — which is also the
 * filler's governance key, so that the benchmark can sign its votes. It has no database and no
 * blocks past the genesis; fields it does not need are not resolved.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql } from 'graphql';
import { aikiError, bytesToHex, publicKeyOf, sha256, utf8 } from '../../core/index.ts';
import { postGraphQL } from '../../runtime/graphql.ts';
import { subgraphSecret } from '../../runtime/env.ts';
import { ledger } from '../../schema/sdl.ts';
import { genesisBlock } from '../../subgraphs/ledger/genesis.ts';
import type { BlockDoc } from '../../subgraphs/ledger/models.ts';
import { pool } from '../../runtime/pool.ts';

const GENESIS_TIME = '2026-01-01T00:00:00.000Z';

/** A filler's key: signs its genesis block, and is its governance key. Derived, so nothing is stored. */
export function fillerSecretKey(code: string): Uint8Array {
  return sha256(utf8(`aiki/bench-filler-key/v1\n${code}`));
}

interface FillerContext {
  code: string;
  genesis: BlockDoc;
}

const genesisCache = new Map<string, BlockDoc>();
function genesisOf(code: string): BlockDoc {
  let block = genesisCache.get(code);
  if (!block) {
    const sk = fillerSecretKey(code);
    block = genesisBlock(code, [], GENESIS_TIME, sk, publicKeyOf(sk));
    genesisCache.set(code, block);
  }
  return block;
}

const blockFields = (b: BlockDoc) => ({ id: `${b.header.municipality}:${b.height}`, ...b.header, hash: b.hash, signature: b.signature });

const schema = buildSubgraphSchema({
  typeDefs: ledger.typeDefs,
  resolvers: {
    Municipality: {
      __resolveReference(ref: { code?: unknown }, ctx: FillerContext) {
        if (ref.code !== ctx.code)
          throw aikiError('WRONG_MUNICIPALITY', `this is the ledger of ${ctx.code}, not of ${String(ref.code)}`, { municipality: ref.code, served: ctx.code });
        return { code: ctx.code };
      },
      chain: (_m: unknown, _a: unknown, ctx: FillerContext) => ({ municipality: ctx.code }),
    },
    Chain: {
      height: () => 0,
      headHash: (_c: unknown, _a: unknown, ctx: FillerContext) => ctx.genesis.hash,
      headTime: (_c: unknown, _a: unknown, ctx: FillerContext) => ctx.genesis.header.time,
      head: (_c: unknown, _a: unknown, ctx: FillerContext) => blockFields(ctx.genesis),
      block: (_c: unknown, { height, hash }: { height?: number | null; hash?: string | null }, ctx: FillerContext) =>
        height === 0 || hash === ctx.genesis.hash ? blockFields(ctx.genesis) : null,
    },
  } as Parameters<typeof buildSubgraphSchema>[0] extends { resolvers?: infer R } ? R : never,
});

export interface FillerServer {
  /** The endpoint of filler `code`. */
  endpoint(code: string): string;
  close(): Promise<void>;
}

export async function startFillers(): Promise<FillerServer> {
  const server: Server = createServer((req, res) => {
    const match = /^\/([a-z][a-z0-9-]{1,31})\/graphql$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = match[1]!;
      const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      graphql({
        schema,
        source: query,
        variableValues: variables,
        operationName,
        contextValue: { code, genesis: genesisOf(code) } satisfies FillerContext,
      }).then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: (code) => `http://127.0.0.1:${port}/${code}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const fillerPublicKey = (code: string) => bytesToHex(publicKeyOf(fillerSecretKey(code)));

/** `f0001`, `f0002`, …: the codes of `count` fillers. */
export const fillerCodes = (count: number) => Array.from({ length: count }, (_, i) => `f${String(i + 1).padStart(4, '0')}`);

/**
 * Registers a filler for each of `codes` on the main chain directly, as an operator registers the
 * founding members before any proposal (8 at a time), then waits until the gateway routes to every
 * one of the `total` municipalities registered. The seconds each part took.
 */
export async function registerFillers(
  { mainchain, gateway, token }: { mainchain: string; gateway: string; token: string },
  fillers: FillerServer,
  codes: string[],
  total: number,
): Promise<{ registerS: number; admitS: number }> {
  let t0 = performance.now();
  await pool(codes, 8, async (code) => {
    const reply = await postGraphQL(mainchain, 'mutation R($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }', {
      variables: { input: { code, name: `Filler ${code}`, endpoints: [fillers.endpoint(code)] } },
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 60_000,
      secret: subgraphSecret(),
    });
    if (reply.errors || !reply.data) throw new Error(`registering ${code}: ${JSON.stringify(reply.errors ?? 'no data')}`);
  });
  const registerS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (let tries = 0; ; tries++) {
    const reply = await postGraphQL<{ municipalities: Array<{ code: string; chain: { municipality: string } | null }> }>(
      gateway,
      '{ municipalities { code chain { municipality } } }',
      { timeoutMs: 60_000, secret: subgraphSecret() },
    );
    const list = reply.data?.municipalities ?? [];
    if (!reply.errors && list.length === total && list.every((m) => m.chain?.municipality === m.code)) break;
    if (tries > 600) throw new Error(`the gateway did not admit all ${total} municipalities: ${JSON.stringify(reply.errors?.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { registerS, admitS: (performance.now() - t0) / 1000 };
}
