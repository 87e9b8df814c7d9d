/**
 * Signed checkpoints of the main chain and consistency proofs between its heights
 * (runtime/chainTree.ts, docs/PROTOCOL.md §10): as a ledger's, over the main-chain block hashes,
 * signed with the main chain's key under the code `main`.
 */
import { bytesToHex, MAIN_CHAIN, publicKeyOf } from '../../core/index.ts';
import { blockKey, findByIds, type Lookups } from '../../db/mongo.ts';
import { SignedCheckpoints } from '../../runtime/chainTree.ts';
import type { MainChain } from './chain.ts';

export function mainCheckpoints(chain: MainChain, lookups: Lookups, secretKey: Uint8Array): SignedCheckpoints {
  const read = async (heights: number[]) => {
    const docs = await findByIds(chain.blocks, heights.map(blockKey), lookups, { height: 1, hash: 1 });
    return new Map(docs.map((d) => [d.height, d.hash]));
  };
  return new SignedCheckpoints(read, MAIN_CHAIN, secretKey, bytesToHex(publicKeyOf(secretKey)));
}
