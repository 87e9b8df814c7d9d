/**
 * A federation for one test file: the cluster of `cluster/cluster.ts` on the test run's database
 * server (test/support/globalSetup.ts), its databases named under a prefix of the file's own, and
 * the municipalities the tests use.
 */
import { startCluster, type Cluster, type ClusterOptions, type MunicipalitySpec } from '../../cluster/cluster.ts';
import { MongoClient } from 'mongodb';
import { dropDatabases, eventually, gql, mongoUri, type GraphQLReply } from './helpers.ts';

export const KYOTO: MunicipalitySpec = { code: 'kyoto', name: 'Kyoto' };
export const OSAKA: MunicipalitySpec = { code: 'osaka', name: 'Osaka' };
export const NARA: MunicipalitySpec = { code: 'nara', name: 'Nara' };

/** Starts a cluster whose databases are named `<prefix>_…` (a {@link uniquePrefix} of the file) on the shared server; stop it with {@link stopTestCluster}. */
export function startTestCluster(prefix: string, opts: Omit<ClusterOptions, 'db' | 'dbPrefix'>): Promise<Cluster> {
  return startCluster({ ...opts, db: { uri: mongoUri(), kind: 'external', stop: async () => {} }, dbPrefix: prefix });
}

/** Stops the cluster (if it started) and drops its databases (even if it did not start: some may have been made). */
export async function stopTestCluster(cluster: Cluster | undefined, prefix: string): Promise<void> {
  await cluster?.stop();
  await dropDatabases(mongoUri(), prefix);
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
