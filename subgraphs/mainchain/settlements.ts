/**
 * Transfers between municipalities, settled exactly once (docs/SETTLEMENT.md).
 *
 * A transfer from `a@A` to `b@B` is sealed on A's ledger, which debits `a`. When A's block is
 * anchored, the transfer (with its Merkle path to the block's txRoot) comes with it and becomes a
 * settlement here, ESCROWED: its amount is in flight. The {@link Settler} then moves it on:
 *
 *   ESCROWED ──▶ CREDITING ──▶ CREDITED          B wrote the credit entry (by its id, once)
 *      │            │
 *      │            ├─ B refuses the credit, for good ──────────┐
 *      │            └─ no answer within the time-out ─▶ ABORTING ┤ B confirms it never will
 *      └─ B unknown or suspended ────────────────────────────────┴▶ REFUNDING ──▶ REFUNDED
 *
 * Every step is written here first (the settlement document, by `_id`), then carried out, and
 * carrying it out again is harmless: orders are signed once, stored, and written by the ledgers
 * under their ids. A refund is ordered only once B has said it will never write the credit
 * (a coded refusal, or an abort it recorded), so a transfer is never both credited and
 * refunded. Each step is also an event sealed into a main-chain block.
 */
import type { Collection, Db } from 'mongodb';
import { createMissingIndexes, type Lookups } from '../../db/mongo.ts';
import { writeWhereStill } from '../../db/writeWhereStill.ts';
import {
  abortBytes,
  aikiError,
  bytesToHex,
  checkTransaction,
  hexToBytes,
  parseAddress,
  settlementEntryId,
  sign,
  stepEntry,
  signSettlement,
  verifyInclusion,
  type BlockHeader,
  type SettlementStatus,
  type SignedSettlement,
} from '../../core/index.ts';
import { oneBatch } from '../../db/mongo.ts';
import { GraphQLTransportError } from '../../runtime/graphql.ts';
import type { FederationClient } from '../../runtime/federation.ts';
import type { Logger } from '../../runtime/log.ts';
import type { MainChain } from './chain.ts';
import { COLLECTIONS } from './collections.ts';
import type { MunicipalityDoc, Registry } from './registry.ts';
import type { MainSealedCache } from './sealed.ts';
import { orderIds, stepEventIds, type OutboundOffer, type SettlementDoc, type TraceHopModel, type TraceModel } from './models.ts';
import { alreadyStored } from '../../db/writeErrors.ts';

export const MAX_TRACE_DEPTH = 5;
const MAX_TRACE_HOPS = 100;

export const TERMINAL: SettlementStatus[] = ['CREDITED', 'REFUNDED'];
const ACTIVE: SettlementStatus[] = ['ESCROWED', 'CREDITING', 'ABORTING', 'REFUNDING'];

const ENTRY = 'txid status rejection { code message } height';
const SETTLE = `mutation AikiSettle($m: String!, $os: [SettlementOrderInput!]!) { settle(municipality: $m, orders: $os) { ${ENTRY} } }`;
const MAX_ORDERS_PER_CALL = 500;
const RETRY_MS = 300;
const MAX_STATEMENTS_PER_COMMAND = 32; // FerretDB: see subgraphs/ledger/store.ts

/** A step to write: the settlement, its next status, the fields that come with it, the entry id its event names. */
interface Move {
  doc: SettlementDoc;
  status: SettlementStatus;
  set: Partial<SettlementDoc>;
  entry?: string;
}

type Answer =
  | { kind: 'entry'; status: string; height?: number; rejection?: { code: string; message: string } }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'unreachable' };
const ABORT = `mutation AikiAbort($m: String!, $o: SettlementOrderInput!, $s: String!) {
  abortSettlement(municipality: $m, order: $o, signature: $s) { ${ENTRY} }
}`;
/** Refusals of a credit that the ledger would give again for the same order, forever. */
const FINAL_REFUSALS = new Set(['BAD_ADDRESS', 'WRONG_MUNICIPALITY', 'SETTLEMENT_ABORTED', 'BAD_TRANSACTION', 'BAD_AMOUNT']);

export interface SettlerOptions {
  secretKey: Uint8Array;
  /** How long the destination may take to write a credit before the main chain aborts it. */
  timeoutMs: number;
  intervalMs: number;
  log: Logger;
  /** Calls the ledgers, signed with the federation's secret (runtime/federation.ts). */
  federation: FederationClient;
  /** How the database is read by `_id` (db/mongo.ts): 'per-key' on FerretDB, where a filter of more than `_id` reads the whole collection. */
  lookups: Lookups;
  /** Whether this process may decide now (it holds the main chain's lease). */
  may: () => boolean;
}

/** A step's commit point (collections.ts `settlementSteps`): the status and the fields that came with it. */
interface StepDoc {
  _id: string;
  settlement: string;
  index: number;
  status: SettlementStatus;
  set: Partial<SettlementDoc>;
  at: Date;
}
const stepKey = (settlement: string, index: number) => `${settlement}|${index}`;

export class Settler {
  readonly settlements: Collection<SettlementDoc>;
  private readonly steps: Collection<StepDoc>;
  /** Every settlement not final, as stored (the lease holder is the only writer of them). */
  private readonly active = new Map<string, SettlementDoc>();
  private readonly count = new Map<SettlementStatus, number>();
  /** When a settlement answered "pending" or was not answered, when to ask again. */
  private readonly retryAt = new Map<string, number>();
  /**
   * The settlements each address sent, by id: the next hops of a trace. Built at start from every
   * settlement, then added to before each is inserted, so it holds every stored settlement and
   * perhaps one whose insert failed — a trace reads each by id, which finds only what is stored.
   * Kept here because the query behind it, by `from`, reads the whole collection on FerretDB
   * (docs/DATABASE.md). The lease holder adds to it as it records; another process follows the
   * main chain's blocks, whose ESCROWED events name every settlement sealed ({@link follow}).
   */
  private readonly sentBy = new Map<string, string[]>();
  /** The main-chain height up to which {@link sentBy} holds every settlement sealed (followed when not the holder). */
  private followed = 0;
  private following: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  /**
   * Steps being written, one command after another (FerretDB: an update command's statements each
   * hold a connection until it ends, docs/DATABASE.md), while the next round already sends new
   * orders; a settlement with a step in flight is left out of rounds until it is written.
   */
  private writing: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<string>();
  private running = false;
  /** Counts starts and stops of the rounds. */
  private runs = 0;
  /** When this process last loaded the settlements (took the lease): a destination's time-out counts from then at the earliest. */
  private loadedAt = 0;

  constructor(
    db: Db,
    private readonly registry: Registry,
    private readonly chain: MainChain,
    private readonly opts: SettlerOptions,
    private readonly sealed: MainSealedCache,
  ) {
    this.settlements = db.collection(COLLECTIONS.settlements);
    this.steps = db.collection(COLLECTIONS.settlementSteps);
  }

  /** Every process: the indexes, and the senders' index from every settlement stored. */
  async init(): Promise<void> {
    await createMissingIndexes(this.settlements, [
      { key: { status: 1 }, name: 'status' },
      { key: { from: 1 }, name: 'from' },
    ]);
    this.followed = (await this.chain.headBlock()).height; // what is sealed after it is followed
    for (const s of await this.settlements.find({}, { projection: { _id: 1, from: 1 } }).toArray()) this.sent(s);
  }

  /**
   * The lease holder's start (and again a while after it, for a dead holder's late writes): one read
   * of every settlement (a scan on FerretDB whatever the filter), and of every step recorded past
   * what a settlement not final shows — written by a holder that died before copying it there.
   */
  async load(): Promise<void> {
    await this.writing;
    const counts = new Map<SettlementStatus, number>();
    const active = new Map<string, SettlementDoc>();
    const read = new Set<string>();
    for (const s of await this.settlements.find({}).toArray()) {
      read.add(s._id);
      this.sent(s);
      if (ACTIVE.includes(s.status)) active.set(s._id, this.active.get(s._id) ?? s);
      else counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    }
    // The steps recorded for every settlement not final that this process did not know, in one read
    // (one read per settlement made a new holder's load last minutes at load 30).
    const unknown = [...active.values()].filter((doc) => this.active.get(doc._id) !== doc).map((doc) => doc._id);
    const recorded = new Map<string, Map<number, StepDoc>>();
    if (unknown.length > 0) {
      for (const step of await this.steps.find({ settlement: { $in: unknown } }).toArray()) {
        const mine = recorded.get(step.settlement) ?? recorded.set(step.settlement, new Map()).get(step.settlement)!;
        mine.set(step.index, step);
      }
    }
    for (const doc of active.values()) {
      const known = this.active.get(doc._id) === doc;
      if (!known) await this.catchUpSteps(doc, recorded.get(doc._id) ?? new Map());
      if (TERMINAL.includes(doc.status)) {
        active.delete(doc._id);
        this.sealed.putFinal(doc);
      }
      counts.set(doc.status, (counts.get(doc.status) ?? 0) + 1);
    }
    // Recorded while this read (an anchor offer does not wait for it): kept. One the read found final
    // (a dead holder's late write) is not kept as this process knew it.
    for (const [id, doc] of this.active) if (!read.has(id) && ACTIVE.includes(doc.status)) active.set(id, doc);
    this.active.clear();
    for (const [id, doc] of active) this.active.set(id, doc);
    this.count.clear();
    for (const [status, n] of counts) this.count.set(status, n);
    // No order was sent while nobody held the lease: a destination's time-out starts again now.
    this.loadedAt = Date.now();
  }

  /** Forgets what the lease holder keeps (the lease is lost). */
  async unload(): Promise<void> {
    await this.stop();
    this.active.clear();
    this.count.clear();
    this.retryAt.clear();
  }

  /**
   * Steps recorded for `doc` past those its document shows (the holder that recorded them died
   * before copying them there): applied to `doc` and copied to the document, where the main chain's
   * load finds their events not sealed yet (chain.ts). `recorded`: its steps by index, read already.
   */
  private async catchUpSteps(doc: SettlementDoc, recorded?: ReadonlyMap<number, StepDoc>): Promise<void> {
    let found = false;
    for (;;) {
      const step = recorded ? recorded.get(doc.steps.length) : await this.steps.findOne({ _id: stepKey(doc._id, doc.steps.length) });
      if (!step) break;
      Object.assign(doc, step.set, { status: step.status });
      doc.steps.push({ status: step.status, at: step.at });
      found = true;
    }
    if (!found) return;
    await this.copySteps([doc]);
    this.opts.log.info('settlement steps recovered from their records', { settlement: doc._id, status: doc.status });
  }

  private sent(s: Pick<SettlementDoc, '_id' | 'from'>): void {
    const ids = this.sentBy.get(s.from);
    if (!ids) this.sentBy.set(s.from, [s._id]);
    else if (!ids.includes(s._id)) ids.push(s._id);
  }

  start(): void {
    this.running = true;
    const run = ++this.runs; // a round of an earlier start, still running when it was stopped, ends its loop
    const loop = () => {
      this.round = this.advanceAll()
        .catch((err: unknown) => this.opts.log.error('settling failed; retrying', { err }))
        .finally(() => {
          if (this.running && run === this.runs) this.timer = setTimeout(loop, this.opts.intervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.runs++;
    clearTimeout(this.timer);
    await this.round;
    await this.writing;
  }

  /** A settlement as stored; one at a final step never changes again, and is kept (sealed.ts). */
  async get(id: string): Promise<SettlementDoc | null> {
    const final = this.sealed.settlement(id);
    if (final) return final;
    const doc = await this.settlements.findOne({ _id: id });
    if (doc && TERMINAL.includes(doc.status)) this.sealed.putFinal(doc);
    return doc;
  }

  /** Governance can change the time-out of a running settler. */
  set timeoutMs(ms: number) {
    this.opts.timeoutMs = ms;
  }

  /** How many settlements are in each state: the lease holder counts as it writes; another process reads them all. */
  async counts(): Promise<Array<{ status: SettlementStatus; count: number }>> {
    let count = this.count;
    if (!this.opts.may()) {
      count = new Map();
      for (const { status } of await this.settlements.find({}, { projection: { status: 1 } }).toArray()) count.set(status, (count.get(status) ?? 0) + 1);
    }
    return [...ACTIVE, ...TERMINAL].map((status) => ({ status, count: count.get(status) ?? 0 }));
  }

  /**
   * Brings {@link sentBy} up to the main chain's head on a process that does not hold the lease:
   * every settlement is sealed in a block with its ESCROWED event, read here once per block.
   */
  private follow(): Promise<void> {
    this.following ??= (async () => {
      const head = (await this.chain.headBlock()).height;
      for (let h = this.followed + 1; h <= head; h++) {
        const block = await this.chain.block(h);
        if (!block) break;
        const ids = block.events.filter((e) => e.kind === 'settlement' && e.status === 'ESCROWED').map((e) => (e as { settlement: string }).settlement);
        for (const doc of await Promise.all(ids.map((id) => this.get(id)))) if (doc) this.sent(doc);
        this.followed = h;
      }
    })().finally(() => (this.following = undefined));
    return this.following;
  }

  private counted(from: SettlementStatus | undefined, to: SettlementStatus): void {
    if (from) this.count.set(from, (this.count.get(from) ?? 0) - 1);
    this.count.set(to, (this.count.get(to) ?? 0) + 1);
  }

  list(status: SettlementStatus | null | undefined, first: number): Promise<SettlementDoc[]> {
    return this.settlements
      .find(status ? { status } : {}, oneBatch(first))
      .sort({ _id: 1 })
      .toArray();
  }

  /**
   * The transfer `id` and, breadth first up to `depth` hops, the transfers between
   * municipalities that each credited recipient made afterwards. Null if `id` is unknown.
   * `complete`: the next hops are every settlement stored (the lease holder's index), not only those
   * sealed in the blocks followed (another process's).
   */
  async trace(id: string, depth: number): Promise<(TraceModel & { complete: boolean }) | null> {
    const complete = this.opts.may();
    if (!complete) await this.follow();
    const root = await this.get(id);
    if (!root) return null;
    const hops: TraceHopModel[] = [{ depth: 0, settlement: root }];
    const seen = new Set([root._id]);
    for (let level = 0, frontier = [root]; level < depth && frontier.length > 0; level++) {
      const next: SettlementDoc[] = [];
      for (const hop of frontier.filter((h) => h.status === 'CREDITED')) {
        const ids = [...(this.sentBy.get(hop.to) ?? [])]
          .sort()
          .filter((id) => !seen.has(id))
          .slice(0, MAX_TRACE_HOPS - hops.length);
        for (const onward of await Promise.all(ids.map((id) => this.get(id)))) {
          if (!onward || hops.length >= MAX_TRACE_HOPS) continue;
          seen.add(onward._id);
          hops.push({ depth: level + 1, settlement: onward });
          next.push(onward);
        }
      }
      frontier = next;
    }
    return { transactionId: id, hops, complete };
  }

  /**
   * Checks the transfers to other municipalities offered with an anchored block of `source`:
   * each signed by its sender on `source`, to another municipality, and in the block (Merkle path
   * to its txRoot). Throws a coded error; returns the settlements to record.
   */
  check(source: string, header: BlockHeader, outbound: OutboundOffer[]): SettlementDoc[] {
    return outbound.map((o, k) => {
      const field = { field: `outbound[${k}]`, municipality: source, height: header.height };
      let body: unknown;
      try {
        body = JSON.parse(o.body);
      } catch {
        throw aikiError('BAD_TRANSACTION', `outbound[${k}].body is not JSON`, field);
      }
      const { id, tx } = checkTransaction({ body, signature: o.signature });
      const from = parseAddress(tx.body.from).municipality;
      const destination = parseAddress(tx.body.to).municipality;
      if (from !== source || destination === source)
        throw aikiError('BAD_TRANSACTION', `outbound[${k}] is not a transfer from ${source} to another municipality`, field);
      const path = Array.isArray(o.path) && o.path.every((p) => /^[0-9a-f]{64}$/.test(p)) ? o.path.map(hexToBytes) : null;
      if (!path || !verifyInclusion(hexToBytes(id), o.index, header.txCount, path, hexToBytes(header.txRoot))) {
        throw aikiError(
          'BAD_BLOCK',
          `outbound[${k}] (${id}) is not in block ${header.height} of ${source}: its Merkle path does not lead to the txRoot`,
          field,
        );
      }
      return {
        _id: `${source}:${id}`,
        txid: id,
        source,
        destination,
        from: tx.body.from,
        to: tx.body.to,
        amount: tx.body.amount,
        sourceHeight: header.height,
        index: o.index,
        status: 'ESCROWED',
        steps: [{ status: 'ESCROWED', at: new Date() }],
      } satisfies SettlementDoc;
    });
  }

  /**
   * Records settlements checked by {@link check}, each with its first decision and the order it
   * implies (stored before it is ever sent): a credit if the destination is an active
   * municipality, else a refund. One already recorded stays as it is.
   */
  async record(docs: SettlementDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const destinations = new Map<string, MunicipalityDoc | null>();
    const decided: Array<{ stored: SettlementDoc; next: Move }> = [];
    const find = async (code: string) => (destinations.has(code) ? destinations.get(code)! : destinations.set(code, await this.registry.find(code)).get(code)!);
    for (const doc of docs) {
      const destination = await find(doc.destination);
      const suspended = [await find(doc.source), destination].find((m) => m?.status === 'SUSPENDED');
      const next = !destination
        ? this.refund(doc, { code: 'UNKNOWN_MUNICIPALITY', message: `no municipality ${doc.destination} is registered` })
        : suspended
          ? this.refund(doc, { code: 'MUNICIPALITY_SUSPENDED', message: `${suspended.code} is suspended` })
          : this.credit(doc);
      const at = new Date();
      decided.push({
        stored: {
          ...doc,
          ...next.set,
          status: next.status,
          steps: [
            { status: 'ESCROWED', at },
            { status: next.status, at },
          ],
        },
        next,
      });
    }
    // One command for the block's settlements; one already recorded (a block offered again) stays as it is.
    for (const { stored } of decided) this.sent(stored);
    const duplicates = new Set<number>();
    await this.settlements
      .insertMany(
        decided.map((d) => d.stored),
        { ordered: false },
      )
      .catch((err: unknown) => {
        for (const i of alreadyStored(err)) duplicates.add(i);
      });
    // One already recorded — by a holder that died before it could move it on, or by this one — is
    // taken as it is stored, and moved on from there.
    for (const i of duplicates) {
      const id = decided[i]!.stored._id;
      if (this.active.has(id)) continue;
      const existing = await this.settlements.findOne({ _id: id });
      if (existing && ACTIVE.includes(existing.status)) {
        await this.catchUpSteps(existing);
        if (ACTIVE.includes(existing.status)) {
          this.active.set(id, existing);
          this.counted(undefined, existing.status);
        }
      }
    }
    decided.forEach(({ stored, next }, i) => {
      if (duplicates.has(i)) return;
      const [escrowed, decision] = stepEventIds(stored);
      this.chain.record({ id: escrowed!, kind: 'settlement', settlement: stored._id, status: 'ESCROWED' });
      this.chain.record({ id: decision!, kind: 'settlement', settlement: stored._id, status: next.status, entry: next.entry });
      this.active.set(stored._id, stored);
      this.counted(undefined, stored.status);
    });
  }

  /**
   * One round over every settlement not final: first the decisions that need no ledger (which
   * store the orders), then the orders, sent in one call per ledger, then the aborts.
   */
  private async advanceAll(): Promise<void> {
    if (!this.opts.may()) return;
    const now = Date.now();
    // A settlement whose order was just answered "pending" (or not answered) is asked again
    // only after RETRY_MS: every ask costs the ledger its lookups.
    const docs = [...this.active.values()].filter((d) => (this.retryAt.get(d._id) ?? 0) <= now && !this.inFlight.has(d._id));
    const later = (doc: SettlementDoc) => this.retryAt.set(doc._id, now + RETRY_MS);
    const moves: Move[] = [];
    const registry = new Map<string, Promise<MunicipalityDoc | null>>();
    const find = (code: string) => registry.get(code) ?? registry.set(code, this.registry.find(code)).get(code)!;

    // A credit not yet written whose source or destination was suspended is aborted now, without
    // waiting for its time-out (and then refunded once the destination confirms it never credits).
    for (const doc of docs.filter((d) => d.status === 'CREDITING')) {
      const [source, destination] = await Promise.all([find(doc.source), find(doc.destination)]);
      if (source?.status === 'SUSPENDED' || destination?.status === 'SUSPENDED') moves.push({ doc, status: 'ABORTING', set: {} });
    }
    await this.queueWrite(moves.splice(0));

    // Credits to their destinations, refunds to their sources: one call per ledger and
    // MAX_ORDERS_PER_CALL orders, all at once (a ledger answers once its entries are sealed).
    const calls: Array<{ code: string; items: Array<{ doc: SettlementDoc; order: SignedSettlement & { id: string } }> }> = [];
    const open = new Map<string, (typeof calls)[number]>();
    for (const doc of docs) {
      const code = doc.status === 'CREDITING' ? doc.destination : doc.status === 'REFUNDING' ? doc.source : undefined;
      const order = doc.status === 'CREDITING' ? doc.credit : doc.refund;
      if (!code || !order) continue;
      let call = open.get(code);
      if (!call || call.items.length >= MAX_ORDERS_PER_CALL) {
        call = { code, items: [] };
        open.set(code, call);
        calls.push(call);
      }
      call.items.push({ doc, order });
    }
    await Promise.all(
      calls.map(async ({ code, items }) => {
        const answers = await this.send(code, SETTLE, { os: items.map(({ order }) => ({ body: order.body, signature: order.signature })) }, find);
        items.forEach(({ doc }, k) => {
          const move = doc.status === 'CREDITING' ? this.afterCredit(doc, answers[k]!) : this.afterRefund(doc, answers[k]!);
          if (move) moves.push(move);
          else later(doc);
        });
      }),
    );
    // Aborts, one by one (rare: only after a time-out).
    for (const doc of docs.filter((d) => d.status === 'ABORTING')) {
      const credit = doc.credit!;
      const signature = bytesToHex(sign(abortBytes(credit.id), this.opts.secretKey));
      const [answer] = await this.send(doc.destination, ABORT, { o: { body: credit.body, signature: credit.signature }, s: signature }, find);
      if (answer!.kind === 'entry' && answer!.status === 'CONFIRMED')
        moves.push({ doc, status: 'CREDITED', set: { entryHeight: answer!.height }, entry: credit.id });
      else if (answer!.kind === 'entry' && answer!.status === 'REJECTED')
        moves.push(this.refund(doc, answer!.rejection ?? { code: 'SETTLEMENT_ABORTED', message: 'aborted' }));
      else if (answer!.kind === 'refused' && FINAL_REFUSALS.has(answer!.code)) moves.push(this.refund(doc, { code: answer!.code, message: answer!.message }));
      else later(doc); // pending (it will be confirmed) or unreachable: ask again
    }
    void this.queueWrite(moves).catch((err: unknown) => this.opts.log.error('writing settlement steps failed; retrying', { err }));
  }

  /** Writes `moves` after the writes queued before (see {@link writing}); their settlements sit out rounds meanwhile. */
  private queueWrite(moves: Move[]): Promise<void> {
    if (moves.length === 0) return Promise.resolve();
    for (const { doc } of moves) this.inFlight.add(doc._id);
    const written = this.writing
      .then(() => this.write(moves))
      .finally(() => {
        for (const { doc } of moves) this.inFlight.delete(doc._id);
      });
    this.writing = written.catch(() => {});
    return written;
  }

  private afterCredit(doc: SettlementDoc, answer: Answer): Move | undefined {
    if (answer.kind === 'entry' && answer.status === 'CONFIRMED')
      return { doc, status: 'CREDITED', set: { entryHeight: answer.height }, entry: doc.credit!.id };
    if (answer.kind === 'entry' && answer.status === 'REJECTED') return this.refund(doc, answer.rejection!);
    if (answer.kind === 'refused' && FINAL_REFUSALS.has(answer.code)) return this.refund(doc, { code: answer.code, message: answer.message });
    if (Date.now() - Math.max(doc.creditOrderedAt!.getTime(), this.loadedAt) > this.opts.timeoutMs) return { doc, status: 'ABORTING', set: {} };
    return undefined; // pending, or not answered: ask again next round
  }

  private afterRefund(doc: SettlementDoc, answer: Answer): Move | undefined {
    if (answer.kind === 'entry' && answer.status === 'CONFIRMED')
      return { doc, status: 'REFUNDED', set: { entryHeight: answer.height }, entry: doc.refund!.id };
    if (answer.kind === 'refused')
      this.opts.log.error('the source ledger refuses a refund; retrying', { settlement: doc._id, code: answer.code, message: answer.message });
    return undefined;
  }

  private credit(doc: SettlementDoc): Move {
    const body = {
      v: 1 as const,
      type: 'credit' as const,
      settlement: doc.txid,
      from: doc.from,
      to: doc.to,
      amount: doc.amount,
      time: new Date().toISOString(),
    };
    const credit = { ...signSettlement(body, this.opts.secretKey), id: settlementEntryId(body) };
    return { doc, status: 'CREDITING', set: { credit, creditOrderedAt: new Date() }, entry: credit.id };
  }

  private refund(doc: SettlementDoc, reason: { code: string; message: string }): Move {
    // The original recipient gives the amount back to the original sender, on the source ledger.
    // Dated when the transfer was escrowed, not now: whichever holder signs it, it is the same order
    // (Ed25519 signatures are deterministic), written once by its id.
    const time = (doc.steps[0]?.at ?? new Date()).toISOString();
    const body = { v: 1 as const, type: 'refund' as const, settlement: doc.txid, from: doc.to, to: doc.from, amount: doc.amount, time };
    const refund = { ...signSettlement(body, this.opts.secretKey), id: settlementEntryId(body) };
    return { doc, status: 'REFUNDING', set: { refund, reason }, entry: refund.id };
  }

  /**
   * Writes steps: first each step's record under `<settlement>|<index>` (a unique-key insert: the
   * commit point, so that a step is decided once whichever process decides it), then the settlement
   * documents (by `_id`, and only if they do not show that step already), then records their events
   * for the next main-chain block. A step another process recorded first at that index is taken
   * instead of ours, as it was recorded.
   */
  private async write(moves: Move[]): Promise<void> {
    if (!this.opts.may()) return;
    const at = new Date();
    const records: StepDoc[] = moves.map(({ doc, status, set }) => ({
      _id: stepKey(doc._id, doc.steps.length),
      settlement: doc._id,
      index: doc.steps.length,
      status,
      set,
      at,
    }));
    const taken = new Set<number>();
    await this.steps.insertMany(records, { ordered: false }).catch((err: unknown) => {
      for (const i of alreadyStored(err)) taken.add(i);
    });
    const applied: Array<{ move: Move; record: StepDoc; theirs?: boolean }> = [];
    for (const [i, move] of moves.entries()) {
      if (!taken.has(i)) applied.push({ move, record: records[i]! });
      else {
        const theirs = await this.steps.findOne({ _id: records[i]!._id });
        if (!theirs) throw new Error(`settlement step ${records[i]!._id} was refused as a duplicate and is not there`);
        this.opts.log.warn('a settlement step was recorded by another process first; taking it', { settlement: move.doc._id, status: theirs.status });
        applied.push({ move: { doc: move.doc, status: theirs.status, set: theirs.set }, record: theirs, theirs: true });
      }
    }
    for (let i = 0; i < applied.length; i += MAX_STATEMENTS_PER_COMMAND) {
      const chunk = applied.slice(i, i + MAX_STATEMENTS_PER_COMMAND);
      await this.copySteps(
        chunk.map(({ move: { doc }, record }) => ({
          ...doc,
          ...record.set,
          status: record.status,
          steps: [...doc.steps, { status: record.status, at: record.at }],
        })),
      );
      for (const { move, record, theirs } of chunk) {
        const { doc, entry } = move;
        const { status, set } = record;
        this.counted(doc.status, status);
        Object.assign(doc, set, { status });
        doc.steps.push({ status, at: record.at });
        const event = {
          id: stepEventIds(doc).at(-1)!,
          kind: 'settlement' as const,
          settlement: doc._id,
          status,
          entry: entry ?? (stepEntry(status, orderIds(doc)) || undefined),
        };
        // Another process's step may be sealed already (read by this one's load meanwhile): once.
        if (theirs) await this.chain.recordUnlessSealed(event);
        else this.chain.record(event);
        this.retryAt.delete(doc._id); // a new step is tried at once
        if (TERMINAL.includes(status)) {
          this.active.delete(doc._id);
          this.sealed.putFinal(doc);
        }
        if (status !== 'CREDITING' && status !== 'CREDITED') this.opts.log.info('settlement step', { settlement: doc._id, status, reason: set.reason?.code });
      }
    }
  }

  /**
   * Copies each settlement's newest step (recorded in `settlementSteps`, the commit point) into its
   * document — only where the document does not show that step yet, so that a late write of a
   * process that lost the lease never takes a document back to an older step. On MongoDB that
   * condition is part of each update's filter (atomic). On FerretDB a filter of more than `_id`
   * reads the whole collection per statement (docs/DATABASE.md: 32 statements took 1.3–6 s and
   * grew with the collection) and no update is atomic anyway: the documents are read by `_id`
   * first, and those already showing the step are left out (db/writeWhereStill.ts).
   */
  private async copySteps(docs: SettlementDoc[]): Promise<void> {
    await writeWhereStill(
      this.settlements,
      this.opts.lookups,
      docs.map(({ _id, ...fields }) => ({ _id, still: { [`steps.${fields.steps.length - 1}`]: { $exists: false } }, update: { $set: fields } })),
    );
  }

  /** Sends orders to a municipality's ledger; one answer per order: the entry as it stands there, a coded refusal, or unreachable. */
  private async send(
    code: string,
    mutation: string,
    variables: Record<string, unknown>,
    find: (code: string) => Promise<MunicipalityDoc | null>,
  ): Promise<Answer[]> {
    const count = Array.isArray(variables.os) ? variables.os.length : 1;
    const unreachable = Array.from({ length: count }, (): Answer => ({ kind: 'unreachable' }));
    const url = (await find(code))?.endpoints[0];
    if (!url) return unreachable;
    type Entry = { status: string; height: number | null; rejection: { code: string; message: string } | null } | null;
    let reply;
    try {
      reply = await this.opts.federation.graphql<Record<string, Entry | Entry[] | null>>(url, mutation, {
        variables: { m: code, ...variables },
        timeoutMs: 10_000,
      });
    } catch (err) {
      if (err instanceof GraphQLTransportError) return unreachable;
      throw err;
    }
    const data = Object.values(reply.data ?? {})[0];
    const entries: Entry[] = Array.isArray(data) ? data : [data ?? null];
    const errors = reply.errors ?? [];
    return unreachable.map((_, k): Answer => {
      const entry = entries[k];
      if (entry) return { kind: 'entry', status: entry.status, height: entry.height ?? undefined, rejection: entry.rejection ?? undefined };
      const error = errors.find((e) => e.path?.length === 2 && e.path[1] === k) ?? errors.find((e) => (e.path?.length ?? 0) < 2);
      return error ? { kind: 'refused', code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), message: error.message } : { kind: 'unreachable' };
    });
  }
}
