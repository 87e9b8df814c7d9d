/**
 * `tsx subgraphs/ledger/main.ts`: one municipality's ledger subgraph.
 * Configuration (README.md): AIKI_MUNICIPALITY, MONGODB_URI, AIKI_PORT, AIKI_HOST, AIKI_DB_NAME.
 */
import { assertMunicipalityCode } from '../../core/municipality.ts';
import { envInt, envString } from '../../runtime/env.ts';
import { createLogger } from '../../runtime/log.ts';
import { announceReady, onShutdown, runMain } from '../../runtime/process.ts';
import { startLedgerSubgraph } from './server.ts';

const municipality = assertMunicipalityCode(envString('AIKI_MUNICIPALITY'), 'AIKI_MUNICIPALITY');
const log = createLogger(`ledger:${municipality}`);

runMain(log, async () => {
  const served = await startLedgerSubgraph(
    {
      municipality,
      port: envInt('AIKI_PORT', 4100, { max: 65535 }),
      host: envString('AIKI_HOST', '127.0.0.1'),
      mongoUri: envString('MONGODB_URI'),
      dbName: envString('AIKI_DB_NAME', `aiki_ledger_${municipality.replaceAll('-', '_')}`),
    },
    log,
  );
  log.info('serving', { url: served.url });
  announceReady({ service: 'ledger', municipality, url: served.url });
  onShutdown(log, served.close);
});
