/**
 * The sequencer: the one process per municipality that orders admitted transactions into Proof of
 * History and seals blocks. Every ledger replica runs this loop; only the holder of the lease in
 * MongoDB seals, so killing it hands the lease to another replica once it expires.
 *
 * One round: renew the lease → apply any committed block not yet applied (after a crash) → take
 * up to `maxTxPerBlock` pending transactions in arrival order → re-check each against the state
 * (nonce, balance) → mix the accepted ones into PoH → seal and commit the block → apply it.
 */
import { oneBatch } from '../../db/mongo.ts';
import { randomUUID } from 'node:crypto';
import {
  bytesToHex,
  hexToBytes,
  merkleRoot,
  PohRecorder,
  signBlock,
  type BlockHeader,
} from '../../core/index.ts';
import type { Logger } from '../../runtime/log.ts';
import type { BlockDoc, MempoolDoc, StoredTx } from './models.ts';
import type { LedgerStore } from './store.ts';

export interface SequencerOptions {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** Seal at least this often when transactions are pending, in ms. */
  blockIntervalMs: number;
  maxTxPerBlock: number;
  leaseMs: number;
  /** PoH ticks per millisecond elapsed between events, capped per event (docs/PROTOCOL.md). */
  pohTicksPerMs: number;
  log: Logger;
}

const MAX_TICKS_PER_EVENT = 1000;

export class Sequencer {
  readonly holder = randomUUID();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private leader = false;
  private lastEventAt = Date.now();
  private sinceSeal = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly opts: SequencerOptions,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * Starts the loop; resolves after its first round, so that a ledger that takes the lease has
   * applied every committed block (genesis included) before it serves.
   */
  start(): Promise<void> {
    this.running = true;
    return new Promise((firstRound) => {
      this.loop = this.run(firstRound);
    });
  }

  /**
   * Counts admissions since the last seal; a full block's worth seals at once instead of waiting
   * for the interval ("every N ms or M transactions").
   */
  admitted(count: number): void {
    this.sinceSeal += count;
    if (this.sinceSeal >= this.opts.maxTxPerBlock) this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.leader) await this.store.releaseLease(this.holder).catch(() => {});
  }

  private async run(firstRound: () => void): Promise<void> {
    const { log } = this.opts;
    while (this.running) {
      const started = Date.now();
      let sealedFull = false;
      try {
        const wasLeader = this.leader;
        const lease = await this.store.acquireLease(this.holder, this.opts.leaseMs);
        this.leader = lease.held;
        if (this.leader !== wasLeader) log.info(this.leader ? 'took the sequencer lease' : 'lost the sequencer lease', { holder: this.holder, from: lease.from });
        if (lease.from) {
          // Taken over from a holder that stopped renewing, likely killed: its last commands may
          // still be running inside the database (FerretDB finishes a dead client's command, as
          // a read then a write). Wait one more lease time before deriving state over them
          // (docs/LEDGER.md, "What is atomic").
          for (let half = 0; half < 2 && this.leader; half++) {
            await new Promise((r) => setTimeout(r, this.opts.leaseMs / 2));
            this.leader = (await this.store.acquireLease(this.holder, this.opts.leaseMs)).held;
          }
        }
        if (this.leader) {
          sealedFull = (await this.sealOne()) >= this.opts.maxTxPerBlock;
        }
      } catch (err) {
        log.error('sequencer round failed; retrying', { err });
      }
      firstRound();
      if (!sealedFull) {
        const wait = Math.max(0, this.opts.blockIntervalMs - (Date.now() - started));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.leader ? wait : Math.min(this.opts.leaseMs / 3, 500));
          this.wake = () => (clearTimeout(timer), resolve());
        });
      }
    }
  }

  /** Seals one block from the mempool; returns how many transactions it took (0: nothing sealed). */
  async sealOne(): Promise<number> {
    const { store } = this;
    // Read the head first, then bring the derived state up to it: a block committed by anyone
    // after this read has a height above the head, so our commit of head + 1 would fail rather
    // than fork or repeat its transactions.
    const head = await store.head({ light: true });
    await store.catchUp();
    this.sinceSeal = 0;
    const candidates = await store.mempool.find({}, oneBatch(this.opts.maxTxPerBlock)).sort({ receivedAt: 1, _id: 1 }).toArray();
    if (candidates.length === 0) return 0;

    // No candidate is in a block already: catchUp() above applied every committed block, and
    // applying removes a block's transactions from the mempool only after indexing them, while
    // admission refuses a transaction the index or the sender's nonce already knows. A replayed
    // one would also fail its nonce check below.
    const senders = [...new Set(candidates.map((c) => c.from))];
    const recipients = [...new Set(candidates.map((c) => c.body.to))];
    const addresses = [...new Set([...senders, ...recipients])];
    const accounts = await store.accounts.find({ _id: { $in: addresses } }, oneBatch(addresses.length)).toArray();
    const state = new Map(accounts.map((a) => [a._id, { balance: a.balance, nonce: a.nonce }]));
    const get = (address: string) => state.get(address) ?? state.set(address, { balance: 0, nonce: 0 }).get(address)!;

    const accepted: MempoolDoc[] = [];
    const rejected: Array<{ doc: MempoolDoc; code: string; message: string }> = [];
    // Arrival order can put nonce n+1 before n (two replicas admitting at once): order each
    // sender's transactions by nonce, keeping senders in order of first arrival.
    const bySender = new Map<string, MempoolDoc[]>();
    for (const c of candidates) (bySender.get(c.from) ?? bySender.set(c.from, []).get(c.from)!).push(c);
    for (const docs of bySender.values()) docs.sort((a, b) => a.nonce - b.nonce);
    for (const docs of bySender.values()) {
      for (const doc of docs) {
        const sender = get(doc.from);
        if (doc.nonce <= sender.nonce) {
          rejected.push({ doc, code: 'NONCE_REUSED', message: `nonce ${doc.nonce} was already used` });
        } else if (doc.nonce > sender.nonce + 1) {
          // Its predecessor was rejected or is not in this batch: wait unless it can never come.
          const waiting = await store.mempool.findOne({ from: doc.from, nonce: sender.nonce + 1 }, { projection: { _id: 1 } });
          if (!waiting) rejected.push({ doc, code: 'NONCE_GAP', message: `nonce ${sender.nonce + 1} is missing` });
        } else if (doc.amount > sender.balance) {
          rejected.push({ doc, code: 'INSUFFICIENT_FUNDS', message: `balance ${sender.balance} is less than ${doc.amount}` });
        } else {
          sender.balance -= doc.amount;
          sender.nonce = doc.nonce;
          get(doc.body.to).balance += doc.amount;
          accepted.push(doc);
        }
      }
    }

    if (accepted.length > 0) {
      const block = this.seal(head, accepted);
      if (!(await store.commit(block))) {
        this.opts.log.warn('another sequencer committed this height; catching up', { height: block._id });
        return 0;
      }
      await store.apply(block);
    }
    await store.reject(rejected);
    return accepted.length;
  }

  /** Builds and signs the next block on `head`. Pure apart from the clock. */
  private seal(head: BlockDoc, docs: MempoolDoc[]): BlockDoc {
    const poh = new PohRecorder(hexToBytes(head.header.pohEnd));
    const now = Date.now();
    const elapsed = Math.max(1, now - this.lastEventAt);
    this.lastEventAt = now;
    const perEvent = Math.min(MAX_TICKS_PER_EVENT, Math.ceil((elapsed * this.opts.pohTicksPerMs) / docs.length));
    const txs: StoredTx[] = docs.map((doc) => {
      poh.tickN(perEvent);
      return { id: doc._id, body: doc.body, signature: doc.signature, poh: poh.record(hexToBytes(doc._id)) };
    });
    const time = new Date(Math.max(now, Date.parse(head.header.time))).toISOString();
    const header: BlockHeader = {
      v: 1,
      municipality: head.header.municipality,
      height: head.header.height + 1,
      prevHash: head.hash,
      time,
      txRoot: bytesToHex(merkleRoot(txs.map((t) => hexToBytes(t.id)))),
      txCount: txs.length,
      pohEnd: bytesToHex(poh.hash),
      pohCount: head.header.pohCount + poh.count,
      sequencer: bytesToHex(this.opts.publicKey),
    };
    const { hash, signature } = signBlock(header, this.opts.secretKey);
    return { _id: header.height, header, hash, signature, txs };
  }
}
