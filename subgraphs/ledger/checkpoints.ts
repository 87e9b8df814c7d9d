/**
 * Signed checkpoints of this ledger's chain and consistency proofs between its heights
 * (runtime/chainTree.ts, docs/PROTOCOL.md §10): the tree over the block hashes is read from the
 * sealed blocks (their hashes only), kept, and its chunk roots written to `chunks`, so a checkpoint
 * or a proof costs the new blocks' reads and a few chunks, not the chain's.
 */
import { bytesToHex } from '../../core/index.ts';
import { collectionChunks, SignedCheckpoints } from '../../runtime/chainTree.ts';
import { COLLECTIONS } from './collections.ts';
import { blockKey } from './models.ts';
import type { LedgerStore } from './store.ts';

export function ledgerCheckpoints(store: LedgerStore, municipality: string, secretKey: Uint8Array, publicKey: Uint8Array): SignedCheckpoints {
  const read = async (heights: number[]) => {
    const docs = await store.findSealed('blocks', heights.map(blockKey), { height: 1, hash: 1 });
    return new Map(docs.map((d) => [d.height, d.hash]));
  };
  return new SignedCheckpoints(read, municipality, secretKey, bytesToHex(publicKey), collectionChunks(store.db.collection(COLLECTIONS.chunks)));
}
