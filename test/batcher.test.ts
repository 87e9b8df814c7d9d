/** Group commit: concurrent items share writes; each caller gets its own write's outcome. */
import { expect, it } from 'vitest';
import { GroupCommit } from '../db/batcher.ts';
import { useTestDatabase } from './support/helpers.ts';

const database = useTestDatabase('batcher');
const db = () => database.client.db(`${database.prefix}_db`);

it('writes 200 concurrent items in a few documents, each caller answered with its own document', async () => {
  const coll = db().collection<{ _id: string; items: number[] }>('log');
  let writes = 0;
  const log = new GroupCommit<number, string>(async (items) => {
    const _id = `entry${writes++}`;
    await coll.insertOne({ _id, items });
    return _id;
  });
  const keys = await Promise.all(Array.from({ length: 200 }, (_, n) => log.add(n)));

  const entries = await coll.find().toArray();
  expect(entries.length).toBe(writes);
  expect(writes).toBeLessThanOrEqual(3);
  expect(entries.flatMap((e) => e.items).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, n) => n));
  for (const [n, key] of keys.entries()) expect(entries.find((e) => e._id === key)!.items).toContain(n);
});

it('answers the callers of a failed write with its error, and writes the next items', async () => {
  const coll = db().collection<{ _id: string; items: string[] }>('failing');
  await coll.insertOne({ _id: 'taken', items: [] });
  let writes = 0;
  const log = new GroupCommit<string, string>(async (items) => {
    const _id = writes++ === 1 ? 'taken' : `entry${writes}`;
    await coll.insertOne({ _id, items });
    return _id;
  });
  const first = log.add('a'); // written alone: the write is in flight when the next ones arrive
  const second = [log.add('b'), log.add('c')]; // the second write, which hits a duplicate key
  await expect(first).resolves.toBe('entry1');
  for (const p of second) await expect(p).rejects.toMatchObject({ code: 11000 });
  await expect(log.add('d')).resolves.toBe('entry3');
  expect((await coll.find({ _id: { $ne: 'taken' } }).toArray()).flatMap((e) => e.items).sort()).toEqual(['a', 'd']);
});
