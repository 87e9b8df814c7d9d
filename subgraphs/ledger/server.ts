/** The municipal ledger subgraph: one per municipality, on that municipality's own database. */
import { ledger } from '../../schema/index.ts';
import { connectMongo } from '../../db/mongo.ts';
import { serve, type Served } from '../../runtime/http.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';
import type { LedgerContext } from './context.ts';
import { resolvers } from './resolvers.ts';
import { LedgerStore } from './store.ts';

export interface LedgerConfig {
  municipality: string;
  port: number;
  host?: string;
  mongoUri: string;
  dbName: string;
}

export async function startLedgerSubgraph(config: LedgerConfig, log: Logger): Promise<Served> {
  const mongo = await connectMongo(config.mongoUri, config.dbName, `aiki-ledger-${config.municipality}`);
  const store = new LedgerStore(mongo.db, config.municipality);
  await store.init();

  const apollo = createSubgraphServer<LedgerContext>(ledger.typeDefs, resolvers, log);
  const served = await serve(apollo, {
    port: config.port,
    host: config.host,
    log,
    context: async () => ({ municipality: config.municipality, store }),
    ready: async () => ({ municipality: config.municipality, height: (await store.head()).height }),
  });
  return {
    url: served.url,
    async close() {
      await served.close();
      await mongo.close();
    },
  };
}
