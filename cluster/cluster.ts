/**
 * A whole federation on one machine: a database, the main chain, one ledger subgraph per
 * municipality, the gateway. `npm start` runs one with fixed ports and a data folder; the
 * end-to-end tests run one per test file on free ports with their own databases.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDatabase, type Database } from '../db/launcher.ts';
import { spawnService, type ServiceProcess } from './services.ts';
import { postGraphQL, type GraphQLReply } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { keptSecret } from '../runtime/devSecrets.ts';

export interface MunicipalitySpec {
  code: string;
  name: string;
}

export interface ClusterOptions {
  municipalities: MunicipalitySpec[];
  /** A database to use; otherwise one is started (see db/launcher.ts) in `dataDir`. */
  db?: Database;
  dataDir?: string;
  /**
   * Where the federation's keys and secret are kept (`npm start`: `.data/keys`), made at random on
   * first use; absent: made at random for this cluster alone. Environment given below overrides them.
   */
  keyDir?: string;
  /** Prefix of every database name, so that clusters can share one server. */
  dbPrefix?: string;
  /** Fixed ports (npm start); 0 or absent means any free port. */
  ports?: { gateway?: number; mainchain?: number; ledgerBase?: number };
  operatorToken: string;
  pollIntervalMs?: number;
  /** Extra environment of the main-chain processes (key, block interval…). */
  mainchainEnv?: Record<string, string>;
  /** How many main-chain processes over its one database (one holds the lease; docs/SETTLEMENT.md). Default 1. */
  mainchainReplicas?: number;
  /** Extra environment of the gateway process (edge settings…). Without it, no rate limit: tests and benches send from one address. */
  gatewayEnv?: Record<string, string>;
  /** The gateway from dist/ (`npm run build:server`) with plain node, as deployed; default: from source through tsx. */
  gatewayCompiled?: boolean;
  /** Extra environment of each ledger process (genesis, keys, block interval…). */
  ledgerEnv?: (spec: MunicipalitySpec) => Record<string, string>;
  onLog?: (service: string, line: string) => void;
}

export interface Cluster {
  db: Database;
  /** The first main-chain process (as started; after a restart, the one restarted last). */
  mainchain: ServiceProcess;
  /** Every main-chain process, in the order of their ports. */
  mainchains: ServiceProcess[];
  /** Their URLs, as the gateway and the ledgers are given them (AIKI_MAINCHAIN_URL). */
  mainchainUrls: string[];
  ledgers: Map<string, ServiceProcess>;
  gateway: ServiceProcess;
  dbPrefix: string;
  /** The hex Ed25519 secret keys in use: the main chain's, and each municipality's sequencer key (made now for one not started yet). */
  keys: { mainchain: string; sequencer(code: string): string };
  /** Starts one more ledger subgraph process for a municipality (not registered): a new one, or a replica. */
  startLedger(spec: MunicipalitySpec, port?: number, env?: Record<string, string>): Promise<ServiceProcess>;
  /** Starts main-chain process `index` (default 0) again (after a kill) on the port it had, so that every URL of it still holds. */
  restartMainchain(index?: number): Promise<ServiceProcess>;
  /** The main-chain process holding the lease now (its /ready says so), or undefined. */
  mainchainHolder(): Promise<ServiceProcess | undefined>;
  /** Registers a municipality on the main chain, as an operator would. */
  register(spec: MunicipalitySpec, endpoints: string[]): Promise<GraphQLReply>;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  // The federation's secret (runtime/signing.ts): every service signs its calls to the others and
  // refuses unsigned ones. The launching process holds it too — the children inherit its
  // environment — so that tests and benches can call subgraphs directly, as a member would.
  const secret = (name: string) => (opts.keyDir ? keptSecret(join(opts.keyDir, name)) : randomBytes(32).toString('hex'));
  process.env.AIKI_SUBGRAPH_SECRET ||= secret('subgraph-secret');
  const mainchainSecret = opts.mainchainEnv?.AIKI_MAINCHAIN_KEY ?? secret('mainchain.key');
  const sequencers = new Map<string, string>();
  const sequencerKey = (code: string) => {
    if (!sequencers.has(code)) sequencers.set(code, secret(`${code}-sequencer.key`));
    return sequencers.get(code)!;
  };
  // Development: the municipalities and extensions of a local cluster answer on loopback, which
  // the federation calls only when allowed (runtime/endpoint.ts).
  process.env.AIKI_ALLOW_PRIVATE_ENDPOINTS ??= '1';
  const db = opts.db ?? (await startDatabase({ dataDir: opts.dataDir }));
  const prefix = opts.dbPrefix ?? 'aiki';
  const log = (service: string) => (line: string) => opts.onLog?.(service, line);
  const started: ServiceProcess[] = [];
  const ledgers = new Map<string, ServiceProcess>();
  let mainchainUrls: string[] = [];
  let mainchainKey = '';

  const startLedger = async (spec: MunicipalitySpec, port = 0, env: Record<string, string> = {}) => {
    const ledgerEnv = {
      AIKI_MUNICIPALITY: spec.code,
      MONGODB_URI: db.uri,
      AIKI_DB_NAME: `${prefix}_ledger_${spec.code.replaceAll('-', '_')}`,
      AIKI_PORT: String(port),
      AIKI_MAINCHAIN_URL: mainchainUrls.join(','),
      AIKI_MAINCHAIN_PUBLIC_KEY: mainchainKey,
      AIKI_SEQUENCER_KEY: sequencerKey(spec.code),
      ...opts.ledgerEnv?.(spec),
      ...env,
    };
    sequencers.set(spec.code, ledgerEnv.AIKI_SEQUENCER_KEY);
    const ledger = await spawnService(`ledger:${spec.code}`, 'ledger', { env: ledgerEnv, onLog: log(spec.code) });
    started.push(ledger);
    ledgers.set(spec.code, ledger);
    return ledger;
  };

  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
    if (!opts.db) await db.stop();
  };

  const replicas = opts.mainchainReplicas ?? 1;
  const startMainchain = async (port: number, index: number) => {
    const name = replicas > 1 ? `mainchain-${index + 1}` : 'mainchain';
    const mainchain = await spawnService(name, 'mainchain', {
      env: {
        MONGODB_URI: db.uri,
        AIKI_DB_NAME: `${prefix}_mainchain`,
        AIKI_PORT: String(port),
        AIKI_OPERATOR_TOKEN: opts.operatorToken,
        AIKI_MAINCHAIN_KEY: mainchainSecret,
        ...opts.mainchainEnv,
      },
      onLog: log(name),
    });
    started.push(mainchain);
    return mainchain;
  };

  try {
    const base = opts.ports?.mainchain;
    const mainchains: ServiceProcess[] = [];
    // One at a time: the first takes the lease at once, the others find it held.
    for (let i = 0; i < replicas; i++) mainchains.push(await startMainchain(base ? base + i : 0, i));
    const mainchain = mainchains[0]!;
    mainchainUrls = mainchains.map((m) => m.url);
    // The ledgers check settlement orders against the main chain's key (docs/SETTLEMENT.md).
    const chain = await postGraphQL<{ mainChain: { sequencer: string } }>(mainchain.url, '{ mainChain { sequencer } }', { secret: subgraphSecret() });
    mainchainKey = chain.data?.mainChain.sequencer ?? '';
    if (!mainchainKey) throw new Error(`the main chain did not tell its key: ${JSON.stringify(chain.errors)}`);

    const register: Cluster['register'] = (spec, endpoints) =>
      postGraphQL(mainchain.url, 'mutation Register($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }', {
        variables: { input: { ...spec, endpoints } },
        headers: { authorization: `Bearer ${opts.operatorToken}` },
        secret: subgraphSecret(),
      });

    const ledgerBase = opts.ports?.ledgerBase;
    await Promise.all(opts.municipalities.map((spec, i) => startLedger(spec, ledgerBase ? ledgerBase + i : 0)));
    for (const spec of opts.municipalities) {
      const result = await register(spec, [ledgers.get(spec.code)!.url]);
      const code = result.errors?.[0]?.extensions?.code;
      if (result.errors && code !== 'MUNICIPALITY_EXISTS') throw new Error(`registering ${spec.code}: ${result.errors[0]!.message}`);
    }

    const gateway = await spawnService('gateway', 'gateway', {
      env: {
        AIKI_MAINCHAIN_URL: mainchainUrls.join(','),
        AIKI_PORT: String(opts.ports?.gateway ?? 0),
        AIKI_REGISTRY_POLL_MS: String(opts.pollIntervalMs ?? 1000),
        AIKI_RATE_LIMIT_RPS: '0',
        AIKI_METRICS_PUBLIC: '1', // tests and benches read /metrics and /ready's counters; npm start turns it off
        ...opts.gatewayEnv,
      },
      onLog: log('gateway'),
      compiled: opts.gatewayCompiled,
    });
    started.push(gateway);
    const cluster: Cluster = {
      db,
      mainchain,
      mainchains,
      mainchainUrls,
      ledgers,
      gateway,
      dbPrefix: prefix,
      keys: { mainchain: mainchainSecret, sequencer: sequencerKey },
      startLedger,
      register,
      stop,
      restartMainchain: async (index = 0) => {
        const restarted = await startMainchain(Number(new URL(mainchainUrls[index]!).port), index);
        mainchains[index] = restarted;
        cluster.mainchain = restarted;
        return restarted;
      },
      mainchainHolder: async () => {
        for (const m of mainchains) {
          const ready = await fetch(new URL('/ready', m.url))
            .then((r) => r.json() as Promise<{ lease?: boolean }>)
            .catch(() => undefined);
          if (ready?.lease) return m;
        }
        return undefined;
      },
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}
