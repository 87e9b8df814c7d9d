/**
 * `tsx subgraphs/ledger/main.ts`: one municipality's ledger subgraph (and sequencer replica).
 * Configuration (README.md): AIKI_MUNICIPALITY, MONGODB_URI, AIKI_PORT, AIKI_HOST, AIKI_DB_NAME,
 * AIKI_SEQUENCER_KEY, AIKI_GENESIS, AIKI_GENESIS_TIME, AIKI_SEQUENCE, AIKI_BLOCK_INTERVAL_MS,
 * AIKI_MAX_TX_PER_BLOCK, AIKI_LEASE_MS, AIKI_POH_TICKS_PER_MS, AIKI_PUBLIC_URL, AIKI_MAINCHAIN_URL,
 * AIKI_ANCHOR_INTERVAL_MS, AIKI_MAINCHAIN_PUBLIC_KEY, AIKI_SUBGRAPH_SECRET, AIKI_SEALED_CACHE_MB.
 */
import './tracing.ts'; // first: see the file
import { bytesToHex, publicKeyOf } from '../../core/index.ts';
import { assertMunicipalityCode } from '../../core/municipality.ts';
import {
  envDbName,
  envFlag,
  envInt,
  envJson,
  envMongoUri,
  envTime,
  envLogLevel,
  envMetricsListener,
  envPublicKey,
  envSecretKey,
  envString,
  envUrl,
  envUrls,
} from '../../runtime/env.ts';
import { createLogger } from '../../runtime/log.ts';
import { prepareService } from '../../runtime/prepareService.ts';
import { announceReady, onShutdown, runMain } from '../../runtime/process.ts';
import type { Allocation } from './genesis.ts';
import { defaultLedgerDbName } from './collections.ts';
import { DEFAULT_GENESIS_TIME, startLedgerSubgraph } from './server.ts';

const municipality = assertMunicipalityCode(envString('AIKI_MUNICIPALITY'), 'AIKI_MUNICIPALITY');
const log = createLogger(`ledger:${municipality}`, envLogLevel());

const isAllocations = (value: unknown): value is Allocation[] =>
  Array.isArray(value) && value.every((a) => typeof a?.address === 'string' && typeof a?.amount === 'string');

function genesisAllocations(): Allocation[] {
  return envJson('AIKI_GENESIS', [], isAllocations, 'a JSON array of {"address": "<municipality>:<hex>", "amount": "<integer>"}');
}

runMain(log, async () => {
  const { federation, listener } = prepareService(log, 4100); // first: runtime settings, TLS trust, the federation client
  const key = envSecretKey('AIKI_SEQUENCER_KEY', `${municipality}-sequencer.key`, log);
  const served = await startLedgerSubgraph(
    {
      municipality,
      ...listener,
      federation,
      metricsListener: envMetricsListener(),
      mongoUri: envMongoUri(),
      dbName: envDbName('AIKI_DB_NAME', defaultLedgerDbName(municipality)),
      sequencerKey: key,
      genesis: { allocations: genesisAllocations(), time: envTime('AIKI_GENESIS_TIME', DEFAULT_GENESIS_TIME) },
      sequence: envFlag('AIKI_SEQUENCE', true),
      blockIntervalMs: envInt('AIKI_BLOCK_INTERVAL_MS', 200, { min: 1 }),
      maxTxPerBlock: envInt('AIKI_MAX_TX_PER_BLOCK', 1000, { min: 1, max: 10_000 }),
      leaseMs: envInt('AIKI_LEASE_MS', 5000, { min: 100 }),
      pohTicksPerMs: envInt('AIKI_POH_TICKS_PER_MS', 10, { min: 0, max: 10_000 }),
      publicUrl: envUrl('AIKI_PUBLIC_URL'),
      mainchainUrl: envUrls('AIKI_MAINCHAIN_URL'),
      mainchainKey: process.env.AIKI_MAINCHAIN_PUBLIC_KEY ? envPublicKey('AIKI_MAINCHAIN_PUBLIC_KEY') : undefined,
      anchorIntervalMs: envInt('AIKI_ANCHOR_INTERVAL_MS', 500, { min: 10 }),
      sealedCacheBytes: envInt('AIKI_SEALED_CACHE_MB', 64, { min: 1, max: 65_536 }) * 1024 * 1024,
    },
    log,
  );
  log.info('serving', { url: served.url, sequencer: bytesToHex(publicKeyOf(key)) });
  announceReady({ service: 'ledger', municipality, url: served.url });
  onShutdown(log, served.close);
});
