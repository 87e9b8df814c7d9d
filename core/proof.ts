/**
 * Offline verification of a confirmed transaction's inclusion proof, as the ledger serves it
 * (`Transaction.proof`): everything an analyst needs, checked with this file and no server.
 */
import { hexToBytes } from './bytes.ts';
import { blockHash, txRootOf, type BlockHeader } from './block.ts';
import { verify } from './ed25519.ts';
import { verifyInclusion } from './merkle.ts';
import { verifyPohSegment, type PohEntry } from './poh.ts';
import { signingBytes, type TransferBody } from './transaction.ts';
import { sha256Hex } from './bytes.ts';

export interface InclusionProofInput {
  txid: string;
  index: number;
  treeSize: number;
  path: string[];
  root: string;
  header: SignedHeader;
  /** The parent block's header (height − 1): what the block's continuity is checked against offline. */
  parent: SignedHeader;
  poh: { ticks: number; hash: string; start: string; segment: PohEntry[] };
}

export type SignedHeader = BlockHeader & { hash: string; signature: string };

/** The GraphQL selection of an `InclusionProof` that {@link verifyInclusionProof} reads. */
export const INCLUSION_PROOF_FIELDS = `txid index treeSize path root
    header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
    parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
    poh { ticks hash start segment { ticks event hash } }`;

export interface ProofCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A list of named checks, and a way to add one: a function that returns true, or what it found wrong (or throws it). */
export function checklist<N extends string = string>(): { checks: Array<ProofCheck & { name: N }>; check: (name: N, fn: () => string | true) => void } {
  const checks: Array<ProofCheck & { name: N }> = [];
  const check = (name: N, fn: () => string | true) => {
    try {
      const r = fn();
      checks.push({ name, ok: r === true, detail: r === true ? 'ok' : r });
    } catch (err) {
      checks.push({ name, ok: false, detail: (err as Error).message });
    }
  };
  return { checks, check };
}

/**
 * Checks, in order: the transaction id is the SHA-256 of the body's signing bytes (when the body
 * is given); the Merkle path leads from the id to the block's txRoot (RFC 9162 §2.1.3.2); the
 * header hashes to the block hash; the sequencer's signature over it verifies; the parent's
 * header is signed by the same key and the header follows it (height, prevHash, municipality,
 * time); the PoH segment starts at the parent's pohEnd, holds the block's transaction ids in
 * order (their Merkle root is txRoot), mixes this transaction at its index, and with the
 * trailing ticks that pohCount − parent pohCount implies ends at the header's pohEnd. So a header
 * re-signed with another pohCount or prevHash fails without a server (docs/PROTOCOL.md,
 * "Inclusion proofs"). Returns every check with what it found, so a failure says what broke.
 */
export function verifyInclusionProof(proof: InclusionProofInput, body?: TransferBody): ProofCheck[] {
  const { checks, check } = checklist();
  const { header, parent } = proof;
  const { hash, signature, ...fields } = header;
  if (body)
    check(
      'transaction id',
      () => sha256Hex(signingBytes(body)) === proof.txid || `SHA-256 of the signing bytes is ${sha256Hex(signingBytes(body))}, not ${proof.txid}`,
    );
  check('merkle inclusion', () => {
    if (proof.root !== header.txRoot) return `proof root ${proof.root} is not the header's txRoot ${header.txRoot}`;
    if (proof.treeSize !== header.txCount) return `tree size ${proof.treeSize} is not the header's txCount ${header.txCount}`;
    return (
      verifyInclusion(hexToBytes(proof.txid), proof.index, proof.treeSize, proof.path.map(hexToBytes), hexToBytes(proof.root)) ||
      `the audit path does not lead from ${proof.txid} at index ${proof.index} to ${proof.root}`
    );
  });
  check('block hash', () => blockHash(fields) === hash || `the header hashes to ${blockHash(fields)}, not ${hash}`);
  check(
    'sequencer signature',
    () =>
      verify(hexToBytes(signature), hexToBytes(hash), hexToBytes(header.sequencer)) || `the signature does not verify with sequencer key ${header.sequencer}`,
  );
  check('parent block', () => {
    if (!parent) return 'no parent header: the block cannot be checked against its parent';
    const { hash: parentHash, signature: parentSignature, ...parentFields } = parent;
    if (blockHash(parentFields) !== parentHash) return `the parent header hashes to ${blockHash(parentFields)}, not ${parentHash}`;
    if (!verify(hexToBytes(parentSignature), hexToBytes(parentHash), hexToBytes(header.sequencer)))
      return `the parent block's signature does not verify with sequencer key ${header.sequencer}`;
    if (header.prevHash !== parentHash) return `prevHash ${header.prevHash} is not the parent's hash ${parentHash}`;
    if (header.height !== parent.height + 1) return `height ${header.height} is not the parent's ${parent.height} + 1`;
    if (header.municipality !== parent.municipality) return `municipality ${header.municipality} is not the parent's ${parent.municipality}`;
    return header.time >= parent.time || `time ${header.time} is earlier than the parent's ${parent.time}`;
  });
  check('proof of history', () => {
    const { segment } = proof.poh;
    const entry = segment[proof.index];
    if (!entry || entry.event !== proof.txid || entry.hash !== proof.poh.hash || entry.ticks !== proof.poh.ticks)
      return `entry ${proof.index} of the segment is not this transaction's`;
    if (parent && proof.poh.start !== parent.pohEnd) return `the segment starts at ${proof.poh.start}, not at the parent's pohEnd ${parent.pohEnd}`;
    if (segment.length !== header.txCount || txRootOf(segment.map((e) => e.event)) !== header.txRoot)
      return `the segment's ${segment.length} events are not the block's ${header.txCount} transactions (their Merkle root is not txRoot)`;
    const r = verifyPohSegment(hexToBytes(proof.poh.start), segment, header.pohEnd, parent ? header.pohCount - parent.pohCount : undefined);
    return r.ok || `entry ${r.index}: ${r.reason}`;
  });
  return checks;
}
