/**
 * Signed checkpoints of this ledger's chain (core/checkpoint.ts): the root over every block hash
 * up to a height, signed with the sequencer key. The root is kept as a Merkle frontier (O(log n)
 * hashes) and extended by the blocks sealed since the last checkpoint asked for, so a checkpoint
 * costs the new blocks' reads, not the chain's. Sealed blocks never change, so a frontier never
 * goes stale; a request for a height below it (a replica behind) is rooted afresh.
 */
import { bytesToHex, hexToBytes, MerkleFrontier, signCheckpoint, type Checkpoint } from '../../core/index.ts';
import { blockKey } from './models.ts';
import type { LedgerStore } from './store.ts';
import { findByIds } from '../../db/mongo.ts';

const READ = 100;

export class Checkpoints {
  private frontier = new MerkleFrontier();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: LedgerStore,
    private readonly municipality: string,
    private readonly secretKey: Uint8Array,
    private readonly sequencer: string,
  ) {}

  /** The checkpoint of blocks 0 … `height` (sealed). One at a time: they share the frontier. */
  at(height: number): Promise<Checkpoint> {
    const run = this.queue.then(async () => {
      const frontier = this.frontier.size <= height + 1 ? this.frontier : new MerkleFrontier();
      while (frontier.size <= height) {
        const heights = Array.from({ length: Math.min(READ, height + 1 - frontier.size) }, (_, i) => frontier.size + i);
        const docs = new Map((await findByIds(this.store.blocks, heights.map(blockKey), this.store.lookups)).map((d) => [d.height, d.hash]));
        for (const h of heights) {
          const hash = docs.get(h);
          if (!hash) throw new Error(`block ${h} of ${this.municipality} is missing below a sealed height ${height}`); // blocks are never deleted
          frontier.push(hexToBytes(hash));
        }
      }
      return signCheckpoint({ municipality: this.municipality, height, root: bytesToHex(frontier.root()) }, this.secretKey, this.sequencer);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
