/** The municipal ledger subgraph: one per municipality, on that municipality's own database. */
import { ledger } from '../../schema/index.ts';
import { connectMongo, type Lookups, type Mongo } from '../../db/mongo.ts';
import { serve, type Served } from '../../runtime/http.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';
import { publicKeyOf } from '../../core/index.ts';
import { ledgerCheckpoints } from './checkpoints.ts';
import type { LedgerContext } from './context.ts';
import { genesisBlock, type Allocation } from './genesis.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';
import { Sequencer } from './sequencer.ts';
import { Admission, FORWARDED_HEADER } from './admission.ts';
import { Endpoints } from '../../runtime/failover.ts';
import { LedgerStore } from './store.ts';
import { AnchorPusher } from './anchoring.ts';
import { HeadReader, LabelReader, statePlugin } from './state.ts';
import { SealedCache } from './sealed.ts';
import { metricsEndpoint, serviceRegistry, watchImmutableCache } from '../../runtime/metrics.ts';
import { STATE_HEADER, STATE_PATH } from '../../runtime/stateLabel.ts';
import { isGrantRequest, LABEL_GRANT_MS, LabelGrants } from '../../runtime/labelGrants.ts';
import { federationClient, type FederationClient } from '../../runtime/federation.ts';

export interface LedgerConfig {
  municipality: string;
  port: number;
  host?: string;
  /**
   * How it calls the federation's other services, and the secret they sign with: requests not signed
   * with `federation.secret` are refused (runtime/signing.ts). None: nothing signed or checked (tests in one process).
   */
  federation?: FederationClient;
  mongoUri: string;
  dbName: string;
  /** The sequencer's Ed25519 secret key (32 bytes); every replica of a municipality has the same. */
  sequencerKey: Uint8Array;
  genesis?: { allocations: Allocation[]; time: string };
  /** Run the sequencer loop (default); false for a replica that only serves reads and forwards submissions. */
  sequence?: boolean;
  blockIntervalMs?: number;
  maxTxPerBlock?: number;
  leaseMs?: number;
  pohTicksPerMs?: number;
  /** Where other replicas reach this one (forwarded submissions); default: the URL it serves on. */
  publicUrl?: string;
  /** The main chain's GraphQL URL, or its processes' URLs (tried in turn: runtime/failover.ts): sealed blocks are pushed there to be anchored. None: not anchored. */
  mainchainUrl?: string | readonly string[];
  /** The main chain's Ed25519 public key: settlement orders must be signed by it. */
  mainchainKey?: Uint8Array;
  anchorIntervalMs?: number;
  /** How several documents are read by `_id`; by default what suits the database (db/mongo.ts). */
  lookups?: Lookups;
  /** Memory kept for sealed blocks and confirmed transactions (sealed.ts); default 64 MiB. */
  sealedCacheBytes?: number;
  /** Emit the driver's command events on `mongo.client` (tests count database round-trips). */
  monitorCommands?: boolean;
  /** `GET /metrics` and `GET /ready` on a listener of their own (AIKI_METRICS_PORT), not on the GraphQL port. */
  metricsListener?: { port: number; host?: string };
  /** Introspection and field suggestions (runtime/apollo.ts `schemaDisclosure`; main.ts: off when NODE_ENV=production); default on. */
  introspection?: boolean;
  /** The listener's certificate and key (AIKI_TLS_CERT, AIKI_TLS_KEY): HTTPS; none, HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

export interface RunningLedger extends Served {
  mongo: Mongo;
  store: LedgerStore;
  sequencer: Sequencer;
  admission: Admission;
}

export const DEFAULT_GENESIS_TIME = '2026-01-01T00:00:00.000Z';

export async function startLedgerSubgraph(config: LedgerConfig, log: Logger): Promise<RunningLedger> {
  const federation = config.federation ?? federationClient({ log });
  const mongo = await connectMongo(config.mongoUri, config.dbName, `aiki-ledger-${config.municipality}`, { monitorCommands: config.monitorCommands, log });
  const store = new LedgerStore(mongo.db, config.municipality, config.lookups ?? mongo.lookups, mongo.sealedReads);
  const publicKey = publicKeyOf(config.sequencerKey);
  const genesis = config.genesis ?? { allocations: [], time: DEFAULT_GENESIS_TIME };
  await store.init(genesisBlock(config.municipality, genesis.allocations, genesis.time, config.sequencerKey, publicKey));

  const leaseMs = config.leaseMs ?? 5000;
  // The head promised to the gateways while this replica holds the lease and knows its chain for certain.
  const grants: LabelGrants = new LabelGrants({
    windowMs: LABEL_GRANT_MS,
    current: () => {
      const known = sequencer.knownHead();
      return known?.applied ? { label: { height: known.height, hash: known.hash }, forMs: known.sureForMs } : undefined;
    },
  });
  const sequencer = new Sequencer(store, {
    grants,
    secretKey: config.sequencerKey,
    publicKey,
    blockIntervalMs: config.blockIntervalMs ?? 200,
    maxTxPerBlock: config.maxTxPerBlock ?? 1000,
    leaseMs,
    pohTicksPerMs: config.pohTicksPerMs ?? 10,
    log,
  });
  const admission = new Admission(store, sequencer, federation, leaseMs, config.mainchainKey);

  const checkpoints = ledgerCheckpoints(store, config.municipality, config.sequencerKey, publicKey);
  const sealed = new SealedCache(config.sealedCacheBytes ?? 64 << 20);
  const heads = new HeadReader(store, sealed, () => sequencer.knownHead());
  const labels = new LabelReader(store, heads, sealed);
  const apollo = createSubgraphServer<LedgerContext>(ledger.typeDefs, resolvers, log, {
    introspection: config.introspection ?? true,
    plugins: [statePlugin<LedgerContext>(resolvers as Record<string, unknown>)],
  });
  const metrics = serviceRegistry('ledger');
  watchImmutableCache(metrics, 'aiki_ledger_sealed_cache', 'AIKI_SEALED_CACHE_MB', () => sealed.stats());
  const served = await serve(apollo, {
    port: config.port,
    host: config.host,
    requireSignature: federation.secret,
    tls: config.tls,
    answerProbes: true, // the contract check and genesis read, unsigned (runtime/probe.ts)
    log,
    // The gateway's check before it uses a kept answer, or its request for a grant of the head.
    routes: { [STATE_PATH]: async (body) => (isGrantRequest(body) ? grants.request(body.grant) : { label: (await labels.read()) ?? null }) },
    metrics: metricsEndpoint(metrics),
    metricsListener: config.metricsListener,
    context: async (req) => {
      // Read before any resolver runs: the label must not be newer than what they read. Its
      // height is then the request's head, saving a second read.
      const state = req.headers[STATE_HEADER] ? { label: await labels.read(), volatile: false } : undefined;
      return {
        municipality: config.municipality,
        store,
        sealed,
        loaders: createLoaders(store, sealed, heads, state?.label?.height),
        admission,
        checkpoints,
        forwarded: req.headers[FORWARDED_HEADER] === '1',
        state,
      };
    },
    ready: async () => ({ municipality: config.municipality, height: (await store.head()).height, sequencer: sequencer.isLeader }),
  });
  // The sequencer's first round before announcing readiness: a ledger that takes the lease has
  // applied every committed block (genesis included) first. It needs the URL it serves on.
  sequencer.url = config.publicUrl ?? served.url;
  if (config.sequence !== false) await sequencer.start();
  const pusher = config.mainchainUrl
    ? new AnchorPusher(
        store,
        sequencer,
        new Endpoints(typeof config.mainchainUrl === 'string' ? [config.mainchainUrl] : config.mainchainUrl),
        config.anchorIntervalMs ?? 500,
        federation,
      )
    : undefined;
  // The lease holder keeps what it has just committed: the newest block is the one read most.
  sequencer.onCommitted = (block) => {
    sealed.putBlock(block);
    pusher?.committed(block);
  };
  // And where each of its transactions is, once the tx index holds them: a transaction asked for
  // just after it was confirmed needs no lookup (the tx index is written last, docs/LEDGER.md).
  sequencer.onApplied = (block) => block.txs.forEach((tx, index) => sealed.putTxIndex({ _id: tx.id, height: block.height, index }));
  pusher?.start();
  const stopTree = checkpoints.keepUp(async () => (await store.head({ light: true })).height, 10_000, log);
  return {
    url: served.url,
    metricsUrl: served.metricsUrl,
    mongo,
    store,
    sequencer,
    admission,
    async close() {
      await served.close();
      await pusher?.stop();
      await sequencer.stop();
      await stopTree();
      await mongo.close();
    },
  };
}
