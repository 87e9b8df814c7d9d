/**
 * Issue 16's backup test, with real processes: kyoto is backed up (`aiki backup --follow`) while
 * transfers flow — local ones, to osaka and from osaka — its database is destroyed, the archive
 * is restored (`aiki restore --check-anchors`), and kyoto then answers the same head, balances and
 * proofs through the gateway, anchoring goes on, and the main chain's trace of a transfer through
 * kyoto still verifies. An archive with one changed byte, and one that ends below the main
 * chain's anchors, are refused with nothing written.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import {
  bytesToHex,
  hexToBytes,
  INCLUSION_PROOF_FIELDS,
  publicKeyOf,
  verifyInclusionProof,
  type InclusionProofInput,
  type TransferBody,
} from '../core/index.ts';
import { creditedAndSealed } from './support/threeHops.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_SETTLEMENT, funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, submitUntilAcknowledged, transfer, wallet, type Wallet } from './support/ledger.ts';

const kyotoTreasury = wallet('kyoto');
const kyotoSender = wallet('kyoto');
const osakaTreasury = wallet('osaka');
const kyotoLocals = Array.from({ length: 6 }, () => wallet('kyoto'));
const osakaLocals = Array.from({ length: 3 }, () => wallet('osaka'));
const run = promisify(execFile);
/** What a client submitting through the gateway sends again: a ledger that did not answer in time, or had no sequencer for a moment. */
const RETRYABLE = new Set(['SHARD_UNAVAILABLE', 'SEQUENCER_UNAVAILABLE']);
const dir = mkdtempSync(join(tmpdir(), 'aiki-backup-e2e-'));
/** A transfer from kyoto to osaka made in the first test: its settlement is compared in the second. */
let settled = '';

afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fed = useTestCluster('bkp', {
  municipalities: [KYOTO, OSAKA],
  operatorToken: 'backup-token',
  pollIntervalMs: 200,
  mainchainEnv: FAST_SETTLEMENT,
  ledgerEnv: { ...FAST_LEDGERS, AIKI_MAX_TX_PER_BLOCK: '8' },
  genesis: { kyoto: funds(100_000_000, kyotoTreasury, kyotoSender), osaka: funds(100_000_000, osakaTreasury) },
});

const aiki = (...args: string[]) => run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, ...args], { maxBuffer: 1 << 24 });
const failed = (...args: string[]) =>
  aiki(...args).then(
    (r) => {
      throw new Error(`aiki ${args.join(' ')} succeeded: ${r.stdout}`);
    },
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

/** Kyoto's head and anchored height through the gateway. */
async function kyotoHead(): Promise<{ height: number; hash: string; anchored: number }> {
  const r = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { anchoredHeight chain { height headHash } } }');
  const m = r.data?.municipality;
  if (!m?.chain) throw new Error(`no kyoto head: ${JSON.stringify(r.errors)}`);
  return { height: m.chain.height, hash: m.chain.headHash, anchored: m.anchoredHeight };
}

/** Balances and nonces of `wallets`, as the gateway answers them. */
async function accounts(wallets: Wallet[]): Promise<Array<{ id: string; balance: string; nonce: number }>> {
  const fields = wallets.map((w, i) => `a${i}: account(address: "${w.address}") { id balance nonce }`).join('\n');
  const r = await gql(fed.cluster.gateway.url, `{ ${fields} }`);
  expect(r.errors).toBeUndefined();
  return wallets.map((_w, i) => r.data![`a${i}`]);
}

/** Transactions with their proofs, as the gateway answers them. */
async function proofs(
  ids: string[],
): Promise<
  Array<{ id: string; status: string; from: string; to: string; amount: string; nonce: number; memo: string; time: string; proof: InclusionProofInput }>
> {
  const fields = ids
    .map(
      (id, i) => `t${i}: transaction(id: "${id}") { id status kind from to amount nonce memo time block { height hash } proof { ${INCLUSION_PROOF_FIELDS} } }`,
    )
    .join('\n');
  const r = await gql(fed.cluster.gateway.url, `{ ${fields} }`);
  expect(r.errors).toBeUndefined();
  return ids.map((_id, i) => r.data![`t${i}`]);
}

/** A sender sending transfers one after another until `stop()`; the ids it was acknowledged. */
function load(from: Wallet, to: Wallet[], stop: () => boolean): { done: Promise<void>; ids: string[]; nonce: () => number } {
  const ids: string[] = [];
  let nonce = 0;
  const done = (async () => {
    while (!stop()) {
      const n = nonce;
      ids.push(await submitUntilAcknowledged(fed.cluster.gateway.url, () => transfer(from, to[n % to.length]!.address, 1 + (n % 7), n + 1), RETRYABLE));
      nonce = n + 1;
    }
  })();
  return { done, ids, nonce: () => nonce };
}

it('kyoto backed up while transfers flow, destroyed, restored: the same head, balances and proofs through the gateway, anchoring goes on, a trace through kyoto verifies', async () => {
  const kyotoDb = `${fed.prefix}_ledger_kyoto`;
  const mainKey = bytesToHex(publicKeyOf(hexToBytes(fed.cluster.keys.mainchain)));
  const dbArgs = ['--mongo-uri', mongoUri(), '--db', kyotoDb];

  // Transfers flow: within kyoto, from kyoto to osaka, from osaka to kyoto (credits on kyoto's chain).
  let stopped = false;
  const local = load(kyotoTreasury, kyotoLocals, () => stopped);
  const cross = load(kyotoSender, osakaLocals, () => stopped);
  const inbound = load(osakaTreasury, kyotoLocals.slice(1, 3), () => stopped);
  const loads = [local, cross, inbound];
  await eventually(async () => ((await kyotoHead()).height >= 5 ? true : undefined), 60_000, 'kyoto sealing under load');

  // A backup of the moment (it ends below what the main chain will have anchored), and one that follows the chain.
  const early = join(dir, 'kyoto-early.aiki');
  const archive = join(dir, 'kyoto.aiki.gz');
  const startedAt = (await kyotoHead()).height;
  await aiki('backup', 'kyoto', '--out', early, ...dbArgs, '--mainchain-key', mainKey);
  const follower = spawn(process.execPath, ['cli/bin.js', 'backup', 'kyoto', '--out', archive, '--follow', ...dbArgs, '--mainchain-key', mainKey], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let followerOut = '';
  let followerErr = '';
  follower.stdout.on('data', (d: Buffer) => (followerOut += d.toString()));
  follower.stderr.on('data', (d: Buffer) => (followerErr += d.toString()));
  // 'close', not 'exit': its output is checked, and at 'exit' the pipes may still hold some not yet read.
  const followerExit = new Promise<number | null>((resolve) => follower.once('close', (code) => resolve(code)));
  // The transfers go on while the backup runs: kyoto seals several more blocks.
  await eventually(async () => ((await kyotoHead()).height >= startedAt + 10 ? true : undefined), 60_000, 'kyoto sealing while the backup runs');
  stopped = true;
  await Promise.all(loads.map((l) => l.done));
  const sent = loads.reduce((n, l) => n + l.ids.length, 0);
  expect(sent).toBeGreaterThan(10);

  // Everything acknowledged is sealed, every transfer between municipalities credited and sealed, kyoto anchored to its head.
  await eventually(
    async () => {
      const [t, k, o] = await accounts([kyotoTreasury, kyotoSender, osakaTreasury]);
      return t!.nonce === local.nonce() && k!.nonce === cross.nonce() && o!.nonce === inbound.nonce() ? true : undefined;
    },
    60_000,
    'every transfer sealed',
  );
  for (const id of [...cross.ids, ...inbound.ids]) await creditedAndSealed(fed.cluster.gateway.url, id);
  await eventually(
    async () => {
      const h = await kyotoHead();
      return h.anchored === h.height ? true : undefined;
    },
    60_000,
    'kyoto anchored to its head',
  );

  // What kyoto answers now, through the gateway.
  const head = await kyotoHead();
  const wallets = [kyotoTreasury, kyotoSender, ...kyotoLocals];
  const balances = await accounts(wallets);
  const sample = [local.ids[0]!, local.ids.at(-1)!, cross.ids[0]!, cross.ids.at(-1)!];
  const credit = (await gql(fed.cluster.gateway.url, 'query($id: String!) { settlement(id: $id) { credit { id } } }', { id: inbound.ids[0] })).data!.settlement
    .credit.id as string;
  expect(credit).toMatch(/^kyoto:/);
  const before = await proofs([...sample, credit]);
  for (const t of before) expect(t.status).toBe('CONFIRMED');

  // Kyoto stops; the backup that followed it finishes at its head.
  await fed.cluster.ledgers.get('kyoto')!.stop();
  follower.kill('SIGTERM');
  expect(await followerExit, followerErr).toBe(0);
  expect(followerOut).toContain(`head ${head.hash}`);
  expect(followerOut).toMatch(new RegExp(`blocks 0–${head.height} `));

  // Destroyed.
  await fed.mongo.db(kyotoDb).dropDatabase();
  expect(await fed.mongo.db(kyotoDb).listCollections().toArray()).toEqual([]);

  // An archive with one byte changed (in a transaction of a block in the middle) is refused, naming that block, and nothing is written.
  const text = (await import('node:zlib')).gunzipSync(readFileSync(archive)).toString('utf8');
  const lines = text.split('\n');
  const blockLines = lines.flatMap((l, i) => (l.startsWith('{"block"') && JSON.parse(l).block.txs.length > 0 ? [i] : []));
  const target = blockLines[Math.floor(blockLines.length / 2)]!;
  const badHeight = JSON.parse(lines[target]!).block.header.height as number;
  const offset = lines[target]!.indexOf('"amount":"') + 10;
  lines[target] = lines[target]!.slice(0, offset) + (lines[target]![offset] === '9' ? '8' : '9') + lines[target]!.slice(offset + 1);
  const tampered = join(dir, 'kyoto-tampered.aiki');
  writeFileSync(tampered, lines.join('\n'));
  const refused = await failed('restore', '--in', tampered, '--check-anchors', ...dbArgs);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(new RegExp(`ARCHIVE_INVALID: block ${badHeight} \\(line ${target + 1}\\), transactions: .*Nothing was written`));
  expect(await fed.mongo.db(kyotoDb).listCollections().toArray()).toEqual([]);

  // The archive of the moment ends below what the main chain anchored: refused, nothing written.
  const behind = await failed('restore', '--in', early, '--check-anchors', ...dbArgs);
  expect(behind.stderr).toMatch(
    new RegExp(`ARCHIVE_BEHIND_MAINCHAIN: the main chain anchored kyoto up to block ${head.height}; this archive ends at block \\d+`),
  );
  expect(await fed.mongo.db(kyotoDb).listCollections().toArray()).toEqual([]);

  // Restored, every block verified against the federation's keys and anchors first.
  const restored = await aiki('restore', '--in', archive, '--check-anchors', ...dbArgs);
  expect(restored.stdout).toContain(`verified kyoto: blocks 0–${head.height}`);
  expect(restored.stdout).toMatch(/checked against their anchors/);
  expect(restored.stdout).toMatch(new RegExp(`restored kyoto into ${kyotoDb}: ${head.height + 1} blocks replayed`));

  // A restore into it now is refused: it is not empty.
  const again = await failed('restore', '--in', archive, ...dbArgs);
  expect(again.stderr).toMatch(/RESTORE_TARGET_NOT_EMPTY/);

  // Kyoto starts on the restored database, on the port the registry names.
  const port = Number(new URL(fed.cluster.ledgers.get('kyoto')!.url).port);
  await fed.cluster.startLedger(KYOTO, port);
  await eventually(
    async () => ((await kyotoHead().catch(() => undefined))?.hash === head.hash ? true : undefined),
    60_000,
    'kyoto answering through the gateway again',
  );
  expect(await kyotoHead()).toEqual(head);
  expect(await accounts(wallets)).toEqual(balances);
  const after = await proofs([...sample, credit]);
  expect(after).toEqual(before);
  for (const t of after.slice(0, sample.length)) {
    const body: TransferBody = { v: 1, type: 'transfer', from: t.from, to: t.to, amount: t.amount, nonce: t.nonce, memo: t.memo, time: t.time };
    expect(verifyInclusionProof(t.proof, body).every((c) => c.ok)).toBe(true);
  }

  // Anchoring goes on: a new transfer is sealed on kyoto and anchored on the main chain.
  const next = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: transfer(kyotoTreasury, kyotoLocals[0]!.address, 5, local.nonce() + 1) });
  expect(next.errors).toBeUndefined();
  await eventually(
    async () => {
      const h = await kyotoHead();
      return h.height > head.height && h.anchored > head.height ? true : undefined;
    },
    60_000,
    'a block after the restore anchored',
  );

  // The main chain's trace of a transfer through kyoto (kyoto → osaka) still verifies, with core/ alone.
  settled = cross.ids[0]!;
  const verified = await aiki('verify', cross.ids[0]!);
  expect(verified.stdout).toMatch(/verified: 1 hop\(s\)/);
}, 300_000);

it('the main chain backed up, verified and restored into an empty database answers the same blocks, anchors and settlements; a changed byte is refused naming the block', async () => {
  const archive = join(dir, 'mainchain.aiki');
  const dbArgs = ['--mongo-uri', mongoUri(), '--db', `${fed.prefix}_mainchain`];
  const made = await aiki('backup', '--mainchain', '--out', archive, ...dbArgs);
  const headLine = /the main chain: blocks 0–(\d+) \((\d+) events, head ([0-9a-f]{64})\)/.exec(made.stdout);
  expect(headLine, made.stdout).not.toBeNull();
  const [height, hash] = [Number(headLine![1]), headLine![3]!];
  expect(made.stderr).not.toMatch(/not archived/); // every collection of the main chain is archived or derived

  const checked = await aiki('restore', '--in', archive, '--verify-only');
  expect(checked.stdout).toContain(`verified the main chain: blocks 0–${height}`);

  // One byte of a main-chain block changed: refused, naming that block, nothing written.
  const lines = readFileSync(archive, 'utf8').split('\n');
  const target = lines.findIndex((l) => l.startsWith('{"block"') && JSON.parse(l).block.events.length > 0 && JSON.parse(l).block.header.height > 1);
  const badHeight = JSON.parse(lines[target]!).block.header.height as number;
  const at = lines[target]!.indexOf('"id":"') + 8;
  lines[target] = lines[target]!.slice(0, at) + (lines[target]![at] === 'a' ? 'b' : 'a') + lines[target]!.slice(at + 1);
  const tampered = join(dir, 'mainchain-tampered.aiki');
  writeFileSync(tampered, lines.join('\n'));
  const restoredDb = `${fed.prefix}_restored_mainchain`;
  const refused = await failed('restore', '--in', tampered, '--mongo-uri', mongoUri(), '--db', restoredDb);
  expect(refused.stderr).toMatch(new RegExp(`ARCHIVE_INVALID: main-chain block ${badHeight} \\(line ${target + 1}\\), block: `));
  expect(await fed.mongo.db(restoredDb).listCollections().toArray()).toEqual([]);

  const restored = await aiki(
    'restore',
    '--in',
    archive,
    '--mongo-uri',
    mongoUri(),
    '--db',
    restoredDb,
    '--mainchain-key',
    bytesToHex(publicKeyOf(hexToBytes(fed.cluster.keys.mainchain))),
  );
  expect(restored.stdout).toContain(`restored the main chain into ${restoredDb}: ${height + 1} blocks`);

  // A main chain started on it (same key, its own port) derives where each event is sealed, and answers as the original did.
  const { spawnService } = await import('../cluster/services.ts');
  const copy = await spawnService('mainchain-restored', 'mainchain', {
    env: {
      MONGODB_URI: mongoUri(),
      AIKI_DB_NAME: restoredDb,
      AIKI_PORT: '0',
      AIKI_OPERATOR_TOKEN: 'backup-token',
      AIKI_MAINCHAIN_KEY: fed.cluster.keys.mainchain,
      AIKI_SETTLE_INTERVAL_MS: '600000',
    },
  });
  try {
    const Q = `query($h: Int!, $s: String!) { mainChain { block(height: $h) { hash } } anchor(municipality: "kyoto", height: 3) { hash inclusion { index mainBlock { height hash } } }
      settlement(id: $s) { status creditId steps { status inclusion { index mainBlock { height hash } } } } }`;
    expect(settled).not.toBe('');
    const original = await gql(fed.cluster.mainchain.url, Q, { h: height, s: settled });
    const answered = await gql(copy.url, Q, { h: height, s: settled });
    expect(original.data!.settlement.status).toBe('CREDITED');
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.mainChain.block.hash).toBe(hash);
    expect(answered.data).toEqual(original.data);
  } finally {
    await copy.stop();
  }
}, 180_000);
