/**
 * Signed checkpoints of the main chain and consistency proofs between its heights
 * (runtime/chainTree.ts, docs/PROTOCOL.md §10): as a ledger's, over the main-chain block hashes,
 * signed with the main chain's key under the code `main`.
 */
import { bytesToHex, MAIN_CHAIN, publicKeyOf } from '../../core/index.ts';
import { blockKey, findByIds, type Lookups } from '../../db/mongo.ts';
import type { Db } from 'mongodb';
import { collectionChunks, SignedCheckpoints } from '../../runtime/chainTree.ts';
import { COLLECTIONS } from './collections.ts';
import type { MainChain } from './chain.ts';

export function mainCheckpoints(db: Db, chain: MainChain, lookups: Lookups, secretKey: Uint8Array): SignedCheckpoints {
  const read = async (heights: number[]) => {
    const docs = await findByIds(chain.blocks, heights.map(blockKey), lookups, { height: 1, hash: 1 });
    return new Map(docs.map((d) => [d.height, d.hash]));
  };
  return new SignedCheckpoints(read, MAIN_CHAIN, secretKey, bytesToHex(publicKeyOf(secretKey)), collectionChunks(db.collection(COLLECTIONS.chunks)));
}
