/**
 * The sequencer: the one process per municipality that admits transactions and orders them into
 * Proof of History blocks. Every ledger replica runs this loop; only the holder of the lease in
 * MongoDB admits and seals (the others forward submissions to it: admission.ts), so killing it
 * hands the lease to another replica once the lease expires.
 *
 * The holder keeps a {@link Book} in memory: confirmed account state and pending transactions.
 * Becoming holder, it builds the book from the database: apply every committed block not yet
 * applied (after a crash), then read the mempool. One round then: renew the lease → take up to
 * `maxTxPerBlock` queued transactions → mix them into PoH → seal and commit the block → update
 * the book → apply the block to the derived state in the background, while the next block is
 * sealed and committed (at most one block's apply in flight: the derived state lags the chain by
 * at most a block). Any failed database command drops the book; the next round rebuilds it.
 */
import { randomUUID } from 'node:crypto';
import { aikiError, bytesToHex, isSettlement, sealNext } from '../../core/index.ts';
import type { Logger } from '../../runtime/log.ts';
import { Book, MAX_PENDING, type Refusal } from './book.ts';
import { blockKey, type BlockDoc, type PendingTx, type StoredTx } from './models.ts';
import { accountsAfter, touchedBy, type LedgerStore } from './store.ts';
import type { LabelGrants } from '../../runtime/labelGrants.ts';
import { Rounds } from '../../runtime/rounds.ts';

export interface SequencerOptions {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** Seal at least this often when transactions are pending, in ms. */
  blockIntervalMs: number;
  maxTxPerBlock: number;
  leaseMs: number;
  /** PoH ticks per millisecond elapsed between events, capped per event (docs/PROTOCOL.md). */
  pohTicksPerMs: number;
  /** The head's grants to the gateways, revoked before each commit (runtime/labelGrants.ts). */
  grants?: LabelGrants;
  log: Logger;
}

const MAX_TICKS_PER_EVENT = 1000;
/** Mempool log entries done with are deleted when the queue is empty or this many accrue. */
const FORGET_BATCH = 64;

export class Sequencer {
  readonly holder = randomUUID();
  /** This replica's GraphQL URL, recorded with the lease so that other replicas can forward to it. */
  url = '';
  private readonly rounds = new Rounds(() => this.round());
  private leader = false;
  /** Local clock time until which our lease is certainly ours (taken before asking for it). */
  private leaseUntil = 0;
  private book: Book | undefined;
  private bookReady: Promise<void> = Promise.resolve();
  private markReady: () => void = () => {};
  /** Mempool writes in flight: a rebuild waits for them so that it reads every one. */
  private readonly writing = new Set<Promise<unknown>>();
  /** Mempool log entries done with (all sealed or rejected), to delete once their blocks are applied. */
  private done: string[] = [];
  /** The derived-state writes of sealed blocks, one after the other. */
  private applying: Promise<void> = Promise.resolve();
  private lastEventAt = Date.now();
  /** Waiting for the next block's derived state to be written (or the book to be dropped). */
  private appliedWaiters: Array<() => void> = [];
  /** Told of every block this replica commits (the anchor pusher keeps them, saving a read). */
  onCommitted: (block: BlockDoc) => void = () => {};
  /** Told of every block this replica has applied: its tx index entries are written, the last of its derived state. */
  onApplied: (block: BlockDoc) => void = () => {};
  /** The newest block this holder's book stands on, and the height applied to the derived state; undefined without a book. */
  private chain: { head: Pick<BlockDoc, 'height' | 'hash'>; applied: number } | undefined;
  /** This holder's commits and applies in flight: while any is, the database may be ahead of {@link chain}. */
  private chainWrites = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly opts: SequencerOptions,
  ) {
    this.dropBook();
  }

  /** The book admissions decide against now; undefined while there is none. */
  get currentBook(): Book | undefined {
    return this.book;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * The newest sealed block and whether every committed block is applied, without a database
   * read — known for certain only here, by the lease holder: while its lease is sure no other
   * replica commits (leaseValid), so with none of its own commits or applies in flight the
   * database holds exactly the chain its book stands on. Undefined otherwise: ask the database
   * (state.ts). Saves the head probe on every read the holder serves.
   */
  knownHead(): { height: number; hash: string; applied: boolean; sureForMs: number } | undefined {
    if (!this.leader || !this.book || !this.chain || this.chainWrites > 0 || !this.leaseValid()) return undefined;
    return {
      height: this.chain.head.height,
      hash: this.chain.head.hash,
      applied: this.chain.applied === this.chain.head.height,
      sureForMs: this.leaseSureUntil() - Date.now(),
    };
  }

  /**
   * Starts the loop; resolves after its first round, so that a ledger that takes the lease has
   * applied every committed block (genesis included) before it serves.
   */
  start(): Promise<void> {
    return this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    await Promise.allSettled([...this.writing, this.applying]);
    if (this.leader) await this.store.releaseLease(this.holder).catch(() => {});
  }

  /**
   * The book to admit against, once this replica holds the lease and has built it; undefined
   * if it does not hold the lease. Waits at most `timeoutMs` for a rebuild in progress.
   */
  async bookForAdmission(timeoutMs: number): Promise<Book | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.rounds.running && Date.now() < deadline) {
      if (!this.leader) return undefined;
      if (this.book && this.leaseValid()) return this.book;
      await Promise.race([this.bookReady, new Promise((r) => setTimeout(r, 50))]);
    }
    return undefined;
  }

  /**
   * Writes a reserved transaction to the mempool and queues it in `book`. A failed write leaves
   * the book unsure of what the mempool holds, so the book is dropped and rebuilt.
   */
  async write(book: Book, tx: PendingTx): Promise<void> {
    const entry = await this.tracked(book, () => this.store.insertPending(tx));
    book.queued(tx, entry);
    if (book === this.book && book.queuedCount >= this.opts.maxTxPerBlock) this.rounds.wake();
  }

  /** Records rejections decided against `book` (an aborted credit), like {@link write}. */
  async reject(book: Book, items: Refusal[]): Promise<void> {
    await this.tracked(book, () => this.store.reject(items));
  }

  /**
   * Runs a write decided against `book`, which must still be the current one: a rebuild begun
   * since may have read the database already and would miss it (SEQUENCER_UNAVAILABLE, retry).
   * A rebuild waits for the writes in flight; a failed one drops the book.
   */
  private async tracked<T>(book: Book, write: () => Promise<T>): Promise<T> {
    if (book !== this.book) throw aikiError('SEQUENCER_UNAVAILABLE', 'the sequencer is rebuilding its state; retry shortly', { retryAfterMs: 200 });
    const written = write();
    this.writing.add(written);
    try {
      return await written;
    } catch (err) {
      if (book === this.book) this.dropBook();
      throw err;
    } finally {
      this.writing.delete(written);
    }
  }

  private leaseValid(): boolean {
    return Date.now() < this.leaseSureUntil();
  }

  /** Stop admitting (and promising the head) a little before the lease ends: a successor may take over once it has expired. */
  private leaseSureUntil(): number {
    return this.leaseUntil - Math.min(1000, this.opts.leaseMs / 5);
  }

  /** Takes or renews the lease; on success it is ours until a lease time after we asked. */
  private async renewLease(): Promise<{ held: boolean; from?: string }> {
    const asked = Date.now();
    const lease = await this.store.acquireLease(this.holder, this.url, this.opts.leaseMs);
    this.leader = lease.held;
    if (lease.held) this.leaseUntil = asked + this.opts.leaseMs;
    return lease;
  }

  /** Resolves once the next sealed block's derived state is written, or the book is dropped. */
  nextApplied(): Promise<void> {
    return new Promise((resolve) => this.appliedWaiters.push(resolve));
  }

  private notifyApplied(): void {
    const waiters = this.appliedWaiters;
    this.appliedWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private dropBook(): void {
    this.notifyApplied();
    this.book = undefined;
    this.chain = undefined;
    this.bookReady = new Promise((resolve) => (this.markReady = resolve));
  }

  /** One round; returns the wait before the next (undefined after a full block: the next at once). */
  private async round(): Promise<number | undefined> {
    const { log } = this.opts;
    const started = Date.now();
    let sealedFull = false;
    try {
      const wasLeader = this.leader;
      const lease = await this.renewLease();
      if (this.leader !== wasLeader) log.info(this.leader ? 'took the sequencer lease' : 'lost the sequencer lease', { holder: this.holder, from: lease.from });
      if (!this.leader && this.book) this.dropBook();
      if (lease.from) {
        // Taken over from a holder that stopped renewing, likely killed: its last commands may
        // still be running inside the database (FerretDB finishes a dead client's command, as
        // a read then a write). Wait one more lease time before deriving state over them
        // (docs/LEDGER.md, "What is atomic").
        for (let half = 0; half < 2 && this.leader; half++) {
          await new Promise((r) => setTimeout(r, this.opts.leaseMs / 2));
          await this.renewLease();
        }
      }
      if (this.leader && this.book && (await this.foreignBlock())) {
        log.warn('a block this holder did not commit is in the database; rebuilding', { height: this.chain!.head.height + 1 });
        this.dropBook();
      }
      if (this.leader) {
        if (!this.book) await this.rebuild();
        sealedFull = (await this.sealOne(this.book!)) >= this.opts.maxTxPerBlock;
        this.done.push(...this.book!.takeDone());
        if (this.done.length >= FORGET_BATCH || (this.done.length > 0 && this.book!.queuedCount === 0)) {
          await this.applying; // a sealed transaction stays findable: in the mempool until in the tx index
          const keys = this.done;
          this.done = [];
          await this.store.forgetPending(keys);
        }
      }
    } catch (err) {
      log.error('sequencer round failed; rebuilding from the database', { err });
      this.dropBook();
    }
    if (sealedFull) return undefined;
    return this.leader ? Math.max(0, this.opts.blockIntervalMs - (Date.now() - started)) : Math.min(this.opts.leaseMs / 3, 500);
  }

  /**
   * Builds the book from the database: derived state brought up to the newest committed block,
   * then the mempool's pending transactions. Transactions found there that are already in a
   * block are forgotten; any other that can no longer be sealed is rejected with its reason.
   */
  private async rebuild(): Promise<void> {
    await Promise.allSettled([...this.writing, this.applying]);
    this.applying = Promise.resolve();
    const { store } = this;
    const head = await store.catchUp();
    const book = new Book(head);
    const entries = await store.loadPending();
    const txs = entries.flatMap((entry) => entry.txs.map((tx) => ({ tx, entry: entry._id })));
    // Pending ones, sealed ones not yet forgotten (FORGET_BATCH entries, plus what a crash left).
    if (txs.length > 2 * MAX_PENDING)
      throw new Error(`the mempool holds ${txs.length} transactions, more than a ledger admits; refusing to build a book over it`);
    const rejected = await store.rejectedAmong(txs.map((t) => t.tx.id));
    const senders = [...new Set(txs.map((t) => t.tx.from))];
    book.load(senders, await store.loadAccounts(senders));
    // A settlement entry has no nonce to tell whether it is sealed: ask the tx index.
    const sealedEntries = await store.confirmedAmong(txs.filter((t) => isSettlement(t.tx.body)).map((t) => t.tx.id));
    const unplaced = txs.filter(({ tx, entry }) => !rejected.has(tx.id) && !sealedEntries.has(tx.id) && !book.restore(tx, entry)).map((t) => t.tx);
    const confirmed = await store.confirmedAmong(unplaced.map((tx) => tx.id));
    await store.reject(
      unplaced
        .filter((tx) => !confirmed.has(tx.id))
        .map((tx) => ({
          tx,
          code: tx.nonce <= book.account(tx.from).nonce ? 'NONCE_REUSED' : 'NONCE_GAP',
          message: `nonce ${tx.nonce} does not follow ${tx.from}'s confirmed and pending ones`,
        })),
    );
    // Entries with nothing pending left: everything in them is sealed (and applied, by
    // catchUp above) or rejected.
    this.done = [...new Set(entries.map((e) => e._id))].filter((key) => !book.holds(key));
    this.chain = { head, applied: head.height }; // catchUp applied every committed block
    this.book = book;
    this.markReady();
    this.opts.log.info('sequencer book built', { height: head.height, pending: book.pendingCount });
  }

  /** Seals one block from the book; returns how many transactions it took (0: nothing sealed). */
  private async sealOne(book: Book): Promise<number> {
    const { txs, refused } = book.next(this.opts.maxTxPerBlock);
    if (refused.length > 0) {
      await this.store.reject(refused);
      book.rejected(refused.map((r) => r.tx));
    }
    if (txs.length === 0) return 0;
    // Every grant of the head revoked (and acknowledged) before the block can be seen anywhere.
    await this.opts.grants?.beginWrite();
    const block = this.seal(book.head, txs);
    this.chainWrites++; // until the block is applied, or its commit failed
    let committed = false;
    try {
      committed = await this.store.commit(block);
    } finally {
      if (!committed) this.chainWriteDone();
    }
    if (!committed) {
      this.opts.log.warn('another sequencer committed this height; rebuilding', { height: block.height });
      this.dropBook();
      return 0;
    }
    if (this.chain) this.chain.head = block;
    const touched = touchedBy(block);
    const missing = book.missing(touched);
    try {
      book.load(missing, await this.store.loadAccounts(missing));
    } catch (err) {
      this.chainWriteDone(); // not applied here: the rebuild applies it (store.catchUp)
      throw err;
    }
    const changed = accountsAfter(block, new Map(touched.map((a) => [a, book.account(a)])));
    book.sealed(block, changed);
    this.onCommitted(block);
    // Applied after the previous block's apply; a failure drops the book, and the rebuild applies
    // again from `meta.applied` (store.catchUp). We wait for the previous one only.
    const previous = this.applying;
    this.applying = previous
      .then(() => this.store.apply(block, changed))
      .then(() => {
        book.applied(block);
        if (this.chain && this.book === book) this.chain.applied = block.height;
        this.onApplied(block);
        this.notifyApplied();
      })
      .finally(() => this.chainWriteDone());
    this.applying.catch((err: unknown) => {
      this.opts.log.error('applying a sealed block failed; rebuilding from the database', { height: block.height, err });
      if (this.book === book) this.dropBook();
    });
    await previous;
    return txs.length;
  }

  private chainWriteDone(): void {
    this.chainWrites--;
    this.opts.grants?.endWrite();
  }

  /**
   * Whether the database holds a block past the one this holder's book stands on — one it did not
   * commit (a writer behind its back, or a block planted by a test). Once a round: the holder's
   * {@link knownHead} must never outlive such a block by more than a round.
   */
  private async foreignBlock(): Promise<boolean> {
    if (!this.chain || this.chainWrites > 0) return false;
    return (await this.store.blocks.findOne({ _id: blockKey(this.chain.head.height + 1) }, { projection: { _id: 1 } })) !== null;
  }

  /** Builds and signs the next block on `head`. Pure apart from the clock. */
  private seal(head: BlockDoc, pending: PendingTx[]): BlockDoc {
    const now = Date.now();
    const elapsed = Math.max(1, now - this.lastEventAt);
    this.lastEventAt = now;
    const ticksPerEvent = Math.min(MAX_TICKS_PER_EVENT, Math.ceil((elapsed * this.opts.pohTicksPerMs) / pending.length));
    const { header, hash, signature, poh } = sealNext(
      head,
      pending.map((tx) => tx.id),
      { time: new Date(now), ticksPerEvent, secretKey: this.opts.secretKey, sequencer: bytesToHex(this.opts.publicKey) },
    );
    const txs: StoredTx[] = pending.map((tx, i) => ({ id: tx.id, body: tx.body, signature: tx.signature, poh: poh[i]! }));
    return { _id: blockKey(header.height), height: header.height, header, hash, signature, txs };
  }
}
