/**
 * Single-flight: identical reads issued together make one call — counted at a tiny real HTTP
 * subgraph, through the shard router and through the data source of the main chain — while
 * mutations, other callers' credentials and reads issued after a call left are sent on their own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SharedReadsDataSource, SingleFlight } from '../../gateway/cache/index.ts';
import { ShardMap } from '../../gateway/router/ShardMap.ts';
import { ShardRouter } from '../../gateway/router/ShardRouter.ts';
import { createLogger } from '../../runtime/log.ts';
import { federationClient } from '../../runtime/federation.ts';

const log = createLogger('test', 'error');
/** What the subgraph received: each request's body and Authorization header. */
let received: Array<{ body: { query: string; variables?: Record<string, unknown> }; authorization?: string }> = [];
let server: Server;
let url: string;

beforeAll(async () => {
  // Answers every request after a short wait (so that it is in flight), echoing what it was asked.
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as { query: string; variables?: { representations?: Array<{ id: string }> } };
      received.push({ body, authorization: req.headers.authorization });
      const reps = body.variables?.representations;
      const data = reps ? { _entities: reps.map((r) => ({ id: r.id, seen: received.length })) } : { echo: { seen: received.length } };
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data })), 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  received = [];
});

describe('SingleFlight', () => {
  it('makes one call for identical runs in the same turn, each caller with its own copy', async () => {
    const flight = new SingleFlight();
    let calls = 0;
    const call = async () => ({ n: ++calls, list: [1, 2] });
    const got = await Promise.all(Array.from({ length: 5 }, () => flight.run('k', call, (v) => structuredClone(v))));
    expect(calls).toBe(1);
    for (const g of got) expect(g).toEqual({ n: 1, list: [1, 2] });
    got[0]!.list.push(3);
    expect(got[1]!.list).toEqual([1, 2]);
    expect(flight.stats()).toEqual({ calls: 1, shared: 4, queued: 0 });
  });

  it('lets nobody join a call that has left: a read issued after it is sent is sent again', async () => {
    const flight = new SingleFlight({ queueMs: 0 });
    let calls = 0;
    let release!: () => void;
    const call = () => new Promise<number>((resolve) => (release = () => resolve(++calls)));
    const first = flight.run('k', call, (v) => v);
    await new Promise((r) => setImmediate(r)); // the call left
    const second = flight.run(
      'k',
      async () => ++calls,
      (v) => v,
    );
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(flight.stats()).toEqual({ calls: 2, shared: 0, queued: 0 });
  });

  it("in 'flight' mode, joins a call on the wire", async () => {
    const flight = new SingleFlight({ window: 'flight' });
    let calls = 0;
    const call = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
    const first = flight.run('k', call, (v) => v);
    await new Promise((r) => setImmediate(r));
    expect(await Promise.all([first, flight.run('k', call, (v) => v)])).toEqual([1, 1]);
  });

  it('holds a read identical to one on the wire until that one is answered, then sends it once for all that came meanwhile', async () => {
    const flight = new SingleFlight({ queueMs: 10_000 });
    const events: string[] = [];
    let release!: () => void;
    const first = flight.run(
      'k',
      () => new Promise<string>((resolve) => (release = () => resolve('first'))),
      (v) => v,
    );
    await new Promise((r) => setImmediate(r)); // on the wire
    const later = Array.from({ length: 3 }, (_, i) => {
      events.push(`issued ${i}`);
      return flight.run(
        'k',
        async () => (events.push('second sent'), 'second'),
        (v) => v,
      );
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['issued 0', 'issued 1', 'issued 2']); // held: not sent while the first is out
    release();
    expect(await Promise.all([first, ...later])).toEqual(['first', 'second', 'second', 'second']);
    expect(events).toEqual(['issued 0', 'issued 1', 'issued 2', 'second sent']); // sent after every one of them was issued
    expect(flight.stats()).toEqual({ calls: 2, shared: 2, queued: 1 });
  });

  it('holds a read behind one on the wire no longer than queueMs', async () => {
    const flight = new SingleFlight({ queueMs: 5 });
    const stuck = flight.run(
      'k',
      () => new Promise<string>(() => {}),
      (v) => v,
    );
    void stuck;
    await new Promise((r) => setImmediate(r));
    expect(
      await flight.run(
        'k',
        async () => 'sent anyway',
        (v) => v,
      ),
    ).toBe('sent anyway');
  });

  it('gives every caller the failure of a shared call', async () => {
    const flight = new SingleFlight();
    const runs = Array.from({ length: 3 }, () =>
      flight.run(
        'k',
        async () => Promise.reject(new Error('down')),
        (v) => v,
      ),
    );
    for (const run of runs) await expect(run).rejects.toThrow('down');
  });
});

describe('the shard router with single-flight', () => {
  const shards = new ShardMap();
  const QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account { balance } } }';
  const MUTATION = 'mutation($t: SignedTransactionInput!) { submitTransaction(municipality: "kyoto", transaction: $t) { id } }';
  const request = (query: string, variables: Record<string, unknown>) => ({ request: { query, variables } }) as unknown as GraphQLDataSourceProcessOptions;
  beforeAll(() => shards.set({ code: 'kyoto', admission: 'serving', endpoints: [url], registered: [url] }));

  it('collapses identical concurrent reads into one call to the ledger', async () => {
    const router = new ShardRouter(shards, { federation: federationClient({ log }), singleFlight: new SingleFlight() });
    const reps = [{ __typename: 'Account', id: 'kyoto:aa' }];
    const replies = await Promise.all(Array.from({ length: 8 }, () => router.process(request(QUERY, { representations: reps }))));
    expect(received).toHaveLength(1);
    for (const reply of replies) expect(reply).toEqual({ data: { _entities: [{ id: 'kyoto:aa', seen: 1 }] } });
    expect(new Set(replies.map((r) => r.data)).size).toBe(8); // eight objects: the gateway merges into each
  });

  it('sends different reads, and every mutation, on their own', async () => {
    const router = new ShardRouter(shards, { federation: federationClient({ log }), singleFlight: new SingleFlight() });
    await Promise.all([
      router.process(request(QUERY, { representations: [{ __typename: 'Account', id: 'kyoto:aa' }] })),
      router.process(request(QUERY, { representations: [{ __typename: 'Account', id: 'kyoto:bb' }] })),
    ]);
    expect(received).toHaveLength(2);
    await Promise.all(Array.from({ length: 3 }, () => router.process(request(MUTATION, { t: { same: true } }))));
    expect(received).toHaveLength(5);
  });

  it('without single-flight, sends each read', async () => {
    const router = new ShardRouter(shards, { federation: federationClient({ log }) });
    await Promise.all(Array.from({ length: 4 }, () => router.process(request(QUERY, { representations: [{ __typename: 'Account', id: 'kyoto:aa' }] }))));
    expect(received).toHaveLength(4);
  });
});

describe("the main chain's data source with single-flight", () => {
  let source: SharedReadsDataSource<{ authorization?: string }>;
  beforeAll(() => {
    source = new SharedReadsDataSource<{ authorization?: string }>(
      { url, fetcher: fetch as unknown as SharedReadsDataSource['fetcher'] }, // as the gateway: Node's fetch
      {
        singleFlight: new SingleFlight(),
        forward: (context): Record<string, string> => (context.authorization ? { authorization: context.authorization } : {}),
      },
    );
  });
  const call = (query: string, authorization?: string) =>
    // Outside an incoming operation (no request context to fill in): the call itself is the same.
    source.process({
      kind: 'loading schema',
      request: { query, variables: { a: 1 } },
      context: { authorization },
    } as unknown as GraphQLDataSourceProcessOptions<{ authorization?: string }>);

  it('collapses identical concurrent queries with the same credentials into one call', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => call('query Q($a: Int) { echo(a: $a) { seen } }', 'Bearer one')));
    expect(received).toHaveLength(1);
    expect(received[0]!.authorization).toBe('Bearer one');
    for (const reply of replies) expect(reply.data).toEqual({ echo: { seen: 1 } });
  });

  it('never shares an answer between different credentials, and sends every mutation', async () => {
    await Promise.all([call('query Q { echo { seen } }', 'Bearer one'), call('query Q { echo { seen } }', 'Bearer two'), call('query Q { echo { seen } }')]);
    expect(received.map((r) => r.authorization).sort()).toEqual(['Bearer one', 'Bearer two', undefined]);
    await Promise.all(Array.from({ length: 3 }, () => call('mutation M { echo { seen } }', 'Bearer one')));
    expect(received).toHaveLength(6);
  });
});
