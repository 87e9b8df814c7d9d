/**
 * The RFC 6962 tree over a chain's block hashes (leaf i: the 32 bytes of block i's hash), as a
 * ledger or the main chain serves it: the roots of signed checkpoints and the consistency proofs
 * between two heights (docs/PROTOCOL.md §10, core/checkpoint.ts).
 *
 * A root or a proof is made of O(log n) subtree roots (core/merkle.ts `consistencyRanges`,
 * `rangeRoot`). The tree keeps every perfect subtree of 64 leaves and more — a chunk root per 64
 * blocks and the nodes above, 32 bytes each in flat arrays: about a megabyte per million blocks
 * — and reads the block hashes below that size from the database when a proof needs them (at
 * most a few chunks at the ends of the ranges). Sealed blocks never change, so nothing kept here
 * ever goes stale; the tree grows, one chunk at a time, up to the heights asked for, and in the
 * background up to the head ({@link SignedCheckpoints.keepUp}). Each chunk root is also written to
 * the database (a {@link ChunkStore}: unique-key inserts of what the sealed blocks determine, so
 * two replicas writing the same chunk agree), and read back at start: a process reads the block
 * hashes of a long chain once, not at every start.
 */
import type { Collection } from 'mongodb';
import { blockKey } from '../db/mongo.ts';
import type { Logger } from './log.ts';
import { bytesToHex, consistencyRanges, hexToBytes, merkleRoot, nodeHash, rangeRoot, signCheckpoint, type Checkpoint } from '../core/index.ts';
import { alreadyStored } from '../db/writeErrors.ts';

const CHUNK_LEVEL = 6;
const CHUNK = 2 ** CHUNK_LEVEL;
/** Chunks read in one go while the tree grows. */
const CHUNKS_PER_READ = 4;

/** Block hashes (hex) by height; every height asked for must be sealed. */
export type ReadHashes = (heights: number[]) => Promise<Map<number, string>>;

/** Where chunk roots are kept: chunk `index` is the MTH of the block hashes 64·index … 64·index + 63. */
export interface ChunkStore {
  /** Every chunk root kept, hex, by index. */
  load(): Promise<Map<number, string>>;
  /** Keeps chunk roots; one kept already (by another replica) is no error. */
  save(chunks: Array<{ index: number; root: string }>): Promise<void>;
}

/** 32-byte hashes in one growing buffer. */
class HashColumn {
  private buf = new Uint8Array(32 * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * 32 > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf.set(hash, this.length * 32);
    this.length++;
  }

  get(i: number): Uint8Array {
    return this.buf.subarray(i * 32, (i + 1) * 32);
  }
}

export class ChainTree {
  /** levels[l]: the roots of the perfect subtrees of 2^(CHUNK_LEVEL + l) leaves, left to right. */
  private readonly levels: HashColumn[] = [new HashColumn()];
  private growing: Promise<unknown> = Promise.resolve();
  private loaded = false;

  constructor(
    private readonly read: ReadHashes,
    /** Names the chain in errors. */
    private readonly name: string,
    private readonly chunks?: ChunkStore,
  ) {}

  /** The chunks kept so far: the tree covers the first 64 × that many blocks without a read. */
  get chunkCount(): number {
    return this.levels[0]!.length;
  }

  /** MTH of the first `size` block hashes (blocks 0 … size − 1, all sealed). */
  async root(size: number): Promise<Uint8Array> {
    return (await this.ranges([[0, size]], size))[0]!;
  }

  /** RFC 6962 PROOF(oldSize, D[newSize]) over the block hashes (blocks 0 … newSize − 1 sealed). */
  async consistency(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    return this.ranges(consistencyRanges(oldSize, newSize), newSize);
  }

  /** MTH of each range, every range within the first `size` leaves. */
  private async ranges(ranges: Array<[number, number]>, size: number): Promise<Uint8Array[]> {
    await this.grow(Math.floor(size / CHUNK));
    // First which chunks' block hashes the small subtrees need (at the ends of the ranges), then read them, then hash.
    const needed = new Set<number>();
    const placeholder = new Uint8Array(32);
    for (const [lo, hi] of ranges) {
      rangeRoot(lo, hi, (level, index) => {
        if (level < CHUNK_LEVEL) needed.add(Math.floor((index * 2 ** level) / CHUNK));
        return placeholder;
      });
    }
    const leaves = new Map<number, Uint8Array[]>();
    for (const chunk of needed) leaves.set(chunk, await this.readLeaves(chunk * CHUNK, Math.min((chunk + 1) * CHUNK, size)));
    return ranges.map(([lo, hi]) =>
      rangeRoot(lo, hi, (level, index) => {
        if (level >= CHUNK_LEVEL) return this.levels[level - CHUNK_LEVEL]!.get(index);
        const first = index * 2 ** level;
        const chunk = leaves.get(Math.floor(first / CHUNK))!;
        const from = first % CHUNK;
        return merkleRoot(chunk.slice(from, from + 2 ** level));
      }),
    );
  }

  /** Extends the kept subtrees to the first `chunks` chunks (those the database keeps first); one growth at a time. */
  grow(chunks: number): Promise<unknown> {
    const run = this.growing.then(async () => {
      if (!this.loaded && this.chunks) {
        const kept = await this.chunks.load();
        for (let i = this.levels[0]!.length; kept.has(i); i++) this.add(hexToBytes(kept.get(i)!));
        this.loaded = true;
      }
      while (this.levels[0]!.length < chunks) {
        const first = this.levels[0]!.length;
        const count = Math.min(CHUNKS_PER_READ, chunks - first);
        const leaves = await this.readLeaves(first * CHUNK, (first + count) * CHUNK);
        const roots = Array.from({ length: count }, (_, c) => merkleRoot(leaves.slice(c * CHUNK, (c + 1) * CHUNK)));
        await this.chunks?.save(roots.map((root, c) => ({ index: first + c, root: bytesToHex(root) })));
        for (const root of roots) this.add(root);
      }
    });
    this.growing = run.catch(() => undefined);
    return run;
  }

  /** Appends a chunk root and every perfect subtree it completes. */
  private add(chunkRoot: Uint8Array): void {
    let node = chunkRoot;
    for (let l = 0; ; l++) {
      const level = (this.levels[l] ??= new HashColumn());
      level.push(node);
      if (level.length % 2 === 1) return;
      node = nodeHash(level.get(level.length - 2), level.get(level.length - 1));
    }
  }

  /** The block hashes of heights from … to − 1, as bytes. */
  private async readLeaves(from: number, to: number): Promise<Uint8Array[]> {
    const heights = Array.from({ length: to - from }, (_, i) => from + i);
    const found = await this.read(heights);
    return heights.map((h) => {
      const hash = found.get(h);
      if (!hash) throw new Error(`block ${h} of ${this.name} is missing below a sealed height ${to - 1}`); // blocks are never deleted
      return hexToBytes(hash);
    });
  }
}

/** Chunk roots in a collection: `_id` = the chunk index as 12 digits, `root` = hex. */
export function collectionChunks(collection: Collection<{ _id: string; root: string }>): ChunkStore {
  return {
    load: async () => new Map((await collection.find({}).toArray()).map((d) => [Number(d._id), d.root])),
    save: async (chunks) => {
      if (chunks.length === 0) return;
      await collection
        .insertMany(
          chunks.map((c) => ({ _id: blockKey(c.index), root: c.root })),
          { ordered: false },
        )
        .catch((err: unknown) => void alreadyStored(err)); // kept already (another replica)
    },
  };
}

/** A consistency proof as served (schema: `ConsistencyProof`, `MainConsistencyProof`). */
export interface ServedConsistency {
  from: number;
  to: Checkpoint;
  path: string[];
}

/** Signed checkpoints of one chain and the consistency proofs between its heights (docs/PROTOCOL.md §10). */
export class SignedCheckpoints {
  readonly tree: ChainTree;

  constructor(
    read: ReadHashes,
    private readonly municipality: string,
    private readonly secretKey: Uint8Array,
    private readonly sequencer: string,
    chunks?: ChunkStore,
  ) {
    this.tree = new ChainTree(read, municipality, chunks);
  }

  /**
   * Grows the tree to the head every `everyMs` in the background, so that a checkpoint or a proof
   * asked for reads only the blocks sealed since (the first growth of a long chain with no chunk
   * kept reads every block hash once: minutes for 100,000 blocks on FerretDB, too long for one
   * request). Returns the stop.
   */
  keepUp(headHeight: () => Promise<number>, everyMs: number, log: Logger): () => Promise<void> {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let round: Promise<void> = Promise.resolve();
    let lastProblem = '';
    const tick = () => {
      round = (async () => {
        try {
          await this.tree.grow(Math.floor(((await headHeight()) + 1) / CHUNK));
          lastProblem = '';
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (message !== lastProblem) log.warn('growing the checkpoint tree failed; trying again', { chain: this.municipality, err: message });
          lastProblem = message;
        }
        if (!stopped) timer = setTimeout(tick, everyMs);
      })();
    };
    tick();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await round;
    };
  }

  /** The checkpoint of blocks 0 … `height` (sealed). */
  async at(height: number): Promise<Checkpoint> {
    return signCheckpoint({ municipality: this.municipality, height, root: bytesToHex(await this.tree.root(height + 1)) }, this.secretKey, this.sequencer);
  }

  /** The proof that the chain at `to` extends the chain at `from` (both sealed, from ≤ to), with the checkpoint at `to`. */
  async consistency(from: number, to: number): Promise<ServedConsistency> {
    const [checkpoint, path] = await Promise.all([this.at(to), this.tree.consistency(from + 1, to + 1)]);
    return { from, to: checkpoint, path: path.map(bytesToHex) };
  }
}
