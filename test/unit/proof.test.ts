/**
 * Offline continuity of an inclusion proof (core/proof.ts, docs/PROTOCOL.md "Inclusion proofs"):
 * the proof carries its block's parent header, so a header re-signed with the real sequencer key
 * but a changed pohCount or prevHash fails without asking any server. Built on block.json's
 * genesis and block 1 (sequencer key 32 bytes of 0x07).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { signBlock, type BlockHeader } from '../../core/block.ts';
import { inclusionProof } from '../../core/merkle.ts';
import type { PohEntry } from '../../core/poh.ts';
import { verifyInclusionProof, type InclusionProofInput } from '../../core/proof.ts';
import { sequencer } from '../vectors/generate.ts';
import { vectors } from '../vectors/load.ts';

type Signed = { header: BlockHeader; hash: string; signature: string };
const v = vectors<{ genesis: Signed; block1: Signed & { txIds: string[]; poh: PohEntry[] } }>('block.json');

/** The proof of block 1's second transaction, as the ledger serves it. */
function proof(): InclusionProofInput {
  const { header, hash, signature, txIds, poh } = v.block1;
  return structuredClone({
    txid: txIds[1]!,
    index: 1,
    treeSize: 3,
    path: inclusionProof(txIds.map(hexToBytes), 1).map(bytesToHex),
    root: header.txRoot,
    header: { ...header, hash, signature },
    parent: { ...v.genesis.header, hash: v.genesis.hash, signature: v.genesis.signature },
    poh: { ticks: poh[1]!.ticks, hash: poh[1]!.hash, start: v.genesis.header.pohEnd, segment: poh },
  });
}

/** Block 1's header changed and re-signed with the real sequencer key: hash and signature are valid. */
function resigned(change: (h: BlockHeader) => void): InclusionProofInput {
  const p = proof();
  const { hash: _h, signature: _s, ...header } = p.header;
  change(header);
  p.header = { ...header, ...signBlock(header, sequencer.secretKey) };
  return p;
}

const failed = (p: InclusionProofInput) =>
  verifyInclusionProof(p)
    .filter((c) => !c.ok)
    .map((c) => `${c.name}: ${c.detail}`);

describe('verifyInclusionProof, offline continuity', () => {
  it('accepts the proof as served', () => {
    expect(failed(proof())).toEqual([]);
  });

  it('refuses a header re-signed with pohCount + 1 (one more trailing tick than the segment from the parent has)', () => {
    expect(failed(resigned((h) => h.pohCount++))).toEqual([
      expect.stringMatching(/^proof of history: entry 3: segment ends at [0-9a-f]{64}, expected 8bb78071/),
    ]);
  });

  it('refuses a header re-signed with another prevHash', () => {
    expect(failed(resigned((h) => (h.prevHash = 'ab'.repeat(32))))).toEqual([
      `parent block: prevHash ${'ab'.repeat(32)} is not the parent's hash ${v.genesis.hash}`,
    ]);
  });

  it('refuses a parent that is not the block before, or not signed by the sequencer, or a segment not starting at its pohEnd', () => {
    const p = proof();
    p.parent.pohCount = 1;
    expect(failed(p)[0]).toMatch(/^parent block: the parent header hashes to/);
    const q = proof();
    q.parent.signature = v.block1.signature;
    expect(failed(q)).toEqual([expect.stringMatching(/^parent block: the parent block's signature does not verify/)]);
    const r = proof();
    r.poh.start = v.block1.header.pohEnd;
    expect(failed(r)).toEqual([`proof of history: the segment starts at ${v.block1.header.pohEnd}, not at the parent's pohEnd ${v.genesis.header.pohEnd}`]);
    const s = proof() as Partial<InclusionProofInput>;
    delete s.parent;
    expect(failed(s as InclusionProofInput)).toContain('parent block: no parent header: the block cannot be checked against its parent');
  });

  it('refuses a segment whose events are not the block transactions', () => {
    const p = proof();
    p.poh.segment = p.poh.segment.slice(0, 2);
    expect(failed(p)).toEqual([expect.stringMatching(/^proof of history: the segment's 2 events are not the block's 3 transactions/)]);
  });
});
