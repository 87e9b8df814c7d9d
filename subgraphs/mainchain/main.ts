/**
 * `tsx subgraphs/mainchain/main.ts`: the main-chain subgraph.
 * Configuration (README.md): MONGODB_URI, AIKI_PORT, AIKI_HOST, AIKI_DB_NAME, AIKI_OPERATOR_TOKEN,
 * AIKI_MAINCHAIN_KEY, AIKI_MAIN_BLOCK_INTERVAL_MS, AIKI_PROBE_TIMEOUT_MS, AIKI_SETTLEMENT_TIMEOUT_MS,
 * AIKI_SETTLE_INTERVAL_MS, AIKI_VOTING_PERIOD_MS, AIKI_SUBGRAPH_SECRET, AIKI_SEALED_CACHE_MB, AIKI_LEASE_MS,
 * AIKI_PUBLIC_URL. Several processes over one database make one main chain: one holds the lease and
 * decides, the others answer reads and hand it writes (docs/SETTLEMENT.md).
 */
import './tracing.ts'; // first: see the file
import { dataDir, envDbName, envInt, envMongoUri, envToken, envLogLevel, envMetricsListener, envSecretKey, envUrl } from '../../runtime/env.ts';
import { keptSecret } from '../../runtime/devSecrets.ts';
import { createLogger } from '../../runtime/log.ts';
import { prepareService } from '../../runtime/prepareService.ts';
import { announceReady, onShutdown, runMain } from '../../runtime/process.ts';
import { startMainchainSubgraph } from './server.ts';
import { DEFAULT_MAINCHAIN_DB } from './collections.ts';
import { join } from 'node:path';

const log = createLogger('mainchain', envLogLevel());

/** AIKI_OPERATOR_TOKEN; unset, the data folder's (`<AIKI_DATA_DIR>/operator-token`, the one `npm start` prints), made at random on first use. */
function operatorToken(): string {
  const given = envToken('AIKI_OPERATOR_TOKEN');
  if (given) return given;
  const file = join(dataDir(), 'operator-token');
  log.warn(`AIKI_OPERATOR_TOKEN is not set: operators use the development token of this data folder, ${file}`);
  return keptSecret(file, 24);
}

runMain(log, async () => {
  const { federation, listener } = prepareService(log, 4001); // first: runtime settings, TLS trust, the federation client
  const served = await startMainchainSubgraph(
    {
      ...listener,
      federation,
      metricsListener: envMetricsListener(),
      mongoUri: envMongoUri(),
      dbName: envDbName('AIKI_DB_NAME', DEFAULT_MAINCHAIN_DB),
      operatorToken: operatorToken(),
      probeTimeoutMs: envInt('AIKI_PROBE_TIMEOUT_MS', 3000, { min: 100 }),
      secretKey: envSecretKey('AIKI_MAINCHAIN_KEY', 'mainchain.key', log),
      blockIntervalMs: envInt('AIKI_MAIN_BLOCK_INTERVAL_MS', 1000, { min: 1 }),
      settlementTimeoutMs: envInt('AIKI_SETTLEMENT_TIMEOUT_MS', 30_000, { min: 100 }),
      settleIntervalMs: envInt('AIKI_SETTLE_INTERVAL_MS', 500, { min: 10 }),
      votingPeriodMs: envInt('AIKI_VOTING_PERIOD_MS', 2 * 86_400_000, { min: 1000 }),
      sealedCacheBytes: envInt('AIKI_SEALED_CACHE_MB', 64, { min: 1, max: 65_536 }) * 1024 * 1024,
      leaseMs: envInt('AIKI_LEASE_MS', 2000, { min: 200 }),
      publicUrl: envUrl('AIKI_PUBLIC_URL'),
    },
    log,
  );
  log.info('serving', { url: served.url });
  announceReady({ service: 'mainchain', url: served.url });
  onShutdown(log, served.close);
});
