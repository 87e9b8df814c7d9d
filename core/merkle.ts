/**
 * Merkle Tree Hash, inclusion and consistency proofs: RFC 6962 §2.1 (Certificate Transparency),
 * with the verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 *   MTH({})      = SHA-256()
 *   MTH({d(0)})  = SHA-256(0x00 ‖ d(0))                                  (leaf hash)
 *   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))             (node hash)
 *                  where k is the largest power of two smaller than n.
 *
 * The 0x00 / 0x01 prefixes keep a leaf from ever being read as a node (second-preimage defence,
 * RFC 6962 §2.1). A block's leaves are the 32 bytes of each transaction id, in block order.
 */
import { assertBytes, equalBytes, sha256Native } from './bytes.ts';

export const HASH_BYTES = 32;

/** SHA-256(0x00 ‖ leaf): the hash of one leaf (RFC 6962 §2.1). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  assertBytes(leaf, undefined, 'leaf');
  const buf = leaf.length === HASH_BYTES ? LEAF_SCRATCH : new Uint8Array(1 + leaf.length);
  buf[0] = 0x00;
  buf.set(leaf, 1);
  return sha256Native(buf);
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node (RFC 6962 §2.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertBytes(left, HASH_BYTES, 'left');
  assertBytes(right, HASH_BYTES, 'right');
  NODE_SCRATCH[0] = 0x01;
  NODE_SCRATCH.set(left, 1);
  NODE_SCRATCH.set(right, 1 + HASH_BYTES);
  return sha256Native(NODE_SCRATCH);
}

// Reused input buffers (the hash copies its input): allocating one per node cost a fifth of the
// time of a 10,000-leaf root. Safe because nothing here is asynchronous or re-entrant.
const LEAF_SCRATCH = new Uint8Array(1 + HASH_BYTES);
const NODE_SCRATCH = new Uint8Array(1 + 2 * HASH_BYTES);

/**
 * MTH(D[n]) of RFC 6962 §2.1. Computed bottom-up, one level at a time: pairing neighbours and
 * carrying an odd last node up unchanged builds exactly the tree of the recursive definition (its
 * left subtrees are perfect, of size k). 10,000 leaves take about 25 ms
 * (measured on Node 20.20, one core; the unit tests allow 50 ms).
 */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  return rootOfHashes(hashLeaves(leaves), 0, leaves.length);
}

/**
 * PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf `index`, the sibling hashes from the
 * leaf up to the root. For many proofs over the same leaves, build one {@link MerkleTree}.
 */
export function inclusionProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  return new MerkleTree(leaves).path(index);
}

/**
 * An RFC 6962 tree kept whole, level by level, bottom-up as {@link merkleRoot} builds it: n leaf
 * hashes and n - 1 node hashes once, then each audit path in O(log n) — a sealed block's proofs
 * are asked for again and again (a proof per transaction of a 1,000-entry block took 2,000
 * hashes each). The path is the sibling at each level, none where a node is carried up
 * unpaired: the tree's left subtrees are perfect, so that is PATH(m, D[n]) of §2.1.1.
 */
export class MerkleTree {
  private readonly levels: Uint8Array[][];

  constructor(leaves: Uint8Array[]) {
    const levels = [hashLeaves(leaves)];
    for (let level = levels[0]!; level.length > 1; levels.push(level)) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      level = next;
    }
    this.levels = levels;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** MTH(D[n]); SHA-256() for no leaves. */
  get root(): Uint8Array {
    return this.size === 0 ? sha256Native(new Uint8Array(0)) : this.levels[this.levels.length - 1]![0]!;
  }

  /** PATH(index, D[n]). */
  path(index: number): Uint8Array[] {
    assertIndex(index, 'index', 0, this.size - 1);
    const path: Uint8Array[] = [];
    for (let level = 0, m = index; level < this.levels.length - 1; level++, m >>= 1) {
      const sibling = this.levels[level]![m ^ 1];
      if (sibling) path.push(sibling);
    }
    return path;
  }
}

/**
 * Verifies that `leaf` (the leaf data, hashed here with the 0x00 prefix) is entry `index` of the
 * tree of `treeSize` leaves whose root is `root`: the algorithm of RFC 9162 §2.1.3.2. Returns false,
 * never throws, for any malformed input.
 */
export function verifyInclusion(leaf: Uint8Array, index: number, treeSize: number, proof: Uint8Array[], root: Uint8Array): boolean {
  if (!(leaf instanceof Uint8Array) || !isHash(root) || !isHashList(proof)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  // fn, sn: the indexes of the node and of the last node, level by level. Numbers up to 2^53 stay
  // exact under Math.floor(x / 2), which replaces >> (32-bit) here.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // A right edge node without sibling: climb until fn is a right child or the root's left spine.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * PROOF(m, D[n]) of RFC 6962 §2.1.2: the consistency proof between the tree of the first
 * `oldSize` leaves and the tree of all leaves. Empty when oldSize is 0 or the whole tree.
 */
export function consistencyProof(leaves: Uint8Array[], oldSize: number): Uint8Array[] {
  assertIndex(oldSize, 'oldSize', 0, leaves.length);
  const hashes = hashLeaves(leaves);
  return consistencyRanges(oldSize, leaves.length).map(([lo, hi]) => rootOfHashes(hashes, lo, hi));
}

/**
 * The subtrees whose roots make PROOF(m, D[n]) of RFC 6962 §2.1.2, in proof order, as leaf ranges
 * `[lo, hi)`: the proof is MTH(D[lo:hi]) of each. Pure arithmetic on the sizes, so that a server
 * holding only some of a large tree's nodes (a chain's block hashes: runtime/chainTree.ts) knows
 * what to compute — each range with {@link rangeRoot}. Empty when oldSize is 0 or newSize.
 */
export function consistencyRanges(oldSize: number, newSize: number): Array<[number, number]> {
  assertIndex(newSize, 'newSize', 0, Number.MAX_SAFE_INTEGER);
  assertIndex(oldSize, 'oldSize', 0, newSize);
  if (oldSize === 0 || oldSize === newSize) return [];
  const ranges: Array<[number, number]> = [];
  // SUBPROOF(m, D[lo:hi], b)
  const sub = (m: number, lo: number, hi: number, b: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!b) ranges.push([lo, hi]);
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      sub(m, lo, lo + k, b);
      ranges.push([lo + k, hi]);
    } else {
      sub(m - k, lo + k, hi, false);
      ranges.push([lo, lo + k]);
    }
  };
  sub(oldSize, 0, newSize, true);
  return ranges;
}

/**
 * MTH(D[lo:hi]) as RFC 6962 §2.1 splits it — at the largest power of two below its size — from the
 * roots of perfect subtrees: `perfect(level, index)` must be the MTH of the 2^level leaves from
 * index · 2^level on. A range of the tree of any size (a node of it, or a range of
 * {@link consistencyRanges}) calls `perfect` only for subtrees inside `[lo, hi)`, O(log n) times.
 */
export function rangeRoot(lo: number, hi: number, perfect: (level: number, index: number) => Uint8Array): Uint8Array {
  assertIndex(lo, 'lo', 0, Number.MAX_SAFE_INTEGER);
  assertIndex(hi, 'hi', lo, Number.MAX_SAFE_INTEGER);
  const n = hi - lo;
  if (n === 0) return sha256Native(new Uint8Array(0));
  if (isPowerOfTwo(n) && lo % n === 0) return perfect(log2(n), lo / n);
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(rangeRoot(lo, lo + k, perfect), rangeRoot(lo + k, hi, perfect));
}

/**
 * Verifies that the tree of `newSize` leaves with root `newRoot` extends the tree of `oldSize`
 * leaves with root `oldRoot`: RFC 9162 §2.1.4.2. As in RFC 9162 §2.1.4, equal sizes need an empty
 * proof and equal roots, and an empty old tree is consistent with any tree (empty proof).
 * Returns false, never throws, for any malformed input.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: Uint8Array[]): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !isHashList(proof)) return false;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  // Step 1: a non-trivial proof is never empty.
  if (proof.length === 0) return false;
  // Step 2: when the old tree is a perfect subtree, its root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  // Step 3-4.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

function hashLeaves(leaves: Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(leaves)) throw new TypeError(`expected an array of leaves, got ${typeof leaves}`);
  return leaves.map(leafHash);
}

/** MTH of the leaves whose hashes are hashes[lo:hi], bottom-up. */
function rootOfHashes(hashes: Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi === lo) return sha256Native(new Uint8Array(0));
  let level = hashes.slice(lo, hi);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2 of a power of two (a safe integer: no 32-bit shifts). */
function log2(n: number): number {
  let level = 0;
  for (let k = 1; k < n; k *= 2) level++;
  return level;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_BYTES;
}

function isHashList(list: unknown): list is Uint8Array[] {
  return Array.isArray(list) && list.every(isHash);
}

function assertIndex(value: number, name: string, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`expected ${name} to be an integer in [${min}, ${max}], got ${value}`);
  }
}

/**
 * MTH(D[n]) of leaves given one at a time, in O(log n) memory: the roots of the perfect subtrees
 * that n's binary digits make, largest first (like a binary counter). MTH(D[n]) is their fold
 * from the right, since RFC 6962 splits at the largest power of two below n. So a chain of any
 * length can be rooted while it is streamed (checkpoints: core/checkpoint.ts).
 */
export class MerkleFrontier {
  size = 0;
  private readonly stack: Array<{ size: number; hash: Uint8Array }> = [];

  /**
   * A frontier taken up again from its {@link nodes} (kept by `aiki audit` beside a checkpoint, so
   * that the next run goes on from there): the sizes must be the binary digits of the total, from
   * the largest down, each a power of two.
   */
  static from(nodes: ReadonlyArray<{ size: number; hash: Uint8Array }>): MerkleFrontier {
    const frontier = new MerkleFrontier();
    let previous = Infinity;
    for (const { size, hash } of nodes) {
      if (!Number.isSafeInteger(size) || size < 1 || !isPowerOfTwo(size) || size >= previous)
        throw new RangeError(`frontier node sizes must be decreasing powers of two, got ${size} after ${previous}`);
      assertBytes(hash, HASH_BYTES, 'frontier node hash');
      frontier.stack.push({ size, hash });
      frontier.size += size;
      previous = size;
    }
    return frontier;
  }

  /** The roots of the perfect subtrees the leaves so far make, largest first: what {@link from} takes. */
  nodes(): Array<{ size: number; hash: Uint8Array }> {
    return this.stack.map(({ size, hash }) => ({ size, hash }));
  }

  push(leaf: Uint8Array): void {
    let node = { size: 1, hash: leafHash(leaf) };
    while (this.stack.length > 0 && this.stack.at(-1)!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Uint8Array {
    if (this.stack.length === 0) return merkleRoot([]);
    let hash = this.stack.at(-1)!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash;
  }
}
