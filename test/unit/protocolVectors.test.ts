/**
 * test/vectors/protocol.json checked the way an independent implementation would: every hash is
 * node:crypto's SHA-256 of the bytes given, every message starts with its domain and holds the
 * canonical JSON given, every signature verifies with node:crypto (OpenSSL) over those bytes, and
 * the Merkle, PoH, checkpoint and consistency values hold by the RFC algorithms — so the document's
 * test-vector section (docs/PROTOCOL.md) states values that are right, not only values our code
 * writes.
 */
import { createHash, createPublicKey, verify as opensslVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checkConsistency,
  hexToBytes,
  pohGenesis,
  publicKeyOf,
  bytesToHex,
  verifyConsistency,
  verifyInclusion,
  verifyPohSegment,
  type BlockHeader,
} from '../../core/index.ts';
import { vectors } from '../vectors/load.ts';

const v = vectors('protocol.json');
const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const utf8Hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
/** Ed25519 by OpenSSL over `messageHex`. */
function verifies(signature: string, messageHex: string, publicKey: string): boolean {
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  return opensslVerify(null, Buffer.from(messageHex, 'hex'), key, Buffer.from(signature, 'hex'));
}
const pub = (secretHex: string) => bytesToHex(publicKeyOf(hexToBytes(secretHex)));
const sequencer = pub(v.keys.sequencerSecretKey);
const main = v.keys.mainchainPublicKey;
/** A message: the domain, then the canonical JSON (or text) given; its SHA-256 as given. */
function message(m: { bytes: string; sha256: string }, domain: string, text: string) {
  expect(m.bytes).toBe(utf8Hex(domain) + utf8Hex(text));
  expect(sha256(m.bytes)).toBe(m.sha256);
}
const headerHash = (header: BlockHeader) => sha256(utf8Hex('aiki/block/v1\n') + utf8Hex(canonicalJson(header)));

describe('docs/PROTOCOL.md, "Test vectors"', () => {
  it('states only values the vector files hold', () => {
    const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Test vectors'));
    const files = ['protocol.json', 'block.json', 'transaction.json'].map((f) => readFileSync(new URL(`../vectors/${f}`, import.meta.url), 'utf8')).join('\n');
    const stated = [...section.matchAll(/`([0-9a-f]{64})`/g)].map((m) => m[1]!);
    expect(stated.length).toBeGreaterThanOrEqual(20);
    expect(stated.filter((h) => !files.includes(`"${h}"`))).toEqual([]);
    const abbreviated = [...section.matchAll(/`([0-9a-f]{8})…([0-9a-f]{4})`/g)];
    for (const [, head, tail] of abbreviated) expect(files, `${head}…${tail}`).toMatch(new RegExp(`"${head}[0-9a-f]{52}${tail}"`));
  });
});

describe('protocol.json, checked independently', () => {
  it('keys: the main chain key is the public key of its secret', () => {
    expect(pub(v.keys.mainchainSecretKey)).toBe(main);
  });

  it('§6 genesis allocations: each leaf is SHA-256 of its canonical JSON, the root their MTH, in the signed header', () => {
    const g = v.genesisAllocations;
    g.leaves.forEach((l: { canonicalJson: string; leaf: string }, i: number) => {
      expect(JSON.parse(l.canonicalJson)).toEqual(g.allocations[i]);
      expect(sha256(utf8Hex(l.canonicalJson))).toBe(l.leaf);
    });
    const leafHash = (h: string) => sha256(`00${h}`);
    expect(sha256(`01${leafHash(g.leaves[0].leaf)}${leafHash(g.leaves[1].leaf)}`)).toBe(g.txRoot);
    expect(g.header.txRoot).toBe(g.txRoot);
    expect(headerHash(g.header)).toBe(g.hash);
    expect(verifies(g.signature, g.hash, sequencer)).toBe(true);
  });

  it('§6 inclusion proof: the path leads from the id to txRoot; the parent is the genesis block', () => {
    const p = v.inclusionProof;
    expect(verifyInclusion(hexToBytes(p.txid), p.index, p.treeSize, p.path.map(hexToBytes), hexToBytes(p.root))).toBe(true);
    expect(verifyInclusion(hexToBytes(p.txid), p.index + 1, p.treeSize, p.path.map(hexToBytes), hexToBytes(p.root))).toBe(false);
    expect(p.parent.pohEnd).toBe(bytesToHex(pohGenesis('kyoto')));
  });

  it('§7 anchor event id and the main-chain block that seals it', () => {
    const a = v.anchor;
    message(a, 'aiki/anchor/v1\n', a.canonicalJson);
    expect(JSON.parse(a.canonicalJson)).toEqual(a.body);
    expect(a.sha256).toBe(a.eventId);
    const { genesis, block1 } = v.mainBlock;
    for (const b of [genesis, block1]) {
      expect(canonicalJson(b.header)).toBe(b.canonicalJson);
      expect(headerHash(b.header)).toBe(b.hash);
      expect(verifies(b.signature, b.hash, main)).toBe(true);
      expect(b.header).toMatchObject({ municipality: 'main', sequencer: main });
    }
    expect(block1.header).toMatchObject({ height: 1, prevHash: genesis.hash, txCount: 1, txRoot: sha256(`00${a.eventId}`) });
    expect(block1.poh.map((e: { event: string }) => e.event)).toEqual([a.eventId]);
    expect(verifyPohSegment(hexToBytes(genesis.header.pohEnd), block1.poh, block1.header.pohEnd, block1.header.pohCount).ok).toBe(true);
    expect(canonicalJson(block1.poh)).toBe(block1.pohJson);
  });

  it('§8 credit entry, its abort, and the chained step event ids of two sequences', () => {
    const s = v.settlement;
    expect(s.transfer.txid).toBe(sha256(utf8Hex('aiki/tx/v1\n') + utf8Hex(canonicalJson(s.transfer.body))));
    expect(verifies(s.transfer.signature, utf8Hex('aiki/tx/v1\n') + utf8Hex(canonicalJson(s.transfer.body)), pub(v.keys.aliceSecretKey))).toBe(true);
    message(s.credit, 'aiki/settlement/v1\n', s.credit.canonicalJson);
    expect(JSON.parse(s.credit.canonicalJson)).toEqual(s.credit.body);
    expect(s.credit.body).toMatchObject({ settlement: s.transfer.txid, from: s.transfer.body.from, to: s.transfer.body.to, amount: s.transfer.body.amount });
    expect(s.credit.sha256).toBe(s.credit.id);
    expect(verifies(s.credit.signature, s.credit.bytes, main)).toBe(true);
    message(s.abort, 'aiki/abort/v1\n', s.credit.id);
    expect(verifies(s.abort.signature, s.abort.bytes, main)).toBe(true);
    expect(s.refund.id).toBe(sha256(utf8Hex('aiki/settlement/v1\n') + utf8Hex(canonicalJson(s.refund.body))));
    expect(verifies(s.refund.signature, utf8Hex('aiki/settlement/v1\n') + utf8Hex(canonicalJson(s.refund.body)), main)).toBe(true);
    for (const steps of [s.credited, s.refundedAfterAbort]) {
      steps.forEach((step: { status: string; body: Record<string, unknown>; bytes: string; sha256: string; eventId: string }, i: number) => {
        message(step, 'aiki/settlement-event/v2\n', canonicalJson(step.body));
        expect(step.sha256).toBe(step.eventId);
        expect(step.body).toMatchObject({ v: 2, settlement: `kyoto:${s.transfer.txid}`, status: step.status, prev: i === 0 ? '' : steps[i - 1].eventId });
        const entry = ['CREDITING', 'CREDITED'].includes(step.status) ? s.credit.id : ['REFUNDING', 'REFUNDED'].includes(step.status) ? s.refund.id : '';
        expect(step.body.entry).toBe(entry);
      });
    }
  });

  it('§9 proposal, vote and outcome: ids over their bytes, the vote signed by the member', () => {
    const g = v.governance;
    message(g.proposal, 'aiki/proposal/v1\n', g.proposal.canonicalJson);
    expect(g.proposal.sha256).toBe(g.proposal.eventId);
    expect(g.proposal.body.rules).toEqual({ quorum: 3340, threshold: 5000, veto: 3340 }); // basis points in the body
    message(g.vote, 'aiki/vote/v1\n', g.vote.canonicalJson);
    expect(g.vote.body.proposalHash).toBe(g.proposal.eventId);
    expect(g.vote.sha256).toBe(g.vote.eventId);
    expect(verifies(g.vote.signature, g.vote.bytes, g.proposal.body.electorate[0].governanceKey)).toBe(true);
    message(g.outcome, 'aiki/outcome/v1\n', g.outcome.canonicalJson);
    expect(g.outcome.sha256).toBe(g.outcome.eventId);
    expect(g.outcome.body.votes).toEqual([g.vote.eventId]);
  });

  it('§10 checkpoints at heights 0 and 1, and the consistency proof between them', () => {
    const c = v.checkpoint;
    for (const [k, height] of [
      ['at0', 0],
      ['at1', 1],
    ] as const) {
      const cp = c[k];
      expect(cp.bytes).toBe(utf8Hex('aiki/checkpoint/v1\n') + utf8Hex(canonicalJson(cp.body)));
      expect(cp.height).toBe(height);
      expect(verifies(cp.signature, cp.bytes, sequencer)).toBe(true);
    }
    expect(c.at0.root).toBe(sha256(`00${c.blockHashes[0]}`));
    expect(c.at1.root).toBe(sha256(`01${sha256(`00${c.blockHashes[0]}`)}${sha256(`00${c.blockHashes[1]}`)}`));
    expect(c.consistency0to1).toEqual([sha256(`00${c.blockHashes[1]}`)]);
    expect(verifyConsistency(1, 2, hexToBytes(c.at0.root), hexToBytes(c.at1.root), c.consistency0to1.map(hexToBytes))).toBe(true);
    expect(checkConsistency(c.at0, c.at1, c.consistency0to1, sequencer)).toBe(true);
  });
});
