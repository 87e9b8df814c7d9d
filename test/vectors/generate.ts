/**
 * Writes our own known-answer vectors (transaction.json, poh.json, block.json) from fixed inputs.
 * Run `npx tsx test/vectors/generate.ts` only when a format changes on purpose: the unit tests
 * check that the code still produces these files byte for byte, and cross-check each signature
 * with node:crypto (Ed25519 is deterministic).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  PohRecorder,
  blockHash,
  bytesToHex,
  canonicalJson,
  formatAddress,
  genesisHeader,
  hexToBytes,
  pohGenesis,
  publicKeyOf,
  signBlock,
  signTransfer,
  signingBytes,
  transactionId,
  txRootOf,
  type BlockHeader,
  type PohEntry,
  type TransferBody,
} from '../../core/index.ts';

const SOURCE = 'ours: written by test/vectors/generate.ts from the fixed inputs in this file; the unit tests recompute every value and check each signature with node:crypto as well as noble';

/** Fixed secret keys: 32 bytes of 0x01, 0x02 and 0x07. Never use them for anything else. */
export const alice = fixedKey(0x01);
export const bob = fixedKey(0x02);
export const sequencer = fixedKey(0x07);

export const transfers: TransferBody[] = [
  { v: 1, type: 'transfer', from: alice.address, to: bob.address, amount: '1500', nonce: 1, memo: 'お茶代 ☕', time: '2025-04-01T09:30:00.000Z' },
  { v: 1, type: 'transfer', from: bob.address, to: alice.address, amount: '250', nonce: 1, memo: '', time: '2025-04-01T09:30:00.250Z' },
  { v: 1, type: 'transfer', from: alice.address, to: bob.address, amount: '9007199254740991', nonce: 2, memo: 'the largest amount', time: '2025-04-01T09:30:00.500Z' },
];

/** The tick counts before each event and after the last one. */
export const POH_TICKS = { before: [3, 0, 5], after: 2 };

export const GENESIS_TIME = '2025-04-01T00:00:00.000Z';
export const BLOCK1_TIME = '2025-04-01T09:30:01.000Z';

function fixedKey(byte: number) {
  const secretKey = new Uint8Array(32).fill(byte);
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, address: formatAddress('kyoto', publicKey) };
}

export function transactionVectors() {
  const first = transfers[0]!;
  return {
    source: SOURCE,
    secretKey: bytesToHex(alice.secretKey),
    publicKey: bytesToHex(alice.publicKey),
    body: first,
    canonicalJson: canonicalJson(first),
    signingBytes: bytesToHex(signingBytes(first)),
    txid: transactionId(first),
    signature: signTransfer(first, alice.secretKey).signature,
    more: transfers.slice(1).map((body) => {
      const key = body.from === alice.address ? alice : bob;
      return { secretKey: bytesToHex(key.secretKey), body, txid: transactionId(body), signature: signTransfer(body, key.secretKey).signature };
    }),
  };
}

export function pohVectors() {
  const start = pohGenesis('kyoto');
  const recorder = new PohRecorder(start);
  const entries: PohEntry[] = transfers.map((body, i) => {
    recorder.tickN(POH_TICKS.before[i]!);
    return recorder.record(hexToBytes(transactionId(body)));
  });
  recorder.tickN(POH_TICKS.after);
  return {
    source: SOURCE,
    municipality: 'kyoto',
    start: bytesToHex(start),
    ticksBefore: POH_TICKS.before,
    ticksAfter: POH_TICKS.after,
    entries,
    end: bytesToHex(recorder.hash),
    endCount: recorder.count,
  };
}

export function blockVectors() {
  const sequencerHex = bytesToHex(sequencer.publicKey);
  const genesis = genesisHeader('kyoto', GENESIS_TIME, sequencerHex);
  const g = signBlock(genesis, sequencer.secretKey);
  const poh = pohVectors();
  const txIds = transfers.map(transactionId);
  const header: BlockHeader = {
    v: 1,
    municipality: 'kyoto',
    height: 1,
    prevHash: g.hash,
    time: BLOCK1_TIME,
    txRoot: txRootOf(txIds),
    txCount: txIds.length,
    pohEnd: poh.end,
    pohCount: genesis.pohCount + poh.endCount,
    sequencer: sequencerHex,
  };
  const b = signBlock(header, sequencer.secretKey);
  return {
    source: SOURCE,
    sequencerSecretKey: bytesToHex(sequencer.secretKey),
    genesis: { header: genesis, canonicalJson: canonicalJson(genesis), hash: g.hash, signature: g.signature },
    block1: { header, canonicalJson: canonicalJson(header), hash: b.hash, signature: b.signature, txIds, poh: poh.entries },
  };
}

export function write(): void {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = { 'transaction.json': transactionVectors(), 'poh.json': pohVectors(), 'block.json': blockVectors() };
  for (const [name, data] of Object.entries(files)) writeFileSync(`${dir}${name}`, `${JSON.stringify(data, null, 2)}\n`);
  // A cheap self-check that what was written is what the code computes now.
  if (blockHash(files['block.json'].block1.header) !== files['block.json'].block1.hash) throw new Error('block hash changed');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) write();
