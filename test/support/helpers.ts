/** Small helpers shared by the tests: unique database names and a GraphQL client over HTTP. */
import { randomBytes } from 'node:crypto';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { signRequest } from '../../runtime/signing.ts';
import { subgraphSecret } from '../../runtime/env.ts';
import { blockKey, type BlockDoc } from '../../subgraphs/ledger/models.ts';

export function mongoUri(): string {
  return inject('mongoUri');
}

/** A prefix for this test's database names; drop them with {@link dropDatabases}. */
export function uniquePrefix(label: string): string {
  return `t_${label}_${randomBytes(4).toString('hex')}`;
}

export async function dropDatabases(uri: string, prefix: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) if (name.startsWith(prefix)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

/** A test file's client of the test run's database server, and the prefix of its databases' names. */
export interface TestDatabase {
  readonly client: MongoClient;
  readonly prefix: string;
}

/**
 * Registers, for the calling test file, a `beforeAll` that connects a client to the test run's
 * database server and an `afterAll` that closes it and drops the databases named `<prefix>_…`.
 */
export function useTestDatabase(label: string, options: MongoClientOptions = {}): TestDatabase {
  const prefix = uniquePrefix(label);
  let client: MongoClient | undefined;
  beforeAll(async () => {
    client = new MongoClient(mongoUri(), options);
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await dropDatabases(mongoUri(), prefix);
  });
  return {
    prefix,
    get client(): MongoClient {
      if (!client) throw new Error('the test database is connected in beforeAll: read its client inside a test');
      return client;
    },
  };
}

export interface GraphQLReply<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> & { code?: string } }>;
}

/** A GraphQL request, signed as a federation member's when this process holds the secret (the gateway ignores the signature). */
export async function gql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLReply<T>> {
  const body = JSON.stringify({ query, variables });
  const secret = subgraphSecret();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, body) : {}), ...headers },
    body,
  });
  return (await res.json()) as GraphQLReply<T>;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Writes a block straight into a ledger's database, behind the ledger's back, so a test can tell
 * which database answered: a copy of the genesis block at `height` with the given hash (and
 * header fields).
 */
export async function plantBlock(uri: string, dbName: string, height: number, hash: string, header: Partial<BlockDoc['header']> = {}): Promise<void> {
  const client = new MongoClient(uri);
  try {
    const blocks = client.db(dbName).collection<BlockDoc>('blocks');
    const genesis = (await blocks.findOne({ _id: blockKey(0) }))!;
    await blocks.insertOne({ ...genesis, _id: blockKey(height), height, header: { ...genesis.header, ...header, height }, hash, txs: [] });
  } finally {
    await client.close();
  }
}
