/**
 * `tsx gateway/main.ts`: the federation gateway.
 * Configuration (README.md): AIKI_MAINCHAIN_URL, AIKI_PORT, AIKI_HOST, AIKI_REGISTRY_POLL_MS, AIKI_SHARD_TIMEOUT_MS, AIKI_SHARD_FANOUT,
 * AIKI_EXTENSION_TIMEOUT_MS, AIKI_EXTENSION_MAX_BYTES,
 * and the edge's (gateway/edge/config.ts): AIKI_SAFELIST, AIKI_APQ_ENTRIES, AIKI_RATE_LIMIT_RPS,
 * AIKI_RATE_LIMIT_BURST, AIKI_MAX_QUERY_DEPTH, AIKI_MAX_QUERY_COST, AIKI_MAX_QUERY_TOKENS, and the
 * cache's (gateway/cache/config.ts): AIKI_ENTITY_CACHE, AIKI_ENTITY_CACHE_MB, AIKI_ENTITY_CACHE_ENTRIES,
 * AIKI_SINGLE_FLIGHT; AIKI_METRICS_PORT and AIKI_METRICS_HOST (GET /metrics on a port of its own), AIKI_METRICS_PUBLIC;
 * AIKI_CORS_ORIGINS and AIKI_EXPLORER_DIR (the browser front: gateway/front.ts).
 */
import './tracing.ts'; // first: see the file
import { fileURLToPath } from 'node:url';
import { envFlag, envInt, envLogLevel, envMetricsListener, envString, envUrls } from '../runtime/env.ts';
import { prepareService } from '../runtime/prepareService.ts';
import { parseCorsOrigins } from '../runtime/cors.ts';
import { createLogger } from '../runtime/log.ts';
import { announceReady, onShutdown, runMain } from '../runtime/process.ts';
import { startGateway } from './server.ts';
import { FAN_OUT } from './router/ShardRouter.ts';
import { readEdgeConfig } from './edge/index.ts';
import { readCacheConfig } from './cache/index.ts';

const log = createLogger('gateway', envLogLevel());

/** Where `npm run build` puts the explorer: dist/explorer/ beside dist/gateway/ when run compiled, under dist/ when run from source. */
const BUILT_EXPLORER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/explorer/' : '../explorer/', import.meta.url));

runMain(log, async () => {
  const { federation, listener } = prepareService(log, 4000); // first: runtime settings, TLS trust, the federation client
  const { host } = listener;
  const metrics = envMetricsListener();
  const publicDetails = envFlag('AIKI_METRICS_PUBLIC');
  if (publicDetails && !['127.0.0.1', '::1', 'localhost'].includes(host))
    log.warn(
      `GET /metrics and /ready's details are served on the public port (AIKI_METRICS_PUBLIC=1, AIKI_HOST=${host}): set AIKI_METRICS_PORT instead to serve them on a port of their own`,
    );
  const gateway = await startGateway(
    {
      ...listener,
      federation,
      mainchainUrl: envUrls('AIKI_MAINCHAIN_URL', 'http://127.0.0.1:4001/graphql'),
      pollIntervalMs: envInt('AIKI_REGISTRY_POLL_MS', 10_000, { min: 50 }),
      shardTimeoutMs: envInt('AIKI_SHARD_TIMEOUT_MS', 10_000, { min: 100 }),
      shardFanOut: envInt('AIKI_SHARD_FANOUT', FAN_OUT, { min: 1, max: 10_000 }),
      extensionLimits: {
        timeoutMs: envInt('AIKI_EXTENSION_TIMEOUT_MS', 10_000, { min: 100 }),
        maxBytes: envInt('AIKI_EXTENSION_MAX_BYTES', 4 << 20, { min: 1024 }),
      },
      edge: readEdgeConfig(),
      cache: readCacheConfig(),
      metrics,
      publicDetails,
      cors: parseCorsOrigins(process.env.AIKI_CORS_ORIGINS),
      explorerDir: envString('AIKI_EXPLORER_DIR', BUILT_EXPLORER),
    },
    log,
  );
  log.info('serving', { url: gateway.url, metrics: gateway.metricsUrl, municipalities: gateway.shards.serving() });
  announceReady({ service: 'gateway', url: gateway.url });
  onShutdown(log, gateway.close);
});
