/**
 * The whole-chain auditor (core/audit.ts) on chains built here with core/: every check passes on
 * a chain as sealed and fails, alone or first, on the change it exists for; a checkpoint holds on
 * the chain that grew from it and fails on a history rebuilt from genesis with one transfer
 * changed and everything re-signed with the real keys.
 */
import { describe, expect, it } from 'vitest';
import {
  allocationsRoot,
  bytesToHex,
  ChainAuditor,
  checkTransaction,
  formatAddress,
  generateKeyPair,
  genesisHeader,
  MerkleFrontier,
  merkleRoot,
  hexToBytes,
  sealNext,
  signBlock,
  signCheckpoint,
  signTransfer,
  type AuditBlock,
  type BlockHeader,
} from '../../core/index.ts';

const sequencer = generateKeyPair();
const mainchain = generateKeyPair();
const alice = generateKeyPair();
const aliceAddress = formatAddress('kyoto', alice.publicKey);
const bob = formatAddress('kyoto', generateKeyPair().publicKey);
const seqHex = bytesToHex(sequencer.publicKey);

/** A chain of `n` blocks after genesis, one transfer each; `amount(i)` is the i-th transfer's amount. */
function chain(n: number, amount = (i: number) => String(10 + i)): AuditBlock[] {
  const allocations = [{ address: aliceAddress, amount: '1000000' }];
  const g: BlockHeader = { ...genesisHeader('kyoto', '2026-01-01T00:00:00.000Z', seqHex), txRoot: allocationsRoot(allocations) };
  const blocks: AuditBlock[] = [{ ...g, ...signBlock(g, sequencer.secretKey), poh: [], transactions: [], allocations }];
  for (let i = 1; i <= n; i++) {
    const body = {
      v: 1 as const,
      type: 'transfer' as const,
      from: aliceAddress,
      to: bob,
      amount: amount(i),
      nonce: i,
      memo: '',
      time: `2026-01-01T00:00:0${i % 10}.000Z`,
    };
    const tx = { ...signTransfer(body, alice.secretKey), id: checkTransaction(signTransfer(body, alice.secretKey)).id };
    const parent = blocks.at(-1)!;
    const { v, municipality, height, prevHash, time, txRoot, txCount, pohEnd, pohCount, sequencer: s } = parent;
    const sealed = sealNext(
      { header: { v, municipality, height, prevHash, time, txRoot, txCount, pohEnd, pohCount, sequencer: s }, hash: parent.hash },
      [tx.id],
      { time: new Date(Date.parse('2026-01-01T00:01:00.000Z') + i), ticksPerEvent: 3, secretKey: sequencer.secretKey, sequencer: seqHex },
    );
    blocks.push({
      ...sealed.header,
      hash: sealed.hash,
      signature: sealed.signature,
      poh: sealed.poh,
      allocations: null,
      transactions: [{ txid: tx.id, kind: 'TRANSFER', settlement: null, ...body, signature: tx.signature }],
    });
  }
  return blocks;
}

function audit(blocks: AuditBlock[]) {
  const auditor = new ChainAuditor('kyoto', seqHex, bytesToHex(mainchain.publicKey));
  const failed: string[] = [];
  for (const b of blocks) for (const c of auditor.block(b, null)) if (!c.ok && c.name !== 'anchor') failed.push(`${b.height} ${c.name}`);
  return { auditor, failed };
}

const resign = (b: AuditBlock) => {
  const { hash: _h, signature: _s, poh: _p, transactions: _t, allocations: _a, ...header } = b;
  Object.assign(b, signBlock(header, sequencer.secretKey));
};

describe('ChainAuditor', () => {
  it('passes every check on a chain as sealed (the anchor aside: none here)', () => {
    expect(audit(chain(5)).failed).toEqual([]);
  });

  it.each([
    ['header', (b: AuditBlock[]) => ((b[2]!.municipality = 'osaka'), resign(b[2]!))],
    ['block hash', (b: AuditBlock[]) => (b[2]!.time = '2026-01-01T00:01:00.500Z')],
    ['sequencer signature', (b: AuditBlock[]) => (b[2]!.signature = b[1]!.signature)],
    ['parent', (b: AuditBlock[]) => ((b[2]!.prevHash = b[0]!.hash), resign(b[2]!))],
    ['transactions', (b: AuditBlock[]) => (b[2]!.transactions[0]!.amount = '999')],
    ['merkle root', (b: AuditBlock[]) => ((b[2]!.txRoot = bytesToHex(merkleRoot([]))), resign(b[2]!))],
    ['proof of history', (b: AuditBlock[]) => (b[2]!.pohCount++, resign(b[2]!))],
    ['genesis allocations', (b: AuditBlock[]) => (b[0]!.allocations![0]!.amount = '1000001')],
  ] as Array<[string, (b: AuditBlock[]) => void]>)('%s: fails on the change it is for', (name, change) => {
    const blocks = chain(4);
    change(blocks);
    const { failed } = audit(blocks);
    expect(failed[0]).toMatch(new RegExp(`^\\d ${name}$`));
  });

  it('fails the anchor check without an anchor, naming the block', () => {
    const auditor = new ChainAuditor('kyoto', seqHex, bytesToHex(mainchain.publicKey));
    const anchor = auditor.block(chain(0)[0]!, null).find((c) => c.name === 'anchor')!;
    expect(anchor).toMatchObject({ ok: false, detail: 'block 0 is not anchored on the main chain' });
  });
});

describe('checkpoints', () => {
  const checkpointOf = (blocks: AuditBlock[], height: number) => {
    const f = new MerkleFrontier();
    for (const b of blocks.slice(0, height + 1)) f.push(hexToBytes(b.hash));
    return signCheckpoint({ municipality: 'kyoto', height, root: bytesToHex(f.root()) }, sequencer.secretKey, seqHex);
  };

  it('the frontier gives the RFC 6962 root of every size', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hexToBytes(bytesToHex(new Uint8Array(32).fill(i))));
    const f = new MerkleFrontier();
    expect(bytesToHex(f.root())).toBe(bytesToHex(merkleRoot([])));
    leaves.forEach((leaf, i) => {
      f.push(leaf);
      expect(bytesToHex(f.root()), `size ${i + 1}`).toBe(bytesToHex(merkleRoot(leaves.slice(0, i + 1))));
    });
  });

  it('a checkpoint from before holds on the chain grown from it', () => {
    const old = chain(3);
    const kept = checkpointOf(old, 3);
    const now = chain(6); // the same keys and times: blocks 0–3 are the same
    expect(now.slice(0, 4).map((b) => b.hash)).toEqual(old.map((b) => b.hash));
    const { auditor } = audit(now.slice(0, 4));
    expect(auditor.checkpoint(kept)).toMatchObject({ ok: true });
  });

  it('a history rebuilt from genesis with one transfer changed, re-signed, is refused against the old checkpoint', () => {
    const kept = checkpointOf(chain(3), 3);
    const rewritten = chain(3, (i) => (i === 2 ? '11' : String(10 + i))); // transfer 2 now moves 11, signed by its sender
    const { auditor, failed } = audit(rewritten);
    expect(failed).toEqual([]); // valid on its own: every block re-signed with the real keys
    const verdict = auditor.checkpoint(kept);
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/^the root of blocks 0–3 is [0-9a-f]{64}, the checkpoint's [0-9a-f]{64}: the chain was rewritten$/);
  });

  it('refuses a checkpoint not signed by the sequencer, or of another size', () => {
    const blocks = chain(3);
    const { auditor } = audit(blocks);
    const forged = { ...checkpointOf(blocks, 3), signature: checkpointOf(blocks, 2).signature };
    expect(auditor.checkpoint(forged).detail).toMatch(/is not signed by/);
    expect(auditor.checkpoint(checkpointOf(blocks, 2)).detail).toBe('4 blocks audited, the checkpoint covers 3');
  });
});
