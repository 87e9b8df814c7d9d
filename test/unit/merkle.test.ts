import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, sha256, utf8 } from '../../core/bytes.ts';
import { consistencyProof, inclusionProof, merkleRoot, verifyConsistency, verifyInclusion } from '../../core/merkle.ts';
import { vectors } from '../vectors/load.ts';

type MerkleVectors = {
  leaves: string[];
  emptyRoot: string;
  roots: string[];
  inclusion: { index: number; treeSize: number; path: string[] }[];
  consistency: { oldSize: number; newSize: number; path: string[] }[];
};
const v = vectors<MerkleVectors>('merkle.json');
const leaves = v.leaves.map(hexToBytes);
const hex = (list: Uint8Array[]) => list.map(bytesToHex);

/** RFC 6962 §2.1 written out recursively, straight from the text: the reference for the properties. */
function referenceMth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array());
  if (d.length === 1) return sha256(concatBytes(new Uint8Array([0]), d[0]!));
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha256(concatBytes(new Uint8Array([1]), referenceMth(d.slice(0, k)), referenceMth(d.slice(k))));
}

const tree = (n: number) => Array.from({ length: n }, (_, i) => utf8(`leaf ${i}`));

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= 0x01;
  return copy;
}

describe('Merkle: Certificate Transparency test tree', () => {
  it('has the published root for every size 0..8', () => {
    expect(bytesToHex(merkleRoot([]))).toBe(v.emptyRoot);
    for (let n = 1; n <= 8; n++) expect(bytesToHex(merkleRoot(leaves.slice(0, n))), `size ${n}`).toBe(v.roots[n - 1]);
  });

  it.each(v.inclusion.map((t) => [t.index, t.treeSize, t] as const))('inclusion of leaf %i in a tree of %i: published path, verified', (_i, _n, t) => {
    const sub = leaves.slice(0, t.treeSize);
    expect(hex(inclusionProof(sub, t.index))).toEqual(t.path);
    expect(verifyInclusion(leaves[t.index]!, t.index, t.treeSize, t.path.map(hexToBytes), hexToBytes(v.roots[t.treeSize - 1]!))).toBe(true);
  });

  it.each(v.consistency.map((t) => [t.oldSize, t.newSize, t] as const))('consistency of %i and %i: published proof, verified', (_m, _n, t) => {
    expect(hex(consistencyProof(leaves.slice(0, t.newSize), t.oldSize))).toEqual(t.path);
    const oldRoot = hexToBytes(v.roots[t.oldSize - 1]!);
    const newRoot = hexToBytes(v.roots[t.newSize - 1]!);
    expect(verifyConsistency(t.oldSize, t.newSize, oldRoot, newRoot, t.path.map(hexToBytes))).toBe(true);
  });
});

describe('Merkle: properties', () => {
  it('agrees with the recursive definition for every size 0..70', () => {
    for (let n = 0; n <= 70; n++) expect(bytesToHex(merkleRoot(tree(n))), `size ${n}`).toBe(bytesToHex(referenceMth(tree(n))));
  });

  it('verifies every inclusion proof of trees of size 1..40, and none with any byte changed', () => {
    for (let n = 1; n <= 40; n++) {
      const d = tree(n);
      const root = merkleRoot(d);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(d, i);
        expect(verifyInclusion(d[i]!, i, n, proof, root), `${i} of ${n}`).toBe(true);
        for (let p = 0; p < proof.length; p++) {
          for (let b = 0; b < 32; b++) {
            const bad = proof.slice();
            bad[p] = flipped(proof[p]!, b);
            expect(verifyInclusion(d[i]!, i, n, bad, root)).toBe(false);
          }
        }
        for (let b = 0; b < 32; b++) expect(verifyInclusion(d[i]!, i, n, proof, flipped(root, b))).toBe(false);
        for (let b = 0; b < d[i]!.length; b++) expect(verifyInclusion(flipped(d[i]!, b), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(d[i]!, (i + 1) % n, n, proof, root)).toBe(false);
        // A wrong tree size (the probes of transparency-dev/merkle; n + 1 can share the path's shape).
        expect(verifyInclusion(d[i]!, i, 2 * n, proof, root)).toBe(false);
        if (n > 1 && i < Math.floor(n / 2)) expect(verifyInclusion(d[i]!, i, Math.floor(n / 2), proof, root)).toBe(false);
        expect(verifyInclusion(d[i]!, i, n, [...proof, root], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(d[i]!, i, n, proof.slice(1), root)).toBe(false);
      }
    }
  });

  it('verifies consistency proofs for every 0 <= m <= n <= 20, and none with any byte changed', () => {
    for (let n = 0; n <= 20; n++) {
      const d = tree(n);
      const newRoot = merkleRoot(d);
      for (let m = 0; m <= n; m++) {
        const oldRoot = merkleRoot(d.slice(0, m));
        const proof = consistencyProof(d, m);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `${m} → ${n}`).toBe(true);
        if (m === 0 || m === n) {
          expect(proof).toEqual([]);
          continue;
        }
        for (let p = 0; p < proof.length; p++) {
          for (let b = 0; b < 32; b++) {
            const bad = proof.slice();
            bad[p] = flipped(proof[p]!, b);
            expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
          }
        }
        for (let b = 0; b < 32; b++) {
          expect(verifyConsistency(m, n, flipped(oldRoot, b), newRoot, proof)).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, flipped(newRoot, b), proof)).toBe(false);
        }
        expect(verifyConsistency(m, n, oldRoot, newRoot, [])).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot])).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(n, m, newRoot, oldRoot, proof)).toBe(false);
      }
    }
  });

  it('refuses malformed arguments without throwing', () => {
    const d = tree(5);
    const root = merkleRoot(d);
    const proof = inclusionProof(d, 2);
    expect(verifyInclusion(d[2]!, -1, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, 5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2.5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, [proof[0]!.subarray(1), ...proof.slice(1)], root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, proof, root.subarray(1))).toBe(false);
    expect(verifyConsistency(3, 2, root, root, [])).toBe(false);
    expect(verifyConsistency(2, 2, root, flipped(root, 0), [])).toBe(false);
    expect(() => inclusionProof(d, 5)).toThrow('expected index to be an integer in [0, 4], got 5');
    expect(() => consistencyProof(d, 6)).toThrow('expected oldSize to be an integer in [0, 5], got 6');
  });

  it('computes the root of 10,000 leaves as the recursive definition of RFC 6962 §2.1 does', () => {
    // An independent reference: the definition itself, recursive, with node:crypto.
    const h = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
    const mth = (leaves: Uint8Array[]): Uint8Array => {
      if (leaves.length === 0) return h();
      if (leaves.length === 1) return h(Uint8Array.of(0), leaves[0]!);
      let k = 1;
      while (k * 2 < leaves.length) k *= 2;
      return h(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
    };
    const d = Array.from({ length: 10_000 }, (_, i) => sha256(utf8(`tx ${i}`)));
    expect(bytesToHex(merkleRoot(d))).toBe(bytesToHex(mth(d)));
    expect(bytesToHex(merkleRoot(d.slice(0, 9_999)))).toBe(bytesToHex(mth(d.slice(0, 9_999))));
  });
});
