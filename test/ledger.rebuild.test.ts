/** The derived state (tx index, accounts, history) is rebuilt from the blocks alone. */
import { afterAll, expect, it } from 'vitest';
import type { RunningLedger } from '../subgraphs/ledger/server.ts';
import { dropDatabases, eventually, mongoUri, uniquePrefix } from './support/helpers.ts';
import { startTestLedger, transfer, verifyStoredChain, wallet } from './support/ledger.ts';

const prefix = uniquePrefix('rebuild');
let ledger: RunningLedger | undefined;

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

it('rebuilds balances, nonces, the tx index and history from the blocks after they are dropped', async () => {
  const alice = wallet('kyoto');
  const others = Array.from({ length: 4 }, () => wallet('kyoto'));
  ledger = await startTestLedger(prefix, 'rebuild test', {
    allocations: [{ address: alice.address, amount: '100000' }],
    blockIntervalMs: 20,
    maxTxPerBlock: 7,
  });
  const { store, sequencer, admission } = ledger;
  for (let n = 1; n <= 30; n++)
    expect(await admission.submit([transfer(alice, others[n % others.length]!.address, n, n)])).not.toContainEqual(expect.any(Error));
  await eventually(async () => ((await store.mempool.countDocuments()) === 0 ? true : undefined), 20_000, 'all sealed');
  await sequencer.stop();
  const snapshot = async () => ({
    accounts: await store.accounts.find().sort({ _id: 1 }).toArray(),
    txIndex: await store.txIndex.find().sort({ _id: 1 }).toArray(),
    history: await store.history.find().sort({ _id: 1 }).toArray(),
  });
  const before = await snapshot();
  expect(before.txIndex).toHaveLength(30);

  for (const c of [store.accounts, store.txIndex, store.history]) await c.deleteMany({});
  const head = await store.head();
  expect(head.height).toBeGreaterThan(4);
  await store.meta.deleteOne({ _id: 'applied' });
  expect((await store.catchUp()).height).toBe(head.height); // genesis and every block, again

  expect(await snapshot()).toEqual(before);
  await verifyStoredChain(store.db);
});
