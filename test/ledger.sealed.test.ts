/**
 * The ledger's memory of sealed data (subgraphs/ledger/sealed.ts) serves only what was sealed:
 * two replicas of one municipality on one database — the lease holder, which keeps what it
 * commits, and a replica that only reads, which fills on read — asked for a transaction while it
 * is pending, a block before it exists and the head while blocks are sealed. Each answer must be
 * what the database says at that moment, however often the same thing was asked before, and with
 * a cache too small to hold the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerSubgraph, type LedgerConfig, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { createLogger } from '../runtime/log.ts';
import { sha256, utf8 } from '../core/index.ts';
import { dropDatabases, eventually, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const log = createLogger('test', 'error');
const treasury = wallet('kyoto');
const bob = wallet('kyoto');
let holder: RunningLedger;
let replica: RunningLedger;
let prefix: string;

const config = (): LedgerConfig => ({
  municipality: 'kyoto',
  port: 0,
  mongoUri: mongoUri(),
  dbName: `${prefix}_kyoto`,
  sequencerKey: sha256(utf8('sealed cache test')),
  genesis: { allocations: [{ address: treasury.address, amount: '1000000' }], time: '2026-01-01T00:00:00.000Z' },
  blockIntervalMs: 20,
  // Room for a few blocks only: most of what is read is evicted again and read anew.
  sealedCacheBytes: 40_000,
});

beforeAll(async () => {
  prefix = uniquePrefix('sealed');
  holder = await startLedgerSubgraph({ ...config(), monitorCommands: true }, log);
  replica = await startLedgerSubgraph({ ...config(), sequence: false }, log);
});

afterAll(async () => {
  await replica?.close();
  await holder?.close();
  await dropDatabases(mongoUri(), prefix);
});

const TX = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Transaction { txid status height block { height hash } proof { root } } } }`;
const CHAIN = `query($r: [_Any!]!, $h: Int!) { _entities(representations: $r) { ... on Municipality { chain {
  height headHash head { height hash txCount }
  block(height: $h) { height hash txCount }
  blocks(first: 3) { edges { node { height hash } } }
} } } }`;
const ACCOUNT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { balance nonce transactions(first: 50) { edges { node { txid status height } } } } } }`;

async function ask<T>(ledger: RunningLedger, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await gql(ledger.url, query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data as { _entities: T[] })._entities[0]!;
}

/** What the database holds now: the newest block, and a block by height. */
async function stored(height?: number) {
  const blocks = holder.store.blocks;
  const head = (await holder.store.head()).height;
  const block = height === undefined ? null : await blocks.findOne({ _id: height.toString().padStart(12, '0') });
  return { head, block };
}

describe('the sealed cache serves only what is sealed', () => {
  it('a transaction asked for again and again while pending reads CONFIRMED only once its block is sealed, on both replicas', async () => {
    const sent = await gql(holder.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, bob.address, 7, 1) });
    expect(sent.errors).toBeUndefined();
    const txid = (sent.data as { submitTransaction: { txid: string } }).submitTransaction.txid;
    const seen = new Set<string>();
    await eventually(
      async () => {
        for (const ledger of [holder, replica]) {
          const tx = await ask<{ status: string; height: number | null; block: { height: number; hash: string } | null; proof: unknown }>(ledger, TX, {
            r: [{ __typename: 'Transaction', id: `kyoto:${txid}` }],
          });
          seen.add(tx.status);
          if (tx.status === 'CONFIRMED') {
            // Confirmed: the block it names is in the database, with that hash, holding it.
            const { block } = await stored(tx.height!);
            expect(block?.hash).toBe(tx.block!.hash);
            expect(block?.txs.map((t) => t.id)).toContain(txid);
            expect(tx.proof).not.toBeNull();
          } else {
            expect(tx.status).toBe('PENDING');
            expect([tx.height, tx.block, tx.proof]).toEqual([null, null, null]);
          }
        }
        const both = await Promise.all(
          [holder, replica].map((l) => ask<{ status: string }>(l, TX, { r: [{ __typename: 'Transaction', id: `kyoto:${txid}` }] })),
        );
        both.forEach((t) => seen.add(t.status));
        return both.every((t) => t.status === 'CONFIRMED') ? true : undefined;
      },
      30_000,
      'the transfer confirmed on both replicas',
    );
    expect(seen.has('CONFIRMED')).toBe(true);
  });

  it('a block asked for before it is sealed is null, then the sealed block; the head is never behind the database', async () => {
    for (let round = 0; round < 6; round++) {
      const { head } = await stored();
      const next = head + 1;
      for (const ledger of [holder, replica]) {
        type Chain = {
          chain: {
            height: number;
            headHash: string;
            head: { height: number; hash: string };
            block: { height: number; hash: string } | null;
            blocks: { edges: Array<{ node: { height: number } }> };
          };
        };
        const before = (await stored()).head;
        const { chain } = await ask<Chain>(ledger, CHAIN, { r: [{ __typename: 'Municipality', code: 'kyoto' }], h: next });
        // The head the ledger gives is at least the one the database had before the request.
        expect(chain.height).toBeGreaterThanOrEqual(before);
        expect(chain.head.height).toBe(chain.height);
        expect(chain.blocks.edges[0]!.node.height).toBe(chain.height);
        const atNext = (await stored(next)).block;
        if (chain.block)
          expect(chain.block.hash).toBe(atNext?.hash); // sealed: exactly the stored block
        else expect(chain.height).toBeLessThan(next); // not sealed when asked
      }
      // Seal the next block (a transfer), then ask again: no "absent" is remembered.
      const nonce = round + 2;
      await gql(holder.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, bob.address, 1, nonce) });
      await eventually(async () => ((await stored(next)).block ? true : undefined), 30_000, `block ${next}`);
      for (const ledger of [holder, replica]) {
        const { chain } = await ask<{ chain: { height: number; block: { hash: string } | null } }>(ledger, CHAIN, {
          r: [{ __typename: 'Municipality', code: 'kyoto' }],
          h: next,
        });
        expect(chain.block?.hash).toBe((await stored(next)).block!.hash);
        expect(chain.height).toBeGreaterThanOrEqual(next);
      }
    }
  });

  it("an account's balance and history follow every block on both replicas, with the blocks evicted and read again", async () => {
    const want = await eventually(
      async () => {
        const doc = await holder.store.accounts.findOne({ _id: bob.address });
        return doc && doc.nonce === 0 && doc.balance === 7 + 6 ? doc : undefined;
      },
      30_000,
      "bob's balance applied",
    );
    for (const ledger of [holder, replica]) {
      const a = await ask<{ balance: string; transactions: { edges: Array<{ node: { status: string; height: number } }> } }>(ledger, ACCOUNT, {
        r: [{ __typename: 'Account', id: bob.address }],
      });
      expect(a.balance).toBe(String(want.balance));
      expect(a.transactions.edges).toHaveLength(7);
      expect(a.transactions.edges.every((e) => e.node.status === 'CONFIRMED')).toBe(true);
    }
    // The chain is quiet: the lease holder knows its head for certain and looks for no block past
    // it to answer one (Sequencer.knownHead) — once its lease is renewed, which a busy machine may
    // delay; the replica probes the database. (Blocks evicted from this small cache are read again.)
    const head = (await stored()).head;
    const probes = (finds: string[]) => finds.filter((c) => c === `blocks {"_id":"${String(head + 1).padStart(12, '0')}"}` || c.startsWith('meta'));
    await eventually(
      async () => {
        const finds: string[] = [];
        const listen = (e: { commandName: string; command: Record<string, unknown> }) => {
          if (e.commandName === 'find') finds.push(`${String(e.command.find)} ${JSON.stringify(e.command.filter)}`);
        };
        holder.mongo.client.on('commandStarted', listen);
        let height: number;
        try {
          height = (await ask<{ chain: { height: number } }>(holder, CHAIN, { r: [{ __typename: 'Municipality', code: 'kyoto' }], h: 1 })).chain.height;
        } finally {
          holder.mongo.client.off('commandStarted', listen);
        }
        expect(height).toBe(head);
        return probes(finds).length === 0 ? true : undefined;
      },
      20_000,
      'a head answered by the lease holder without a read',
    );
    // The cache stayed within its bound, and had to evict to do so.
    for (const ledger of [holder, replica]) {
      const metrics = await (await fetch(new URL('/metrics', ledger.url))).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(value('aiki_ledger_sealed_cache_max_bytes')).toBe(40_000);
      expect(value('aiki_ledger_sealed_cache_bytes')).toBeLessThanOrEqual(40_000);
      expect(value('aiki_ledger_sealed_cache_hits_total')).toBeGreaterThan(0);
    }
  });
});
