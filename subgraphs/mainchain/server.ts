/** The main-chain subgraph: the registry, anchors, settlements, governance, and the main chain's blocks. */
import { mainchain } from '../../schema/index.ts';
import { connectMongo } from '../../db/mongo.ts';
import type { IncomingMessage } from 'node:http';
import { serve, type Served } from '../../runtime/http.ts';
import { OPERATOR_HEADER, VERIFY_OPERATOR_PATH } from '../../runtime/signing.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';
import type { MainchainContext } from './context.ts';
import { mainCheckpoints } from './checkpoints.ts';
import { registryLabel, statePlugin, WriteClock } from './state.ts';
import { REGISTRY_SCOPE, STATE_HEADER, STATE_PATH } from '../../runtime/stateLabel.ts';
import { isGrantRequest, LABEL_GRANT_MS, LabelGrants } from '../../runtime/labelGrants.ts';
import { Registry } from './registry.ts';
import { Anchors } from './anchors.ts';
import { MainChain } from './chain.ts';
import { Settler } from './settlements.ts';
import { DEFAULT_RULES, publicKeyOf } from '../../core/index.ts';
import { Governance } from './governance.ts';
import { ParameterStore } from './parameters.ts';
import { Operators, type Operator } from './operators.ts';
import { resolvers } from './resolvers.ts';
import { MainSealedCache } from './sealed.ts';
import { metricsEndpoint, serviceRegistry, watchImmutableCache } from '../../runtime/metrics.ts';
import { Lease, LeaseKeeper, type LeaseDoc } from '../../runtime/lease.ts';
import type { StateLabel } from '../../runtime/stateLabel.ts';
import { federationClient, type FederationClient } from '../../runtime/federation.ts';
import { COLLECTIONS } from './collections.ts';
import { mainchainRelay } from './relay.ts';

export interface MainchainConfig {
  port: number;
  host?: string;
  /** `GET /metrics` and `GET /ready` on a listener of their own (AIKI_METRICS_PORT), not on the GraphQL port. */
  metricsListener?: { port: number; host?: string };
  mongoUri: string;
  dbName: string;
  /** The root operator token, sent as `Authorization: Bearer <token>`; when absent, operator mutations are open (development only). */
  operatorToken?: string;
  /**
   * How it calls the federation's other services, and the secret they sign with: requests not signed
   * with `federation.secret` are refused (runtime/signing.ts). None: nothing signed or checked (tests in one process).
   */
  federation?: FederationClient;
  /** How long a proposal is open for votes, until governance changes it (default two days). */
  votingPeriodMs?: number;
  probeTimeoutMs?: number;
  /** The main chain's Ed25519 secret key (signs its blocks). */
  secretKey: Uint8Array;
  blockIntervalMs?: number;
  genesisTime?: string;
  /** How long a destination may take to credit a transfer before it is aborted and refunded. */
  settlementTimeoutMs?: number;
  settleIntervalMs?: number;
  /** Memory kept for sealed blocks, anchors, event positions and final settlements (sealed.ts); default 64 MiB. */
  sealedCacheBytes?: number;
  /** The main chain's lease term (runtime/lease.ts): a killed holder's successor acts within about three terms. Default 2 s. */
  leaseMs?: number;
  /** This process's GraphQL URL as the other main-chain processes reach it (default: the URL it serves on). */
  publicUrl?: string;
  /** Introspection and field suggestions (runtime/apollo.ts `schemaDisclosure`; main.ts: off when NODE_ENV=production); default on. */
  introspection?: boolean;
  /** The listener's certificate and key (AIKI_TLS_CERT, AIKI_TLS_KEY): HTTPS; none, HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

/** After taking the lease, the holder reads its state again this much later (runtime/lease.ts `LeaseKeeper`). */
const RELOAD_AFTER_MS = 10_000;

export const DEFAULT_MAINCHAIN_GENESIS_TIME = '2026-01-01T00:00:00.000Z';

export interface RunningMainchain extends Served {
  keeper: LeaseKeeper;
  chain: MainChain;
  anchors: Anchors;
  registry: Registry;
  settler: Settler;
  governance: Governance;
}

export async function startMainchainSubgraph(config: MainchainConfig, log: Logger): Promise<RunningMainchain> {
  const federation = config.federation ?? federationClient({ log });
  // Command events let the write clock count this process's writes (state.ts).
  const mongo = await connectMongo(config.mongoUri, config.dbName, 'aiki-mainchain', { monitorCommands: true });
  const lease = new Lease(mongo.db.collection<LeaseDoc>(COLLECTIONS.lease), { termMs: config.leaseMs ?? 2000 });
  // The parts ask it whether they may decide (only the lease holder writes: docs/SETTLEMENT.md).
  const keeper = new LeaseKeeper(lease, {
    name: 'main-chain',
    log,
    activate: () => activate(),
    deactivate: () => deactivate(),
    // Its work paused, the holder reads its state again: a killed holder's last writes the database finished late are taken in too.
    reload: { afterMs: RELOAD_AFTER_MS, run: () => reload() },
  });
  const may = () => keeper.holding;
  const clock = new WriteClock(mongo.client, () => keeper.epoch);
  const registry = new Registry(mongo.db, federation, config.probeTimeoutMs, may);
  // The registry's label promised to the gateways between its writes (runtime/labelGrants.ts) —
  // by the lease holder alone (registry.settledRevision): another process cannot revoke a grant
  // before the holder writes. A dead holder's grants run out (LABEL_GRANT_MS) before its successor,
  // which waits a lease term after taking over, writes anything.
  const registryGrants = new LabelGrants({
    windowMs: LABEL_GRANT_MS,
    current: () => {
      const revision = registry.settledRevision;
      return revision === undefined ? undefined : { label: registryLabel(revision), forMs: LABEL_GRANT_MS };
    },
  });
  registry.grants = registryGrants;
  await registry.init();
  const sealed = new MainSealedCache(config.sealedCacheBytes ?? 64 << 20);
  const chain = new MainChain(
    mongo.db,
    {
      secretKey: config.secretKey,
      publicKey: publicKeyOf(config.secretKey),
      blockIntervalMs: config.blockIntervalMs ?? 1000,
      maxEventsPerBlock: 1000,
      genesisTime: config.genesisTime ?? DEFAULT_MAINCHAIN_GENESIS_TIME,
      log,
      may,
    },
    sealed,
  );
  const settler = new Settler(
    mongo.db,
    registry,
    chain,
    {
      secretKey: config.secretKey,
      timeoutMs: config.settlementTimeoutMs ?? 30_000,
      intervalMs: config.settleIntervalMs ?? 500,
      log,
      federation,
      lookups: mongo.lookups,
      may,
    },
    sealed,
  );
  const anchors = new Anchors(mongo.db, registry, chain, settler, sealed);
  const parameters = new ParameterStore(
    mongo.db,
    {
      votingPeriodMs: config.votingPeriodMs ?? 2 * 86_400_000,
      rules: DEFAULT_RULES,
      mainBlockIntervalMs: config.blockIntervalMs ?? 1000,
      settlementTimeoutMs: config.settlementTimeoutMs ?? 30_000,
    },
    (p) => {
      chain.blockIntervalMs = p.mainBlockIntervalMs;
      settler.timeoutMs = p.settlementTimeoutMs;
    },
  );
  const governance = new Governance(mongo.db, chain, {
    actions: { registry, anchors, parameters, probeTimeoutMs: config.probeTimeoutMs ?? 3000, probes: federation },
    log,
    may,
    lookups: mongo.lookups,
    // Held through a term of office: holding now (after a renewal that was late, if need be) and not taken up anew since.
    term: { now: () => keeper.epoch, heldThrough: async (term) => keeper.epoch === term && (await keeper.waitHolding(lease.termMs)) && keeper.epoch === term },
  });
  const operators = new Operators(mongo.db, config.operatorToken, may);
  await operators.init();
  await chain.init();
  await settler.init();
  await governance.init();
  // Checkpoint trees follow the sealed blocks on every process (derived, written by unique-key inserts).
  const checkpoints = mainCheckpoints(mongo.db, chain, mongo.lookups, config.secretKey);
  const stopTree = checkpoints.keepUp(async () => (await chain.headBlock()).height, 10_000, log);
  if (operators.open) log.warn('AIKI_OPERATOR_TOKEN is not set: operator mutations are open to anyone (development only)');

  // What the lease holder keeps in memory is read from the database when it takes the lease, and
  // dropped when it loses it (docs/SETTLEMENT.md, "Several main-chain processes").
  const loadAll = async () => {
    await operators.init();
    await governance.load();
    await settler.load();
    await chain.load(); // after the settler: it finds the events of steps the settler recovered
  };
  const startAll = () => {
    chain.start();
    settler.start();
    governance.start();
  };
  async function activate(): Promise<void> {
    await registry.load();
    await loadAll();
    startAll();
  }
  async function reload(): Promise<void> {
    await governance.stop();
    await settler.stop();
    await chain.stop();
    try {
      await loadAll();
    } finally {
      startAll(); // as it was, should the read fail; a lost lease stops it all after this (the keeper runs one thing at a time)
    }
  }
  async function deactivate(): Promise<void> {
    await governance.unload();
    await settler.unload();
    await chain.unload();
    registry.unload();
  }

  /**
   * The gateway's signed claim when there is one — serve() refused the request already unless its
   * signature covered the claim, so only a holder of the federation's secret can have sent it —
   * else the request's own bearer token (the CLI and operators calling the main chain directly).
   * Without a secret nothing is signed, and a claim is never read.
   */
  const operatorOf = (req: IncomingMessage): Promise<Operator> => {
    const claim = req.headers[OPERATOR_HEADER];
    if (federation.secret && typeof claim === 'string') return operators.fromClaim(claim);
    return operators.authenticate(req.headers.authorization);
  };

  /**
   * The write clock's label: the lease holder's own (it makes every write of the main chain: the
   * others hand writes to it), asked of the holder by any other process. None while no process
   * holds the lease.
   */
  const writesLabel = async (local: boolean): Promise<StateLabel | undefined> => {
    if (may()) return clock.label();
    if (local) return undefined;
    const holder = await lease.holderUrl().catch(() => undefined);
    if (!holder || holder.holder === lease.holder) return undefined;
    return federation.label(holder.url, 2000, undefined, { local: true });
  };

  const apollo = createSubgraphServer<MainchainContext>(mainchain.typeDefs, resolvers, log, {
    introspection: config.introspection ?? true,
    plugins: [statePlugin<MainchainContext>()],
  });
  const metrics = serviceRegistry('mainchain');
  watchImmutableCache(metrics, 'aiki_mainchain_sealed_cache', 'AIKI_SEALED_CACHE_MB', () => sealed.stats());
  const served = await serve(apollo, {
    port: config.port,
    host: config.host,
    requireSignature: federation.secret,
    tls: config.tls,
    log,
    relay: mainchainRelay({ keeper, waitMs: 3 * lease.termMs + RELOAD_AFTER_MS, log, secret: federation.secret }),
    routes: {
      [VERIFY_OPERATOR_PATH]: (body) => operators.verify(body), // the gateway's operator check (docs/GATEWAY.md)
      // The gateway's check before it uses a kept answer: the registry's label, or the write clock's.
      // A grant is given for the registry's label alone: the write clock moves with every anchor.
      [STATE_PATH]: async (body) => {
        const asked = (body ?? {}) as { scope?: unknown; local?: unknown };
        const registryScope = asked.scope === REGISTRY_SCOPE;
        if (isGrantRequest(body)) return registryScope ? registryGrants.request(body.grant) : { label: null };
        return { label: registryScope ? registryLabel(await registry.revision()) : ((await writesLabel(asked.local === true)) ?? null) };
      },
    },
    context: async (req) => ({
      registry,
      anchors,
      chain,
      checkpoints,
      settler,
      governance,
      operators,
      operator: await operatorOf(req),
      state: req.headers[STATE_HEADER] ? { writes: await writesLabel(false), registry: registryLabel(await registry.revision()) } : undefined,
    }),
    metrics: metricsEndpoint(metrics),
    metricsListener: config.metricsListener,
    ready: async () => ({ municipalities: await registry.municipalities.countDocuments(), lease: may() }),
  });
  lease.url = config.publicUrl ?? served.url;
  await keeper.start();
  return {
    url: served.url,
    keeper,
    chain,
    anchors,
    registry,
    settler,
    governance,
    async close() {
      registry.release();
      await served.close();
      await keeper.stop();
      await stopTree();
      await mongo.close();
    },
  };
}
