/**
 * The gateway, the main chain's face: @apollo/gateway with three seams of ours — the supergraph
 * comes from the registry (registry/), the `ledger` subgraph is called through the shard router
 * (router/), and every request passes the edge first (edge/: rate limit, persisted operations,
 * operation limits, operator auth). Reads are sped up by cache/: immutable ledger entities cached, identical
 * reads issued together sent once, query plans kept across shard map changes (docs/GATEWAY.md).
 */
import { ApolloGateway, type RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { serve, serveMetrics, type Served } from '../runtime/http.ts';
import { OPERATOR_HEADER, operatorClaim, type OperatorClaim } from '../runtime/signing.ts';
import type { FederationClient } from '../runtime/federation.ts';
import { maskErrors } from '../runtime/errors.ts';
import { boundedFetcher } from '../runtime/boundedFetcher.ts';
import { operationGuardPlugin } from '../runtime/operationGuard.ts';
import { apolloLogger, schemaDisclosure } from '../runtime/apollo.ts';
import type { Logger } from '../runtime/log.ts';
import { Endpoints } from '../runtime/failover.ts';
import type { CorsPolicy } from '../runtime/cors.ts';
import { staticSite } from '../runtime/staticSite.ts';
import { browserFront } from './front.ts';
import { RegistryClient } from './registry/RegistryClient.ts';
import { RegistrySupergraphManager } from './registry/RegistrySupergraphManager.ts';
import { ShardMap } from './router/ShardMap.ts';
import { ShardRouter } from './router/ShardRouter.ts';
import { edgePlugins, httpRateLimit, operatorAuthPlugin, operatorFields, OperatorVerifier, RateLimiter, type EdgeConfig } from './edge/index.ts';
import {
  cacheBounds,
  countedCalls,
  EntityCache,
  PlanCache,
  ResponseCache,
  SharedReadsDataSource,
  SingleFlight,
  StateCache,
  GrantedLabels,
  type CacheConfig,
  type GatewayCacheStats,
  type SubgraphAnswer,
  type WireNote,
} from './cache/index.ts';
import { GatewayMetrics, metricsEndpoint, metricsPlugin, observeAdmit, observeDataSource } from './observability/index.ts';

export interface GatewayConfig {
  /** How the gateway calls the federation's services: signed with its secret (runtime/federation.ts; gateway/main.ts makes it). */
  federation: FederationClient;
  port: number;
  host?: string;
  /** The main chain's GraphQL URL, or its processes' URLs: calls go to one that answers (runtime/failover.ts). */
  mainchainUrl: string | readonly string[];
  pollIntervalMs?: number;
  shardTimeoutMs?: number;
  /** The most ledger calls one request has in flight at once (ShardRouter.ts, default 16). */
  shardFanOut?: number;
  /** Time-out of one call to an extension subgraph and the most of its answer read (default 10 s, 4 MiB): an extension is not the federation's own. */
  extensionLimits?: { timeoutMs: number; maxBytes: number };
  /** Limits, persisted operations and rate limit (gateway/edge/config.ts reads them from the environment); default limits, APQ, no rate limit. */
  edge?: EdgeConfig;
  /** The caches, their budget and single-flight (gateway/cache/config.ts reads them from the environment); default all on, 48 MiB. */
  cache?: CacheConfig;
  /**
   * `GET /metrics` and a detailed `GET /ready` on a listener of its own (AIKI_METRICS_PORT,
   * AIKI_METRICS_HOST; loopback by default) and not on the public port.
   */
  metrics?: { port: number; host?: string };
  /**
   * `GET /metrics` and `GET /ready`'s details (shard map, cache and operator counters) on the public
   * port too (AIKI_METRICS_PUBLIC=1; the launcher of tests and benches sets it). Default off: the
   * public `/ready` says only whether the gateway is ready, and `/metrics` is not there.
   */
  publicDetails?: boolean;
  /** How long a verdict on an operator token is kept (default 5 s): the longest a revoked token still passes the gateway. */
  operatorVerdictTtlMs?: number;
  /** Origins whose pages may call the gateway (AIKI_CORS_ORIGINS); default none. */
  cors?: CorsPolicy;
  /** The built explorer and GraphiQL (dist/explorer/), served at `/` and at GET /graphql for browsers; not served when absent. */
  explorerDir?: string;
  /** Introspection and field suggestions (runtime/apollo.ts `schemaDisclosure`; main.ts: off when NODE_ENV=production); default on. */
  introspection?: boolean;
  /** The listener's certificate and key (AIKI_TLS_CERT, AIKI_TLS_KEY): HTTPS; none, HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

export interface GatewayContext {
  /** The caller's Authorization header: passed on to the main chain only when the gateway does not sign (development). */
  authorization?: string;
  /** The operator the gateway verified, when the operation selects an `@operator` field: passed on as a signed claim. */
  operator?: OperatorClaim;
  /** What the response cache answered this request from, for its bytes on the wire (cache/ResponseCache.ts). */
  wire?: WireNote;
}

export interface RunningGateway extends Served {
  /** Where `GET /metrics` is served: the metrics listener's URL, or the public port's; undefined when nowhere. */
  metricsUrl: string | undefined;
  shards: ShardMap;
  /** The caches' counters (also `GET /ready`'s `cache`). */
  cacheStats(): GatewayCacheStats;
}

export async function startGateway(config: GatewayConfig, log: Logger): Promise<RunningGateway> {
  const shards = new ShardMap();
  const metrics = new GatewayMetrics();
  metrics.watchShardMap(shards);
  const cache = config.cache ?? { entities: true, singleFlight: true };
  const singleFlight = cache.singleFlight
    ? new SingleFlight({ window: cache.singleFlight === 'flight' ? 'flight' : 'tick', queueMs: cache.singleFlightQueueMs })
    : undefined;
  const bounds = cacheBounds(cache.budgetBytes);
  const plans = new PlanCache(undefined, bounds.plans);
  // The subgraphs' labels held under their grants: a kept answer checked without a call (cache/GrantedLabels.ts).
  const mainchain = new Endpoints(typeof config.mainchainUrl === 'string' ? [config.mainchainUrl] : config.mainchainUrl);
  // The main chain's grants come from its lease holder alone: asked of whichever process answers (the others grant nothing).
  const { federation } = config;
  const ask: FederationClient['grant'] = (url, body, signal) =>
    mainchain.urls.includes(url)
      ? mainchain
          .run(
            (u) => federation.grant(u, body, signal).then((a) => a ?? Promise.reject(new TypeError(`no grant from ${u}`))),
            (err) => err instanceof TypeError && !signal.aborted,
          )
          .catch(() => undefined)
      : federation.grant(url, body, signal);
  const grants = cache.state === false ? undefined : new GrantedLabels(ask);
  const router = new ShardRouter(shards, {
    timeoutMs: config.shardTimeoutMs,
    fanOut: config.shardFanOut,
    federation,
    singleFlight,
    metrics,
    cache: cache.entities ? (scope) => new EntityCache({ scope, maxBytes: bounds.entities, maxEntries: cache.maxEntries }) : undefined,
    stateCache: cache.state === false ? undefined : { maxBytes: bounds.state, maxEntries: cache.maxEntries },
    grants,
  });
  countedCalls(router);
  const entityCache = router.cache;
  if (entityCache) metrics.watchCache(() => entityCache.stats());
  const stateCache = router.state;
  if (stateCache) metrics.watchCache(() => stateCache.stats(), 'state');
  // The main chain's (and extension subgraphs') labelled answers, checked at their /state before each use.
  // Any main-chain process answers a label check with the lease holder's label; one that does not answer (or has none to give) is passed over.
  const label = (url: string, labelScope?: string) =>
    mainchain.urls.includes(url)
      ? mainchain
          .run((u) => federation.label(u, undefined, labelScope).then((l) => l ?? Promise.reject(new TypeError(`no label from ${u}`))))
          .catch(() => undefined)
      : federation.label(url, undefined, labelScope);
  const subgraphState =
    cache.state === false
      ? undefined
      : new StateCache<SubgraphAnswer>({
          head: label,
          granted: grants && ((url, labelScope) => grants.current(url, labelScope)),
          singleFlight,
          maxBytes: bounds.subgraphState,
          maxEntries: cache.maxEntries,
        });
  if (subgraphState) metrics.watchCache(() => subgraphState.stats(), 'subgraph-state');
  // Whole responses made only of labelled answers, used again while every label holds.
  const responses = cache.state === false ? undefined : new ResponseCache({ maxBytes: bounds.responses, maxEntries: cache.maxEntries });
  if (responses) metrics.watchCache(() => responses.stats(), 'response');
  const cacheStats = (): GatewayCacheStats => ({
    entities: router.cache?.stats() ?? null,
    state: router.state?.stats() ?? null,
    subgraphState: subgraphState?.stats() ?? null,
    responses: responses?.stats() ?? null,
    grants: grants?.stats() ?? null,
    singleFlight: singleFlight?.stats() ?? null,
    plans: plans.stats(),
  });
  const manager = new RegistrySupergraphManager({
    registry: new RegistryClient(mainchain, federation),
    probes: federation,
    shards,
    log,
    pollIntervalMs: config.pollIntervalMs,
  });
  // Signed calls carry the verified operator as a claim and never the caller's token; unsigned
  // (development, no secret) a claim would be trusted by nobody, so the token goes on as before.
  const { secret } = federation;
  const forward = (context: GatewayContext): Record<string, string> => {
    if (!secret) return context.authorization ? { authorization: context.authorization } : {};
    return context.operator ? { [OPERATOR_HEADER]: operatorClaim(context.operator) } : {};
  };
  let needOperator: ReadonlySet<string> = new Set();
  const verifier = new OperatorVerifier({ mainchainUrl: config.mainchainUrl, ttlMs: config.operatorVerdictTtlMs, secret });
  const gateway = new ApolloGateway({
    supergraphSdl: manager,
    logger: apolloLogger(log),
    // Counted, and emptied by the gateway only when it installs a new supergraph: never for a
    // shard map change.
    queryPlannerConfig: { cache: plans },
    // Every call counted: a response is kept only if each was vouched for (cache/readThrough.ts).
    buildService: ({ name, url }) => {
      if (name === 'ledger') return router; // counted once, where it is made
      const signed = federation.fetch;
      const fetcher =
        name === 'mainchain'
          ? failoverFetcher(signed, mainchain)
          : boundedFetcher(signed, { subgraph: name, ...(config.extensionLimits ?? { timeoutMs: 10_000, maxBytes: 4 << 20 }) });
      const source = new SharedReadsDataSource<GatewayContext>(
        { url, fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'] }, // signed, kept alive
        { singleFlight, forward, state: subgraphState },
      );
      return countedCalls(observeDataSource(source, name, metrics));
    },
  });
  // Which fields need an operator is read from each supergraph the gateway installs (`@operator`).
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    needOperator = operatorFields(coreSupergraphSdl);
    log.info('operator fields', { fields: [...needOperator] });
  });
  const edge = config.edge ?? { limits: {} };
  const limiter = edge.rateLimit && new RateLimiter(edge.rateLimit);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [
      ApolloServerPluginLandingPageDisabled(), // Sandbox loads from a CDN: GraphiQL is ours (front.ts)
      metricsPlugin<GatewayContext>(metrics), // first: it times from the earliest point
      operationGuardPlugin<GatewayContext>(), // before any plugin reads the operation
      ...edgePlugins<GatewayContext>(edge),
      operatorAuthPlugin<GatewayContext>({ fields: () => needOperator, verifier, grant: (context, operator) => void (context.operator = operator) }),
      ...(responses ? [responses.plugin<GatewayContext>()] : []), // last: after every check of the request
    ],
    persistedQueries: false, // edge/persisted.ts serves APQ and the safelist
    formatError: maskErrors(log),
    ...schemaDisclosure(config.introspection ?? true),
    includeStacktraceInErrorResponses: false,
    logger: apolloLogger(log),
  });
  /** What `GET /ready` tells besides "ready": where the gateway routes and what its caches hold — for operators. */
  const details = async () => ({ municipalities: shards.serving(), cache: cacheStats(), operators: { ...verifier.counts } });
  const served = await serve(apollo, {
    port: config.port,
    host: config.host,
    tls: config.tls,
    log,
    admit: limiter && observeAdmit(metrics, httpRateLimit(limiter)), // before the body is read: the cheapest refusal
    front: browserFront(config.cors ?? { origins: [], anyOrigin: false }, staticSite(config.explorerDir ?? '')),
    metrics: config.publicDetails ? metricsEndpoint(metrics) : undefined, // GET /metrics, Prometheus text format
    context: async (req) => ({ authorization: req.headers.authorization, wire: {} }),
    shortcut: responses && {
      key: (req, body) => responses.wireKey(req.headers, body),
      async answer(key) {
        const start = performance.now();
        const answer = await responses.answerWire(key);
        if (answer) metrics.observeRequest({ operationType: 'query', outcome: 'ok', code: '', durationMs: performance.now() - start });
        return answer;
      },
      heard: (key, context, answer) => responses.heardWire(key, context.wire, answer),
    },
    ready: config.publicDetails ? details : undefined,
  });
  let scrape: Served | undefined;
  try {
    scrape = config.metrics && (await serveMetrics({ ...config.metrics, metrics: metricsEndpoint(metrics), ready: details, log }));
  } catch (err) {
    await served.close();
    throw err;
  }
  return {
    ...served,
    metricsUrl: scrape?.url ?? (config.publicDetails ? served.url.replace(/\/graphql$/, '/metrics') : undefined),
    async close() {
      grants?.close();
      await scrape?.close();
      await served.close();
    },
    shards,
    cacheStats,
  };
}

/**
 * The main chain's data source calls whichever of its processes answers: a call that gets no answer
 * (a process killed) goes to the next. A mutation goes on only if the refused process never got it
 * (connection refused): one cut off mid-way may have been carried out, so its caller is told.
 */
function failoverFetcher(fetcher: FederationClient['fetch'], mainchain: Endpoints): FederationClient['fetch'] {
  return (url, init) => {
    if (!mainchain.urls.includes(url)) return fetcher(url, init);
    const mutation = typeof init?.body === 'string' && /^\s*mutation\b/.test((JSON.parse(init.body) as { query?: string }).query ?? '');
    const refused = (err: unknown) => (err as { cause?: { code?: unknown } } | undefined)?.cause?.code === 'ECONNREFUSED';
    return mainchain.run(
      (u) => fetcher(u, init),
      (err) => err instanceof TypeError && (!mutation || refused(err)),
    );
  };
}
