/**
 * Block headers: what a municipality's sequencer signs, its hash, and the check of a block
 * against its parent.
 *
 *   hash      = hex(SHA-256(UTF-8("aiki/block/v1\n") ‖ canonicalJson(header)))   (RFC 8785)
 *   signature = hex(Ed25519(the 32 hash bytes, sequencer's secret key))          (RFC 8032 §5.1.6)
 *   txRoot    = hex(MTH(the 32-byte transaction ids, in block order))             (RFC 6962 §2.1)
 *   pohEnd    = the Proof of History hash after the block's entries and ticks     (core/poh.ts)
 *   pohCount  = hashes of the Proof of History since genesis (cumulative)
 */
import { bytesToHex, concatBytes, hexToBytes, sha256Hex, utf8 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { sign, verifyFast } from './ed25519.ts';
import { aikiError } from './errors.ts';
import { merkleRoot } from './merkle.ts';
import { MUNICIPALITY_CODE } from './municipality.ts';
import { PohRecorder, pohGenesis, verifyPohSegment, type PohEntry } from './poh.ts';
import { isCanonicalTime } from './transaction.ts';

export interface BlockHeader {
  v: 1;
  municipality: string;
  height: number;
  prevHash: string;
  time: string;
  txRoot: string;
  txCount: number;
  pohEnd: string;
  pohCount: number;
  /** hex of the sequencer's 32-byte Ed25519 public key */
  sequencer: string;
}

export const BLOCK_DOMAIN = 'aiki/block/v1\n';
/** The prevHash of a genesis block. */
export const GENESIS_PREV_HASH = '0'.repeat(64);
/** The fields of a header, in canonical (sorted) order. */
export const BLOCK_FIELDS = ['height', 'municipality', 'pohCount', 'pohEnd', 'prevHash', 'sequencer', 'time', 'txCount', 'txRoot', 'v'] as const;

const HEX32 = /^[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{128}$/;

/** The header of a block that carries more (its hash, signature, transactions…): the fields the sequencer signs, nothing else. */
export function headerOf(b: BlockHeader): BlockHeader {
  return {
    v: b.v,
    municipality: b.municipality,
    height: b.height,
    prevHash: b.prevHash,
    time: b.time,
    txRoot: b.txRoot,
    txCount: b.txCount,
    pohEnd: b.pohEnd,
    pohCount: b.pohCount,
    sequencer: b.sequencer,
  };
}

/** hex(SHA-256(UTF-8(BLOCK_DOMAIN) ‖ canonicalBytes(header))). */
export function blockHash(h: BlockHeader): string {
  return sha256Hex(concatBytes(utf8(BLOCK_DOMAIN), canonicalBytes(h)));
}

/** The block hash and the sequencer's Ed25519 signature over its 32 bytes. */
export function signBlock(h: BlockHeader, secretKey: Uint8Array): { hash: string; signature: string } {
  const hash = blockHash(h);
  return { hash, signature: bytesToHex(sign(hexToBytes(hash), secretKey)) };
}

/** hex(MTH) of transaction ids (64 hex each) taken as 32-byte leaves. */
export function txRootOf(txIds: string[]): string {
  return bytesToHex(merkleRoot(txIds.map((id) => hexToBytes(id))));
}

/** Height 0, prevHash of 64 zeros, the empty tree's root, the PoH genesis hash and no hashes yet. */
export function genesisHeader(municipality: string, time: string, sequencer: string): BlockHeader {
  return {
    v: 1,
    municipality,
    height: 0,
    prevHash: GENESIS_PREV_HASH,
    time,
    txRoot: bytesToHex(merkleRoot([])),
    txCount: 0,
    pohEnd: bytesToHex(pohGenesis(municipality)),
    pohCount: 0,
    sequencer,
  };
}

/**
 * The next block on `parent`: its events (transaction or event ids, in order) mixed into Proof of
 * History after `ticksPerEvent` ticks each, the Merkle root over them, signed with `secretKey`.
 * The time never goes back from the parent's. The one way both chains seal (docs/PROTOCOL.md).
 */
export function sealNext(
  parent: { header: BlockHeader; hash: string },
  eventIds: string[],
  { time, ticksPerEvent, secretKey, sequencer }: { time: Date; ticksPerEvent: number; secretKey: Uint8Array; sequencer: string },
): { header: BlockHeader; hash: string; signature: string; poh: PohEntry[] } {
  const recorder = new PohRecorder(hexToBytes(parent.header.pohEnd));
  const poh = eventIds.map((id) => {
    recorder.tickN(ticksPerEvent);
    return recorder.record(hexToBytes(id));
  });
  const header: BlockHeader = {
    v: 1,
    municipality: parent.header.municipality,
    height: parent.header.height + 1,
    prevHash: parent.hash,
    time: new Date(Math.max(time.getTime(), Date.parse(parent.header.time))).toISOString(),
    txRoot: txRootOf(eventIds),
    txCount: eventIds.length,
    pohEnd: bytesToHex(recorder.hash),
    pohCount: parent.header.pohCount + recorder.count,
    sequencer,
  };
  return { header, ...signBlock(header, secretKey), poh };
}

/**
 * Checks a block against its parent (null for a genesis block) and its contents; throws BAD_BLOCK
 * naming the first rule broken, in this order: header shape, hash, signature, the link to the
 * parent (height, prevHash, municipality, time) or the genesis values, txCount, txRoot, the
 * PoH entries' events against the txids, the PoH segment. The sequencer key is the header's own:
 * whether that key may sequence this municipality is the caller's rule.
 */
export function checkBlock(
  header: BlockHeader,
  hash: string,
  signature: string,
  parent: { header: BlockHeader; hash: string } | null,
  txIds: string[],
  poh: PohEntry[],
): void {
  checkHeaderShape(header);
  const actual = blockHash(header);
  if (hash !== actual) bad(`hash mismatch: the header hashes to ${actual}, the block says ${show(hash)}`, header);
  if (typeof signature !== 'string' || !HEX64.test(signature)) {
    bad('signature invalid: it is not 128 lower-case hex characters', header);
  }
  if (!verifyFast(hexToBytes(signature), hexToBytes(hash), hexToBytes(header.sequencer))) {
    bad(`signature invalid: it does not verify against sequencer ${header.sequencer}`, header);
  }

  if (parent === null) {
    if (header.height !== 0) bad(`a genesis block must have height 0, got ${header.height}`, header);
    if (header.prevHash !== GENESIS_PREV_HASH) bad(`a genesis block must have prevHash ${GENESIS_PREV_HASH}, got ${header.prevHash}`, header);
  } else {
    const p = parent.header;
    if (header.height !== p.height + 1) bad(`height ${header.height} is not parent height ${p.height} + 1`, header);
    if (header.prevHash !== parent.hash) bad(`prevHash ${header.prevHash} is not the parent's hash ${parent.hash}`, header);
    if (header.municipality !== p.municipality) bad(`municipality ${header.municipality} differs from the parent's ${p.municipality}`, header);
    if (header.time < p.time) bad(`time ${header.time} is earlier than the parent's ${p.time}`, header);
  }

  if (!Array.isArray(txIds) || !txIds.every((id) => typeof id === 'string' && HEX32.test(id))) {
    bad('transaction ids must be 64 lower-case hex each', header);
  }
  if (header.txCount !== txIds.length) bad(`txCount ${header.txCount} is not the ${txIds.length} transactions given`, header);
  const root = txRootOf(txIds);
  if (header.txRoot !== root) bad(`txRoot ${header.txRoot} is not the Merkle root ${root} of the transaction ids`, header);

  if (!Array.isArray(poh)) bad('PoH entries must be an array', header);
  if (poh.length !== txIds.length) bad(`PoH has ${poh.length} entries for ${txIds.length} transactions`, header);
  poh.forEach((entry, i) => {
    if (entry?.event !== txIds[i]) bad(`PoH entry ${i} records event ${show(entry?.event)}, not transaction ${txIds[i]}`, header);
  });

  const start = parent === null ? pohGenesis(header.municipality) : hexToBytes(parent.header.pohEnd);
  const startCount = parent === null ? 0 : parent.header.pohCount;
  const verdict = verifyPohSegment(start, poh, header.pohEnd, header.pohCount - startCount);
  if (!verdict.ok) {
    bad(`PoH segment from ${bytesToHex(start)} does not end at pohEnd/pohCount: entry ${verdict.index}: ${verdict.reason}`, header);
  }
}

export function checkHeaderShape(header: unknown): asserts header is BlockHeader {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('header must be an object');
  const h = header as Record<string, unknown>;
  const keys = Object.keys(h);
  const missing = BLOCK_FIELDS.filter((f) => h[f] === undefined);
  if (missing.length > 0) bad(`header lacks ${missing.join(', ')}`);
  const extra = keys.filter((k) => !(BLOCK_FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) bad(`header has unknown field ${extra.join(', ')}`);
  if (h.v !== 1) bad(`header v must be 1, got ${show(h.v)}`);
  if (typeof h.municipality !== 'string' || !MUNICIPALITY_CODE.test(h.municipality)) bad(`header municipality must match ${MUNICIPALITY_CODE}`);
  for (const f of ['height', 'txCount', 'pohCount'] as const) {
    if (!Number.isSafeInteger(h[f]) || (h[f] as number) < 0) bad(`header ${f} must be a safe integer >= 0, got ${show(h[f])}`);
  }
  for (const f of ['prevHash', 'txRoot', 'pohEnd', 'sequencer'] as const) {
    if (typeof h[f] !== 'string' || !HEX32.test(h[f])) bad(`header ${f} must be 64 lower-case hex, got ${show(h[f])}`);
  }
  const time = h.time;
  if (!isCanonicalTime(time)) {
    bad(`header time must be ISO 8601 UTC with milliseconds, got ${show(time)}`);
  }
}

function bad(message: string, header?: BlockHeader): never {
  const details = header && typeof header.height === 'number' ? { municipality: header.municipality, height: header.height } : {};
  throw aikiError('BAD_BLOCK', message, details);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}
