/**
 * A federation for one test file ({@link useTestCluster}): the cluster of `cluster/cluster.ts` on the
 * test run's database server (test/support/globalSetup.ts), its databases named under a prefix of
 * the file's own; the municipalities and the settings the tests use.
 */
import { startCluster, type Cluster, type ClusterOptions, type MunicipalitySpec } from '../../cluster/cluster.ts';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { dropDatabases, eventually, gql, mongoUri, uniquePrefix, type GraphQLReply } from './helpers.ts';

export const KYOTO: MunicipalitySpec = { code: 'kyoto', name: 'Kyoto' };
export const OSAKA: MunicipalitySpec = { code: 'osaka', name: 'Osaka' };
export const NARA: MunicipalitySpec = { code: 'nara', name: 'Nara' };

/** Ledgers that seal a block and anchor their chain every 50 ms (tests wait on both). */
export const FAST_LEDGERS: Record<string, string> = { AIKI_BLOCK_INTERVAL_MS: '50', AIKI_ANCHOR_INTERVAL_MS: '50' };
/** A main chain that seals a block every 100 ms. */
export const FAST_MAINCHAIN: Record<string, string> = { AIKI_MAIN_BLOCK_INTERVAL_MS: '100' };
/** A main chain that seals a block and settles transfers between municipalities every 100 ms. */
export const FAST_SETTLEMENT: Record<string, string> = { ...FAST_MAINCHAIN, AIKI_SETTLE_INTERVAL_MS: '100' };

export interface Allocation {
  address: string;
  amount: string;
}

/** Genesis allocations (AIKI_GENESIS) that fund each of `accounts` with `amount`. */
export function funds(amount: number | bigint | string, ...accounts: Array<{ address: string }>): Allocation[] {
  return accounts.map((a) => ({ address: a.address, amount: String(amount) }));
}

export interface TestClusterOptions extends Omit<ClusterOptions, 'db' | 'dbPrefix' | 'ledgerEnv' | 'operatorToken'> {
  /** The token an operator's calls carry; a file that makes none may leave it out. */
  operatorToken?: string;
  /** Extra environment of every ledger process, or of each by its municipality. */
  ledgerEnv?: Record<string, string> | ((spec: MunicipalitySpec) => Record<string, string>);
  /** The accounts each municipality's ledger funds in its genesis block (AIKI_GENESIS; a municipality not named funds none). */
  genesis?: Record<string, Allocation[]>;
}

/** The federation of one test file, as {@link useTestCluster} gives it. */
export interface TestCluster {
  /** Its processes: started by the `beforeAll` that useTestCluster registered, so read it in tests and in hooks registered after. */
  readonly cluster: Cluster;
  /** The prefix of its databases' names (`<prefix>_mainchain`, `<prefix>_ledger_<code>`…): a {@link uniquePrefix} of the name given. */
  readonly prefix: string;
  /** A client of the database server those databases are on: made at first use, closed before the cluster stops. */
  readonly mongo: MongoClient;
}

/**
 * Registers with vitest a `beforeAll` that starts a cluster on the test run's database server, its
 * databases named under a fresh {@link uniquePrefix} of `name`, and an `afterAll` that stops it and
 * drops those databases (even if it did not start: some may have been made). `options` may be a
 * function, called in that `beforeAll`, where they depend on what the file makes first. vitest runs
 * `beforeAll` hooks in the order they were registered and `afterAll` hooks in the reverse order: a
 * hook registered after this call runs with the cluster started and ends before it stops.
 * `timeoutMs`: the start's time-out, if not vitest's hookTimeout.
 */
export function useTestCluster(name: string, options: TestClusterOptions | (() => TestClusterOptions), timeoutMs?: number): TestCluster {
  const prefix = uniquePrefix(name);
  let started: Cluster | undefined;
  let mongo: MongoClient | undefined;
  beforeAll(async () => {
    const { ledgerEnv, genesis, ...rest } = typeof options === 'function' ? options() : options;
    started = await startCluster({
      operatorToken: `${prefix}-operator`,
      ...rest,
      ledgerEnv: (spec) => ({
        ...(typeof ledgerEnv === 'function' ? ledgerEnv(spec) : ledgerEnv),
        ...(genesis?.[spec.code] ? { AIKI_GENESIS: JSON.stringify(genesis[spec.code]) } : {}),
      }),
      db: { uri: mongoUri(), kind: 'external', stop: async () => {} },
      dbPrefix: prefix,
    });
  }, timeoutMs);
  afterAll(async () => {
    await mongo?.close();
    await started?.stop();
    await dropDatabases(mongoUri(), prefix);
  });
  return {
    prefix,
    get mongo(): MongoClient {
      return (mongo ??= new MongoClient(mongoUri()));
    },
    get cluster(): Cluster {
      if (!started) throw new Error(`the ${name} cluster is not started: read it in a test, or in a hook registered after useTestCluster`);
      return started;
    },
  };
}

/**
 * Writes a municipality into the main chain's registry behind its back (straight into its database,
 * as if the main chain's checks had been skipped), and waits for the gateway to have checked it
 * itself: its answer to `{ municipality(code: …) { name chain { height } } }` once it carries the
 * reason it is kept out of the shard map.
 */
export async function registeredBehindMainchain(
  cluster: Cluster,
  entry: { code: string; name: string; endpoints: string[] } & Record<string, unknown>,
  timeoutMs: number,
): Promise<GraphQLReply> {
  const client = new MongoClient(mongoUri());
  try {
    await client
      .db(`${cluster.dbPrefix}_mainchain`)
      .collection('municipalities')
      .insertOne({ _id: entry.code as never, status: 'ACTIVE', registeredAt: new Date(), ...entry });
  } finally {
    await client.close();
  }
  return eventually(
    async () => {
      const r = await gql(cluster.gateway.url, `{ municipality(code: "${entry.code}") { name chain { height } } }`);
      return r.errors?.[0]?.extensions?.reason ? r : undefined;
    },
    timeoutMs,
    `the gateway to check ${entry.code}`,
  );
}
