/**
 * Consistency between two heights of a chain (docs/PROTOCOL.md §10): the ranges of a proof
 * (core/merkle.ts) against RFC 6962's PROOF, roots from perfect subtrees, the chain tree a server
 * keeps (runtime/chainTree.ts) against the whole tree, and core/checkpoint.ts `checkConsistency`
 * — a chain that grew passes, a history rebuilt from genesis with one block changed and signed
 * with the real key is refused against the old checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  bytesToHex,
  checkConsistency,
  consistencyProof,
  consistencyRanges,
  generateKeyPair,
  merkleRoot,
  MerkleFrontier,
  rangeRoot,
  signCheckpoint,
  verifyConsistency,
} from '../../core/index.ts';
import { ChainTree, SignedCheckpoints } from '../../runtime/chainTree.ts';

const leaves = Array.from({ length: 300 }, () => new Uint8Array(randomBytes(32)));
const hex = (list: Uint8Array[]) => list.map(bytesToHex);
/** The MTH of every perfect subtree, straight from the leaves. */
const perfect = (d: Uint8Array[]) => (level: number, index: number) => merkleRoot(d.slice(index * 2 ** level, (index + 1) * 2 ** level));

/** A chain tree over `d` that counts the block hashes it reads. */
function treeOver(d: Uint8Array[]) {
  const reads = { count: 0 };
  const tree = new ChainTree(async (heights) => {
    reads.count += heights.length;
    return new Map(heights.filter((h) => h < d.length).map((h) => [h, bytesToHex(d[h]!)]));
  }, 'test');
  return { tree, reads };
}

describe('consistency ranges and range roots', () => {
  it('make exactly RFC 6962 PROOF(m, D[n]) for every 0 <= m <= n <= 70', () => {
    for (let n = 0; n <= 70; n++) {
      const d = leaves.slice(0, n);
      for (let m = 0; m <= n; m++) {
        const proof = consistencyRanges(m, n).map(([lo, hi]) => rangeRoot(lo, hi, perfect(d)));
        expect(hex(proof), `${m} ${n}`).toEqual(hex(consistencyProof(d, m)));
      }
    }
  });

  it('root any range the way RFC 6962 splits it', () => {
    for (const [lo, hi] of [
      [0, 0],
      [0, 1],
      [0, 7],
      [0, 64],
      [0, 300],
      [64, 300],
      [256, 300],
      [128, 192],
    ] as const) {
      expect(bytesToHex(rangeRoot(lo, hi, perfect(leaves))), `${lo} ${hi}`).toBe(bytesToHex(merkleRoot(leaves.slice(lo, hi))));
    }
  });

  it('refuse sizes that are not whole, or an old size above the new', () => {
    expect(() => consistencyRanges(5, 4)).toThrow(/oldSize/);
    expect(() => consistencyRanges(1.5, 4)).toThrow(/oldSize/);
    expect(() => consistencyRanges(0, -1)).toThrow(/newSize/);
  });
});

describe('the chain tree a server keeps', () => {
  it('roots and proves like the whole tree at every size, growing as asked', async () => {
    const { tree } = treeOver(leaves);
    for (let n = 1; n <= 300; n += 7) {
      expect(bytesToHex(await tree.root(n)), `root ${n}`).toBe(bytesToHex(merkleRoot(leaves.slice(0, n))));
      for (const m of [1, Math.floor(n / 3), n - 1, n]) {
        const proof = await tree.consistency(m, n);
        expect(hex(proof), `${m} ${n}`).toEqual(hex(consistencyProof(leaves.slice(0, n), m)));
        expect(verifyConsistency(m, n, merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n)), proof)).toBe(true);
      }
    }
  });

  it('reads each block hash once to grow, then at most a few chunks per proof', async () => {
    const { tree, reads } = treeOver(leaves);
    await tree.root(256);
    expect(reads.count).toBe(256);
    reads.count = 0;
    await tree.consistency(100, 256); // one chunk at the old size's edge
    expect(reads.count).toBeLessThanOrEqual(64);
    reads.count = 0;
    await tree.consistency(7, 299); // the edges of both sizes, and the chunks grown to 299
    expect(reads.count).toBeLessThanOrEqual(64 + 64 + 43);
  });

  it('keeps its chunk roots in a store, from which another process starts without reading those blocks', async () => {
    const kept = new Map<number, string>();
    const store = {
      load: async () => new Map(kept),
      save: async (chunks: Array<{ index: number; root: string }>) => chunks.forEach((c) => kept.set(c.index, c.root)),
    };
    let reads = 0;
    const read = async (heights: number[]) => {
      reads += heights.length;
      return new Map(heights.map((h) => [h, bytesToHex(leaves[h]!)]));
    };
    await new ChainTree(read, 'test', store).root(300);
    expect([...kept.keys()]).toEqual([0, 1, 2, 3]);
    reads = 0;
    const again = new ChainTree(read, 'test', store);
    expect(bytesToHex(await again.root(300))).toBe(bytesToHex(merkleRoot(leaves)));
    expect(again.chunkCount).toBe(4);
    expect(reads).toBe(300 - 256); // the tail only
  });

  it('grows to the head in the background until stopped', async () => {
    const reads = { count: 0 };
    const checkpoints = new SignedCheckpoints(
      async (heights) => {
        reads.count += heights.length;
        return new Map(heights.map((h) => [h, bytesToHex(leaves[h]!)]));
      },
      'kyoto',
      generateKeyPair().secretKey,
      'aa',
    );
    const log = { warn: () => {} } as unknown as Parameters<typeof checkpoints.keepUp>[2];
    const stop = checkpoints.keepUp(async () => 299, 10, log);
    await vi.waitFor(() => expect(checkpoints.tree.chunkCount).toBe(4));
    await stop();
    expect(reads.count).toBe(256);
  });

  it('fails, naming the block, when a sealed block hash is missing', async () => {
    const { tree } = treeOver(leaves.slice(0, 100));
    await expect(tree.root(130)).rejects.toThrow(/block 100 of test is missing/);
  });
});

describe('checkConsistency between two checkpoints', () => {
  const sequencer = generateKeyPair();
  const key = bytesToHex(sequencer.publicKey);
  const checkpoint = (d: Uint8Array[], secretKey = sequencer.secretKey) =>
    signCheckpoint({ municipality: 'kyoto', height: d.length - 1, root: bytesToHex(merkleRoot(d)) }, secretKey, key);
  const path = (d: Uint8Array[], m: number) => hex(consistencyProof(d, m));

  it('holds for a chain that only grew, at every pair of heights', () => {
    for (const [m, n] of [
      [1, 1],
      [1, 2],
      [5, 64],
      [64, 65],
      [100, 300],
      [299, 300],
    ] as const) {
      expect(checkConsistency(checkpoint(leaves.slice(0, m)), checkpoint(leaves.slice(0, n)), path(leaves.slice(0, n), m), key), `${m} ${n}`).toBe(true);
    }
  });

  it('refuses a history rebuilt from genesis with one block changed, signed with the real key', () => {
    const kept = checkpoint(leaves.slice(0, 100));
    const rebuilt = leaves.slice(0, 300).map((l, i) => (i === 57 ? new Uint8Array(randomBytes(32)) : l));
    expect(checkConsistency(kept, checkpoint(rebuilt), path(rebuilt, 100), key)).toMatch(/does not extend the checkpoint at height 99.*rewritten/);
    // Nor does the honest chain's proof make the rebuilt head pass.
    expect(checkConsistency(kept, checkpoint(rebuilt), path(leaves.slice(0, 300), 100), key)).toMatch(/rewritten/);
  });

  it('refuses a chain that lost blocks, another signer, another municipality and a malformed path', () => {
    const kept = checkpoint(leaves.slice(0, 100));
    expect(checkConsistency(kept, checkpoint(leaves.slice(0, 50)), [], key)).toMatch(/below the kept one at 99: the chain lost blocks/);
    expect(checkConsistency(kept, checkpoint(leaves.slice(0, 200), generateKeyPair().secretKey), path(leaves.slice(0, 200), 100), key)).toMatch(
      /not signed by/,
    );
    expect(checkConsistency(kept, { ...checkpoint(leaves.slice(0, 200)), municipality: 'osaka' }, path(leaves.slice(0, 200), 100), key)).toMatch(
      /of kyoto and osaka/,
    );
    expect(checkConsistency(kept, checkpoint(leaves.slice(0, 200)), ['zz'], key)).toMatch(/not a list of 64 lower-case hex/);
    expect(checkConsistency(kept, checkpoint(leaves.slice(0, 200)), [], key)).toMatch(/rewritten/);
  });
});

describe('a Merkle frontier taken up again', () => {
  it('goes on from its nodes to the same roots as one that never stopped', () => {
    const whole = new MerkleFrontier();
    for (let i = 0; i < 300; i++) {
      whole.push(leaves[i]!);
      if (i % 37 === 0) {
        const resumed = MerkleFrontier.from(whole.nodes());
        for (let j = i + 1; j < 300; j++) resumed.push(leaves[j]!);
        expect(bytesToHex(resumed.root()), `from ${i + 1}`).toBe(bytesToHex(merkleRoot(leaves)));
      }
    }
  });

  it('refuses nodes that are not decreasing powers of two', () => {
    const h = new Uint8Array(32);
    expect(() =>
      MerkleFrontier.from([
        { size: 2, hash: h },
        { size: 2, hash: h },
      ]),
    ).toThrow(/decreasing powers of two/);
    expect(() => MerkleFrontier.from([{ size: 3, hash: h }])).toThrow(/decreasing powers of two/);
    expect(() => MerkleFrontier.from([{ size: 1, hash: new Uint8Array(31) }])).toThrow();
  });
});
