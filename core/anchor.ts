/**
 * Anchors: municipal block headers as the main chain records them, and the events its own blocks
 * commit to. Pure, no I/O.
 *
 * The main chain seals blocks by the same rules as a municipal ledger (core/block.ts): a
 * `BlockHeader` whose `municipality` is {@link MAIN_CHAIN}, whose `txRoot` is the RFC 6962 Merkle
 * root over its event ids, mixed into its own Proof of History. An anchor's event id commits to
 * the municipal block's hash, which commits to that block's transaction root, so a municipal
 * transaction is provable up to a signed main-chain block (docs/PROTOCOL.md, "Anchors").
 */
import { concatBytes, hexToBytes, sha256Hex, utf8 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { blockHash, checkHeaderShape, type BlockHeader } from './block.ts';
import { verifyFast } from './ed25519.ts';
import { aikiError } from './errors.ts';

/** The main chain's name in its own block headers. No municipality may register under it. */
export const MAIN_CHAIN = 'main';
export const ANCHOR_DOMAIN = 'aiki/anchor/v1\n';

/** What a main-chain block commits to for one anchored municipal block. */
export interface AnchorRef {
  municipality: string;
  height: number;
  hash: string;
}

/** The anchor's event id: SHA-256 of the domain and the canonical JSON of `{v, municipality, height, hash}`. */
export function anchorEventId({ municipality, height, hash }: AnchorRef): string {
  return sha256Hex(concatBytes(utf8(ANCHOR_DOMAIN), canonicalBytes({ v: 1, municipality, height, hash })));
}

/** A municipal block offered for anchoring. */
export interface OfferedBlock {
  header: unknown;
  hash: string;
  signature: string;
}

/**
 * Checks a block offered for anchoring: a well-formed header of `municipality` hashing to
 * `hash`, signed by the municipality's registered sequencer key, and following `previous` (the
 * municipality's last anchored block) by height, previous hash and time. Throws a coded error
 * (BAD_BLOCK, WRONG_MUNICIPALITY, ANCHOR_SIGNATURE_INVALID, ANCHOR_HEIGHT_GAP,
 * ANCHOR_PREV_HASH_MISMATCH); returns the header.
 */
export function checkAnchor(offered: OfferedBlock, municipality: string, sequencerKey: string, previous: { header: BlockHeader; hash: string }): BlockHeader {
  const header = checkSigned(offered, municipality, sequencerKey);
  const details = { municipality, height: header.height };
  const expected = previous.header.height + 1;
  if (header.height !== expected) {
    throw aikiError('ANCHOR_HEIGHT_GAP', `block ${header.height} of ${municipality} does not follow the last anchored one, ${previous.header.height}`, {
      ...details,
      expected,
    });
  }
  if (header.prevHash !== previous.hash) {
    throw aikiError(
      'ANCHOR_PREV_HASH_MISMATCH',
      `block ${header.height} of ${municipality} names ${header.prevHash} as its previous block; the anchored block ${previous.header.height} is ${previous.hash}`,
      details,
    );
  }
  if (header.time < previous.header.time)
    throw aikiError('BAD_BLOCK', `block ${header.height}'s time ${header.time} is before its parent's ${previous.header.time}`, details);
  return header;
}

/** The first half of {@link checkAnchor}: a well-formed header of `municipality`, hashing to `hash`, signed by `sequencerKey`. */
export function checkSigned(offered: OfferedBlock, municipality: string, sequencerKey: string): BlockHeader {
  const { header, hash, signature } = offered;
  checkHeaderShape(header);
  const details = { municipality, height: header.height };
  if (header.municipality !== municipality) {
    throw aikiError('WRONG_MUNICIPALITY', `the block is ${header.municipality}'s, offered as ${municipality}'s`, { ...details, served: header.municipality });
  }
  const actual = blockHash(header);
  if (hash !== actual) throw aikiError('BAD_BLOCK', `the header hashes to ${actual}, not ${JSON.stringify(hash)}`, details);
  const signed =
    typeof signature === 'string' && /^[0-9a-f]{128}$/.test(signature) && verifyFast(hexToBytes(signature), hexToBytes(hash), hexToBytes(sequencerKey));
  if (header.sequencer !== sequencerKey || !signed) {
    throw aikiError(
      'ANCHOR_SIGNATURE_INVALID',
      `block ${header.height} of ${municipality} is not signed by its registered sequencer key ${sequencerKey}`,
      details,
    );
  }
  return header;
}
