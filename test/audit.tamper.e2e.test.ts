/**
 * `aiki audit` against a chain whose stored blocks are changed one at a time in the database, behind
 * the ledger: whichever block is changed, and whatever part of it, the audit fails naming that
 * block (issue 15). The chain (40 blocks of 1–4 transfers) is written by test/support/chain.ts
 * and anchored by the ledger itself; each change is made while the ledger is stopped (it keeps
 * sealed blocks in memory), and undone before the next, and the untouched chain audits clean again at the end.
 * The same for the main chain that anchored it and `aiki audit --mainchain`, each change made
 * while the main chain is stopped.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Collection, Filter } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockKey } from '../db/mongo.ts';
import type { BlockDoc } from '../subgraphs/ledger/models.ts';
import type { MainBlockDoc } from '../subgraphs/mainchain/models.ts';
import { fundedSenders, writeChain } from './support/chain.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_MAINCHAIN, KYOTO, useTestCluster } from './support/cluster.ts';

const BLOCKS = 40;
const run = promisify(execFile);
const { senders, genesis } = fundedSenders('kyoto', 24, 10n ** 9n);
let blocks: Collection<BlockDoc>;
let mainBlocks: Collection<MainBlockDoc>;
let port: number;

const fed = useTestCluster('tamper', {
  municipalities: [KYOTO],
  mainchainEnv: FAST_MAINCHAIN,
  // The gateway's caches off: rightly, they would answer a sealed block from what they kept (a
  // sealed block never changes), and this test is about what the ledger's database holds.
  gatewayEnv: { AIKI_ENTITY_CACHE: '0', AIKI_STATE_CACHE: '0' },
  ledgerEnv: { AIKI_ANCHOR_INTERVAL_MS: '50' },
  genesis: { kyoto: genesis },
});

beforeAll(async () => {
  const db = fed.mongo.db(`${fed.prefix}_ledger_kyoto`);
  blocks = db.collection('blocks');
  mainBlocks = fed.mongo.db(`${fed.prefix}_mainchain`).collection('blocks');
  const ledger = fed.cluster.ledgers.get('kyoto')!;
  port = Number(new URL(ledger.url).port);
  await ledger.stop();
  await writeChain({ db, lookups: 'per-key', municipality: 'kyoto', sequencerKey: fed.cluster.keys.sequencer('kyoto'), senders, blocks: BLOCKS });
  await fed.cluster.startLedger(KYOTO, port);
  await eventually(
    async () =>
      (await gql(fed.cluster.gateway.url, 'query($h: Int!) { anchor(municipality: "kyoto", height: $h) { inclusion { index } } }', { h: BLOCKS })).data?.anchor
        ?.inclusion
        ? true
        : undefined,
    60_000,
    `kyoto anchored and sealed up to ${BLOCKS}`,
  );
}, 240_000);

async function audit(...chain: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const what = chain.length ? chain : ['kyoto', '--to', String(BLOCKS)];
  return run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, 'audit', ...what, '--page', '7']).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

/**
 * Changes one block at a time of the chain in `docs`, while the service writing it is stopped (it
 * keeps sealed blocks in memory): stops it, puts back the block changed before, applies `change` to
 * block `height` (if given), and starts it again on the database as it is then.
 */
function blockChanger<T extends { _id: string }>(docs: () => Collection<T>, stop: () => Promise<unknown>, start: () => Promise<unknown>) {
  /** The block changed now, as it was. */
  let changedNow: T | undefined;
  return async (height?: number, change?: (doc: T) => void): Promise<void> => {
    await stop();
    const blocks = docs();
    if (changedNow) await blocks.replaceOne({ _id: changedNow._id } as Filter<T>, changedNow);
    changedNow = undefined;
    if (height !== undefined && change) {
      const original = (await blocks.findOne({ _id: blockKey(height) } as Filter<T>)) as T;
      const changed = structuredClone(original);
      change(changed);
      expect(changed).not.toEqual(original);
      await blocks.replaceOne({ _id: original._id } as Filter<T>, changed);
      changedNow = original;
    }
    await start();
  };
}

const changeBlock = blockChanger(
  () => blocks,
  () => fed.cluster.ledgers.get('kyoto')!.stop(),
  () => fed.cluster.startLedger(KYOTO, port),
);

const hex = (s: string) => (s[0] === '0' ? `1${s.slice(1)}` : `0${s.slice(1)}`);
/** A block from 1 to BLOCKS − 1 at random (the head stays untouched: the ledger seals on it). */
const someBlock = () => 1 + Math.floor(Math.random() * (BLOCKS - 1));

/** A change to a stored block: what it is, the block it is made to, the change, and the check expected to fail first for it. */
type Change<T> = [string, () => number | Promise<number>, (doc: T) => void, string];

/**
 * The tests of one chain's audit (`aiki audit ...args`): it passes on the chain as it is (`verified`
 * in its report), fails naming the block and the check for each of `changes` (made one at a time with
 * `changeBlock`), and passes again once every block is back as it was.
 */
function auditOfChangedBlocks<T>(
  args: string[],
  asIs: string,
  verified: RegExp,
  changes: Array<Change<T>>,
  changeBlock: (height?: number, change?: (doc: T) => void) => Promise<void>,
) {
  it(`passes on the ${asIs}`, async () => {
    const r = await audit(...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(verified);
  });

  it.each(changes)(
    'fails naming the block when %s',
    async (_what, pick, change, check) => {
      const height = await pick();
      await changeBlock(height, change);
      const r = await audit(...args);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`audit failed: block ${height}, check ${check}:`));
      expect(r.stdout).toMatch(new RegExp(`✗ block ${height} ${check}: `));
    },
    120_000,
  );

  it('passes again once every block is back as it was', async () => {
    await changeBlock();
    const r = await audit(...args);
    expect(r.code, r.stderr).toBe(0);
  });
}

// One change of each kind, each to a block picked at random; the check expected first for it.
const CHANGES: Array<Change<BlockDoc>> = [
  ["a transfer's amount is changed", someBlock, (d) => (d.txs[0]!.body.amount = String(Number(d.txs[0]!.body.amount) + 1)), 'transactions'],
  ["a transfer's recipient is changed", someBlock, (d) => (d.txs.at(-1)!.body.to = senders[0]!.address), 'transactions'],
  ['a transaction is dropped', someBlock, (d) => d.txs.pop(), 'transactions'],
  ["the header's time is changed", someBlock, (d) => (d.header.time = new Date(Date.parse(d.header.time) + 1).toISOString()), 'block hash'],
  ["the header's pohCount is changed", someBlock, (d) => (d.header.pohCount += 1), 'block hash'],
  ['the stored block hash is changed', someBlock, (d) => (d.hash = hex(d.hash)), 'block hash'],
  ['the block signature is changed', someBlock, (d) => (d.signature = hex(d.signature)), 'sequencer signature'],
  ["a PoH entry's ticks are changed", someBlock, (d) => (d.txs[0]!.poh.ticks += 1), 'proof of history'],
  ['a genesis allocation is changed', () => 0, (d) => (d.allocations![0]!.amount = '1'), 'genesis allocations'],
];

describe('aiki audit on a chain changed in the database', () => {
  auditOfChangedBlocks([], 'chain as written', new RegExp(`verified: kyoto blocks 0–${BLOCKS}`), CHANGES, changeBlock);
});

/** As {@link changeBlock}, for a main-chain block. */
const changeMainBlock = blockChanger(
  () => mainBlocks,
  () => fed.cluster.mainchain.stop(),
  () => fed.cluster.restartMainchain(),
);

/** A main-chain block below the head that seals an anchor of kyoto, at random (the head stays untouched: the main chain seals on it). */
async function someMainBlock(): Promise<number> {
  const [head] = await mainBlocks
    .find({}, { projection: { height: 1 } })
    .sort({ height: -1 })
    .limit(1)
    .toArray();
  const heights = (await mainBlocks.find({ height: { $lt: head!.height }, 'events.kind': 'anchor' }, { projection: { height: 1 } }).toArray()).map(
    (b) => b.height,
  );
  expect(heights.length).toBeGreaterThan(0);
  return heights[Math.floor(Math.random() * heights.length)]!;
}

const anchorAt = (d: MainBlockDoc) => d.events.findIndex((e) => e.kind === 'anchor');

// One change of each kind to the main chain, each to a block picked at random; the check expected first for it.
const MAIN_CHANGES: Array<Change<MainBlockDoc>> = [
  ["the header's time is changed", someMainBlock, (d) => (d.header.time = new Date(Date.parse(d.header.time) + 1).toISOString()), 'block hash'],
  ['the stored block hash is changed', someMainBlock, (d) => (d.hash = hex(d.hash)), 'block hash'],
  ['the block signature is changed', someMainBlock, (d) => (d.signature = hex(d.signature)), 'main-chain signature'],
  ["an event's id is changed", someMainBlock, (d) => (d.events[0]!.id = hex(d.events[0]!.id)), 'merkle root'],
  ['an event is dropped', someMainBlock, (d) => d.events.pop(), 'merkle root'],
  ["a PoH entry's ticks are changed", someMainBlock, (d) => (d.poh[0]!.ticks += 1), 'proof of history'],
  // The block's events and their root as sealed; the anchor it names is another block of kyoto's.
  [
    "an anchor event's height is changed",
    someMainBlock,
    (d) => {
      const e = d.events[anchorAt(d)]!;
      if (e.kind === 'anchor') e.height = e.height === 0 ? 1 : e.height - 1;
    },
    'anchors',
  ],
];

describe('aiki audit --mainchain on a main chain changed in the database', () => {
  auditOfChangedBlocks(['--mainchain'], 'main chain as sealed', /verified: the main chain blocks 0–\d+/, MAIN_CHANGES, changeMainBlock);
});
