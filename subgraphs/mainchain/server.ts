/** The main-chain subgraph: the registry of municipalities, anchors, and the main chain's blocks. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mainchain } from '../../schema/index.ts';
import { connectMongo } from '../../db/mongo.ts';
import { serve, type Served } from '../../runtime/http.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import type { Logger } from '../../runtime/log.ts';
import type { MainchainContext } from './context.ts';
import { Registry } from './registry.ts';
import { Anchors } from './anchors.ts';
import { MainChain } from './chain.ts';
import { Settler } from './settlements.ts';
import { publicKeyOf } from '../../core/index.ts';
import { resolvers } from './resolvers.ts';

export interface MainchainConfig {
  port: number;
  host?: string;
  mongoUri: string;
  dbName: string;
  /** Operators send it as `Authorization: Bearer <token>`; when absent, operator mutations are open (development only). */
  operatorToken?: string;
  probeTimeoutMs?: number;
  /** The main chain's Ed25519 secret key (signs its blocks). */
  secretKey: Uint8Array;
  blockIntervalMs?: number;
  genesisTime?: string;
  /** How long a destination may take to credit a transfer before it is aborted and refunded. */
  settlementTimeoutMs?: number;
  settleIntervalMs?: number;
}

export const DEFAULT_MAINCHAIN_GENESIS_TIME = '2026-01-01T00:00:00.000Z';

export interface RunningMainchain extends Served {
  chain: MainChain;
  anchors: Anchors;
  registry: Registry;
  settler: Settler;
}

export async function startMainchainSubgraph(config: MainchainConfig, log: Logger): Promise<RunningMainchain> {
  const mongo = await connectMongo(config.mongoUri, config.dbName, 'aiki-mainchain');
  const registry = new Registry(mongo.db, config.probeTimeoutMs);
  await registry.init();
  const chain = new MainChain(mongo.db, {
    secretKey: config.secretKey,
    publicKey: publicKeyOf(config.secretKey),
    blockIntervalMs: config.blockIntervalMs ?? 1000,
    maxEventsPerBlock: 1000,
    genesisTime: config.genesisTime ?? DEFAULT_MAINCHAIN_GENESIS_TIME,
    log,
  });
  const settler = new Settler(mongo.db, registry, chain, {
    secretKey: config.secretKey,
    timeoutMs: config.settlementTimeoutMs ?? 30_000,
    intervalMs: config.settleIntervalMs ?? 500,
    log,
  });
  const anchors = new Anchors(mongo.db, registry, chain, settler);
  await settler.init();
  await chain.init();
  chain.start();
  settler.start();
  if (!config.operatorToken) log.warn('AIKI_OPERATOR_TOKEN is not set: operator mutations are open to anyone (development only)');
  const isOperator = operatorCheck(config.operatorToken);

  const apollo = createSubgraphServer<MainchainContext>(mainchain.typeDefs, resolvers, log);
  const served = await serve(apollo, {
    port: config.port,
    host: config.host,
    log,
    context: async (req) => ({ registry, anchors, chain, settler, operator: isOperator(req) }),
    ready: async () => ({ municipalities: await registry.municipalities.countDocuments() }),
  });
  return {
    url: served.url,
    chain,
    anchors,
    registry,
    settler,
    async close() {
      await served.close();
      await settler.stop();
      await chain.stop();
      await mongo.close();
    },
  };
}

/** Compares the bearer token by SHA-256 digest in constant time; only the digest is kept in memory. */
function operatorCheck(token: string | undefined): (req: IncomingMessage) => boolean {
  if (!token) return () => true;
  const expected = createHash('sha256').update(token).digest();
  return (req) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]!).digest(), expected);
  };
}
