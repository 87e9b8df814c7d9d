/**
 * Signed checkpoints of a chain (docs/PROTOCOL.md §10): a municipality's head — its height and the
 * RFC 6962 root over the 32-byte hashes of blocks 0 … height — signed by its sequencer. Anyone can
 * keep one and later check that the chain only grew from it (as Certificate Transparency monitors
 * and witnesses keep signed tree heads): the root of the first height + 1 block hashes of the
 * chain now must be the checkpoint's root. Pure.
 */
import { bytesToHex, concatBytes, hexToBytes, utf8 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { sign, verify } from './ed25519.ts';
import { verifyConsistency } from './merkle.ts';

export const CHECKPOINT_DOMAIN = 'aiki/checkpoint/v1\n';

export interface CheckpointBody {
  v: 1;
  municipality: string;
  /** The newest block it covers: the tree has height + 1 leaves. */
  height: number;
  /** hex MTH of the block hashes 0 … height, each leaf the 32 bytes of a hash. */
  root: string;
}

export interface Checkpoint extends CheckpointBody {
  /** hex of the sequencer's public key, and its Ed25519 signature over {@link checkpointBytes}. */
  sequencer: string;
  signature: string;
}

export function checkpointBytes({ municipality, height, root }: CheckpointBody): Uint8Array {
  return concatBytes(utf8(CHECKPOINT_DOMAIN), canonicalBytes({ v: 1, municipality, height, root }));
}

export function signCheckpoint(body: Omit<CheckpointBody, 'v'>, secretKey: Uint8Array, sequencer: string): Checkpoint {
  const full: CheckpointBody = { v: 1, ...body };
  return { ...full, sequencer, signature: bytesToHex(sign(checkpointBytes(full), secretKey)) };
}

/** Whether `c` is signed by `sequencerKey` (hex); true, or what is wrong. */
export function checkCheckpointSignature(c: Checkpoint, sequencerKey: string): string | true {
  if (c.sequencer !== sequencerKey) return `the checkpoint names sequencer ${c.sequencer}, not ${sequencerKey}`;
  if (typeof c.signature !== 'string' || !/^[0-9a-f]{128}$/.test(c.signature)) return 'the checkpoint signature is not 128 lower-case hex';
  return (
    verify(hexToBytes(c.signature), checkpointBytes({ ...c, v: 1 }), hexToBytes(sequencerKey)) ||
    `the checkpoint of height ${c.height} is not signed by ${sequencerKey}`
  );
}

/**
 * A consistency proof between two checkpoints of one chain (docs/PROTOCOL.md §10): `path` is
 * RFC 6962 PROOF(kept.height + 1, D[now.height + 1]) over the block hashes, hex. The chain only
 * grew from `kept` to `now` when both are signed by `sequencerKey` for the same municipality,
 * `now` is not lower, and the path verifies by RFC 9162 §2.1.4.2 from `kept.root` to `now.root`.
 * Equal heights need an empty path and equal roots. True, or what is wrong.
 */
export function checkConsistency(kept: Checkpoint, now: Checkpoint, path: readonly string[], sequencerKey: string): string | true {
  if (kept.municipality !== now.municipality) return `the checkpoints are of ${kept.municipality} and ${now.municipality}`;
  for (const c of [kept, now]) {
    const signed = checkCheckpointSignature(c, sequencerKey);
    if (signed !== true) return signed;
  }
  if (now.height < kept.height) return `the chain's checkpoint is at height ${now.height}, below the kept one at ${kept.height}: the chain lost blocks`;
  const isHash = (h: unknown) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h);
  if (!isHash(kept.root) || !isHash(now.root)) return 'a checkpoint root is not 64 lower-case hex characters';
  if (!Array.isArray(path) || !path.every(isHash)) return 'the consistency proof is not a list of 64 lower-case hex hashes';
  const ok = verifyConsistency(kept.height + 1, now.height + 1, hexToBytes(kept.root), hexToBytes(now.root), path.map(hexToBytes));
  return (
    ok ||
    `the chain at height ${now.height} (root ${now.root}) does not extend the checkpoint at height ${kept.height} (root ${kept.root}): its history was rewritten`
  );
}
