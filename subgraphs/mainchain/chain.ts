/**
 * The main chain's own blocks: every event it records — for now each anchored municipal block —
 * is sealed into a main-chain block by the same rules as a municipal ledger's (core/block.ts
 * `sealNext`): a Merkle root over the event ids, Proof of History, the main chain's signature.
 *
 * As on a ledger, the block document is the commit point: an event is recorded first (an anchor
 * document), sealed into a block (one insert under its height), and only then marked with where
 * it was sealed (derived, idempotent, redone after a crash from `meta.applied`). One process
 * seals; a second would lose the race for the next height and rebuild (docs/MAINCHAIN.md).
 */
import { anchorEventId, settlementEventId, bytesToHex, genesisHeader, hexToBytes, inclusionProof, MAIN_CHAIN, sealNext, signBlock, type BlockHeader, type PohEntry, type SettlementStatus } from '../../core/index.ts';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { blockKey } from '../../db/mongo.ts';
import type { Logger } from '../../runtime/log.ts';
import type { AnchorDoc } from './anchors.ts';
import type { SettlementDoc } from './settlements.ts';
import { COLLECTIONS } from './collections.ts';

/** One event a main-chain block commits to, in block order: an anchored block, or a settlement's step. */
export type MainEvent =
  | { id: string; kind: 'anchor'; municipality: string; height: number; hash: string }
  | { id: string; kind: 'settlement'; settlement: string; status: SettlementStatus; entry?: string };

export interface MainBlockDoc {
  _id: string;
  height: number;
  header: BlockHeader;
  hash: string;
  signature: string;
  events: MainEvent[];
  poh: PohEntry[];
}

/** What `Query.mainChain` resolves from: the newest block. */
export interface MainChainModel {
  head: MainBlockDoc;
}

export interface MainChainOptions {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  blockIntervalMs: number;
  maxEventsPerBlock: number;
  /** The genesis block's time (fixed, so that a restart finds the same genesis). */
  genesisTime: string;
  log: Logger;
}

const MAX_STATEMENTS_PER_COMMAND = 32; // FerretDB: see subgraphs/ledger/store.ts
const TICKS_PER_EVENT = 10;

export class MainChain {
  readonly blocks: Collection<MainBlockDoc>;
  private readonly anchors: Collection<AnchorDoc>;
  private readonly settlements: Collection<SettlementDoc>;
  private readonly meta: Collection<{ _id: string; height: number }>;
  /** Events recorded and not yet sealed, in arrival order, by id. */
  private readonly queue = new Map<string, MainEvent>();
  private head: MainBlockDoc | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    db: Db,
    private readonly opts: MainChainOptions,
  ) {
    this.blocks = db.collection(COLLECTIONS.blocks);
    this.anchors = db.collection(COLLECTIONS.anchors);
    this.settlements = db.collection(COLLECTIONS.settlements);
    this.meta = db.collection(COLLECTIONS.meta);
  }

  get sequencer(): string {
    return bytesToHex(this.opts.publicKey);
  }

  /** Writes the genesis block if there is none, applies what a crash left unapplied, and reads the unsealed events. */
  async init(): Promise<void> {
    const header = genesisHeader(MAIN_CHAIN, this.opts.genesisTime, this.sequencer);
    const genesis: MainBlockDoc = { _id: blockKey(0), height: 0, header, ...signBlock(header, this.opts.secretKey), events: [], poh: [] };
    await this.blocks.insertOne(genesis).catch((err: unknown) => {
      if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
    });
    const stored = await this.blocks.findOne({ _id: blockKey(0) });
    if (stored?.hash !== genesis.hash) {
      throw new Error(`the main chain's database holds another genesis (${stored?.hash}, expected ${genesis.hash}): check AIKI_MAINCHAIN_KEY and AIKI_GENESIS_TIME`);
    }
    await this.rebuild();
  }

  start(): void {
    this.running = true;
    const round = () => {
      this.sealing = this.sealOne()
        .catch(async (err: unknown) => {
          this.opts.log.error('sealing a main-chain block failed; rebuilding from the database', { err });
          await this.rebuild().catch(() => {});
        })
        .finally(() => {
          if (this.running) this.timer = setTimeout(round, this.queue.size >= this.opts.maxEventsPerBlock ? 0 : this.opts.blockIntervalMs);
        });
    };
    round();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.sealing;
  }

  /** An event recorded durably (its document written): it goes into the next block. */
  record(event: MainEvent): void {
    this.queue.set(event.id, event);
  }

  async headBlock(): Promise<MainBlockDoc> {
    let height = (await this.meta.findOne({ _id: 'applied' }))?.height ?? 0;
    while (await this.blocks.findOne({ _id: blockKey(height + 1) }, { projection: { _id: 1 } })) height++;
    return (await this.blocks.findOne({ _id: blockKey(height) }))!;
  }

  block(height: number): Promise<MainBlockDoc | null> {
    return this.blocks.findOne({ _id: blockKey(height) });
  }

  /** The Merkle audit path of event `index` of `block`, from its id to the block's txRoot. */
  static proof(block: MainBlockDoc, index: number): string[] {
    return inclusionProof(block.events.map((e) => hexToBytes(e.id)), index).map(bytesToHex);
  }

  /** Applies sealed blocks not yet applied, then reads the events no block holds yet. */
  private async rebuild(): Promise<void> {
    let applied = (await this.meta.findOne({ _id: 'applied' }))?.height ?? 0;
    for (;;) {
      const block = await this.blocks.findOne({ _id: blockKey(applied + 1) });
      if (!block) break;
      await this.apply(block);
      applied++;
    }
    this.head = (await this.blocks.findOne({ _id: blockKey(applied) }))!;
    this.queue.clear();
    // Once, at start-up or after a failure: a scan on FerretDB, by index on MongoDB.
    const unsealed = await this.anchors.find({ main: { $exists: false } }).sort({ receivedAt: 1, _id: 1 }).toArray();
    for (const a of unsealed) this.record(anchorEvent(a));
    for (const s of await this.settlements.find({}).toArray()) {
      for (const { status } of s.steps) {
        if (s.main?.[status]) continue;
        const entry = status === 'CREDITING' || status === 'CREDITED' ? s.credit?.id : status === 'REFUNDING' || status === 'REFUNDED' ? s.refund?.id : undefined;
        this.record({ id: settlementEventId(s._id, status, entry ?? ''), kind: 'settlement', settlement: s._id, status, entry });
      }
    }
  }

  private async sealOne(): Promise<void> {
    if (this.queue.size === 0 || !this.head) return;
    const events = [...this.queue.values()].slice(0, this.opts.maxEventsPerBlock);
    const sealed = sealNext(this.head, events.map((e) => e.id), { time: new Date(), ticksPerEvent: TICKS_PER_EVENT, secretKey: this.opts.secretKey, sequencer: this.sequencer });
    const block: MainBlockDoc = { _id: blockKey(sealed.header.height), height: sealed.header.height, ...sealed, events };
    try {
      await this.blocks.insertOne(block);
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) {
        this.opts.log.warn('another main-chain sealer committed this height; rebuilding', { height: block.height });
        await this.rebuild();
        return;
      }
      throw err;
    }
    this.head = block;
    for (const e of events) this.queue.delete(e.id);
    await this.apply(block);
  }

  /** Marks every event of `block` with where it was sealed. Idempotent. */
  private async apply(block: MainBlockDoc): Promise<void> {
    const at = (index: number) => ({ height: block.height, index });
    const anchors = block.events.flatMap((e, index) =>
      e.kind === 'anchor' ? [{ updateOne: { filter: { _id: anchorKey(e.municipality, e.height) }, update: { $set: { main: at(index) } } } }] : [],
    );
    const settlements = block.events.flatMap((e, index) =>
      e.kind === 'settlement' ? [{ updateOne: { filter: { _id: e.settlement }, update: { $set: { [`main.${e.status}`]: at(index) } } } }] : [],
    );
    for (let i = 0; i < anchors.length; i += MAX_STATEMENTS_PER_COMMAND) await this.anchors.bulkWrite(anchors.slice(i, i + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
    for (let i = 0; i < settlements.length; i += MAX_STATEMENTS_PER_COMMAND) await this.settlements.bulkWrite(settlements.slice(i, i + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
    await this.meta.updateOne({ _id: 'applied' }, { $max: { height: block.height } }, { upsert: true });
  }
}

export const anchorKey = (municipality: string, height: number) => `${municipality}|${blockKey(height)}`;

export function anchorEvent(a: Pick<AnchorDoc, 'municipality' | 'height' | 'hash'>): MainEvent {
  return { id: anchorEventId(a), kind: 'anchor', municipality: a.municipality, height: a.height, hash: a.hash };
}
