/**
 * Connecting to MongoDB with the concerns the ledger relies on (DESIGN.md, "Ledger rules"):
 * acknowledged writes are `majority` and journaled, confirmed reads are `majority`.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '../runtime/log.ts';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(
  uri: string,
  dbName: string,
  appName: string,
  { monitorCommands = false, log }: { monitorCommands?: boolean; log?: Logger } = {},
): Promise<Mongo> {
  // At AIKI_LOG_LEVEL=debug every database command is logged with its duration.
  const debug = log && process.env.AIKI_LOG_LEVEL === 'debug';
  const client = new MongoClient(uri, {
    appName,
    monitorCommands: monitorCommands || Boolean(debug),
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    serverSelectionTimeoutMS: 5000,
    ignoreUndefined: true,
  });
  if (debug) {
    client.on('commandStarted', (e) => log.debug('db command', { id: e.requestId, command: e.commandName, collection: e.command[e.commandName] }));
    client.on('commandSucceeded', (e) => log.debug('db done', { id: e.requestId, ms: e.duration }));
    client.on('commandFailed', (e) => log.debug('db failed', { id: e.requestId, ms: e.duration, err: e.failure.message }));
  }
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
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
