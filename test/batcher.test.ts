/** Group commit: concurrent inserts share `insertMany` commands, each caller gets its own outcome. */
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InsertBatcher } from '../db/batcher.ts';
import { dropDatabases, mongoUri, uniquePrefix } from './support/helpers.ts';

const prefix = uniquePrefix('batcher');
let client: MongoClient;

beforeAll(async () => {
  client = new MongoClient(mongoUri(), { monitorCommands: true });
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await dropDatabases(mongoUri(), prefix);
});

it('writes 200 concurrent inserts in a few commands and refuses only the duplicates, each to its caller', async () => {
  const coll = client.db(`${prefix}_db`).collection<{ _id: string; n: number }>('docs');
  await coll.insertOne({ _id: 'taken', n: -1 });
  const inserts: string[] = [];
  const listen = (e: CommandStartedEvent) => e.commandName === 'insert' && inserts.push(e.commandName);
  client.on('commandStarted', listen);
  const batcher = new InsertBatcher(coll);
  const ids = Array.from({ length: 200 }, (_, i) => (i % 50 === 7 ? 'taken' : `d${i}`));
  const outcomes = await Promise.allSettled(ids.map((_id, n) => batcher.insert({ _id, n })));
  client.off('commandStarted', listen);

  const refused = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, (o.reason as { code?: number }).code]] : []));
  expect(refused).toEqual([7, 57, 107, 157].map((i) => [i, 11000]));
  expect(await coll.countDocuments()).toBe(1 + 196);
  expect(inserts.length).toBeLessThanOrEqual(3);
});
