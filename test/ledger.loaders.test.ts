/**
 * DataLoader batching, measured with the driver's command monitoring: a page of transactions with
 * their blocks and accounts costs the same number of database commands whatever its size.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import type { RunningLedger } from '../subgraphs/ledger/server.ts';
import { createLogger } from '../runtime/log.ts';
import { dropDatabases, eventually, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { startTestLedger, transfer, wallet } from './support/ledger.ts';

const log = createLogger('test', 'error');
let ledger: RunningLedger;
let prefix: string;
const treasury = wallet('kyoto');
const recipients = Array.from({ length: 7 }, () => wallet('kyoto'));
const TOTAL = 150;

beforeAll(async () => {
  prefix = uniquePrefix('loaders');
  ledger = await startTestLedger(
    prefix,
    'loaders test',
    {
      allocations: [{ address: treasury.address, amount: '1000000' }],
      blockIntervalMs: 20,
      maxTxPerBlock: 40, // several blocks, so the page spans blocks
      monitorCommands: true,
      // What MongoDB does: one `$in` per collection. (On FerretDB the ledger reads by key instead,
      // db/mongo.ts; this test is about DataLoader batching, which both strategies share.)
      lookups: 'batched',
    },
    log,
  );
  for (let i = 1; i <= TOTAL; i++) await ledger.admission.submit([transfer(treasury, recipients[i % recipients.length]!.address, i, i)]);
  await eventually(async () => ((await ledger.store.mempool.countDocuments()) === 0 ? true : undefined), 20_000, 'all confirmed');
});

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

const PAGE = `query($r: [_Any!]!, $n: Int!) { _entities(representations: $r) { ... on Account {
  balance transactions(first: $n) { edges { node { id amount block { height hash } sender { balance nonce } recipient { balance } } } }
} } }`;

async function commandsFor(n: number): Promise<{ count: number; names: string[] }> {
  const names: string[] = [];
  const listen = (e: CommandStartedEvent) => names.push(e.commandName);
  await ledger.sequencer.stop(); // no sealing rounds in the count
  ledger.mongo.client.on('commandStarted', listen);
  try {
    const r = await gql(ledger.url, PAGE, { r: [{ __typename: 'Account', id: treasury.address }], n });
    expect(r.errors).toBeUndefined();
    const edges = (r.data!._entities as Array<{ transactions: { edges: unknown[] } }>)[0]!.transactions.edges;
    expect(edges).toHaveLength(n);
  } finally {
    ledger.mongo.client.off('commandStarted', listen);
  }
  return { count: names.length, names };
}

it('reads a page of 100 transactions with their blocks and accounts in as many commands as a page of 5', async () => {
  const small = await commandsFor(5);
  const large = await commandsFor(100);
  expect(large.names).toEqual(small.names);
  expect(large.count).toBeLessThanOrEqual(5); // account, history page, blocks, accounts
});
