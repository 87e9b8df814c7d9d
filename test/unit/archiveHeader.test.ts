/**
 * An archive's first record, its header (db/archive.ts checkArchiveHeader), as both chains' readers
 * check it: every way it can be wrong is refused with ARCHIVE_INVALID at line 1, saying what is wrong,
 * before anything else is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AikiError } from '../../core/index.ts';
import { ARCHIVE_FORMAT } from '../../db/archive.ts';
import { verifyLedgerArchive } from '../../subgraphs/ledger/archive.ts';
import { verifyMainchainArchive } from '../../subgraphs/mainchain/archive.ts';

const dir = mkdtempSync(join(tmpdir(), 'aiki-archive-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'ab'.repeat(32);
const common = { format: ARCHIVE_FORMAT, v: 1, sequencer: KEY, database: 'd', createdAt: '2026-01-01T00:00:00.000Z' };
const READERS = [
  {
    chain: 'ledger',
    verify: verifyLedgerArchive,
    good: { ...common, chain: 'ledger', municipality: 'kyoto', mainchainKey: null },
    other: 'mainchain',
    notOf: 'not of a municipal ledger',
    key: 'sequencer',
  },
  {
    chain: 'mainchain',
    verify: verifyMainchainArchive,
    good: { ...common, chain: 'mainchain' },
    other: 'ledger',
    notOf: 'not of the main chain',
    key: 'main-chain',
  },
] as const;

let files = 0;
/** What verifying an archive whose only line is `first` throws: ARCHIVE_INVALID at `line`. */
async function refusal(verify: (path: string) => Promise<unknown>, first: string, line = 1): Promise<AikiError> {
  const path = join(dir, `a${files++}.aiki`);
  writeFileSync(path, `${first}\n`);
  const err = await verify(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AikiError);
  expect((err as AikiError).code).toBe('ARCHIVE_INVALID');
  expect((err as AikiError).extensions.line).toBe(line);
  return err as AikiError;
}

describe.each(READERS)('the $chain reader', ({ verify, good, other, notOf, key }) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a header that is not an object', 5, /^line 1: the archive header is not an object/],
    ['another format', { ...good, format: 'tar' }, /^line 1: not an aiki-archive version 1 \(format tar, v 1\)/],
    ['another version', { ...good, v: 2 }, /^line 1: not an aiki-archive version 1 \(format aiki-archive, v 2\)/],
    ["the other chain's archive", { ...good, chain: other }, new RegExp(`^line 1: this is an archive of ${other}, ${notOf}`)],
    ['no genesis key', { ...good, sequencer: undefined }, new RegExp(`^line 1: the archive header has no ${key} key`)],
    ['a genesis key that is not 64 hex', { ...good, sequencer: KEY.toUpperCase() }, new RegExp(`^line 1: the archive header has no ${key} key`)],
  ];
  it.each(cases)('refuses %s', async (_what, header, message) => {
    expect((await refusal(verify, JSON.stringify({ archive: header }))).message).toMatch(message);
  });

  it('refuses an archive that does not start with its header', async () => {
    await refusal(verify, JSON.stringify({ block: { header: good } }));
  });

  it('takes a good header, and reads on (to the genesis block this archive lacks)', async () => {
    expect((await refusal(verify, JSON.stringify({ archive: good }), 2)).message).toMatch(/block 0 \(line 2\): the archive ends/);
  });
});
