/**
 * The sequencer lease holder's book: what admission and sealing need to know, in memory, so that
 * neither has to read back what this process wrote itself (docs/LEDGER.md, "The book").
 *
 * - `accounts`: confirmed state (balance, nonce, height) as of the last applied block, loaded from
 *   the `accounts` collection the first time an address is needed;
 * - the pending transactions: admitted (durably in the mempool) and not yet sealed, in arrival
 *   order, plus each sender's reserved ones (being written) that already count for its next
 *   nonce and available balance.
 *
 * Only the lease holder has a book, and only the lease holder writes what the book mirrors
 * (submissions reaching other replicas are forwarded to it), so the book equals the database
 * while the lease is held. Whenever that is in doubt (a failed write, a lost lease) the
 * sequencer drops the book and rebuilds it from the database. Pure: no I/O.
 */
import { aikiError, isSettlement, type AikiError, type SettlementBody, type TransferBody } from '../../core/index.ts';
import { admitEntry, nonceReused, transferRefusal, type AccountState } from '../../core/balances.ts';
import { emptyAccount, type AccountDoc, type BlockDoc, type PendingTx } from './models.ts';

/** Pending transactions one sender may have. */
export const MAX_PENDING_PER_SENDER = 1000;
/** Pending transactions the whole ledger may have (bounds the book's memory and a rebuild's read). */
export const MAX_PENDING = 200_000;
/** Settlement entries remembered as indexed (see {@link Book.indexedEntry}): 10,000 ≈ 2 MB. */
export const MAX_INDEXED_ENTRIES = 10_000;
/** How far a new transaction's signed time may be from the ledger's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** What admission decided for one transaction. */
export type Admission =
  /** Already pending: the same transaction again. */
  | { kind: 'pending' }
  /** A nonce at or below the confirmed one: the same transaction confirmed, or a replay. Look it up. */
  | { kind: 'spent'; next: number }
  | { kind: 'refused'; error: AikiError }
  /** Counted as pending now; `tx` must be written to the mempool, then {@link Book.queued}. */
  | { kind: 'reserved'; tx: PendingTx };

interface Pending {
  id: string;
  nonce: number;
  amount: number;
}

export { nonceReused };

export class Book {
  private readonly accounts = new Map<string, AccountDoc>();
  /** Durable pending transactions in arrival order (a Map iterates in insertion order). */
  private readonly queue = new Map<string, PendingTx>();
  /** The mempool log entry of each durable pending transaction, and how many each entry still has. */
  private readonly entryOf = new Map<string, string>();
  private readonly open = new Map<string, number>();
  /** Log entries whose transactions are all sealed or rejected (done): to be deleted. */
  private done: string[] = [];
  /** Each sender's pending transactions, reserved or durable, in nonce order. */
  private readonly pending = new Map<string, Pending[]>();
  private readonly pendingIds = new Set<string>();
  /** Credit entries aborted while this book is held (their rejections are being written). */
  private readonly aborting = new Set<string>();
  /** Settlement entries sealed in a block whose tx index is not written yet (see {@link holdsEntry}). */
  private readonly unindexed = new Set<string>();
  /** Settlement entries whose tx index this book saw written, with where they are; the newest {@link MAX_INDEXED_ENTRIES}. */
  private readonly indexed = new Map<string, { height: number; index: number }>();

  /** The newest block, applied: the next one is sealed on it. */
  constructor(public head: BlockDoc) {}

  get pendingCount(): number {
    return this.pendingIds.size;
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  /** The addresses among `addresses` whose confirmed state is not loaded yet. */
  missing(addresses: Iterable<string>): string[] {
    return [...new Set(addresses)].filter((a) => !this.accounts.has(a));
  }

  /** Adds confirmed state read from the database (an address with no document: a zero account). */
  load(addresses: string[], docs: Map<string, AccountDoc>): void {
    for (const address of addresses) this.accounts.set(address, docs.get(address) ?? emptyAccount(address));
  }

  account(address: string): AccountDoc {
    const account = this.accounts.get(address);
    if (!account) throw new Error(`book: account ${address} is not loaded`);
    return account;
  }

  /**
   * Decides one signed, well-formed transfer against the sender's confirmed state and pending
   * transactions, and reserves it if it is admissible. The sender must be loaded.
   */
  admit(id: string, body: TransferBody, signature: string, amount: bigint, now = Date.now()): Admission {
    if (this.pendingIds.has(id)) return { kind: 'pending' };
    const account = this.account(body.from);
    const mine = this.pending.get(body.from) ?? [];
    const last = mine.length > 0 ? mine[mine.length - 1]!.nonce : account.nonce;
    if (body.nonce <= account.nonce) return { kind: 'spent', next: last + 1 };

    const skew = Math.abs(Date.parse(body.time) - now);
    if (skew > MAX_CLOCK_SKEW_MS) {
      return refused(
        aikiError(
          'BAD_TRANSACTION',
          `time ${body.time} is ${Math.round(skew / 1000)} s from the ledger's clock; at most ${MAX_CLOCK_SKEW_MS / 1000} s is accepted`,
          { field: 'time' },
        ),
      );
    }
    // The sender as its pending transfers leave it (credits to it count only once sealed).
    const afterPending = { balance: BigInt(account.balance) - mine.reduce((sum, p) => sum + BigInt(p.amount), 0n), nonce: last };
    const refusal = transferRefusal(body.from, afterPending, body.nonce, amount);
    if (refusal) return refused(refusal);
    if (mine.length >= MAX_PENDING_PER_SENDER) {
      return refused(
        aikiError('TOO_MANY_PENDING', `${body.from} has ${MAX_PENDING_PER_SENDER} transactions pending; wait for them to be sealed`, {
          limit: MAX_PENDING_PER_SENDER,
        }),
      );
    }
    if (this.pendingIds.size >= MAX_PENDING) {
      return refused(aikiError('MEMPOOL_FULL', `the ledger has ${MAX_PENDING} transactions waiting to be sealed; retry shortly`, { limit: MAX_PENDING }));
    }
    mine.push({ id, nonce: body.nonce, amount: Number(amount) });
    this.pending.set(body.from, mine);
    this.pendingIds.add(id);
    return { kind: 'reserved', tx: { id, from: body.from, nonce: body.nonce, amount: Number(amount), body, signature, receivedAt: new Date(now) } };
  }

  /**
   * Decides a settlement entry ordered by the main chain (already checked, and not found in the
   * database): no nonce and no balance to check, only that it is not pending or being aborted.
   */
  admitSettlement(id: string, body: SettlementBody, signature: string, amount: bigint, now = Date.now()): Admission {
    if (this.holdsEntry(id)) return { kind: 'pending' };
    if (this.aborting.has(id)) return refused(aikiError('SETTLEMENT_ABORTED', `credit ${id} was aborted by the main chain`));
    if (this.pendingIds.size >= MAX_PENDING) {
      return refused(aikiError('MEMPOOL_FULL', `the ledger has ${MAX_PENDING} transactions waiting to be sealed; retry shortly`, { limit: MAX_PENDING }));
    }
    this.pendingIds.add(id);
    return { kind: 'reserved', tx: { id, from: body.from, nonce: 0, amount: Number(amount), body, signature, receivedAt: new Date(now) } };
  }

  /**
   * The main chain aborts credit `id` (not found in the database): 'pending' if it is pending
   * here (it will be written), else it is marked so that it never is, and the caller records the
   * rejection.
   */
  abort(id: string): 'pending' | 'aborting' {
    if (this.holdsEntry(id)) return 'pending';
    this.aborting.add(id);
    return 'aborting';
  }

  /**
   * Whether settlement entry `id` is pending here, or sealed in a block not yet in the tx index:
   * either way it must not be admitted again, and it is not yet findable by `_id`.
   */
  holdsEntry(id: string): boolean {
    return this.pendingIds.has(id) || this.unindexed.has(id);
  }

  /** A sealed block's derived state (tx index included) is written. */
  applied(block: BlockDoc): void {
    block.txs.forEach((tx, index) => {
      this.unindexed.delete(tx.id);
      if (!isSettlement(tx.body)) return;
      if (this.indexed.size >= MAX_INDEXED_ENTRIES) this.indexed.delete(this.indexed.keys().next().value!);
      this.indexed.set(tx.id, { height: block.height, index });
    });
  }

  /**
   * Where settlement entry `id` is in the tx index, if this book saw it written there: the main
   * chain's orders are answered CONFIRMED without a read (undefined: ask the database).
   */
  indexedEntry(id: string): { height: number; index: number } | undefined {
    return this.indexed.get(id);
  }

  /** A reserved transaction is durably in the mempool, in log entry `entry`: it may be sealed. */
  queued(tx: PendingTx, entry: string): void {
    this.queue.set(tx.id, tx);
    this.entryOf.set(tx.id, entry);
    this.open.set(entry, (this.open.get(entry) ?? 0) + 1);
  }

  /** Whether mempool log entry `entry` holds a pending transaction. */
  holds(entry: string): boolean {
    return this.open.has(entry);
  }

  /** The mempool log entries done with since the last call (their transactions all sealed or rejected). */
  takeDone(): string[] {
    const done = this.done;
    this.done = [];
    return done;
  }

  /**
   * Restores a pending transaction read from the mempool (rebuilding the book), in arrival
   * order. Returns false if it cannot be pending: its nonce is spent or does not follow the
   * sender's last pending one; the caller then finds it confirmed or rejects it.
   */
  restore(tx: PendingTx, entry: string): boolean {
    if (this.pendingIds.has(tx.id)) return true; // the same transaction twice in the log: once is enough
    if (isSettlement(tx.body)) {
      this.pendingIds.add(tx.id);
      this.queued(tx, entry);
      return true;
    }
    const account = this.account(tx.from);
    const mine = this.pending.get(tx.from) ?? [];
    const last = mine.length > 0 ? mine[mine.length - 1]!.nonce : account.nonce;
    if (tx.nonce !== last + 1) return false;
    mine.push({ id: tx.id, nonce: tx.nonce, amount: tx.amount });
    this.pending.set(tx.from, mine);
    this.pendingIds.add(tx.id);
    this.queued(tx, entry);
    return true;
  }

  /**
   * The next block's transactions: up to `max` queued ones in arrival order, each checked again
   * against confirmed state as updated by the ones before it (a transaction whose predecessor is
   * not yet queued waits). `refused` are those that can never be sealed (none unless the book
   * was rebuilt over inconsistent data); the caller moves them to `rejected`.
   */
  next(max: number): { txs: PendingTx[]; refused: Refusal[] } {
    const municipality = this.head.header.municipality;
    const state = new Map<string, AccountState>();
    const stateOf = (address: string) => {
      let s = state.get(address);
      if (!s) {
        const a = this.accounts.get(address);
        state.set(address, (s = { balance: BigInt(a?.balance ?? 0), nonce: a?.nonce ?? 0 }));
      }
      return s;
    };
    const txs: PendingTx[] = [];
    const refused: Refusal[] = [];
    const blocked = new Set<string>();
    for (const tx of this.queue.values()) {
      if (txs.length >= max) break;
      if (!isSettlement(tx.body) && blocked.has(tx.from)) continue;
      const refusal = admitEntry(tx.body, municipality, stateOf);
      if (!refusal) txs.push(tx);
      else if (refusal.code === 'NONCE_GAP')
        blocked.add(tx.from); // its predecessor is still being written
      else {
        refused.push({ tx, code: refusal.code, message: refusal.message });
        if (refusal.code === 'INSUFFICIENT_FUNDS') blocked.add(tx.from); // its successors now have a gap
      }
    }
    return { txs, refused };
  }

  /** A block was committed and applied: its transactions are confirmed with these account states. */
  sealed(block: BlockDoc, accounts: Iterable<AccountDoc>): void {
    for (const doc of accounts) this.accounts.set(doc._id, doc);
    for (const tx of block.txs) this.forget(tx.id, tx.body.from);
    for (const tx of block.txs) {
      this.aborting.delete(tx.id);
      if (isSettlement(tx.body)) this.unindexed.add(tx.id);
    }
    this.head = block;
  }

  /** Transactions moved to `rejected`: no longer pending. */
  rejected(txs: PendingTx[]): void {
    for (const tx of txs) this.forget(tx.id, tx.from);
  }

  private forget(id: string, from: string): void {
    this.queue.delete(id);
    const entry = this.entryOf.get(id);
    if (entry !== undefined) {
      this.entryOf.delete(id);
      const left = this.open.get(entry)! - 1;
      if (left > 0) this.open.set(entry, left);
      else {
        this.open.delete(entry);
        this.done.push(entry);
      }
    }
    if (!this.pendingIds.delete(id)) return;
    const mine = this.pending.get(from); // none for a settlement entry: its `from` is on another ledger
    const at = mine?.findIndex((p) => p.id === id) ?? -1; // sealed in nonce order: usually the first
    if (at < 0) return;
    mine!.splice(at, 1);
    if (mine!.length === 0) this.pending.delete(from);
  }
}

const refused = (error: AikiError): Admission => ({ kind: 'refused', error });

/** A queued transaction that can never be sealed, and why. */
export interface Refusal {
  tx: PendingTx;
  code: string;
  message: string;
}
