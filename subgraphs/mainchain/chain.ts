/**
 * The main chain's own blocks: every event it records — an anchored municipal block, a settlement
 * step, a governance proposal, vote or outcome —
 * is sealed into a main-chain block by the same rules as a municipal ledger's (core/block.ts
 * `sealNext`): a Merkle root over the event ids, Proof of History, the main chain's signature.
 *
 * As on a ledger, the block document is the commit point: an event is recorded first (an anchor
 * or settlement document), sealed into a block (one insert under its height), and only then
 * indexed by id in `events` (derived, idempotent, redone after a crash from `meta.applied`). Only
 * the main chain's lease holder seals (server.ts); should two ever believe they hold it, the
 * second loses the race for the next height and rebuilds (docs/ARCHITECTURE.md, "Main chain").
 */
import { stepEntry, bytesToHex, genesisHeader, hexToBytes, MAIN_CHAIN, MerkleTree, sealNext, signBlock } from '../../core/index.ts';
import type { Collection, Db } from 'mongodb';
import { blockKey } from '../../db/mongo.ts';
import type { Logger } from '../../runtime/log.ts';
import { COLLECTIONS } from './collections.ts';
import { governanceEvents } from './governanceEvents.ts';
import type { MainSealedCache } from './sealed.ts';
import { memoizedBy } from '../../runtime/immutableCache.ts';
import { anchorEvent, eventPositions, orderIds, stepEventIds, type AnchorDoc, type MainBlockDoc, type MainEvent, type SettlementDoc } from './models.ts';
import { alreadyStored, isDuplicateKey } from '../../db/writeErrors.ts';

export interface MainChainOptions {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  blockIntervalMs: number;
  maxEventsPerBlock: number;
  /** The genesis block's time (fixed, so that a restart finds the same genesis). */
  genesisTime: string;
  log: Logger;
  /** Whether this process may seal now (it holds the main chain's lease). */
  may: () => boolean;
}

const TICKS_PER_EVENT = 10;

export class MainChain {
  readonly blocks: Collection<MainBlockDoc>;
  private readonly anchors: Collection<AnchorDoc>;
  private readonly settlements: Collection<SettlementDoc>;
  private readonly events: Collection<{ _id: string; height: number; index: number }>;
  private readonly meta: Collection<{ _id: string; height: number }>;
  /** Events recorded and not yet sealed, in arrival order, by id. */
  private readonly queue = new Map<string, MainEvent>();
  private head: MainBlockDoc | undefined;
  /** The highest height known sealed (see {@link headBlock}). */
  private knownHeight = 0;
  private timer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> = Promise.resolve();
  private running = false;
  /** Counts starts and stops of the sealing rounds. */
  private runs = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: MainChainOptions,
    private readonly sealed: MainSealedCache,
  ) {
    this.blocks = db.collection(COLLECTIONS.blocks);
    this.anchors = db.collection(COLLECTIONS.anchors);
    this.settlements = db.collection(COLLECTIONS.settlements);
    this.events = db.collection(COLLECTIONS.events);
    this.meta = db.collection(COLLECTIONS.meta);
  }

  /** Governance can change the block interval of a running chain. */
  set blockIntervalMs(ms: number) {
    this.opts.blockIntervalMs = ms;
  }

  get sequencer(): string {
    return bytesToHex(this.opts.publicKey);
  }

  /** Writes the genesis block if there is none (every process; the same block from the same key). */
  async init(): Promise<void> {
    const header = genesisHeader(MAIN_CHAIN, this.opts.genesisTime, this.sequencer);
    const genesis: MainBlockDoc = { _id: blockKey(0), height: 0, header, ...signBlock(header, this.opts.secretKey), events: [], poh: [] };
    await this.blocks.insertOne(genesis).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
    const stored = await this.blocks.findOne({ _id: blockKey(0) });
    if (stored?.hash !== genesis.hash) {
      throw new Error(
        `the main chain's database holds another genesis (${stored?.hash}, expected ${genesis.hash}): check AIKI_MAINCHAIN_KEY and AIKI_GENESIS_TIME`,
      );
    }
  }

  /**
   * The lease holder's start, and again a while after it: applies what a crash left unapplied and
   * reads every recorded event no block holds yet. Never while a block is being sealed.
   */
  load(): Promise<void> {
    const loaded = this.sealing.then(() => this.rebuild());
    this.sealing = loaded.catch(() => {});
    return loaded;
  }

  /** Forgets the events waiting to be sealed (the lease is lost: the next holder reads them). */
  async unload(): Promise<void> {
    await this.stop();
    this.queue.clear();
    this.head = undefined;
  }

  start(): void {
    this.running = true;
    const run = ++this.runs; // a round of an earlier start, still sealing when it was stopped, ends its loop
    const round = () => {
      this.sealing = this.sealing
        .then(() => this.sealOne())
        .catch(async (err: unknown) => {
          this.opts.log.error('sealing a main-chain block failed; rebuilding from the database', { err });
          await this.rebuild().catch(() => {});
        })
        .finally(() => {
          if (this.running && run === this.runs) this.timer = setTimeout(round, this.queue.size >= this.opts.maxEventsPerBlock ? 0 : this.opts.blockIntervalMs);
        });
    };
    round();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.runs++;
    clearTimeout(this.timer);
    await this.sealing;
  }

  /** An event recorded durably (its document written): it goes into the next block. */
  record(event: MainEvent): void {
    this.queue.set(event.id, event);
  }

  /**
   * Records an event that a block may already hold (found late, after this holder read what was not
   * sealed): after the block being sealed now is applied, so that where each sealed event is
   * (`events`) is known up to this holder's head.
   */
  recordUnlessSealed(event: MainEvent): Promise<void> {
    const recorded = this.sealing.then(async () => {
      if (!(await this.events.findOne({ _id: event.id }))) this.record(event);
    });
    this.sealing = recorded.catch(() => {});
    return recorded;
  }

  /**
   * The newest sealed block, exact when asked: blocks are never deleted and heights contiguous, so
   * the head is the last block after the highest height known sealed — one `_id` probe while it
   * stays (as a ledger's head, subgraphs/ledger/state.ts).
   */
  async headBlock(): Promise<MainBlockDoc> {
    let height = Math.max(this.knownHeight, this.head?.height ?? 0);
    while (await this.block(height + 1)) height++;
    this.knownHeight = Math.max(this.knownHeight, height);
    return (await this.block(height))!;
  }

  /** A sealed block never changes (sealed.ts). */
  async block(height: number): Promise<MainBlockDoc | null> {
    const cached = this.sealed.block(height);
    if (cached) return cached;
    const block = await this.blocks.findOne({ _id: blockKey(height) });
    if (block) this.sealed.putBlock(block);
    return block;
  }

  /** Where event `id` is sealed, with its Merkle path; null until it is. */
  async inclusion(id: string): Promise<{ mainBlock: MainBlockDoc; index: number; treeSize: number; path: string[] } | null> {
    let at = this.sealed.event(id) ?? null;
    if (!at && (at = await this.events.findOne({ _id: id }))) this.sealed.putEvent(id, at);
    const block = at ? await this.block(at.height) : null;
    return at && block ? { mainBlock: block, index: at.index, treeSize: block.events.length, path: MainChain.proof(block, at.index) } : null;
  }

  /** The Merkle audit path of event `index` of `block`, from its id to the block's txRoot. */
  static proof(block: MainBlockDoc, index: number): string[] {
    return eventTree(block).path(index).map(bytesToHex);
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
    // Once, at start-up or after a failure: every recorded event that no block holds yet. This
    // reads every anchor, settlement and sealed event id (docs/SETTLEMENT.md, limits).
    const sealed = new Set((await this.events.find({}, { projection: { _id: 1 } }).toArray()).map((e) => e._id));
    for (const a of await this.anchors.find({}).sort({ receivedAt: 1, _id: 1 }).toArray()) {
      const event = anchorEvent(a);
      if (!sealed.has(event.id)) this.record(event);
    }
    for (const s of await this.settlements.find({}).toArray()) {
      const ids = stepEventIds(s);
      s.steps.forEach(({ status }, i) => {
        if (!sealed.has(ids[i]!)) this.record({ id: ids[i]!, kind: 'settlement', settlement: s._id, status, entry: stepEntry(status, orderIds(s)) });
      });
    }
    for (const event of await governanceEvents(this.db, sealed)) this.record(event);
  }

  private async sealOne(): Promise<void> {
    if (this.queue.size === 0 || !this.head || !this.opts.may()) return;
    const events = [...this.queue.values()].slice(0, this.opts.maxEventsPerBlock);
    const sealed = sealNext(
      this.head,
      events.map((e) => e.id),
      { time: new Date(), ticksPerEvent: TICKS_PER_EVENT, secretKey: this.opts.secretKey, sequencer: this.sequencer },
    );
    const block: MainBlockDoc = { _id: blockKey(sealed.header.height), height: sealed.header.height, ...sealed, events };
    try {
      await this.blocks.insertOne(block);
    } catch (err) {
      if (isDuplicateKey(err)) {
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

  /** Records where every event of `block` is sealed (inserts of the same documents every time: idempotent). */
  private async apply(block: MainBlockDoc): Promise<void> {
    if (block.events.length > 0) {
      await this.events.insertMany(eventPositions(block), { ordered: false }).catch((err: unknown) => void alreadyStored(err));
    }
    await this.meta.updateOne({ _id: 'applied' }, { $max: { height: block.height } }, { upsert: true });
  }
}

/** A sealed main-chain block's Merkle tree over its event ids, built once per block document (sealed.ts keeps the documents). */
const eventTree = memoizedBy((block: MainBlockDoc) => new MerkleTree(block.events.map((e) => hexToBytes(e.id))));
