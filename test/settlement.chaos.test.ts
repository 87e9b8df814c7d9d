/**
 * Settlement under chaos, with real kills: 540 random transfers between three municipalities
 * from concurrent clients, while the main chain is `kill -9`ed and restarted mid-run, and so are
 * two ledgers. Each client retries its signed transfer until acknowledged. Afterwards: every
 * acknowledged transfer is in exactly one block at its source and has one settlement, every
 * settlement is final (credited or refunded), no credit or refund was written twice and none
 * was both, every chain verifies, and the balances of all municipalities add up to the genesis.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../cluster/cluster.ts';
import { hexToBytes } from '../core/index.ts';
import { eventually, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { startTestCluster, stopTestCluster } from './support/cluster.ts';
import { expectLedgersSettledOnce, genesisOf, randomTransfers, TOWNS, townWallets, TRANSFERS, type Settled } from './support/chaos.ts';

const wallets = townWallets();
const RETRYABLE = new Set(['SEQUENCER_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'SIGNATURE_EXPIRED']);
let cluster: Cluster;
let prefix: string;
let mongo: MongoClient;

beforeAll(async () => {
  prefix = uniquePrefix('chaos');
  cluster = await startTestCluster(prefix, {
    municipalities: TOWNS,
    operatorToken: 'chaos-token',
    pollIntervalMs: 200,
    mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '100', AIKI_SETTLE_INTERVAL_MS: '100', AIKI_SETTLEMENT_TIMEOUT_MS: '3000' },
    ledgerEnv: (spec) => ({
      AIKI_BLOCK_INTERVAL_MS: '50',
      AIKI_ANCHOR_INTERVAL_MS: '50',
      AIKI_LEASE_MS: '2500', // see ledger.crash.test.ts
      AIKI_GENESIS: genesisOf(wallets, spec.code),
    }),
  });
  mongo = new MongoClient(mongoUri());
}, 120_000);

afterAll(async () => {
  await mongo?.close();
  await stopTestCluster(cluster, prefix);
});

it('settles 540 random transfers between municipalities exactly once across kill -9 of the main chain and of ledgers', { timeout: 300_000 }, async () => {
  const traffic = randomTransfers(cluster, wallets, RETRYABLE);
  const total = TRANSFERS;
  // Kills at shares of the acknowledged transfers, so always mid-traffic however fast it runs.
  const whenSent = (share: number) => traffic.whenSent(share, 120_000);
  const chaos = (async () => {
    await whenSent(0.2);
    await cluster.mainchain.kill(); // kill -9
    await new Promise((r) => setTimeout(r, 500));
    await cluster.restartMainchain();
    await whenSent(0.45);
    const osaka = cluster.ledgers.get('osaka')!;
    await osaka.kill();
    await cluster.startLedger(TOWNS[1]!, Number(new URL(osaka.url).port));
    await whenSent(0.65);
    await cluster.mainchain.kill();
    await cluster.restartMainchain();
    await whenSent(0.8);
    const kyoto = cluster.ledgers.get('kyoto')!;
    await kyoto.kill();
    await cluster.startLedger(TOWNS[0]!, Number(new URL(kyoto.url).port));
  })();
  await Promise.all([traffic.done, chaos]);
  const { acknowledged } = traffic;
  expect(acknowledged.length).toBe(total);

  // Every acknowledged transfer settled, and final.
  const settlements = await eventually(
    async () => {
      const r = await gql(cluster.mainchain.url, '{ settlements(first: 1000) { id status creditId refundId } }');
      const all = (r.data?.settlements ?? []) as Settled[];
      return all.length === total && all.every((s) => s.status === 'CREDITED' || s.status === 'REFUNDED') ? all : undefined;
    },
    120_000,
    'every settlement final',
  );
  expect(new Set(settlements.map((s) => s.id))).toEqual(new Set(acknowledged));

  const mainKey = hexToBytes(((await gql(cluster.mainchain.url, '{ mainChain { sequencer } }')).data!.mainChain as { sequencer: string }).sequencer);
  await expectLedgersSettledOnce(mongo, prefix, mainKey, settlements);
  const refunded = settlements.filter((s) => s.status === 'REFUNDED').length;
  console.log(`chaos: ${total - refunded} credited, ${refunded} refunded (credits not written within the time-out while a ledger was down)`);
});
