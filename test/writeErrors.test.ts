/**
 * A write a unique index refuses means the document is stored already (db/writeErrors.ts), on the
 * test's database server: an unordered insertMany writes everything else and names what was there;
 * any other failure is thrown again.
 */
import { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { alreadyStored, isDuplicateKey } from '../db/writeErrors.ts';
import { mongoUri, useTestDatabase } from './support/helpers.ts';

const database = useTestDatabase('writeerr');
const db = () => database.client.db(`${database.prefix}_db`);

/** What `run` threw (fails the test if it threw nothing). */
async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the write to fail');
}

it('names the documents of an unordered insertMany that were stored already, and writes the rest', async () => {
  const coll = db().collection<{ _id: string; n: number }>('many');
  await coll.insertMany([
    { _id: 'b', n: 0 },
    { _id: 'd', n: 0 },
  ]);
  const err = await thrownBy(() =>
    coll.insertMany(
      ['a', 'b', 'c', 'd', 'e'].map((_id) => ({ _id, n: 1 })),
      { ordered: false },
    ),
  );
  expect(alreadyStored(err).sort()).toEqual([1, 3]);
  expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
    { _id: 'a', n: 1 },
    { _id: 'b', n: 0 },
    { _id: 'c', n: 1 },
    { _id: 'd', n: 0 },
    { _id: 'e', n: 1 },
  ]);
});

it('tells a refused insertOne by its code', async () => {
  const coll = db().collection<{ _id: string }>('one');
  await coll.insertOne({ _id: 'x' });
  const err = await thrownBy(() => coll.insertOne({ _id: 'x' }));
  expect(isDuplicateKey(err)).toBe(true);
  expect(isDuplicateKey(new Error('E11000 duplicate key, but only in words'))).toBe(false);
});

it('throws any other failure again', async () => {
  const closed = new MongoClient(mongoUri());
  await closed.connect();
  await closed.close();
  const err = await thrownBy(() =>
    closed
      .db(`${database.prefix}_db`)
      .collection('many')
      .insertMany([{ _id: 'z' } as never], { ordered: false }),
  );
  expect(isDuplicateKey(err)).toBe(false);
  expect(() => alreadyStored(err)).toThrow(err as Error);
  const notWrite = new Error('not a write at all');
  expect(() => alreadyStored(notWrite)).toThrow(notWrite);
});
