/**
 * Connecting to MongoDB with the concerns the ledger relies on (DESIGN.md, "Ledger rules"):
 * acknowledged writes are `majority` and journaled, confirmed reads are `majority`.
 */
import { MongoClient, type Db } from 'mongodb';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string, appName: string): Promise<Mongo> {
  const client = new MongoClient(uri, {
    appName,
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    serverSelectionTimeoutMS: 5000,
    ignoreUndefined: true,
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}
