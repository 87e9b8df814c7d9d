/**
 * Connecting to MongoDB with the concerns the ledger relies on (docs/ARCHITECTURE.md, "Ledger rules"):
 * acknowledged writes are `majority` and journaled, confirmed reads are `majority`.
 */
import { MongoClient, ReadPreference, type Collection, type Db, type Document, type Filter, type IndexDescription } from 'mongodb';
import type { Logger } from '../runtime/log.ts';
import { runtimeSettings } from '../runtime/settings.ts';

export interface Mongo {
  client: MongoClient;
  db: Db;
  /**
   * How to read several documents by `_id`: `batched`, one `$in` (MongoDB: one indexed
   * round-trip); `per-key`, one `findOne` each, a few at a time (FerretDB 1.24 pushes down only an
   * `_id` equality: an `$in` reads the whole collection, docs/DATABASE.md).
   */
  lookups: Lookups;
  /**
   * Where reads of sealed data go (blocks, confirmed transactions' places, history: documents
   * written once and never changed): `secondaryPreferred` with a bounded staleness on a replica
   * set, the primary elsewhere (docs/DATABASE.md, "Where reads go"). Everything else — heads,
   * balances, the mempool, leases — reads the primary with read concern majority.
   */
  sealedReads: ReadPreference;
  close(): Promise<void>;
}

/**
 * AIKI_SEALED_READS (`secondary`, default: secondaryPreferred on a replica set; `primary`) and
 * AIKI_READ_MAX_STALENESS_S (90, MongoDB's least): the read preference of sealed reads. A
 * secondary further behind its primary than that is not read.
 */
export function sealedReadPreference(replicaSet: boolean, { sealedReads, readMaxStalenessS } = runtimeSettings().db): ReadPreference {
  if (!replicaSet || sealedReads === 'primary') return ReadPreference.primary;
  return new ReadPreference('secondaryPreferred', undefined, { maxStalenessSeconds: readMaxStalenessS });
}

export type Lookups = 'batched' | 'per-key';

export async function connectMongo(
  uri: string,
  dbName: string,
  appName: string,
  { monitorCommands = false, log }: { monitorCommands?: boolean; log?: Logger } = {},
): Promise<Mongo> {
  // With a logger at debug (AIKI_LOG_LEVEL=debug) every database command is logged with its duration.
  const debug = log?.level === 'debug' ? log : undefined;
  const client = new MongoClient(uri, {
    appName,
    monitorCommands: monitorCommands || Boolean(debug),
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    serverSelectionTimeoutMS: 5000,
    ignoreUndefined: true,
  });
  if (debug) {
    client.on('commandStarted', (e) => debug.debug('db command', { id: e.requestId, command: e.commandName, collection: e.command[e.commandName] }));
    client.on('commandSucceeded', (e) => debug.debug('db done', { id: e.requestId, ms: e.duration }));
    client.on('commandFailed', (e) => debug.debug('db failed', { id: e.requestId, ms: e.duration, err: e.failure.message }));
  }
  await client.connect();
  const override = runtimeSettings().db.lookups;
  const lookups: Lookups = override !== 'auto' ? override : 'ferretdbVersion' in (await client.db('admin').command({ buildInfo: 1 })) ? 'per-key' : 'batched';
  const hello = await client.db('admin').command({ hello: 1 });
  return { client, db: client.db(dbName), lookups, sealedReads: sealedReadPreference(typeof hello.setName === 'string'), close: () => client.close() };
}

/**
 * Find options that read at most `max` documents in one round-trip and leave no cursor open on
 * the server. Every read of ours uses it (or findOne): FerretDB 1.24 keeps an open cursor's
 * database connection until the cursor is killed or times out (10 min), so cursors left open by
 * a killed client exhaust its pool of 100 and every later command waits (seen in the kill -9
 * tests). A bounded read is also the only kind a ledger should make.
 */
export function oneBatch(max: number): { limit: number; batchSize: number; singleBatch: true } {
  return { limit: max, batchSize: max, singleBatch: true };
}

/**
 * A block's `_id` (on a ledger and on the main chain): its height as a 12-digit decimal string. A string because FerretDB's SQLite
 * backend pushes down only an `_id` equality on a string (or ObjectId); a lookup by a numeric
 * `_id` reads every block (docs/DATABASE.md). Zero-padded so that `_id` order is height order.
 */
export const blockKey = (height: number): string => height.toString().padStart(12, '0');

const PARALLEL_LOOKUPS = 16;

/** Documents of `collection` by `_id`, read as `lookups` says (see {@link Mongo.lookups}); missing ones are absent. With `projection`, only those fields. */
export async function findByIds<T extends { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  lookups: Lookups,
  projection?: Document,
): Promise<T[]> {
  if (ids.length === 0) return [];
  if (lookups === 'batched') return (await collection.find({ _id: { $in: [...ids] } } as Filter<T>, { ...oneBatch(ids.length), projection }).toArray()) as T[];
  const found: T[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL_LOOKUPS) {
    const docs = await Promise.all(ids.slice(i, i + PARALLEL_LOOKUPS).map((_id) => collection.findOne({ _id } as Filter<T>, { projection })));
    for (const doc of docs) if (doc) found.push(doc as T);
  }
  return found;
}

/**
 * Sealed documents by `_id`, read where `sealed` points (a secondary, see {@link Mongo.sealedReads})
 * and, for any not found there, from `primary`: a secondary that has not caught up yet misses the
 * newest documents, and a document the head says exists must be found.
 */
export async function findSealedByIds<T extends { _id: string }>(
  sealed: Collection<T>,
  primary: Collection<T>,
  ids: readonly string[],
  lookups: Lookups,
  projection?: Document,
): Promise<T[]> {
  const found = await findByIds(sealed, ids, lookups, projection);
  if (found.length === ids.length || sealed === primary) return found;
  const have = new Set(found.map((d) => d._id));
  return [
    ...found,
    ...(await findByIds(
      primary,
      ids.filter((id) => !have.has(id)),
      lookups,
      projection,
    )),
  ];
}

/**
 * Creates those of `indexes` that `collection` lacks (by name), one at a time: FerretDB 1.24 panics
 * on a createIndexes of several indexes when some exist (seen when a second replica or process
 * starts). A collection not there yet has none.
 */
export async function createMissingIndexes(collection: Collection<any>, indexes: ReadonlyArray<IndexDescription & { name: string }>): Promise<void> {
  const present = new Set(
    (
      await collection
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((i) => i.name as string),
  );
  for (const { key, ...options } of indexes) if (!present.has(options.name)) await collection.createIndex(key, options);
}
