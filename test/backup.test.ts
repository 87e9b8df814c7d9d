/**
 * Backups that prove themselves (subgraphs/ledger/archive.ts): a ledger archived while it seals,
 * verified and restored into an empty database with the derived state rebuilt by replay; every
 * kind of damage refused with ARCHIVE_INVALID naming the block, and nothing written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortBytes, AikiError, bytesToHex, publicKeyOf, settlementEntryId, sha256, sign, signSettlement, utf8 } from '../core/index.ts';
import { ArchiveWriter } from '../db/archive.ts';
import { backupLedger, restoreLedger, verifyLedgerArchive } from '../subgraphs/ledger/archive.ts';
import type { RunningLedger } from '../subgraphs/ledger/server.ts';
import { dropDatabases, eventually, mongoUri, uniquePrefix } from './support/helpers.ts';
import { startTestLedger, transfer, verifyStoredChain, wallet } from './support/ledger.ts';

const prefix = uniquePrefix('backup');
const dir = mkdtempSync(join(tmpdir(), 'aiki-backup-'));
const MAIN_KEY = sha256(utf8('backup test: main chain'));
const mainPublic = bytesToHex(publicKeyOf(MAIN_KEY));
const alice = wallet('kyoto');
const others = Array.from({ length: 5 }, () => wallet('kyoto'));
let ledger: RunningLedger;
let client: MongoClient;
let archive: string;

async function expectRefused(promise: Promise<unknown>, code: string, match?: RegExp): Promise<AikiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `refused with ${code}`).toBeInstanceOf(AikiError);
  expect((err as AikiError).code).toBe(code);
  if (match) expect((err as AikiError).message).toMatch(match);
  return err as AikiError;
}

/** The derived state of a ledger database, comparable. */
async function state(dbName: string) {
  const db = client.db(dbName);
  const all = (c: string) => db.collection(c).find().sort({ _id: 1 }).toArray();
  return {
    blocks: await all('blocks'),
    accounts: await all('accounts'),
    txIndex: await all('tx_index'),
    history: await all('history'),
    rejected: await all('rejected'),
  };
}

const collections = async (dbName: string) => (await client.db(dbName).listCollections().toArray()).length;

beforeAll(async () => {
  client = new MongoClient(mongoUri());
  ledger = await startTestLedger(prefix, 'backup test: kyoto sequencer', {
    mainchainKey: publicKeyOf(MAIN_KEY),
    allocations: [{ address: alice.address, amount: '1000000' }],
    blockIntervalMs: 20,
    maxTxPerBlock: 5,
  });
  // Transfers, one refused at sealing time is impossible to force here; a settlement credit makes
  // the archive hold an entry signed by the main chain.
  for (let n = 1; n <= 40; n++)
    expect(await ledger.admission.submit([transfer(alice, others[n % others.length]!.address, n, n)])).not.toContainEqual(expect.any(Error));
  const credit = signSettlement(
    { v: 1, type: 'credit', settlement: 'ab'.repeat(32), from: wallet('osaka').address, to: others[0]!.address, amount: '77', time: new Date().toISOString() },
    MAIN_KEY,
  );
  await ledger.admission.settle([credit]);
  // A credit the main chain aborted before it was written: a rejection the archive must keep.
  const aborted = signSettlement(
    { v: 1, type: 'credit', settlement: 'cd'.repeat(32), from: wallet('osaka').address, to: others[1]!.address, amount: '5', time: new Date().toISOString() },
    MAIN_KEY,
  );
  await ledger.admission.abortSettlement(aborted, bytesToHex(sign(abortBytes(settlementEntryId(aborted.body)), MAIN_KEY)));
  await eventually(
    async () => ((await ledger.store.mempool.countDocuments()) === 0 && (await ledger.store.txIndex.countDocuments()) === 41 ? true : undefined),
    30_000,
    'all sealed',
  );
}, 60_000);

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a ledger archive', () => {
  it('is written while the ledger seals, verified, and restored into an empty database with the same chain and derived state', async () => {
    // More transfers while the backup reads: the archive is the chain's exact prefix up to a head.
    const during = (async () => {
      for (let n = 41; n <= 60; n++) await ledger.admission.submit([transfer(alice, others[n % others.length]!.address, 1, n)]);
    })();
    archive = join(dir, 'kyoto.aiki');
    const writer = new ArchiveWriter(archive);
    const backup = await backupLedger(ledger.store.db, ledger.mongo.lookups, writer, { municipality: 'kyoto', mainchainKey: mainPublic });
    const end = await writer.finish();
    await during;
    expect(backup.head.height).toBeGreaterThan(5);
    expect(backup.rejected).toBe(1);
    expect(end.records).toBeGreaterThanOrEqual(1 + backup.blocks + backup.rejected); // and a record per mempool log entry

    const verified = await verifyLedgerArchive(archive, { mainchainKey: mainPublic });
    expect(verified.head).toEqual(backup.head);
    expect(verified.blocks).toBe(backup.blocks);
    expect(verified.trusted.pinned).toBe(false);
    expect(verified.trusted.sequencer).toBe(bytesToHex(publicKeyOf(sha256(utf8('backup test: kyoto sequencer')))));

    const target = client.db(`${prefix}_restored`);
    const restored = await restoreLedger(archive, target, ledger.mongo.lookups, verified);
    expect(restored.blocks).toBe(backup.blocks);
    // Block for block what the ledger held up to the archived head, and the derived state a replay
    // of those blocks gives — the ledger's own, checked independently.
    const mine = await state(`${prefix}_restored`);
    const theirs = await state(`${prefix}_kyoto`);
    expect(mine.blocks).toEqual(theirs.blocks.slice(0, backup.blocks));
    await verifyStoredChain(target, publicKeyOf(MAIN_KEY));
    expect((await target.collection('meta').findOne({ _id: 'applied' as never }))?.height).toBe(backup.head.height);
    expect(mine.txIndex.length).toBe(mine.blocks.reduce((n, b) => n + (b.txs as unknown[]).length, 0));
  }, 60_000);

  it('restored after the ledger stops equals the ledger: accounts, histories, tx index and rejections', async () => {
    await eventually(async () => ((await ledger.store.mempool.countDocuments()) === 0 ? true : undefined), 30_000, 'all sealed');
    await ledger.sequencer.stop();
    const file = join(dir, 'kyoto-final.aiki.gz');
    const writer = new ArchiveWriter(file);
    await backupLedger(ledger.store.db, ledger.mongo.lookups, writer, { municipality: 'kyoto', mainchainKey: mainPublic });
    await writer.finish();
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const verified = await verifyLedgerArchive(file, { mainchainKey: mainPublic });
    await restoreLedger(file, client.db(`${prefix}_final`), ledger.mongo.lookups, verified);
    expect(await state(`${prefix}_final`)).toEqual(await state(`${prefix}_kyoto`));
    await ledger.sequencer.start();
  }, 60_000);
});

describe('a damaged archive is refused, naming the block, with nothing written', () => {
  const lines = () => readFileSync(archive, 'utf8').split('\n');
  const variant = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const refusedRestore = async (file: string, code: string, match: RegExp, trust = { mainchainKey: mainPublic }) => {
    const dbName = `${prefix}_refused_${Math.random().toString(36).slice(2, 8)}`;
    const err = await expectRefused(verifyLedgerArchive(file, trust), code, match);
    expect(await collections(dbName)).toBe(0);
    return err;
  };

  it('one changed byte in a transaction', async () => {
    const all = lines();
    const at = all.findIndex((l) => l.startsWith('{"block"') && l.includes('"amount":"1"'));
    expect(at).toBeGreaterThan(1);
    const height = JSON.parse(all[at]!).block.header.height as number;
    all[at] = all[at]!.replace('"amount":"1"', '"amount":"2"');
    const err = await refusedRestore(
      variant('amount.aiki', all.join('\n')),
      'ARCHIVE_INVALID',
      new RegExp(`^block ${height} \\(line ${at + 1}\\), transactions: `),
    );
    expect(err.extensions).toMatchObject({ height, line: at + 1, check: 'transactions' });
  });

  it('every single byte changed in one block is caught in that block', async () => {
    const all = lines();
    const at = all.findIndex((l) => l.startsWith('{"block"') && JSON.parse(l).block.txs.length > 0);
    const height = JSON.parse(all[at]!).block.header.height as number;
    const line = all[at]!;
    // Every 7th byte of the line, each changed to another character: the chain's own rules (or the record's shape) refuse each.
    for (let i = 0; i < line.length; i += 7) {
      const changed = line[i] === '0' ? '1' : '0';
      const copy = [...all];
      copy[at] = line.slice(0, i) + changed + line.slice(i + 1);
      const err = await expectRefused(verifyLedgerArchive(variant('byte.aiki', copy.join('\n')), { mainchainKey: mainPublic }), 'ARCHIVE_INVALID');
      expect(err.extensions?.height, `byte ${i} of block ${height}: ${err.message}`).toBe(height);
    }
  }, 120_000);

  it('a block left out, two swapped, the archive cut short, a byte after the blocks, a changed gzip byte', async () => {
    const all = lines();
    const first = all.findIndex((l) => l.startsWith('{"block"') && JSON.parse(l).block.header.height === 3);
    const without = [...all];
    without.splice(first, 1);
    await refusedRestore(
      variant('gap.aiki', without.join('\n')),
      'ARCHIVE_INVALID',
      /^block 3 \(line \d+\), record: the next block is 3, this record is block 4/,
    );
    const swapped = [...all];
    [swapped[first], swapped[first + 1]] = [swapped[first + 1]!, swapped[first]!];
    await refusedRestore(variant('swapped.aiki', swapped.join('\n')), 'ARCHIVE_INVALID', /^block 3 /);
    const cut = all.slice(0, first + 2).join('\n') + '\n';
    await refusedRestore(variant('cut.aiki', cut), 'ARCHIVE_INVALID', /without its trailer: it was cut short/);
    // A rejection or mempool record is covered by the trailer's digest alone: a byte changed there is refused too.
    const end = all.findIndex((l) => l.startsWith('{"end"'));
    const tampered = [...all];
    tampered[end] = tampered[end]!.replace(/"sha256":"(.)/, (_m, c: string) => `"sha256":"${c === 'a' ? 'b' : 'a'}`);
    await refusedRestore(variant('digest.aiki', tampered.join('\n')), 'ARCHIVE_INVALID', /it was altered/);
    // Compressed: a changed byte in the middle breaks the stream or a block; either way a block is named.
    const gz = gzipSync(readFileSync(archive));
    const mid = Math.floor(gz.length / 2);
    gz[mid] = gz[mid]! ^ 0x10;
    const gzFile = join(dir, 'damaged.aiki.gz');
    writeFileSync(gzFile, gz);
    const err = await expectRefused(verifyLedgerArchive(gzFile, { mainchainKey: mainPublic }), 'ARCHIVE_INVALID');
    expect(err.extensions?.height ?? err.extensions?.line).toBeDefined();
    expect(() => gunzipSync(gz)).toThrow();
  });

  it('keys: a pinned sequencer key the archive was not signed with, a settlement entry without a main-chain key', async () => {
    await refusedRestore(
      archive,
      'ARCHIVE_INVALID',
      /^block 0 \(line 1\), sequencer signature: the archive's genesis is signed by [0-9a-f]{64}, not the trusted sequencer key/,
      { sequencerKey: 'ab'.repeat(32) } as never,
    );
    const noKey = lines().map((l, i) => (i === 0 ? l.replace(/"mainchainKey":"[0-9a-f]{64}"/, '"mainchainKey":null') : l));
    // The header is covered by the digest too: rewrite the trailer so that only the key is missing.
    const body = noKey
      .slice(0, -2)
      .map((l) => `${l}\n`)
      .join('');
    const { createHash } = await import('node:crypto');
    const trailer = JSON.stringify({ end: { records: noKey.length - 2, sha256: createHash('sha256').update(body).digest('hex') } });
    await expectRefused(verifyLedgerArchive(variant('nokey.aiki', `${body}${trailer}\n`)), 'ARCHIVE_INVALID', /transactions: .*no main-chain key/);
  });

  it('a restore into a database that is not empty', async () => {
    const verified = await verifyLedgerArchive(archive, { mainchainKey: mainPublic });
    const before = await state(`${prefix}_kyoto`);
    await expectRefused(restoreLedger(archive, client.db(`${prefix}_kyoto`), ledger.mongo.lookups, verified), 'RESTORE_TARGET_NOT_EMPTY', /is not empty/);
    expect((await state(`${prefix}_kyoto`)).blocks.length).toBe(before.blocks.length);
  });
});
