/**
 * Admission of signed transfers: the `submitTransaction(s)` mutations.
 *
 * Shape, signature and addresses are checked by whichever replica receives the request. The
 * rest (nonce, balance, pending limits) is decided by the sequencer lease holder against its
 * in-memory book (book.ts), and the transaction is acknowledged once the mempool log entry
 * holding it is durably written. A replica that does not hold the lease forwards the request to the one that
 * does (its URL is in the lease document), as docs/ARCHITECTURE.md ("Ledger rules") has it: "other replicas serve reads and
 * forward writes". While nobody holds the lease (a holder was just killed) a submission waits
 * for the hand-over, up to {@link Admission.waitMs}, then fails with SEQUENCER_UNAVAILABLE.
 */
import {
  abortBytes,
  AikiError,
  aikiError,
  assertCreditable,
  checkSettlement,
  checkTransaction,
  hexToBytes,
  isErrorCode,
  parseAddress,
  verifyFast,
  type CheckedTransaction,
} from '../../core/index.ts';
import type { FederationClient } from '../../runtime/federation.ts';
import type { Logger } from '../../runtime/log.ts';
import { nonceReused, type Book } from './book.ts';
import type { EntryBody, TransactionModel } from './models.ts';
import type { Sequencer } from './sequencer.ts';
import type { LedgerStore } from './store.ts';

/** Marks a request forwarded by a replica, so that it is never forwarded again. */
export const FORWARDED_HEADER = 'x-aiki-forwarded';
const FORWARD = `mutation($m: String!, $ts: [SignedTransactionInput!]!) {
  submitTransactions(municipality: $m, transactions: $ts) { txid status }
}`;
const SETTLE_FORWARD = 'mutation($m: String!, $os: [SettlementOrderInput!]!) { settle(municipality: $m, orders: $os) { txid status } }';
const ABORT_FORWARD = 'mutation($m: String!, $o: SettlementOrderInput!, $s: String!) { abortSettlement(municipality: $m, order: $o, signature: $s) { txid } }';

type CheckedSettlement = ReturnType<typeof checkSettlement>;

/** How long `settle` waits for the entries it admitted to be sealed and indexed before answering PENDING. */
export const SETTLE_WAIT_MS = 1000;

type Result = TransactionModel | AikiError;

export class Admission {
  /** How long a submission waits for a lease holder before SEQUENCER_UNAVAILABLE. */
  readonly waitMs: number;
  private readonly log: Logger;

  constructor(
    private readonly store: LedgerStore,
    private readonly sequencer: Sequencer,
    /** Forwards to the lease holder, signed (runtime/federation.ts), and logs. */
    private readonly federation: FederationClient,
    leaseMs: number,
    /** The main chain's public key, which signs settlement orders; none: settle() is refused. */
    private readonly mainchainKey?: Uint8Array,
  ) {
    // A hand-over takes up to two lease times (expiry, then the new holder's wait: sequencer.ts).
    this.waitMs = 3 * leaseMs;
    this.log = federation.log;
  }

  /**
   * Admits transfers in order, each on its own: an item is a transaction or its coded error, and
   * later items see the earlier ones as pending (so one sender's nonces n, n+1, … can come in one
   * batch). Submitting a transaction that is already pending or confirmed returns it as it stands.
   */
  submit(inputs: unknown[], { forwarded = false } = {}): Promise<Result[]> {
    return this.each(inputs, forwarded, {
      check: (input) => this.checkShape(input),
      local: (book, valid) => this.admitLocally(book, valid),
      remote: (url, valid) => this.forward(url, valid),
    });
  }

  /**
   * Settlement orders from the main chain (docs/SETTLEMENT.md), each written once, by id, however
   * often it is sent: each item is the entry as it stands, or the order's coded error.
   */
  settle(inputs: unknown[], { forwarded = false } = {}): Promise<Result[]> {
    return this.each(inputs, forwarded, {
      check: (input) => this.checkOrder(input),
      local: (book, valid) => this.settleLocally(book, valid),
      remote: (url, valid) => this.forwardOrders(url, valid),
    });
  }

  /**
   * Checks each input on its own (a coded error stays in its place), decides the valid ones
   * together, here or by the lease holder ({@link decide}), and returns every item's outcome in
   * the order given.
   */
  private async each<T>(
    inputs: unknown[],
    forwarded: boolean,
    how: {
      check: (input: unknown) => T;
      local: (book: Book, valid: T[]) => Promise<Result[]>;
      remote: (url: string, valid: T[]) => Promise<Result[] | undefined>;
    },
  ): Promise<Result[]> {
    const checked = inputs.map((input) => {
      try {
        return how.check(input);
      } catch (err) {
        if (err instanceof AikiError) return err;
        throw err;
      }
    });
    const valid = checked.filter((c): c is T => !(c instanceof AikiError));
    const decided =
      valid.length > 0
        ? await this.decide(
            (book) => how.local(book, valid),
            (url) => how.remote(url, valid),
            forwarded,
          )
        : [];
    let k = 0;
    return checked.map((c) => (c instanceof AikiError ? c : decided[k++]!));
  }

  /**
   * The main chain gives up on a credit: returns it as it stands if it is pending or confirmed,
   * else rejects it durably with SETTLEMENT_ABORTED so that it is never written.
   */
  async abortSettlement(input: unknown, signature: unknown, { forwarded = false } = {}): Promise<TransactionModel> {
    const checked = this.checkOrder(input);
    if (checked.order.body.type !== 'credit') throw aikiError('BAD_TRANSACTION', 'only a credit can be aborted', { field: 'order.body.type' });
    if (typeof signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature) || !verifyFast(hexToBytes(signature), abortBytes(checked.id), this.mainchainKey!)) {
      throw aikiError('BAD_SIGNATURE', 'the abort is not signed by the main chain', { field: 'signature' });
    }
    const aborted = await this.decide(
      (book) => this.abortLocally(book, checked),
      (url) => this.forwardAbort(url, checked, signature),
      forwarded,
    );
    if (aborted instanceof AikiError) throw aborted;
    return aborted;
  }

  /** Decided here if this replica holds the lease, else by the holder (forwarded), waiting for a hand-over. */
  private async decide<T>(local: (book: Book) => Promise<T>, remote: (url: string) => Promise<T | undefined>, forwarded: boolean): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const book = await this.sequencer.bookForAdmission(Math.max(0, deadline - Date.now()));
      if (book) return local(book);
      if (!forwarded) {
        const url = await this.store.leaseHolderUrl();
        if (url && url !== this.sequencer.url) {
          const decided = await remote(url).catch((err: unknown) => {
            this.log.warn('could not forward to the sequencer lease holder; waiting for a hand-over', { url, err });
            return undefined;
          });
          if (decided) return decided;
        }
      }
      if (Date.now() >= deadline) {
        throw aikiError('SEQUENCER_UNAVAILABLE', `no replica of ${this.store.municipality}'s ledger holds the sequencer lease now; retry shortly`, {
          retryAfterMs: 1000,
        });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async admitLocally(book: Book, valid: CheckedTransaction[]): Promise<Result[]> {
    const missing = book.missing(valid.map((v) => v.tx.body.from));
    if (missing.length > 0) book.load(missing, await this.store.loadAccounts(missing));
    // Decided one after the other without awaiting in between: the book serialises a sender's nonces.
    const decisions = valid.map(({ id, tx, amount }) => {
      const { body, signature } = tx;
      const pending: TransactionModel = { status: 'PENDING', txid: id, body, signature };
      const decision = book.admit(id, body, signature, amount);
      switch (decision.kind) {
        case 'pending':
          return Promise.resolve(pending);
        case 'refused':
          return Promise.resolve(decision.error);
        case 'spent':
          // This very transaction, confirmed, or a replay of its nonce.
          return this.store.findTransaction(id).then((known) => known ?? nonceReused(body.from, body.nonce, decision.next));
        case 'reserved':
          return this.sequencer.write(book, decision.tx).then(() => pending);
      }
    });
    return Promise.all(decisions);
  }

  /** Sends the transfers to the lease holder; undefined if it is not the holder (any more). */
  private forward(url: string, valid: CheckedTransaction[]): Promise<Result[] | undefined> {
    return this.forwardList(
      url,
      FORWARD,
      { ts: valid.map((v) => v.tx) },
      valid.map((v) => ({ id: v.id, ...v.tx })),
    );
  }

  /** Sends settlement orders to the lease holder; undefined if it is not the holder (any more). */
  private forwardOrders(url: string, orders: CheckedSettlement[]): Promise<Result[] | undefined> {
    return this.forwardList(
      url,
      SETTLE_FORWARD,
      { os: orders.map((o) => o.order) },
      orders.map((o) => ({ id: o.id, ...o.order })),
    );
  }

  /**
   * Sends a list mutation to the lease holder (`x-aiki-forwarded`, never forwarded again) and
   * reads each item's outcome: pending as answered, otherwise from the shared database, or the
   * item's coded error. Undefined if the replica is not the holder (any more).
   */
  private async forwardList(
    url: string,
    mutation: string,
    variables: Record<string, unknown>,
    items: Array<{ id: string; body: EntryBody; signature: string }>,
  ): Promise<Result[] | undefined> {
    const reply = await this.federation.graphql<Record<string, Array<{ txid: string; status: string } | null> | null>>(url, mutation, {
      variables: { m: this.store.municipality, ...variables },
      headers: { [FORWARDED_HEADER]: '1' },
      timeoutMs: this.waitMs,
    });
    const errors = reply.errors ?? [];
    const whole = errors.find((e) => e.path?.length !== 2);
    if (whole) {
      if (whole.extensions?.code === 'SEQUENCER_UNAVAILABLE') return undefined;
      throw new Error(`the lease holder at ${url} refused the forwarded request: ${whole.message}`);
    }
    const answered = Object.values(reply.data ?? {})[0] ?? [];
    return Promise.all(
      items.map(async ({ id, body, signature }, k) => {
        const item = answered[k];
        if (item?.status === 'PENDING') return { status: 'PENDING', txid: id, body, signature } as const;
        if (item)
          return (
            (await this.store.findTransaction(id)) ??
            aikiError('INTERNAL_SERVER_ERROR', `the lease holder answered ${item.status} for ${id}, which is not in the database`)
          );
        const error = errors.find((e) => e.path?.[1] === k);
        const { code, ...details } = error?.extensions ?? {};
        return aikiError(isErrorCode(code) ? code : 'INTERNAL_SERVER_ERROR', error?.message ?? 'no answer from the lease holder', details);
      }),
    );
  }

  private checkOrder(input: unknown): CheckedSettlement {
    if (!this.mainchainKey)
      throw aikiError(
        'SETTLEMENTS_UNAVAILABLE',
        `the ledger of ${this.store.municipality} has no main-chain key to check settlement orders with (AIKI_MAINCHAIN_PUBLIC_KEY)`,
      );
    const checked = checkSettlement(input, this.mainchainKey);
    const { to } = checked.order.body;
    const recipient = parseAddress(to);
    if (recipient.municipality !== this.store.municipality) {
      throw aikiError(
        'WRONG_MUNICIPALITY',
        `a settlement entry is written on the ledger of its recipient (${recipient.municipality}), this is ${this.store.municipality}`,
        { municipality: recipient.municipality, served: this.store.municipality },
      );
    }
    assertCreditable(to); // refusing the credit refunds the sender
    return checked;
  }

  /**
   * Where a settlement entry stands, without scanning the mempool: pending or sealed-and-not-yet-
   * indexed per the book, else confirmed or rejected per the tx index and rejections (by `_id`);
   * undefined if it was never admitted.
   */
  private async entryStatus(book: Book, { id, order }: CheckedSettlement): Promise<Result | undefined> {
    const { body, signature } = order;
    if (book.holdsEntry(id)) return { status: 'PENDING', txid: id, body, signature };
    const indexed = book.indexedEntry(id);
    if (indexed) return { status: 'CONFIRMED', txid: id, body, signature, ...indexed };
    const [at, rejected] = await Promise.all([this.store.txIndex.findOne({ _id: id }), this.store.rejected.findOne({ _id: id })]);
    if (at) return { status: 'CONFIRMED', txid: id, body, signature, height: at.height, index: at.index };
    if (rejected) return { status: 'REJECTED', txid: id, body, signature, code: rejected.code, message: rejected.message };
    return book.holdsEntry(id) ? { status: 'PENDING', txid: id, body, signature } : undefined;
  }

  private async settleLocally(book: Book, orders: CheckedSettlement[]): Promise<Result[]> {
    const known = await Promise.all(orders.map((o) => this.entryStatus(book, o)));
    // Decided one after the other without awaiting in between, like transfers.
    const decisions = orders.map((o, k) => {
      const { id, order, amount } = o;
      if (known[k]) return Promise.resolve(known[k]!);
      const decision = book.admitSettlement(id, order.body, order.signature, amount);
      const pending: TransactionModel = { status: 'PENDING', txid: id, body: order.body, signature: order.signature };
      if (decision.kind === 'refused') return Promise.resolve(decision.error);
      if (decision.kind === 'reserved') return this.sequencer.write(book, decision.tx).then(() => pending);
      return Promise.resolve(pending);
    });
    const results = await Promise.all(decisions);
    // The entries admitted are sealed within a block interval or two: answering once they are
    // indexed spares the main chain a second call (and this ledger a second check and two reads
    // per order) and its pause before asking again. Bounded: what is still pending is answered so.
    const deadline = Date.now() + SETTLE_WAIT_MS;
    const waiting = () => results.some((r) => !(r instanceof AikiError) && r.status === 'PENDING' && book.holdsEntry(r.txid));
    while (waiting() && Date.now() < deadline && book === this.sequencer.currentBook) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.sequencer.nextApplied(), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
      clearTimeout(timer);
    }
    return Promise.all(results.map(async (r, k) => (r instanceof AikiError || r.status !== 'PENDING' ? r : ((await this.entryStatus(book, orders[k]!)) ?? r))));
  }

  private async abortLocally(book: Book, checked: CheckedSettlement): Promise<Result> {
    const known = await this.entryStatus(book, checked);
    if (known) return known;
    const { id, order, amount } = checked;
    const { body, signature } = order;
    if (book.abort(id) === 'pending') return { status: 'PENDING', txid: id, body, signature };
    const rejection = { code: 'SETTLEMENT_ABORTED', message: 'the main chain aborted this credit and refunds the sender' };
    await this.sequencer.reject(book, [
      { tx: { id, from: body.from, nonce: 0, amount: Number(amount), body, signature, receivedAt: new Date() }, ...rejection },
    ]);
    return { status: 'REJECTED', txid: id, body, signature, ...rejection };
  }

  /** Sends an abort to the lease holder; undefined if it is not the holder (any more). */
  private async forwardAbort(url: string, { id, order }: CheckedSettlement, signature: string): Promise<Result | undefined> {
    const reply = await this.federation.graphql<{ abortSettlement: { txid: string } | null }>(url, ABORT_FORWARD, {
      variables: { m: this.store.municipality, o: order, s: signature },
      headers: { [FORWARDED_HEADER]: '1' },
      timeoutMs: this.waitMs,
    });
    const error = reply.errors?.[0];
    if (error) {
      if (error.extensions?.code === 'SEQUENCER_UNAVAILABLE') return undefined;
      const { code, ...details } = error.extensions ?? {};
      return aikiError(isErrorCode(code) ? code : 'INTERNAL_SERVER_ERROR', error.message, details);
    }
    return (
      (await this.store.findTransaction(id)) ?? aikiError('INTERNAL_SERVER_ERROR', `the lease holder took the abort of ${id}, which is not in the database`)
    );
  }

  /** Shape, signature and sender: everything about a transfer that needs no stored state. */
  private checkShape(input: unknown): CheckedTransaction {
    const checked = checkTransaction(input);
    const { municipality } = this.store;
    const from = parseAddress(checked.tx.body.from);
    if (from.municipality !== municipality) {
      throw aikiError('WRONG_MUNICIPALITY', `a transfer is submitted to the sender's ledger (${from.municipality}), this is ${municipality}`, {
        municipality: from.municipality,
        served: municipality,
      });
    }
    // The recipient may be on another ledger: it is credited through the main chain (docs/SETTLEMENT.md),
    // and that ledger decides whether it can be credited; one here is decided here, by the same rule.
    if (parseAddress(checked.tx.body.to).municipality === municipality) assertCreditable(checked.tx.body.to);
    return checked;
  }
}
