/**
 * Backups that prove themselves, a municipal ledger's side (`aiki backup <municipality>`,
 * `aiki restore`; docs/OPERATIONS.md): what the archive holds, how it is read from the ledger's
 * database while the ledger runs, verified, and written into an empty database.
 *
 * An archive (db/archive.ts is its container) holds what cannot be derived: the blocks with their
 * transactions (the commit point, docs/ARCHITECTURE.md "Ledger rules"), the rejections, and the
 * mempool log (acknowledged transactions not sealed yet). Accounts, histories and the tx index are
 * derived, and a restore derives them again with the ledger's own replay (`accountsAfter` and
 * `LedgerStore.apply`, as `catchUp` after a crash).
 *
 * Blocks are read by `_id` from height 0 until the next is missing — blocks are never changed or
 * deleted and their heights are contiguous, so what is read is the chain's exact prefix up to a
 * head, however the ledger goes on meanwhile; `follow` keeps reading new blocks until told to stop.
 * Rejections and the mempool log are read after the blocks.
 *
 * A restore reads the archive twice. First it verifies everything and writes nothing: every block
 * with core/audit.ts's `ChainAuditor` (hash, the sequencer's signature, the link to its parent,
 * every entry's signature and id, the Merkle root, Proof of History, the genesis allocations, and
 * the anchor on the main chain when it is given the federation's anchors), every record's shape,
 * and the trailer's digest. The first failure refuses the archive, naming the block. Then it
 * writes, block by block in height order.
 */
import type { Db } from 'mongodb';
import {
  ArchiveDamage,
  archiveHeader,
  archiveInvalid,
  assertEmpty,
  checkArchiveHeader,
  isHex64,
  reasonOf,
  type ArchiveHeader,
  eachBlock,
  readArchive,
  type ArchiveRecord,
  type ArchiveWriter,
  type Follow,
} from '../../db/archive.ts';
import type { Lookups } from '../../db/mongo.ts';
import {
  AikiError,
  aikiError,
  auditTransactionOf,
  blockHash,
  ChainAuditor,
  checkHeaderShape,
  entryIdOf,
  exactRecord,
  isMunicipalityCode,
  SETTLEMENT_FIELDS,
  TRANSFER_FIELDS,
  type AnchorInput,
  type AuditBlock,
  type BlockHeader,
} from '../../core/index.ts';
import { COLLECTIONS } from './collections.ts';
import { accountsAfter, LedgerStore, touchedBy } from './store.ts';
import { blockKey, type AccountDoc, type BlockDoc, type EntryBody, type MempoolDoc, type PendingTx, type RejectedDoc, type StoredTx } from './models.ts';

/** The archive's first record. Its keys are claims until pinned (`--sequencer-key`, `--mainchain-key`, or the federation's). */
export interface LedgerArchiveHeader extends ArchiveHeader<'ledger'> {
  municipality: string;
  /** The main chain's key that settlement entries are signed with, as the backup was told it; null if not. */
  mainchainKey: string | null;
}

export interface BackupResult {
  blocks: number;
  transactions: number;
  head: { height: number; hash: string };
  rejected: number;
  pending: number;
}

export interface BackupOptions {
  municipality: string;
  mainchainKey?: string | null;
  /** Keep reading new blocks once at the head, every `pollMs`, until `stopped()`; then read to the head once more and finish. */
  follow?: Follow;
  /** Called after each batch of blocks written. */
  progress?: (p: { height: number; blocks: number }) => void;
}

/** Blocks read at once (by `_id`: one `$in` on MongoDB, parallel `findOne`s on FerretDB). */

/** A block as archived: the stored document without `_id` and `height` (both are the header's height). */
function blockRecord(doc: BlockDoc): ArchiveRecord {
  const { header, hash, signature, txs, allocations } = doc;
  return {
    block: {
      header,
      hash,
      signature,
      txs: txs.map(({ id, body, signature: s, poh }) => ({ id, body, signature: s, poh })),
      ...(allocations && { allocations }),
    },
  };
}

/** Writes the archive of the ledger in `db` (read with `lookups`, db/mongo.ts) to `writer`; the caller finishes it. */
export async function backupLedger(db: Db, lookups: Lookups, writer: ArchiveWriter, opts: BackupOptions): Promise<BackupResult> {
  const blocks = db.collection<BlockDoc>(COLLECTIONS.blocks);
  const genesis = await blocks.findOne({ _id: blockKey(0) });
  if (!genesis) throw new Error(`database ${db.databaseName} holds no ledger: it has no genesis block`);
  if (genesis.header.municipality !== opts.municipality)
    throw new Error(`database ${db.databaseName} holds ${genesis.header.municipality}'s ledger, not ${opts.municipality}'s`);
  const header: LedgerArchiveHeader = { ...archiveHeader('ledger', db, genesis), municipality: opts.municipality, mainchainKey: opts.mainchainKey ?? null };
  await writer.write({ archive: header });

  let transactions = 0;
  const { blocks: read, head } = await eachBlock(
    blocks,
    lookups,
    async (doc) => {
      await writer.write(blockRecord(doc));
      transactions += doc.txs.length;
    },
    opts,
  );

  let rejected = 0;
  for await (const doc of db.collection<RejectedDoc>(COLLECTIONS.rejected).find({}, { batchSize: 1000 })) {
    await writer.write({ rejected: doc });
    rejected++;
  }
  let pending = 0;
  for await (const doc of db.collection<MempoolDoc>(COLLECTIONS.mempool).find({}, { batchSize: 1000 })) {
    await writer.write({ pending: doc });
    pending += doc.txs.length;
  }
  return { blocks: read, transactions, head: head ?? { height: 0, hash: genesis.hash }, rejected, pending };
}

// --- verification ----------------------------------------------------------------------------

export interface LedgerTrust {
  /** The sequencer key to trust (hex); default: the archive's own, which the summary then says. */
  sequencerKey?: string;
  /** The main chain's key for settlement entries (hex); default: the archive's. */
  mainchainKey?: string;
  /**
   * The main chain's anchors of this municipality: each archived block it anchored (and sealed) is
   * checked against its anchor, and an archive that ends below `anchoredHeight` is refused
   * (ARCHIVE_BEHIND_MAINCHAIN).
   */
  anchors?: { anchoredHeight: number; page: (from: number, n: number) => Promise<AnchorInput[]> };
}

export interface LedgerArchiveSummary {
  header: LedgerArchiveHeader;
  /** The keys the archive was verified with, and where they came from. */
  trusted: { sequencer: string; mainchainKey: string | null; pinned: boolean };
  head: { height: number; hash: string };
  blocks: number;
  transactions: number;
  rejected: number;
  pending: number;
  /** Blocks checked against their anchor on the main chain. */
  anchored: number;
  records: number;
  sha256: string;
}

/** The records of an archive, damage reported as ARCHIVE_INVALID naming the block that was due. */
async function* records(
  path: string,
  due: () => number | undefined,
): AsyncGenerator<{ line: number; record: ArchiveRecord }, { records: number; sha256: string }> {
  const reader = readArchive(path);
  try {
    for (;;) {
      const next = await reader.next();
      if (next.done) return next.value;
      yield next.value;
    }
  } catch (err) {
    if (err instanceof ArchiveDamage) throw archiveInvalid(err.line, err.message, { height: due() });
    throw err;
  }
}

/** The one key of a record, checked to be `kind`. */
function only(record: ArchiveRecord, line: number, kinds: readonly string[], height?: number): [string, unknown] {
  const keys = Object.keys(record);
  if (keys.length !== 1 || !kinds.includes(keys[0]!))
    throw archiveInvalid(line, `a record of ${keys.map((k) => JSON.stringify(k)).join(', ') || 'nothing'} where ${kinds.join(' or ')} is due`, { height });
  return [keys[0]!, record[keys[0]!]];
}

function parseHeader(value: unknown, line: number): LedgerArchiveHeader {
  const h = checkArchiveHeader<LedgerArchiveHeader>(value, line, { chain: 'ledger', what: 'a municipal ledger', key: 'sequencer' });
  if (typeof h.municipality !== 'string' || !isMunicipalityCode(h.municipality))
    throw archiveInvalid(line, `the archive names no municipality (${String(h.municipality)})`);
  if (h.mainchainKey !== null && !isHex64(h.mainchainKey)) throw archiveInvalid(line, "the archive header's main-chain key is not 64 hex");
  return h as LedgerArchiveHeader;
}

/** A block record as the ledger stores it, its shape checked (what each field says is the auditor's to check). */
function parseBlock(value: unknown, line: number, height: number): BlockDoc {
  const fail = (message: string) => archiveInvalid(line, message, { height, check: 'record' });
  try {
    const withAllocations = typeof value === 'object' && value !== null && Object.hasOwn(value, 'allocations');
    const b = exactRecord(
      value,
      withAllocations ? ['header', 'hash', 'signature', 'txs', 'allocations'] : ['header', 'hash', 'signature', 'txs'],
      'block record',
    );
    checkHeaderShape(b.header);
    if (b.header.height !== height) throw fail(`the next block is ${height}, this record is block ${b.header.height}`);
    if (typeof b.hash !== 'string' || typeof b.signature !== 'string') throw fail('hash and signature must be strings');
    if (!Array.isArray(b.txs)) throw fail('txs must be a list');
    const txs = b.txs.map((t: unknown, i: number): StoredTx => {
      const tx = exactRecord(t, ['id', 'body', 'signature', 'poh'], `transaction ${i}`);
      const body = tx.body as { type?: unknown };
      exactRecord(body, body?.type === 'transfer' ? TRANSFER_FIELDS : SETTLEMENT_FIELDS, `transaction ${i}'s body`);
      if ((body as { v?: unknown }).v !== 1) throw fail(`transaction ${i}'s body is not version 1`);
      const poh = exactRecord(tx.poh, ['ticks', 'event', 'hash'], `transaction ${i}'s PoH entry`);
      if (typeof tx.id !== 'string' || typeof tx.signature !== 'string') throw fail(`transaction ${i}: id and signature must be strings`);
      return { id: tx.id, body: tx.body as EntryBody, signature: tx.signature, poh: poh as StoredTx['poh'] };
    });
    let allocations: BlockDoc['allocations'];
    if (b.allocations !== undefined) {
      if (!Array.isArray(b.allocations)) throw fail('allocations must be a list');
      allocations = b.allocations.map(
        (a: unknown, i: number) => exactRecord(a, ['address', 'amount'], `allocation ${i}`) as { address: string; amount: string },
      );
    }
    return { _id: blockKey(height), height, header: b.header, hash: b.hash, signature: b.signature, txs, ...(allocations && { allocations }) };
  } catch (err) {
    if (err instanceof AikiError && err.code === 'ARCHIVE_INVALID') throw err;
    throw fail(reasonOf(err));
  }
}

/** The block as core/audit.ts reads it through the API. */
function auditBlock(doc: BlockDoc): AuditBlock {
  return {
    ...doc.header,
    hash: doc.hash,
    signature: doc.signature,
    poh: doc.txs.map((t) => t.poh),
    transactions: doc.txs.map((t) => auditTransactionOf(doc.header.municipality, t)),
    allocations: doc.allocations ?? null,
  };
}

/** A rejected transaction, its signature and id checked (the reason is the ledger's word: no signature covers it). */
function parseRejected(value: unknown, line: number, mainchainKey: string): RejectedDoc {
  try {
    const r = exactRecord(value, ['_id', 'body', 'signature', 'code', 'message', 'rejectedAt'], 'rejection');
    const id = entryIdOf({ body: r.body, signature: r.signature }, mainchainKey);
    if (id !== r._id) throw new Error(`its transaction's id is ${id}, the record says ${String(r._id)}`);
    if (typeof r.code !== 'string' || typeof r.message !== 'string' || !(r.rejectedAt instanceof Date))
      throw new Error('code, message and rejectedAt must be two strings and a date');
    return r as unknown as RejectedDoc;
  } catch (err) {
    throw archiveInvalid(line, `a rejected transaction: ${reasonOf(err)}`, { check: 'rejection' });
  }
}

/** A mempool log entry, each transaction's signature and id checked, its denormalised fields taken from its body. */
function parsePending(value: unknown, line: number, mainchainKey: string): MempoolDoc {
  try {
    const p = exactRecord(value, ['_id', 'txs'], 'mempool entry');
    if (typeof p._id !== 'string' || !/^[0-9]{16}$/.test(p._id) || !Array.isArray(p.txs)) throw new Error('_id must be 16 digits and txs a list');
    const txs = p.txs.map((t: unknown, i: number): PendingTx => {
      const tx = exactRecord(t, ['id', 'from', 'nonce', 'amount', 'body', 'signature', 'receivedAt'], `pending transaction ${i}`);
      const id = entryIdOf({ body: tx.body, signature: tx.signature }, mainchainKey);
      if (id !== tx.id) throw new Error(`pending transaction ${i}'s id is ${id}, the record says ${String(tx.id)}`);
      const body = tx.body as EntryBody;
      if (!(tx.receivedAt instanceof Date)) throw new Error(`pending transaction ${i}'s receivedAt is not a date`);
      return {
        id,
        from: body.from,
        nonce: body.type === 'transfer' ? body.nonce : 0,
        amount: Number(body.amount),
        body,
        signature: tx.signature as string,
        receivedAt: tx.receivedAt,
      };
    });
    return { _id: p._id, txs };
  } catch (err) {
    throw archiveInvalid(line, `a mempool entry: ${reasonOf(err)}`, { check: 'mempool' });
  }
}

/**
 * Verifies a ledger archive and writes nothing (the first half of a restore, and `--verify-only`).
 * Throws ARCHIVE_INVALID naming the first bad block (or record), or ARCHIVE_BEHIND_MAINCHAIN.
 */
export async function verifyLedgerArchive(path: string, trust: LedgerTrust = {}): Promise<LedgerArchiveSummary> {
  let due: number | undefined;
  const stream = records(path, () => due);
  let header: LedgerArchiveHeader | undefined;
  let auditor: ChainAuditor | undefined;
  let mainchainKey = '';
  let trusted: LedgerArchiveSummary['trusted'] | undefined;
  let head: { height: number; hash: string } | undefined;
  let blocks = 0;
  let transactions = 0;
  let rejected = 0;
  let pending = 0;
  let anchored = 0;
  let section: 'header' | 'blocks' | 'rest' = 'header';
  // Anchors, a page ahead: height → anchor (only those sealed in a main-chain block).
  const anchorPage = new Map<number, AnchorInput>();
  let anchorsFrom = 0;
  const anchorOf = async (height: number): Promise<AnchorInput | null> => {
    if (!trust.anchors || height > trust.anchors.anchoredHeight) return null;
    if (height >= anchorsFrom) {
      anchorPage.clear();
      for (const a of await trust.anchors.page(height, 100)) if (a.inclusion) anchorPage.set(a.height, a);
      anchorsFrom = height + 100;
    }
    return anchorPage.get(height) ?? null;
  };

  for (;;) {
    const next = await stream.next();
    if (next.done) {
      if (!header || !head) throw archiveInvalid(1, 'the archive holds no blocks', { height: 0 });
      if (trust.anchors && trust.anchors.anchoredHeight > head.height) {
        throw aikiError(
          'ARCHIVE_BEHIND_MAINCHAIN',
          `the main chain anchored ${header.municipality} up to block ${trust.anchors.anchoredHeight}; this archive ends at block ${head.height}. Nothing was written.`,
          { anchoredHeight: trust.anchors.anchoredHeight, head: head.height },
        );
      }
      return { header, trusted: trusted!, head, blocks, transactions, rejected, pending, anchored, records: next.value.records, sha256: next.value.sha256 };
    }
    const { line, record } = next.value;
    if (section === 'header') {
      const [, value] = only(record, line, ['archive']);
      header = parseHeader(value, line);
      if (trust.sequencerKey && trust.sequencerKey !== header.sequencer)
        throw archiveInvalid(line, `the archive's genesis is signed by ${header.sequencer}, not the trusted sequencer key ${trust.sequencerKey}`, {
          height: 0,
          check: 'sequencer signature',
        });
      mainchainKey = trust.mainchainKey ?? header.mainchainKey ?? '';
      trusted = { sequencer: trust.sequencerKey ?? header.sequencer, mainchainKey: mainchainKey || null, pinned: trust.sequencerKey !== undefined };
      auditor = new ChainAuditor(header.municipality, trusted.sequencer, mainchainKey);
      section = 'blocks';
      due = 0;
      continue;
    }
    const [kind, value] = only(record, line, section === 'blocks' ? ['block', 'rejected', 'pending'] : ['rejected', 'pending'], due);
    if (kind === 'block') {
      const doc = parseBlock(value, line, blocks);
      const anchor = await anchorOf(doc.height);
      for (const c of auditor!.block(auditBlock(doc), anchor)) {
        if (c.name === 'anchor' && !anchor) continue; // not anchored (or not sealed) yet: nothing to compare
        if (!c.ok) throw archiveInvalid(line, c.detail, { height: doc.height, check: c.name });
      }
      if (anchor) anchored++;
      head = { height: doc.height, hash: doc.hash };
      blocks++;
      transactions += doc.txs.length;
      due = blocks;
      continue;
    }
    section = 'rest';
    due = undefined;
    if (kind === 'rejected') {
      parseRejected(value, line, mainchainKey);
      rejected++;
    } else {
      pending += parsePending(value, line, mainchainKey).txs.length;
    }
  }
}

// --- restore ----------------------------------------------------------------------------------

export interface RestoreResult {
  head: { height: number; hash: string };
  blocks: number;
  rejected: number;
  pending: number;
}

/** Accounts kept in memory while replaying (the restore is the only writer, so they are exact); beyond, read back. */
const ACCOUNT_CACHE = 200_000;
/** Blocks inserted per command. */
const INSERT_BATCH = 32;

/**
 * Writes a verified archive (see {@link verifyLedgerArchive}, whose summary is `verified`) into the
 * empty database `db`: the blocks, then — block by block, with the ledger's own replay — the
 * accounts, histories and tx index, then the rejections and the mempool log. Each block is checked
 * again against its parent's hash on the way and the last against the verified head, so an
 * archive changed between the two readings is refused (what was written by then is a valid prefix
 * of the chain). Start the ledger afterwards: it finds every block applied.
 */
export async function restoreLedger(
  path: string,
  db: Db,
  lookups: Lookups,
  verified: LedgerArchiveSummary,
  progress?: (p: { height: number }) => void,
): Promise<RestoreResult> {
  await assertEmpty(db);
  const store = new LedgerStore(db, verified.header.municipality, lookups);
  const accounts = new Map<string, AccountDoc>();
  let evicted = false;
  let parent: { header: BlockHeader; hash: string } | undefined;
  let pendingBlocks: BlockDoc[] = [];
  let rejected: RejectedDoc[] = [];
  let mempool: MempoolDoc[] = [];
  const result: RestoreResult = { head: verified.head, blocks: 0, rejected: 0, pending: 0 };

  const flushBlocks = async () => {
    if (pendingBlocks.length === 0) return;
    const batch = pendingBlocks;
    pendingBlocks = [];
    if (batch[0]!.height === 0) {
      await store.init(batch[0]!); // collections, indexes and the genesis block, as a ledger's start makes them
      if (batch.length > 1) await store.blocks.insertMany(batch.slice(1), { ordered: true });
    } else {
      await store.blocks.insertMany(batch, { ordered: true });
    }
    for (const block of batch) {
      const touched = touchedBy(block);
      const missing = evicted ? touched.filter((a) => !accounts.has(a)) : [];
      const read = missing.length > 0 ? await store.loadAccounts(missing) : new Map<string, AccountDoc>();
      const before = new Map<string, AccountDoc>();
      for (const a of touched) {
        const doc = accounts.get(a) ?? read.get(a);
        if (doc) before.set(a, doc);
      }
      const changed = accountsAfter(block, before);
      await store.apply(block, changed);
      if (accounts.size + changed.length > ACCOUNT_CACHE) {
        accounts.clear();
        evicted = true;
      }
      for (const doc of changed) accounts.set(doc._id, doc);
      result.blocks++;
    }
    progress?.({ height: batch[batch.length - 1]!.height });
  };
  const flushRest = async () => {
    if (rejected.length > 0) await store.rejected.insertMany(rejected, { ordered: false });
    if (mempool.length > 0) await store.mempool.insertMany(mempool, { ordered: false });
    result.rejected += rejected.length;
    result.pending += mempool.reduce((n, m) => n + m.txs.length, 0);
    rejected = [];
    mempool = [];
  };

  const mainchainKey = verified.trusted.mainchainKey ?? '';
  let height = 0;
  const stream = records(path, () => height);
  for (;;) {
    const next = await stream.next();
    if (next.done) break;
    const { line, record } = next.value;
    const [kind, value] = Object.entries(record)[0]!;
    if (kind === 'archive') continue;
    if (kind === 'block') {
      const doc = parseBlock(value, line, height);
      const hash = blockHash(doc.header);
      if (hash !== doc.hash || (parent ? doc.header.prevHash !== parent.hash : doc.header.sequencer !== verified.trusted.sequencer)) {
        throw archiveInvalid(line, 'the archive changed since it was verified; restore again into an emptied database', { height, check: 'parent' });
      }
      parent = { header: doc.header, hash };
      pendingBlocks.push(doc);
      height++;
      if (pendingBlocks.length >= INSERT_BATCH) await flushBlocks();
      continue;
    }
    await flushBlocks();
    if (kind === 'rejected') rejected.push(parseRejected(value, line, mainchainKey));
    else if (kind === 'pending') mempool.push(parsePending(value, line, mainchainKey));
    if (rejected.length + mempool.length >= 500) await flushRest();
  }
  await flushBlocks();
  await flushRest();
  if (parent?.hash !== verified.head.hash)
    throw archiveInvalid(0, `the archive changed since it was verified: it now ends at ${parent?.hash}`, { check: 'head' });
  return result;
}
