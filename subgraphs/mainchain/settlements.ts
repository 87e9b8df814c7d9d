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
import { MongoServerError, type Collection, type Db } from 'mongodb';
import {
  abortBytes,
  aikiError,
  bytesToHex,
  checkTransaction,
  hexToBytes,
  parseAddress,
  settlementEntryId,
  settlementEventId,
  sign,
  signSettlement,
  verifyInclusion,
  type BlockHeader,
  type SettlementStatus,
  type SignedSettlement,
} from '../../core/index.ts';
import { oneBatch } from '../../db/mongo.ts';
import { postGraphQL, GraphQLTransportError } from '../../runtime/graphql.ts';
import type { Logger } from '../../runtime/log.ts';
import type { MainChain } from './chain.ts';
import { COLLECTIONS } from './collections.ts';
import type { Registry } from './registry.ts';

export interface SettlementDoc {
  /** `<source municipality>:<txid>`: the source transfer's ledger id. */
  _id: string;
  txid: string;
  source: string;
  destination: string;
  from: string;
  to: string;
  amount: string;
  /** Where the transfer is on the source chain. */
  sourceHeight: number;
  index: number;
  status: SettlementStatus;
  credit?: SignedSettlement & { id: string };
  refund?: SignedSettlement & { id: string };
  /** Why it is refunded. */
  reason?: { code: string; message: string };
  creditOrderedAt?: Date;
  /** The block of the destination (credit) or source (refund) ledger that holds the entry. */
  entryHeight?: number;
  steps: Array<{ status: SettlementStatus; at: Date }>;
  /** Where each step's event is sealed on the main chain. */
  main?: Partial<Record<SettlementStatus, { height: number; index: number }>>;
}

export interface TraceHopModel {
  depth: number;
  settlement: SettlementDoc;
}

export interface TraceModel {
  transactionId: string;
  hops: TraceHopModel[];
}

export const MAX_TRACE_DEPTH = 5;
const MAX_TRACE_HOPS = 100;

export const TERMINAL: SettlementStatus[] = ['CREDITED', 'REFUNDED'];
const ACTIVE: SettlementStatus[] = ['ESCROWED', 'CREDITING', 'ABORTING', 'REFUNDING'];

/** A transfer to another municipality, offered with an anchored block: its body, signature and Merkle path. */
export interface OutboundOffer {
  body: string;
  signature: string;
  index: number;
  path: string[];
}

const ENTRY = 'txid status rejection { code message } block { height }';
const SETTLE = `mutation AikiSettle($m: String!, $o: SettlementOrderInput!) { settle(municipality: $m, order: $o) { ${ENTRY} } }`;
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
}

export class Settler {
  readonly settlements: Collection<SettlementDoc>;
  private readonly active = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    db: Db,
    private readonly registry: Registry,
    private readonly chain: MainChain,
    private readonly opts: SettlerOptions,
  ) {
    this.settlements = db.collection(COLLECTIONS.settlements);
  }

  async init(): Promise<void> {
    await this.settlements.createIndex({ status: 1 }, { name: 'status' });
    await this.settlements.createIndex({ from: 1 }, { name: 'from' });
    // Once at start-up: a scan on FerretDB, by index on MongoDB.
    for (const s of await this.settlements.find({ status: { $in: ACTIVE } }, { projection: { _id: 1 } }).toArray()) this.active.add(s._id);
  }

  start(): void {
    this.running = true;
    const loop = () => {
      this.round = this.advanceAll()
        .catch((err: unknown) => this.opts.log.error('settling failed; retrying', { err }))
        .finally(() => {
          if (this.running) this.timer = setTimeout(loop, this.opts.intervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
  }

  get(id: string): Promise<SettlementDoc | null> {
    return this.settlements.findOne({ _id: id });
  }

  list(status: SettlementStatus | null | undefined, first: number): Promise<SettlementDoc[]> {
    return this.settlements.find(status ? { status } : {}, oneBatch(first)).sort({ _id: 1 }).toArray();
  }

  /**
   * The transfer `id` and, breadth first up to `depth` hops, the transfers between
   * municipalities that each credited recipient made afterwards. Null if `id` is unknown.
   */
  async trace(id: string, depth: number): Promise<TraceModel | null> {
    const root = await this.get(id);
    if (!root) return null;
    const hops: TraceHopModel[] = [{ depth: 0, settlement: root }];
    const seen = new Set([root._id]);
    for (let level = 0, frontier = [root]; level < depth && frontier.length > 0; level++) {
      const next: SettlementDoc[] = [];
      for (const hop of frontier.filter((h) => h.status === 'CREDITED')) {
        // By `from`: indexed on MongoDB, a scan on FerretDB.
        for (const onward of await this.settlements.find({ from: hop.to }, oneBatch(MAX_TRACE_HOPS)).sort({ _id: 1 }).toArray()) {
          if (seen.has(onward._id) || hops.length >= MAX_TRACE_HOPS) continue;
          seen.add(onward._id);
          hops.push({ depth: level + 1, settlement: onward });
          next.push(onward);
        }
      }
      frontier = next;
    }
    return { transactionId: id, hops };
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
      if (from !== source || destination === source) throw aikiError('BAD_TRANSACTION', `outbound[${k}] is not a transfer from ${source} to another municipality`, field);
      const path = Array.isArray(o.path) && o.path.every((p) => /^[0-9a-f]{64}$/.test(p)) ? o.path.map(hexToBytes) : null;
      if (!path || !verifyInclusion(hexToBytes(id), o.index, header.txCount, path, hexToBytes(header.txRoot))) {
        throw aikiError('BAD_BLOCK', `outbound[${k}] (${id}) is not in block ${header.height} of ${source}: its Merkle path does not lead to the txRoot`, field);
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

  /** Records settlements checked by {@link check}; one already recorded stays as it is. */
  async record(docs: SettlementDoc[]): Promise<void> {
    for (const doc of docs) {
      try {
        await this.settlements.insertOne(doc);
      } catch (err) {
        if (err instanceof MongoServerError && err.code === 11000) continue;
        throw err;
      }
      this.chain.record({ id: settlementEventId(doc._id, 'ESCROWED'), kind: 'settlement', settlement: doc._id, status: 'ESCROWED' });
      this.active.add(doc._id);
    }
  }

  private async advanceAll(): Promise<void> {
    const ids = [...this.active];
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(
        ids.slice(i, i + 16).map(async (id) => {
          const doc = await this.get(id);
          if (!doc || TERMINAL.includes(doc.status)) return void this.active.delete(id);
          await this.advance(doc).catch((err: unknown) => this.opts.log.warn('a settlement step failed; retrying', { settlement: id, status: doc.status, err: (err as Error).message }));
        }),
      );
    }
  }

  /** One step of one settlement. */
  private async advance(doc: SettlementDoc): Promise<void> {
    switch (doc.status) {
      case 'ESCROWED': {
        const destination = await this.registry.find(doc.destination);
        if (!destination || destination.status !== 'ACTIVE') {
          const why = destination ? `${doc.destination} is suspended` : `no municipality ${doc.destination} is registered`;
          return this.refund(doc, { code: destination ? 'MUNICIPALITY_SUSPENDED' : 'UNKNOWN_MUNICIPALITY', message: why });
        }
        const body = { v: 1 as const, type: 'credit' as const, settlement: doc.txid, from: doc.from, to: doc.to, amount: doc.amount, time: new Date().toISOString() };
        const credit = { ...signSettlement(body, this.opts.secretKey), id: settlementEntryId(body) };
        return this.move(doc, 'CREDITING', { credit, creditOrderedAt: new Date() }, credit.id);
      }
      case 'CREDITING': {
        const answer = await this.send(doc.destination, SETTLE, { o: { body: doc.credit!.body, signature: doc.credit!.signature } });
        if (answer.kind === 'entry' && answer.status === 'CONFIRMED') return this.move(doc, 'CREDITED', { entryHeight: answer.height }, doc.credit!.id);
        if (answer.kind === 'refused' && FINAL_REFUSALS.has(answer.code)) return this.refund(doc, { code: answer.code, message: answer.message });
        if (answer.kind === 'entry' && answer.status === 'REJECTED') return this.refund(doc, answer.rejection!);
        if (Date.now() - doc.creditOrderedAt!.getTime() > this.opts.timeoutMs) return this.move(doc, 'ABORTING', {});
        return;
      }
      case 'ABORTING': {
        const credit = doc.credit!;
        const signature = bytesToHex(sign(abortBytes(credit.id), this.opts.secretKey));
        const answer = await this.send(doc.destination, ABORT, { o: { body: credit.body, signature: credit.signature }, s: signature });
        if (answer.kind === 'entry' && answer.status === 'CONFIRMED') return this.move(doc, 'CREDITED', { entryHeight: answer.height }, credit.id);
        if (answer.kind === 'entry' && answer.status === 'REJECTED') return this.refund(doc, answer.rejection ?? { code: 'SETTLEMENT_ABORTED', message: 'aborted' });
        if (answer.kind === 'refused' && FINAL_REFUSALS.has(answer.code)) return this.refund(doc, { code: answer.code, message: answer.message });
        return; // pending (it will be confirmed) or unreachable: ask again
      }
      case 'REFUNDING': {
        const refund = doc.refund!;
        const answer = await this.send(doc.source, SETTLE, { o: { body: refund.body, signature: refund.signature } });
        if (answer.kind === 'entry' && answer.status === 'CONFIRMED') return this.move(doc, 'REFUNDED', { entryHeight: answer.height }, refund.id);
        if (answer.kind === 'refused') this.opts.log.error('the source ledger refuses a refund; retrying', { settlement: doc._id, code: answer.code, message: answer.message });
        return;
      }
      default:
        return;
    }
  }

  private refund(doc: SettlementDoc, reason: { code: string; message: string }): Promise<void> {
    // The original recipient gives the amount back to the original sender, on the source ledger.
    const body = { v: 1 as const, type: 'refund' as const, settlement: doc.txid, from: doc.to, to: doc.from, amount: doc.amount, time: new Date().toISOString() };
    const refund = { ...signSettlement(body, this.opts.secretKey), id: settlementEntryId(body) };
    return this.move(doc, 'REFUNDING', { refund, reason }, refund.id);
  }

  /** Writes the next step (this process is the only writer), then records its event for the next main-chain block. */
  private async move(doc: SettlementDoc, status: SettlementStatus, set: Partial<SettlementDoc>, entry = ''): Promise<void> {
    const at = new Date();
    await this.settlements.updateOne({ _id: doc._id }, { $set: { ...set, status }, $push: { steps: { status, at } } });
    this.chain.record({ id: settlementEventId(doc._id, status, entry), kind: 'settlement', settlement: doc._id, status, entry });
    if (TERMINAL.includes(status)) this.active.delete(doc._id);
    this.opts.log.info('settlement step', { settlement: doc._id, status, reason: set.reason?.code });
  }

  /** Sends an order to a municipality's ledger: the entry as it stands there, a coded refusal, or unreachable. */
  private async send(
    code: string,
    mutation: string,
    variables: Record<string, unknown>,
  ): Promise<{ kind: 'entry'; status: string; height?: number; rejection?: { code: string; message: string } } | { kind: 'refused'; code: string; message: string } | { kind: 'unreachable' }> {
    const municipality = await this.registry.find(code);
    const url = municipality?.endpoints[0];
    if (!url) return { kind: 'unreachable' };
    try {
      const reply = await postGraphQL<Record<string, { status: string; rejection: { code: string; message: string } | null; block: { height: number } | null } | null>>(url, mutation, {
        variables: { m: code, ...variables },
        timeoutMs: 10_000,
      });
      const entry = Object.values(reply.data ?? {})[0];
      if (entry) return { kind: 'entry', status: entry.status, height: entry.block?.height, rejection: entry.rejection ?? undefined };
      const error = reply.errors?.[0];
      return { kind: 'refused', code: String(error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), message: error?.message ?? 'no answer' };
    } catch (err) {
      if (err instanceof GraphQLTransportError) return { kind: 'unreachable' };
      throw err;
    }
  }
}
