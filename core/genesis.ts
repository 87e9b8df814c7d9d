/**
 * What a genesis block's txRoot commits to (docs/PROTOCOL.md §6, "Genesis"): the initial balances,
 * each leaf SHA-256 of the canonical JSON `{address, amount}`, in order. Pure.
 */
import { bytesToHex, sha256 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { merkleRoot } from './merkle.ts';

export interface Allocation {
  address: string;
  amount: string;
}

export function allocationLeaf({ address, amount }: Allocation): Uint8Array {
  return sha256(canonicalBytes({ address, amount }));
}

/** hex MTH of the allocations' leaves: a genesis block's txRoot. */
export function allocationsRoot(allocations: Allocation[]): string {
  return bytesToHex(merkleRoot(allocations.map(allocationLeaf)));
}
