/**
 * Offline verification of a confirmed transaction's inclusion proof, as the ledger serves it
 * (`Transaction.proof`): everything an analyst needs, checked with this file and no server.
 */
import { hexToBytes } from './bytes.ts';
import { blockHash, type BlockHeader } from './block.ts';
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
  header: BlockHeader & { hash: string; signature: string };
  poh: { ticks: number; hash: string; start: string; segment: PohEntry[] };
}

export interface ProofCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A list of named checks, and a way to add one: a function that returns true, or what it found wrong (or throws it). */
export function checklist(): { checks: ProofCheck[]; check: (name: string, fn: () => string | true) => void } {
  const checks: ProofCheck[] = [];
  const check = (name: string, fn: () => string | true) => {
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
 * header hashes to the block hash; the sequencer's signature over it verifies; the PoH segment
 * from the previous block's end reaches the header's pohEnd and mixes this transaction at its
 * index. Returns every check with what it found, so a failure says what broke.
 */
export function verifyInclusionProof(proof: InclusionProofInput, body?: TransferBody): ProofCheck[] {
  const { checks, check } = checklist();
  const { header } = proof;
  const { hash, signature, ...fields } = header;
  if (body) check('transaction id', () => sha256Hex(signingBytes(body)) === proof.txid || `SHA-256 of the signing bytes is ${sha256Hex(signingBytes(body))}, not ${proof.txid}`);
  check('merkle inclusion', () => {
    if (proof.root !== header.txRoot) return `proof root ${proof.root} is not the header's txRoot ${header.txRoot}`;
    if (proof.treeSize !== header.txCount) return `tree size ${proof.treeSize} is not the header's txCount ${header.txCount}`;
    return verifyInclusion(hexToBytes(proof.txid), proof.index, proof.treeSize, proof.path.map(hexToBytes), hexToBytes(proof.root)) || `the audit path does not lead from ${proof.txid} at index ${proof.index} to ${proof.root}`;
  });
  check('block hash', () => blockHash(fields) === hash || `the header hashes to ${blockHash(fields)}, not ${hash}`);
  check('sequencer signature', () => verify(hexToBytes(signature), hexToBytes(hash), hexToBytes(header.sequencer)) || `the signature does not verify with sequencer key ${header.sequencer}`);
  check('proof of history', () => {
    const entry = proof.poh.segment[proof.index];
    if (!entry || entry.event !== proof.txid || entry.hash !== proof.poh.hash || entry.ticks !== proof.poh.ticks) return `entry ${proof.index} of the segment is not this transaction's`;
    const r = verifyPohSegment(hexToBytes(proof.poh.start), proof.poh.segment, header.pohEnd);
    return r.ok || `entry ${r.index}: ${r.reason}`;
  });
  return checks;
}
