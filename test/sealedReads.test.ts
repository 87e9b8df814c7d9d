/**
 * Where reads go (docs/DATABASE.md): sealed documents from a secondary when the database is a
 * replica set, with a bounded staleness, falling back to the primary for what the secondary does
 * not have yet; everything else from the primary. Here, on FerretDB (no replica set), the fallback
 * is checked with a stand-in for a secondary that is behind: another database holding fewer
 * documents.
 */
import { MongoClient, ReadPreference } from 'mongodb';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { findSealedByIds, sealedReadPreference } from '../db/mongo.ts';
import { envRuntimeSettings } from '../runtime/env.ts';
import { LedgerStore } from '../subgraphs/ledger/store.ts';
import { dropDatabases, mongoUri, uniquePrefix } from './support/helpers.ts';

const prefix = uniquePrefix('sealedreads');
let client: MongoClient;
const env = { ...process.env };

beforeAll(() => {
  client = new MongoClient(mongoUri(), { monitorCommands: true });
});
afterEach(() => {
  process.env = { ...env };
});
afterAll(async () => {
  await dropDatabases(mongoUri(), prefix);
  await client.close();
});

it('reads sealed data from a secondary with a bounded staleness on a replica set, from the primary otherwise', () => {
  const pref = sealedReadPreference(true);
  expect(pref.mode).toBe('secondaryPreferred');
  expect(pref.maxStalenessSeconds).toBe(90);
  expect(sealedReadPreference(false)).toBe(ReadPreference.primary);
  // As a service's main.ts reads them (runtime/env.ts envRuntimeSettings).
  process.env.AIKI_SEALED_READS = 'primary';
  expect(sealedReadPreference(true, envRuntimeSettings().db)).toBe(ReadPreference.primary);
  process.env.AIKI_SEALED_READS = 'secondary';
  process.env.AIKI_READ_MAX_STALENESS_S = '300';
  expect(sealedReadPreference(true, envRuntimeSettings().db).maxStalenessSeconds).toBe(300);
  process.env.AIKI_READ_MAX_STALENESS_S = '30';
  expect(() => envRuntimeSettings()).toThrow(/AIKI_READ_MAX_STALENESS_S must be an integer in \[90,/);
  process.env.AIKI_SEALED_READS = 'nearest';
  expect(() => envRuntimeSettings()).toThrow(/AIKI_SEALED_READS must be one of secondary, primary/);
});

it('finds on the primary what a secondary behind it does not have yet', async () => {
  const primary = client.db(`${prefix}_primary`).collection<{ _id: string; n: number }>('blocks');
  const behind = client.db(`${prefix}_behind`).collection<{ _id: string; n: number }>('blocks');
  await primary.insertMany([
    { _id: 'a', n: 1 },
    { _id: 'b', n: 2 },
    { _id: 'c', n: 3 },
  ]);
  await behind.insertMany([
    { _id: 'a', n: 1 },
    { _id: 'b', n: 2 },
  ]);
  const commands: string[] = [];
  const listen = (e: { databaseName: string; commandName: string }) => commands.push(`${e.databaseName.replace(`${prefix}_`, '')}:${e.commandName}`);
  client.on('commandStarted', listen);
  try {
    const found = await findSealedByIds(behind, primary, ['a', 'b', 'c'], 'batched');
    expect(found.map((d) => d._id).sort()).toEqual(['a', 'b', 'c']);
    expect(commands).toEqual(['behind:find', 'primary:find']); // the primary asked only for what was missing
    commands.length = 0;
    expect((await findSealedByIds(behind, primary, ['a', 'b'], 'batched')).length).toBe(2);
    expect(commands).toEqual(['behind:find']); // all there: the primary is not asked
    commands.length = 0;
    expect((await findSealedByIds(behind, primary, ['a', 'zz'], 'per-key')).map((d) => d._id)).toEqual(['a']); // what exists nowhere stays absent
    expect(commands.filter((c) => c.startsWith('primary'))).toHaveLength(1);
  } finally {
    client.off('commandStarted', listen);
  }
});

it("a ledger's store reads blocks, tx index and history through secondaries when told to, and everything else from the primary", async () => {
  const pref = sealedReadPreference(true);
  const store = new LedgerStore(client.db(`${prefix}_ledger`), 'kyoto', 'per-key', pref);
  for (const c of [store.sealedReads.blocks, store.sealedReads.txIndex, store.sealedReads.history]) expect(c.readPreference?.mode).toBe('secondaryPreferred');
  for (const c of [store.blocks, store.accounts, store.mempool, store.meta]) expect(c.readPreference?.mode).toBe('primary');
  // Against a server that is not a replica set the preference changes nothing: the reads work.
  await store.blocks.insertOne({ _id: '000000000001', height: 1 } as never);
  expect((await store.findSealed('blocks', ['000000000001', '000000000002'])).map((b) => b.height)).toEqual([1]);
  const plain = new LedgerStore(client.db(`${prefix}_ledger`), 'kyoto', 'per-key');
  expect(plain.sealedReads.blocks).toBe(plain.blocks);
});
