/**
 * The municipal ledger's MongoDB store: the mempool of admitted transactions, the blocks (the
 * commit point), and the state derived from them.
 *
 * Crash safety needs only single-document atomicity and unique indexes (docs/ARCHITECTURE.md, "Ledger rules"):
 * - a transaction is acknowledged once the mempool log entry holding it is written (`w: majority`);
 * - a block is committed by inserting its document under a unique `_id` (its height);
 * - everything else (tx index, accounts, history) is derived from blocks by
 *   {@link LedgerStore.apply}, which is idempotent and re-run for any block not yet applied.
 *
 * What to admit and seal is decided by the sequencer lease holder from its in-memory book
 * (book.ts); this class only reads and writes.
 */
import { createMissingIndexes, findByIds, findSealedByIds, oneBatch, type Lookups } from '../../db/mongo.ts';
import { GroupCommit } from '../../db/batcher.ts';
import { writeWhereStill } from '../../db/writeWhereStill.ts';
import { MongoServerError, ReadPreference, type AnyBulkWriteOperation, type Collection, type Db, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { COLLECTIONS, INDEXES } from './collections.ts';
import { applyBlock, touchedByEntry, type AccountState } from '../../core/balances.ts';
import {
  blockKey,
  emptyAccount,
  mempoolKey,
  OLDER_HISTORY,
  RECENT_HISTORY,
  transactionModel,
  type AccountDoc,
  type BlockDoc,
  type HistoryDoc,
  type MempoolDoc,
  type MetaDoc,
  type PendingTx,
  type RejectedDoc,
  type TransactionModel,
  type TxIndexDoc,
} from './models.ts';
import { alreadyStored, isDuplicateKey } from '../../db/writeErrors.ts';

/**
 * At most this many statements per update or delete command. FerretDB 1.24 keeps every statement's query
 * open until the whole command ends (a `defer` in a loop), each holding one of its 100 SQLite
 * connections: an update command of 100 statements waits for itself forever (docs/DATABASE.md).
 */
const MAX_STATEMENTS_PER_COMMAND = 32;
async function insertIgnoringDuplicates<T extends { _id: string }>(collection: Collection<T>, docs: OptionalUnlessRequiredId<T>[]): Promise<void> {
  await collection.insertMany(docs, { ordered: false }).catch((err: unknown) => void alreadyStored(err));
}
async function bulkWriteCapped<T extends Document>(collection: Collection<T>, ops: AnyBulkWriteOperation<T>[]): Promise<void> {
  for (let i = 0; i < ops.length; i += MAX_STATEMENTS_PER_COMMAND) await collection.bulkWrite(ops.slice(i, i + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
}
const NAMESPACE_EXISTS = 48;
const ignoreExists = (err: unknown) => {
  if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
};

export { touchedByEntry };

/** Every account a block changes: see {@link touchedByEntry}, and genesis allocations. */
export function touchedBy(block: BlockDoc): string[] {
  const { municipality } = block.header;
  return [...new Set([...block.txs.flatMap((t) => touchedByEntry(t.body, municipality)), ...(block.allocations ?? []).map((a) => a.address)])];
}

/**
 * The account documents a block changes, given their state before it (`before`; absent: a new
 * account): balance and nonce after the block, `height` = the block's, and the block's height
 * added to `recent` for an account it writes a history document for (the history document's
 * `prev` is taken from it, see {@link LedgerStore.apply}). An account already at this height or
 * later (the block was applied to it before) is left out. Pure.
 */
export function accountsAfter(block: BlockDoc, before: Map<string, AccountDoc>): AccountDoc[] {
  const { height } = block;
  const states = new Map<string, AccountState>();
  const stateOf = (address: string) => {
    let state = states.get(address);
    if (!state) {
      const doc = before.get(address);
      states.set(address, (state = { balance: BigInt(doc?.balance ?? 0), nonce: doc?.nonce ?? 0 }));
    }
    return state;
  };
  applyBlock({ municipality: block.header.municipality, allocations: block.allocations, entries: block.txs.map((tx) => tx.body) }, stateOf);
  const history = historyOf(block);
  const after: AccountDoc[] = [];
  for (const [address, { balance, nonce }] of states) {
    const doc: AccountDoc = { ...(before.get(address) ?? emptyAccount(address)), balance: Number(balance), nonce, height };
    // No `recent` yet: an account written before accounts listed their history heights, whose
    // older history documents are found by a range (docs/LEDGER.md).
    if (history.has(address)) doc.recent = [...(doc.recent ?? [OLDER_HISTORY]), height].slice(-RECENT_HISTORY);
    if ((before.get(address)?.height ?? -1) < height) after.push(doc);
  }
  return after;
}

/** The positions of each account's entries in a block (its history documents' `indexes`), in block order. */
function historyOf(block: BlockDoc): Map<string, number[]> {
  const history = new Map<string, number[]>();
  block.txs.forEach((tx, index) => {
    for (const address of touchedByEntry(tx.body, block.header.municipality)) (history.get(address) ?? history.set(address, []).get(address)!).push(index);
  });
  return history;
}

export class LedgerStore {
  readonly blocks: Collection<BlockDoc>;
  readonly mempool: Collection<MempoolDoc>;
  readonly rejected: Collection<RejectedDoc>;
  readonly txIndex: Collection<TxIndexDoc>;
  readonly accounts: Collection<AccountDoc>;
  readonly history: Collection<HistoryDoc>;
  readonly meta: Collection<MetaDoc>;
  /** Admissions share their commits, and their mempool log entry (group commit: db/batcher.ts). */
  private readonly admissions = new GroupCommit<PendingTx, string>((txs) => this.appendToMempool(txs));
  /** The last mempool log sequence number written or read here. */
  private lastSeq = 0;

  /**
   * The same collections for reads of sealed documents — blocks, tx index, history: written once,
   * never changed — with the read preference `sealedReads` (a secondary when the database is a
   * replica set, db/mongo.ts); read through {@link LedgerStore.findSealed}, which falls back to the
   * primary for what a secondary does not have yet.
   */
  readonly sealedReads: { blocks: Collection<BlockDoc>; txIndex: Collection<TxIndexDoc>; history: Collection<HistoryDoc> };

  constructor(
    readonly db: Db,
    readonly municipality: string,
    /** How several documents are read by `_id` on this database (db/mongo.ts). */
    readonly lookups: Lookups = 'per-key',
    sealedReads: ReadPreference = ReadPreference.primary,
  ) {
    this.blocks = db.collection(COLLECTIONS.blocks);
    this.mempool = db.collection(COLLECTIONS.mempool);
    this.rejected = db.collection(COLLECTIONS.rejected);
    this.txIndex = db.collection(COLLECTIONS.txIndex);
    this.accounts = db.collection(COLLECTIONS.accounts);
    this.history = db.collection(COLLECTIONS.history);
    this.meta = db.collection(COLLECTIONS.meta);
    const sealed = <T extends Document>(name: string, primary: Collection<T>) =>
      sealedReads.equals(ReadPreference.primary) ? primary : db.collection<T>(name, { readPreference: sealedReads });
    this.sealedReads = {
      blocks: sealed(COLLECTIONS.blocks, this.blocks),
      txIndex: sealed(COLLECTIONS.txIndex, this.txIndex),
      history: sealed(COLLECTIONS.history, this.history),
    };
  }

  /** Sealed documents by `_id`: from where {@link LedgerStore.sealedReads} points, the primary for any missing there. */
  findSealed(collection: 'blocks', ids: readonly string[], projection?: Document): Promise<BlockDoc[]>;
  findSealed(collection: 'txIndex', ids: readonly string[]): Promise<TxIndexDoc[]>;
  findSealed(collection: 'history', ids: readonly string[]): Promise<HistoryDoc[]>;
  findSealed(collection: keyof LedgerStore['sealedReads'], ids: readonly string[], projection?: Document): Promise<unknown[]> {
    const primary = { blocks: this.blocks, txIndex: this.txIndex, history: this.history }[collection] as unknown as Collection<{ _id: string }>;
    return findSealedByIds(this.sealedReads[collection] as unknown as Collection<{ _id: string }>, primary, ids, this.lookups, projection);
  }

  /**
   * Creates the indexes, then writes the genesis block if the chain is empty, or checks it.
   * Deriving state is left to the sequencer lease holder (see {@link LedgerStore.catchUp}).
   */
  async init(genesis: BlockDoc): Promise<void> {
    // Every collection made up front (creating one on first write takes its catalogue lock), and
    // only the missing indexes, one at a time (db/mongo.ts createMissingIndexes).
    const existing = new Set((await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of Object.values(COLLECTIONS)) if (!existing.has(name)) await this.db.createCollection(name).catch(ignoreExists);
    for (const [name, indexes] of Object.entries(INDEXES)) await createMissingIndexes(this.db.collection(name), indexes);
    try {
      await this.blocks.insertOne(genesis);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.blocks.findOne({ _id: blockKey(0) }, { projection: { hash: 1 } });
    if (stored?.hash !== genesis.hash) {
      throw new Error(
        `database ${this.db.databaseName} holds another genesis (hash ${stored?.hash}, expected ${genesis.hash}). ` +
          'The genesis is signed with AIKI_SEQUENCER_KEY and commits to AIKI_GENESIS and AIKI_GENESIS_TIME: check those and AIKI_DB_NAME ' +
          '(for data made by an older `npm start`, delete .data/ to start over).',
      );
    }
  }

  /** The newest sealed block; with `light`, without its transactions and allocations. */
  async head({ light = false } = {}): Promise<BlockDoc> {
    // By `_id` only, from the last applied height forward (usually one miss): FerretDB's SQLite
    // backend pushes an `_id` equality down but not a sort, which would read every block.
    let height = (await this.meta.findOne({ _id: 'applied' }))?.height ?? 0;
    while (await this.blocks.findOne({ _id: blockKey(height + 1) }, { projection: { _id: 1 } })) height++;
    const head = await this.blocks.findOne({ _id: blockKey(height) }, { projection: light ? { txs: 0, allocations: 0 } : undefined });
    if (!head) throw new Error(`ledger ${this.municipality} has no block ${height}: was init() run?`);
    return head;
  }

  // --- the mempool -----------------------------------------------------------------------

  /**
   * Writes an admitted transaction to the mempool log; resolves with the key of the entry that
   * holds it, once durable. Transactions admitted while a write is in flight share the next entry.
   */
  insertPending(tx: PendingTx): Promise<string> {
    return this.admissions.add(tx);
  }

  private async appendToMempool(txs: PendingTx[]): Promise<string> {
    // Above every key read or written here, so above every key of earlier lease holders (a new
    // holder reads the whole log before it admits); the clock only spreads keys out.
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    const _id = mempoolKey(this.lastSeq);
    await this.mempool.insertOne({ _id, txs });
    return _id;
  }

  /** The whole mempool log, oldest entry first (rebuilding the lease holder's book). */
  async loadPending(): Promise<MempoolDoc[]> {
    const docs = await this.mempool.find({}).toArray();
    docs.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    if (docs.length > 0) this.lastSeq = Math.max(this.lastSeq, Number(docs[docs.length - 1]!._id));
    return docs;
  }

  /**
   * Deletes mempool log entries whose transactions are all sealed (and in the tx index) or
   * rejected. By `_id`, which FerretDB pushes down.
   */
  async forgetPending(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await bulkWriteCapped(
      this.mempool,
      keys.map((_id) => ({ deleteOne: { filter: { _id } } })),
    );
  }

  /** A transaction in the mempool log, by id (sealed ones stay there until forgotten). */
  async findPending(txid: string): Promise<PendingTx | null> {
    const entry = await this.mempool.findOne({ 'txs.id': txid });
    return entry?.txs.find((t) => t.id === txid) ?? null;
  }

  /** Which of `ids` were rejected. */
  async rejectedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.rejected.find({ _id: { $in: ids } }, { ...oneBatch(ids.length), projection: { _id: 1 } }).toArray();
    return new Set(found.map((d) => d._id));
  }

  /** Which of `ids` are in a block (the tx index). */
  async confirmedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.txIndex.find({ _id: { $in: ids } }, { ...oneBatch(ids.length), projection: { _id: 1 } }).toArray();
    return new Set(found.map((d) => d._id));
  }

  /** Confirmed account states by address (absent: never credited), one `_id` lookup each. */
  async loadAccounts(addresses: string[]): Promise<Map<string, AccountDoc>> {
    return new Map((await findByIds(this.accounts, addresses, this.lookups)).map((doc) => [doc._id, doc]));
  }

  /** A transaction by id, wherever it is: confirmed, pending or rejected. */
  async findTransaction(txid: string): Promise<TransactionModel | null> {
    const [at, pending, rejected] = await Promise.all([this.txIndex.findOne({ _id: txid }), this.findPending(txid), this.rejected.findOne({ _id: txid })]);
    const block = at ? await this.blocks.findOne({ _id: blockKey(at.height) }) : null;
    return transactionModel(txid, { at, block, pending, rejected });
  }

  // --- commit and derived state ------------------------------------------------------------

  /** Commits a block: inserts its document. False if that height is already taken (another sequencer). */
  async commit(block: BlockDoc): Promise<boolean> {
    try {
      await this.blocks.insertOne(block);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Records refused transactions with their reasons (the commit point of a rejection; their
   * mempool log entry is forgotten later, with the sealed ones). Idempotent.
   */
  async reject(items: Array<{ tx: PendingTx; code: string; message: string }>): Promise<void> {
    if (items.length === 0) return;
    await bulkWriteCapped(
      this.rejected,
      items.map(({ tx, code, message }) => ({
        replaceOne: { filter: { _id: tx.id }, replacement: { body: tx.body, signature: tx.signature, code, message, rejectedAt: new Date() }, upsert: true },
      })),
    );
  }

  /**
   * Derives state from one committed block: writes its tx index and history entries and the
   * accounts it changed (from {@link accountsAfter}), the tx index last, then marks it applied. Idempotent: the tx
   * index and history are inserts of the same documents every time, and the accounts are whole
   * documents with absolute values.
   */
  async apply(block: BlockDoc, changed: AccountDoc[]): Promise<void> {
    const { height } = block;
    if (block.txs.length > 0) {
      // Plain inserts, not upserts: the documents are the same every time a block is applied,
      // so a duplicate key means "applied before". (Upserts cost FerretDB a query each.)
      // A history document's `prev` is its account's `recent` before this block, which a re-run
      // reads unchanged: the accounts are written only once every history document is. An
      // account left out of `changed` is already at this height, so its history document was
      // written by the first run; should it be missing all the same, it is written without
      // `prev`, which readers take as "read the older ones by a range" — slower, never wrong.
      const recent = new Map(changed.map((doc) => [doc._id, doc.recent]));
      const docs = [...historyOf(block)].map(([address, indexes]): HistoryDoc => {
        const heights = recent.get(address);
        const prev = heights?.[heights.length - 1] === height ? heights.slice(0, -1) : undefined;
        return { _id: `${address}|${blockKey(height)}`, address, height, indexes, ...(prev && { prev }) };
      });
      await insertIgnoringDuplicates(this.history, docs);
    }
    // By `_id` alone, which FerretDB pushes down; this process is the only writer (the lease holder).
    await bulkWriteCapped(
      this.accounts,
      changed.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
    );
    // The tx index last: a transaction reads CONFIRMED only once the balances and histories it
    // changed are written (before, a client could see it CONFIRMED and its old balance).
    if (block.txs.length > 0)
      await insertIgnoringDuplicates(
        this.txIndex,
        block.txs.map((tx, index) => ({ _id: tx.id, height, index })),
      );
    await this.meta.updateOne({ _id: 'applied' }, { $max: { height } }, { upsert: true });
  }

  /**
   * Applies every committed block that the derived state has not seen yet (after a crash), and
   * returns the newest block. Only the sequencer lease holder calls it: FerretDB v1 runs an
   * update as a read then a write, so two appliers at once — say a killed process's last
   * command, still running in the database, and its successor — could lose an update. Waiting
   * for the lease gives a killed holder's in-flight commands the lease time to finish
   * (docs/LEDGER.md, "What is atomic").
   */
  async catchUp(): Promise<BlockDoc> {
    const applied = (await this.meta.findOne({ _id: 'applied' }))?.height ?? -1;
    // Block by block, by `_id` (see head()): usually a single miss when there is nothing to do.
    for (let height = applied + 1; ; height++) {
      const block = await this.blocks.findOne({ _id: blockKey(height) });
      if (!block) return this.head({ light: true });
      await this.apply(block, accountsAfter(block, await this.loadAccounts(touchedBy(block))));
    }
  }

  // --- leases ------------------------------------------------------------------------------

  /**
   * Takes or renews the sequencer lease for `holder` (serving at `url`) until `now + ttlMs`.
   * `held`: whether `holder` holds it afterwards; `from`: the previous holder when it was taken
   * from another (whose lease had expired). One document, one update.
   */
  async acquireLease(holder: string, url: string, ttlMs: number, now = new Date()): Promise<{ held: boolean; from?: string }> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    try {
      const before = await this.meta.findOneAndUpdate(
        { _id: 'sequencer', $or: [{ holder }, { expiresAt: { $lt: now } }] },
        { $set: { holder, url, expiresAt } },
        { upsert: true, returnDocument: 'before' },
      );
      const previous = before?.holder;
      return { held: true, from: previous && previous !== holder ? previous : undefined };
    } catch (err) {
      if (isDuplicateKey(err)) return { held: false }; // another holder's unexpired lease exists
      throw err;
    }
  }

  /** The current lease holder's URL, if its lease has not expired. */
  async leaseHolderUrl(now = new Date()): Promise<string | undefined> {
    const lease = await this.meta.findOne({ _id: 'sequencer' });
    return lease?.holder && lease.expiresAt && lease.expiresAt > now ? lease.url : undefined;
  }

  async releaseLease(holder: string): Promise<void> {
    // Released, not taken over: the next holder has no dead holder's commands to wait for.
    await writeWhereStill(this.meta, this.lookups, [
      { _id: 'sequencer', still: { holder }, update: { $set: { expiresAt: new Date(0) }, $unset: { holder: '' } } },
    ]);
  }
}
