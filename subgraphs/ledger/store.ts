/** The municipal ledger's MongoDB store. */
import type { Collection, Db } from 'mongodb';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { COLLECTIONS } from './collections.ts';

export interface BlockDoc {
  _id: number;
  height: number;
  hash: string;
  prevHash: string;
  time: Date;
}

const ZERO_HASH = '0'.repeat(64);

export class LedgerStore {
  readonly blocks: Collection<BlockDoc>;

  constructor(
    readonly db: Db,
    readonly municipality: string,
  ) {
    this.blocks = db.collection<BlockDoc>(COLLECTIONS.blocks);
  }

  /** Creates the indexes and, on an empty database, the genesis block; checks it on a used one. */
  async init(): Promise<void> {
    await this.blocks.createIndex({ hash: 1 }, { unique: true, name: 'hash_unique' });
    const genesis = this.genesis();
    // Upsert with $setOnInsert: two replicas starting at once both end with the same genesis.
    await this.blocks.updateOne({ _id: 0 }, { $setOnInsert: genesis }, { upsert: true });
    const stored = await this.blocks.findOne({ _id: 0 });
    if (stored?.hash !== genesis.hash) {
      throw new Error(`database ${this.db.databaseName} holds the genesis of another ledger (hash ${stored?.hash}, expected ${genesis.hash})`);
    }
  }

  /** The genesis block: its hash commits to the municipality, so two ledgers never share a chain. */
  genesis(): Omit<BlockDoc, 'time'> & { time: Date } {
    const hash = bytesToHex(sha256(utf8ToBytes(`aiki/genesis/v0\n${this.municipality}`)));
    return { _id: 0, height: 0, hash, prevHash: ZERO_HASH, time: new Date(0) };
  }

  /** The newest sealed block. */
  async head(): Promise<BlockDoc> {
    const head = await this.blocks.find({}).sort({ _id: -1 }).limit(1).next();
    if (!head) throw new Error(`ledger ${this.municipality} has no genesis block: was init() run?`);
    return head;
  }
}
