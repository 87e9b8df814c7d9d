/**
 * The shard router against three real ledger subgraphs (in this process, real HTTP, each on its
 * own database): an interleaved `_entities` batch comes back in order, each item from its shard.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ShardMap } from '../gateway/router/ShardMap.ts';
import { ShardRouter } from '../gateway/router/ShardRouter.ts';
import { startLedgerSubgraph, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { createLogger } from '../runtime/log.ts';
import { federationClient } from '../runtime/federation.ts';
import { aikiError } from '../core/errors.ts';
import { sha256, utf8 } from '../core/index.ts';
import { dropDatabases, eventually, mongoUri, plantBlock, uniquePrefix } from './support/helpers.ts';
import { transfer, wallet } from './support/ledger.ts';

const log = createLogger('test', 'error');
const CODES = ['kyoto', 'osaka', 'nara'] as const;
const QUERY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Municipality { code chain { municipality height headHash } } } }';

let prefix: string;
let client: MongoClient;
const ledgers = new Map<string, RunningLedger>();

beforeAll(async () => {
  prefix = uniquePrefix('router');
  client = new MongoClient(mongoUri());
  for (const [i, code] of CODES.entries()) {
    const dbName = `${prefix}_${code}`;
    const sequencerKey = sha256(utf8(`router test ${code}`));
    ledgers.set(code, await startLedgerSubgraph({ municipality: code, port: 0, mongoUri: mongoUri(), dbName, sequencerKey }, log));
    // Distinct chains: kyoto at height 3, osaka 2, nara 1, each with its own head hash.
    for (let h = 1; h <= CODES.length - i; h++) await plantBlock(mongoUri(), dbName, h, `${code}-${h}`.padEnd(64, '0'));
    // Written behind its lease holder's back: it rebuilds on them within a round.
    const ledger = ledgers.get(code)!;
    await eventually(
      async () => ((await ledger.store.head()).height === CODES.length - i && ledger.sequencer.knownHead()?.height === CODES.length - i ? true : undefined),
      20_000,
      `${code}'s planted blocks`,
    );
  }
});

afterAll(async () => {
  for (const served of ledgers.values()) await served.close();
  await client.close();
  await dropDatabases(mongoUri(), prefix);
});

function routerFor(entries: Array<[string, string[]]>, options: { timeoutMs?: number; fanOut?: number } = {}) {
  const shards = new ShardMap();
  for (const [code, endpoints] of entries) shards.set({ code, admission: 'serving', endpoints, registered: endpoints });
  return { shards, router: new ShardRouter(shards, { timeoutMs: 2000, federation: federationClient({ log }), ...options }) };
}

/**
 * Many municipalities' ledgers at once, as one HTTP server with one path per code (as the national
 * benchmark's fillers: that many ledger processes do not fit a test machine). Each `_entities`
 * request answers its municipalities' heads after `delayMs`, or never (`hang`); it counts the
 * requests it saw and the most it held at once.
 */
async function manyLedgers({ delayMs = 0, hang = false } = {}) {
  const seen = { requests: 0, inFlight: 0, mostInFlight: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.requests++;
      seen.mostInFlight = Math.max(seen.mostInFlight, ++seen.inFlight);
      if (hang) return;
      const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { representations: Array<{ code: string }> } };
      setTimeout(() => {
        seen.inFlight--;
        const _entities = variables.representations.map(({ code }) => ({ code, chain: { municipality: code, height: 0, headHash: code } }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { _entities } }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    endpoint: (code: string) => `http://127.0.0.1:${port}/${code}/graphql`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function entitiesRequest(representations: unknown[]) {
  return { request: { query: QUERY, variables: { representations } } } as unknown as GraphQLDataSourceProcessOptions;
}

const rep = (code: string) => ({ __typename: 'Municipality', code });

async function ownHead(code: string) {
  const head = await client.db(`${prefix}_${code}`).collection('blocks').find().sort({ _id: -1 }).limit(1).next();
  return { code, chain: { municipality: code, height: head!.height, headHash: head!.hash } };
}

describe('ShardRouter', () => {
  it('answers an interleaved batch in the original order, each item from its own shard', async () => {
    const { router } = routerFor(CODES.map((c) => [c, [ledgers.get(c)!.url]]));
    const order = ['nara', 'kyoto', 'osaka', 'kyoto', 'nara', 'osaka', 'osaka', 'kyoto', 'nara'];
    const reply = await router.process(entitiesRequest(order.map(rep)));
    expect(reply.errors).toBeUndefined();
    expect(reply.data?._entities).toEqual(await Promise.all(order.map(ownHead)));
  });

  it('re-indexes errors to the original positions and names the municipality', async () => {
    // "osaka" points at kyoto's ledger (a misconfigured shard): kyoto's ledger refuses it.
    const { router, shards } = routerFor([
      ['kyoto', [ledgers.get('kyoto')!.url]],
      ['osaka', [ledgers.get('kyoto')!.url]],
    ]);
    shards.set({ code: 'nara', admission: 'pending', registered: ['http://127.0.0.1:9/graphql'], reason: aikiError('SUBGRAPH_UNREACHABLE', 'refused') });
    const reps = [rep('kyoto'), rep('osaka'), { __typename: 'Municipality' }, rep('atlantis'), rep('nara'), rep('kyoto'), 'junk'];
    const reply = await router.process(entitiesRequest(reps));
    const entities = reply.data?._entities as unknown[];
    expect(entities).toHaveLength(reps.length);
    expect(entities[0]).toEqual(await ownHead('kyoto'));
    expect(entities[5]).toEqual(await ownHead('kyoto'));
    for (const i of [1, 2, 3, 4, 6]) expect(entities[i]).toBeNull();

    const byIndex = new Map(reply.errors!.map((e) => [e.path?.[1], e.extensions]));
    expect(byIndex.get(1)).toMatchObject({ code: 'WRONG_MUNICIPALITY', municipality: 'osaka' });
    expect(byIndex.get(2)).toMatchObject({ code: 'MALFORMED_REPRESENTATION' });
    expect(byIndex.get(3)).toMatchObject({ code: 'UNKNOWN_MUNICIPALITY', municipality: 'atlantis' });
    expect(byIndex.get(4)).toMatchObject({ code: 'SHARD_UNAVAILABLE', municipality: 'nara', reason: 'SUBGRAPH_UNREACHABLE' });
    expect(byIndex.get(6)).toMatchObject({ code: 'MALFORMED_REPRESENTATION' });
    expect(reply.errors).toHaveLength(5);
  });

  it('reports a shard that does not answer as SHARD_UNAVAILABLE, and still answers the rest', async () => {
    const { router } = routerFor([
      ['kyoto', [ledgers.get('kyoto')!.url]],
      ['osaka', ['http://127.0.0.1:9/graphql']],
    ]);
    const reply = await router.process(entitiesRequest([rep('osaka'), rep('kyoto')]));
    expect(reply.data?._entities).toEqual([null, await ownHead('kyoto')]);
    expect(reply.errors).toEqual([
      expect.objectContaining({ path: ['_entities', 0], extensions: expect.objectContaining({ code: 'SHARD_UNAVAILABLE', municipality: 'osaka' }) }),
    ]);
  });

  it('fails over to the next endpoint of a shard', async () => {
    const { router } = routerFor([['kyoto', ['http://127.0.0.1:9/graphql', ledgers.get('kyoto')!.url]]]);
    const reply = await router.process(entitiesRequest([rep('kyoto')]));
    expect(reply).toEqual({ data: { _entities: [await ownHead('kyoto')] } });
  });

  it('splits root mutations by their municipality argument, in order, each error naming its municipality', async () => {
    const { router } = routerFor(CODES.map((c) => [c, [ledgers.get(c)!.url]]));
    const tx = transfer(wallet('kyoto'), wallet('kyoto').address, 5, 1); // a sender with no funds
    const query = `mutation($t: SignedTransactionInput!, $m: String!) {
      k: submitTransaction(municipality: "kyoto", transaction: $t) { id }
      o: submitTransaction(municipality: $m, transaction: $t) { id }
      x: submitTransaction(municipality: "atlantis", transaction: $t) { id }
    }`;
    const reply = await router.process({ request: { query, variables: { t: tx, m: 'osaka' } } } as unknown as GraphQLDataSourceProcessOptions);
    expect(Object.keys(reply.data!)).toEqual(['k', 'o', 'x']);
    expect(reply.data).toEqual({ k: null, o: null, x: null });
    const byKey = new Map(reply.errors!.map((e) => [e.path?.[0], e.extensions]));
    expect(byKey.get('k')).toMatchObject({ code: 'INSUFFICIENT_FUNDS', municipality: 'kyoto' });
    expect(byKey.get('o')).toMatchObject({ code: 'WRONG_MUNICIPALITY', municipality: 'kyoto', served: 'osaka' });
    expect(byKey.get('x')).toMatchObject({ code: 'UNKNOWN_MUNICIPALITY', municipality: 'atlantis' });
  });

  it('refuses a root field whose municipality argument is missing or not a code', async () => {
    const { router } = routerFor(CODES.map((c) => [c, [ledgers.get(c)!.url]]));
    for (const m of [{ $gt: '' }, 'Not A Code', null]) {
      const reply = await router.process({
        request: {
          query:
            'mutation($m: String, $t: SignedTransactionInput!) { a: submitTransaction(municipality: $m, transaction: $t) { id } b: submitTransaction(municipality: "kyoto", transaction: $t) { id } }',
          variables: { m, t: {} },
        },
      } as unknown as GraphQLDataSourceProcessOptions);
      expect(reply.errors?.find((e) => e.path?.[0] === 'a')?.extensions?.code).toBe('UNROUTABLE_REQUEST');
    }
  });

  it('calls at most `fanOut` ledgers at once for a request touching many, and answers every one in order', async () => {
    const many = await manyLedgers({ delayMs: 20 });
    try {
      const codes = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(3, '0')}`);
      const { router } = routerFor(
        codes.map((c) => [c, [many.endpoint(c)]]),
        { fanOut: 4 },
      );
      const order = [...codes].reverse();
      const reply = await router.process(entitiesRequest(order.map(rep)));
      expect(reply).toEqual({ data: { _entities: order.map((code) => ({ code, chain: { municipality: code, height: 0, headHash: code } })) } });
      expect(many.seen.requests).toBe(40);
      expect(many.seen.mostInFlight).toBeLessThanOrEqual(4);
    } finally {
      await many.close();
    }
  });

  it('does not ask the ledgers whose turn comes after three time-outs: each is SHARD_UNAVAILABLE, naming its municipality', async () => {
    const many = await manyLedgers({ hang: true });
    try {
      const codes = Array.from({ length: 10 }, (_, i) => `h${String(i).padStart(3, '0')}`);
      const { router } = routerFor(
        codes.map((c) => [c, [many.endpoint(c)]]),
        { fanOut: 2, timeoutMs: 300 },
      );
      const reply = await router.process(entitiesRequest(codes.map(rep)));
      expect(reply.data?._entities).toEqual(codes.map(() => null));
      expect(reply.errors).toHaveLength(10);
      for (const [i, code] of codes.entries()) {
        expect(reply.errors!.find((e) => e.path?.[1] === i)?.extensions).toMatchObject({ code: 'SHARD_UNAVAILABLE', municipality: code });
      }
      // Three turns of two calls, each timing out at 300 ms: the request's 900 ms had passed.
      expect(many.seen.requests).toBe(6);
      expect(reply.errors!.filter((e) => /was not asked/.test(e.message))).toHaveLength(4);
    } finally {
      await many.close();
    }
  });

  it('refuses a request that names no municipality', async () => {
    const { router } = routerFor([]);
    const reply = await router.process({ request: { query: '{ __typename }' } } as unknown as GraphQLDataSourceProcessOptions);
    expect(reply.errors?.[0]?.extensions?.code).toBe('UNROUTABLE_REQUEST');
  });
});
