/** The database launcher: what every other test stands on. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startDatabase } from '../db/launcher.ts';

const saved = { PATH: process.env.PATH, AIKI_CACHE_DIR: process.env.AIKI_CACHE_DIR, MONGODB_URI: process.env.MONGODB_URI };
afterEach(() => Object.assign(process.env, saved));

describe('startDatabase', () => {
  it('starts a wire-protocol server that the official driver writes to and reads back, and keeps the data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aiki-db-test-'));
    try {
      for (const round of [1, 2]) {
        const db = await startDatabase({ forceFerretDB: true, dataDir });
        const client = new MongoClient(db.uri);
        try {
          const coll = client.db('launcher_test').collection<{ _id: number }>('rounds');
          await coll.insertOne({ _id: round });
          expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(round === 1 ? [1] : [1, 2]);
        } finally {
          await client.close();
          await db.stop();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses MONGODB_URI as it is when set', async () => {
    process.env.MONGODB_URI = 'mongodb://db.example:27017/?replicaSet=rs0';
    const db = await startDatabase();
    expect(db).toMatchObject({ kind: 'external', uri: 'mongodb://db.example:27017/?replicaSet=rs0' });
  });

  it('says what is missing and how to fix it when it has no way to get a database', async () => {
    delete process.env.MONGODB_URI;
    // No mongod and no go on this PATH, and an empty build cache.
    process.env.PATH = dirname(process.execPath);
    process.env.AIKI_CACHE_DIR = mkdtempSync(join(tmpdir(), 'aiki-empty-cache-'));
    try {
      await expect(startDatabase()).rejects.toMatchObject({
        extensions: { code: 'DATABASE_UNAVAILABLE' },
        message: expect.stringMatching(/MONGODB_URI.*mongod.*Go/s),
      });
    } finally {
      rmSync(process.env.AIKI_CACHE_DIR, { recursive: true, force: true });
    }
  });
});
