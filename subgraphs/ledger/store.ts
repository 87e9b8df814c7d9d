/**
 * The municipal ledger's MongoDB store: admission of transactions into the mempool, the blocks
 * (the commit point), and the state derived from them.
 *
 * Crash safety needs only single-document atomicity and unique indexes (DESIGN.md):
 * - a transaction is acknowledged once its mempool document is written (`w: majority`);
 * - a block is committed by inserting its document under a unique `_id` = height;
 * - everything else (tx index, accounts, history, mempool clean-up) is derived from blocks by
 *   {@link LedgerStore.apply}, which is idempotent and re-run for any block not yet applied.
 */
import { oneBatch } from '../../db/mongo.ts';
import { InsertBatcher, writeErrorsOf } from '../../db/batcher.ts';
import { MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type OptionalUnlessRequiredId } from 'mongodb';
import { AikiError, aikiError, checkTransaction, parseAddress, type TransferBody } from '../../core/index.ts';
import { COLLECTIONS, INDEXES } from './collections.ts';
import { transactionModel, type AccountDoc, type BlockDoc, type HistoryDoc, type MempoolDoc, type MetaDoc, type RejectedDoc, type TransactionModel, type TxIndexDoc } from './models.ts';

const DUPLICATE_KEY = 11000;
/** Pending transactions one sender may have; bounds every admission's reads. */
const MAX_PENDING_PER_SENDER = 1000;
/** How far a new transaction's signed time may be from the ledger's clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const isDuplicate = (err: unknown) => (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
/** A bulk write whose only failures are duplicate keys wrote everything that was missing. */
function ignoreDuplicates(err: unknown): void {
  const writeErrors = writeErrorsOf(err);
  if (!(writeErrors.length > 0 && writeErrors.every((e) => e.code === DUPLICATE_KEY))) throw err;
}
async function insertIgnoringDuplicates<T extends { _id: string }>(collection: Collection<T>, docs: OptionalUnlessRequiredId<T>[]): Promise<void> {
  await collection.insertMany(docs, { ordered: false }).catch(ignoreDuplicates);
}
const NAMESPACE_EXISTS = 48;
const ignoreExists = (err: unknown) => {
  if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
};
const pad = (n: number) => n.toString().padStart(12, '0');
const lastNonce = (sender: { nonce: number; pending: Array<{ nonce: number }> }) => Math.max(sender.nonce, ...sender.pending.map((p) => p.nonce));
const nonceReused = (from: string, nonce: number, last: number) =>
  aikiError('NONCE_REUSED', `nonce ${nonce} of ${from} is already used; the next one is ${last + 1}`, { expected: last + 1 });

/** What admission knows of a sender: confirmed balance and nonce, and its pending transfers. */
interface SenderState {
  balance: bigint;
  nonce: number;
  pending: Array<Pick<MempoolDoc, '_id' | 'nonce' | 'amount'>>;
}

export class LedgerStore {
  readonly blocks: Collection<BlockDoc>;
  readonly mempool: Collection<MempoolDoc>;
  readonly rejected: Collection<RejectedDoc>;
  readonly txIndex: Collection<TxIndexDoc>;
  readonly accounts: Collection<AccountDoc>;
  readonly history: Collection<HistoryDoc>;
  readonly meta: Collection<MetaDoc>;
  /** Admissions share their commits (group commit): see db/batcher.ts. */
  private readonly admissions: InsertBatcher<MempoolDoc>;

  constructor(
    readonly db: Db,
    readonly municipality: string,
  ) {
    this.blocks = db.collection(COLLECTIONS.blocks);
    this.mempool = db.collection(COLLECTIONS.mempool);
    this.rejected = db.collection(COLLECTIONS.rejected);
    this.txIndex = db.collection(COLLECTIONS.txIndex);
    this.accounts = db.collection(COLLECTIONS.accounts);
    this.history = db.collection(COLLECTIONS.history);
    this.meta = db.collection(COLLECTIONS.meta);
    this.admissions = new InsertBatcher(this.mempool);
  }

  /**
   * Creates the indexes, then writes the genesis block if the chain is empty, or checks it.
   * Deriving state is left to the sequencer lease holder (see {@link LedgerStore.catchUp}).
   */
  async init(genesis: BlockDoc): Promise<void> {
    // Every collection made up front, and one index at a time, only the missing ones: FerretDB
    // 1.24 panics on a createIndexes of several indexes when some exist (seen when a second
    // replica starts), and creating a collection on first write takes its catalogue lock.
    const existing = new Set((await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of Object.values(COLLECTIONS)) if (!existing.has(name)) await this.db.createCollection(name).catch(ignoreExists);
    for (const [name, indexes] of Object.entries(INDEXES)) {
      const collection = this.db.collection(name);
      const present = new Set((await collection.listIndexes().toArray()).map((i) => i.name as string));
      for (const { key, ...options } of indexes) if (!present.has(options.name!)) await collection.createIndex(key, options);
    }
    try {
      await this.blocks.insertOne(genesis);
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
    const stored = await this.blocks.findOne({ _id: 0 }, { projection: { hash: 1 } });
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
    // backend pushes `_id` lookups down but not a sort, which would read every block.
    let height = (await this.meta.findOne({ _id: 'applied' }))?.height ?? 0;
    while (await this.blocks.findOne({ _id: height + 1 }, { projection: { _id: 1 } })) height++;
    const head = await this.blocks.findOne({ _id: height }, { projection: light ? { txs: 0, allocations: 0 } : undefined });
    if (!head) throw new Error(`ledger ${this.municipality} has no block ${height}: was init() run?`);
    return head;
  }

  // --- admission ---------------------------------------------------------------------------

  /**
   * Admits a signed transfer into the mempool, or says why not with a coded error. Submitting a
   * transaction that is already pending or confirmed returns it as it stands.
   */
  async admit(input: unknown): Promise<TransactionModel> {
    const [result] = await this.admitMany([input]);
    if (result instanceof Error) throw result;
    return result!;
  }

  /**
   * Admits transfers in order, each on its own: an item is a transaction or its coded error, and
   * later items see the earlier ones as pending (so one sender's nonces n, n+1, … can come in one
   * batch). The batch reads each sender's account and pending transfers once, and its inserts
   * share commits with concurrent admissions (db/batcher.ts). A transaction the sequencer
   * rejected may be submitted again: it is admitted anew under the same id (its funds may have
   * arrived since), and the sequencer's nonce check keeps it out of a second block.
   */
  async admitMany(inputs: unknown[]): Promise<Array<TransactionModel | AikiError>> {
    const checked = inputs.map((input) => {
      try {
        return this.checkShape(input);
      } catch (err) {
        if (err instanceof AikiError) return err;
        throw err;
      }
    });
    const senders = [...new Set(checked.flatMap((c) => (c instanceof AikiError ? [] : [c.tx.body.from])))];
    const state = new Map(
      await Promise.all(
        senders.map(async (from) => {
          // Pending first, then the account: applying a block updates accounts before it removes
          // the block's transactions from the mempool, so this order never misses a transfer that
          // moves from one to the other in between (read together, it could: a false NONCE_GAP).
          const pending: SenderState['pending'] = await this.mempool.find({ from }, { ...oneBatch(MAX_PENDING_PER_SENDER + 1), projection: { nonce: 1, amount: 1 } }).toArray();
          const account = await this.accounts.findOne({ _id: from });
          return [from, { balance: BigInt(account?.balance ?? 0), nonce: account?.nonce ?? 0, pending }] as const;
        }),
      ),
    );

    const results: Array<Promise<TransactionModel | AikiError>> = [];
    for (const c of checked) {
      if (c instanceof AikiError) {
        results.push(Promise.resolve(c));
        continue;
      }
      const { id, tx, amount } = c;
      const { body, signature } = tx;
      const sender = state.get(body.from)!;
      const pendingModel: TransactionModel = { status: 'PENDING', txid: id, body, signature };
      if (sender.pending.some((p) => p._id === id)) {
        results.push(Promise.resolve(pendingModel));
        continue;
      }
      if (body.nonce <= sender.nonce) {
        // A spent nonce: this very transaction, confirmed, or a replay.
        results.push(this.findTransaction(id).then((known) => known ?? nonceReused(body.from, body.nonce, lastNonce(sender))));
        continue;
      }
      const refusal = this.refusal(body, amount, sender);
      if (refusal) {
        results.push(Promise.resolve(refusal));
        continue;
      }
      sender.pending.push({ _id: id, nonce: body.nonce, amount: Number(amount) });
      const doc: MempoolDoc = { _id: id, from: body.from, nonce: body.nonce, amount: Number(amount), body, signature, receivedAt: new Date() };
      results.push(
        this.admissions.insert(doc).then(
          () => pendingModel,
          async (err: unknown) => {
            if (!isDuplicate(err)) throw err;
            // The same transaction submitted twice at once, or its nonce taken by another.
            return (await this.findTransaction(id)) ?? nonceReused(body.from, body.nonce, body.nonce);
          },
        ),
      );
    }
    return Promise.all(results);
  }

  /** Shape, signature and addresses: everything about a transfer that needs no stored state. */
  private checkShape(input: unknown) {
    const checked = checkTransaction(input);
    const { body } = checked.tx;
    const from = parseAddress(body.from);
    const to = parseAddress(body.to);
    if (from.municipality !== this.municipality) {
      throw aikiError('WRONG_MUNICIPALITY', `a transfer is submitted to the sender's ledger (${from.municipality}), this is ${this.municipality}`, { municipality: from.municipality, served: this.municipality });
    }
    if (to.municipality !== this.municipality) {
      throw aikiError('UNSUPPORTED_TRANSFER', `transfers to another municipality (${to.municipality}) are not supported yet`, { municipality: to.municipality });
    }
    return checked;
  }

  /** Why a new transfer cannot be admitted given its sender's state, or null. */
  private refusal(body: TransferBody, amount: bigint, sender: SenderState): AikiError | null {
    const skew = Math.abs(Date.parse(body.time) - Date.now());
    if (skew > MAX_CLOCK_SKEW_MS) {
      return aikiError('BAD_TRANSACTION', `time ${body.time} is ${Math.round(skew / 1000)} s from the ledger's clock; at most ${MAX_CLOCK_SKEW_MS / 1000} s is accepted`, { field: 'time' });
    }
    if (sender.pending.length >= MAX_PENDING_PER_SENDER) {
      return aikiError('TOO_MANY_PENDING', `${body.from} has ${MAX_PENDING_PER_SENDER} transactions pending; wait for them to be sealed`, { limit: MAX_PENDING_PER_SENDER });
    }
    const last = lastNonce(sender);
    if (body.nonce <= last) return nonceReused(body.from, body.nonce, last);
    if (body.nonce > last + 1) {
      return aikiError('NONCE_GAP', `nonce ${body.nonce} of ${body.from} skips ${last + 1}; nonces go up by one`, { expected: last + 1 });
    }
    const available = sender.balance - sender.pending.reduce((sum, p) => sum + BigInt(p.amount), 0n);
    if (amount > available) {
      return aikiError('INSUFFICIENT_FUNDS', `${body.from} has ${available} available (balance less pending), the transfer needs ${amount}`, { available: available.toString() });
    }
    return null;
  }

  /** A transaction by id, wherever it is: confirmed, pending or rejected. */
  async findTransaction(txid: string): Promise<TransactionModel | null> {
    const [at, pending, rejected] = await Promise.all([
      this.txIndex.findOne({ _id: txid }),
      this.mempool.findOne({ _id: txid }),
      this.rejected.findOne({ _id: txid }),
    ]);
    const block = at ? await this.blocks.findOne({ _id: at.height }) : null;
    return transactionModel(txid, { at, block, pending, rejected });
  }


  // --- commit and derived state ------------------------------------------------------------

  /** Commits a block: inserts its document. False if that height is already taken (another sequencer). */
  async commit(block: BlockDoc): Promise<boolean> {
    try {
      await this.blocks.insertOne(block);
      return true;
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
  }

  /** Moves refused transactions out of the mempool, with their reasons. Idempotent. */
  async reject(items: Array<{ doc: MempoolDoc; code: string; message: string }>): Promise<void> {
    if (items.length === 0) return;
    await this.rejected.bulkWrite(
      items.map(({ doc, code, message }) => ({
        replaceOne: { filter: { _id: doc._id }, replacement: { body: doc.body, signature: doc.signature, code, message, rejectedAt: new Date() }, upsert: true },
      })),
      { ordered: false },
    );
    await this.mempool.deleteMany({ _id: { $in: items.map((i) => i.doc._id) } });
  }

  /**
   * Derives state from one committed block. Idempotent: the tx index and history are upserts by
   * `_id`, an account is only changed if its `height` is below the block's, and the mempool
   * clean-up comes last, after the tx index says where each transaction went.
   */
  async apply(block: BlockDoc): Promise<void> {
    const height = block._id;
    if (block.txs.length > 0) {
      // Plain inserts, not upserts: the documents are the same every time a block is applied,
      // so a duplicate key means "applied before". (Upserts cost FerretDB a query each.)
      await insertIgnoringDuplicates(this.txIndex, block.txs.map((tx, index) => ({ _id: tx.id, height, index })));
      await insertIgnoringDuplicates(
        this.history,
        block.txs.flatMap((tx, index) =>
          [...new Set([tx.body.from, tx.body.to])].map((address) => ({ _id: `${address}|${pad(height)}|${pad(index)}`, address, txid: tx.id, height, index })),
        ),
      );
    }
    const deltas = new Map<string, { balance: number; nonce: number }>();
    const delta = (address: string) => deltas.get(address) ?? deltas.set(address, { balance: 0, nonce: 0 }).get(address)!;
    for (const tx of block.txs) {
      const amount = Number(tx.body.amount);
      delta(tx.body.from).balance -= amount;
      delta(tx.body.from).nonce = Math.max(delta(tx.body.from).nonce, tx.body.nonce);
      delta(tx.body.to).balance += amount;
    }
    for (const { address, amount } of block.allocations ?? []) delta(address).balance += Number(amount);
    if (deltas.size > 0) {
      const ops: AnyBulkWriteOperation<AccountDoc>[] = [...deltas].map(([address, d]) => ({
        updateOne: {
          filter: { _id: address, height: { $lt: height } },
          update: { $inc: { balance: d.balance }, $max: { nonce: d.nonce }, $set: { height } },
          upsert: true,
        },
      }));
      // An upsert that hits an account already at this height is a block applied before: fine.
      await this.accounts.bulkWrite(ops, { ordered: false }).catch(ignoreDuplicates);
    }
    if (block.txs.length > 0) await this.mempool.deleteMany({ _id: { $in: block.txs.map((t) => t.id) } });
    await this.meta.updateOne({ _id: 'applied' }, { $max: { height } }, { upsert: true });
  }

  /**
   * Applies every committed block that the derived state has not seen yet (after a crash).
   * Only the sequencer lease holder calls it: FerretDB v1 runs an update as a read then a write,
   * so two appliers at once — say a killed process's last command, still running in the
   * database, and its successor — could lose an update. Waiting for the lease gives a killed
   * holder's in-flight commands the lease time to finish (docs/LEDGER.md, "What is atomic").
   */
  async catchUp(): Promise<number> {
    const applied = (await this.meta.findOne({ _id: 'applied' }))?.height ?? -1;
    // Block by block, by `_id` (see head()): usually a single miss when there is nothing to do.
    let count = 0;
    for (let height = applied + 1; ; height++) {
      const block = await this.blocks.findOne({ _id: height });
      if (!block) return count;
      await this.apply(block);
      count++;
    }
  }

  // --- leases ------------------------------------------------------------------------------

  /**
   * Takes or renews the sequencer lease for `holder` until `now + ttlMs`. `held`: whether
   * `holder` holds it afterwards; `from`: the previous holder when it was taken from another
   * (whose lease had expired). One document, one update.
   */
  async acquireLease(holder: string, ttlMs: number, now = new Date()): Promise<{ held: boolean; from?: string }> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    try {
      const before = await this.meta.findOneAndUpdate(
        { _id: 'sequencer', $or: [{ holder }, { expiresAt: { $lt: now } }] },
        { $set: { holder, expiresAt } },
        { upsert: true, returnDocument: 'before' },
      );
      const previous = before?.holder;
      return { held: true, from: previous && previous !== holder ? previous : undefined };
    } catch (err) {
      if (isDuplicate(err)) return { held: false }; // another holder's unexpired lease exists
      throw err;
    }
  }

  async releaseLease(holder: string): Promise<void> {
    // Released, not taken over: the next holder has no dead holder's commands to wait for.
    await this.meta.updateOne({ _id: 'sequencer', holder }, { $set: { expiresAt: new Date(0) }, $unset: { holder: '' } });
  }
}
