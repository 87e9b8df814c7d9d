/**
 * The genesis block of a municipality (docs/PROTOCOL.md, "Genesis"): height 0, no transactions,
 * the initial balances in `allocations`, committed to by the header's txRoot — an RFC 6962 root
 * over SHA-256(canonical JSON {address, amount}) of each allocation in order.
 */
import { allocationsRoot, MAX_AMOUNT, aikiError, bytesToHex, genesisHeader, parseAddress, signBlock, type Allocation } from '../../core/index.ts';
import { blockKey, type BlockDoc } from './models.ts';

export type { Allocation };

export function genesisBlock(municipality: string, allocations: Allocation[], time: string, secretKey: Uint8Array, publicKey: Uint8Array): BlockDoc {
  let total = 0n;
  for (const [i, { address, amount }] of allocations.entries()) {
    if (parseAddress(address).municipality !== municipality) {
      throw aikiError('BAD_ADDRESS', `genesis allocation ${i}: ${address} is not an account of ${municipality}`);
    }
    if (!/^[1-9][0-9]*$/.test(amount)) throw aikiError('BAD_AMOUNT', `genesis allocation ${i}: amount ${JSON.stringify(amount)} is not a positive integer`);
    total += BigInt(amount);
  }
  if (total > MAX_AMOUNT) throw aikiError('BAD_AMOUNT', `genesis allocations total ${total}, above the supply cap ${MAX_AMOUNT}`);
  if (new Set(allocations.map((a) => a.address)).size !== allocations.length) throw aikiError('BAD_ADDRESS', 'genesis allocates to one address twice');

  const header = { ...genesisHeader(municipality, time, bytesToHex(publicKey)), txRoot: allocationsRoot(allocations) };
  const { hash, signature } = signBlock(header, secretKey);
  return { _id: blockKey(0), height: 0, header, hash, signature, txs: [], allocations };
}
