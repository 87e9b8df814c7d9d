/**
 * core/ as the explorer's browser build compiles it: core/native.ts replaced by native.browser.ts
 * (noble, no OpenSSL), exactly as explorer/vite.config.ts does. The same vectors and proofs must
 * give the same verdicts as on the server.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../core/native.ts', () => import('../../core/native.browser.ts'));

const { nativeEd25519, nativeSha256, nativeSha256Chain } = await import('../../core/native.ts');
const core = await import('../../core/index.ts');
const { vectors } = await import('../vectors/load.ts');

describe('core/ in the browser build', () => {
  it('has no OpenSSL verifier and hashes with noble to the same digests', async () => {
    expect(nativeEd25519).toBeUndefined();
    const node = await vi.importActual<typeof import('../../core/native.ts')>('../../core/native.ts');
    for (const size of [0, 1, 32, 65, 1000]) {
      const data = new Uint8Array(size).map((_, i) => (i * 31) & 255);
      expect(core.bytesToHex(nativeSha256(data))).toBe(core.bytesToHex(node.nativeSha256(data)));
    }
    const start = core.sha256(core.utf8('start'));
    expect(core.bytesToHex(nativeSha256Chain(start, 1000))).toBe(core.bytesToHex(node.nativeSha256Chain(start, 1000)));
  });

  it('gives every Ed25519 vector its expected verdict through verifyFast (noble there)', () => {
    type Vector = { name: string; publicKey: string; message: string; signature: string; valid?: boolean };
    const { rfc8032, edgeCases } = vectors<{ rfc8032: Vector[]; edgeCases: Vector[] }>('ed25519.json');
    expect(edgeCases.length).toBeGreaterThan(5);
    for (const v of [...rfc8032.map((x) => ({ ...x, valid: true })), ...edgeCases]) {
      const args = [core.hexToBytes(v.signature), core.hexToBytes(v.message), core.hexToBytes(v.publicKey)] as const;
      expect(core.verifyFast(...args), v.name).toBe(v.valid);
    }
  });

  it('signs every RFC 8032 vector with noble to its expected signature', () => {
    const { rfc8032 } = vectors<{ rfc8032: Array<{ name: string; secretKey: string; message: string; signature: string }> }>('ed25519.json');
    for (const v of rfc8032) expect(core.bytesToHex(core.sign(core.hexToBytes(v.message), core.hexToBytes(v.secretKey))), v.name).toBe(v.signature);
  });

  it('verifies a real proof and finds a changed byte', () => {
    const seq = core.generateKeyPair();
    const ids = [core.sha256Hex(core.utf8('a')), core.sha256Hex(core.utf8('b')), core.sha256Hex(core.utf8('c'))];
    const recorder = new core.PohRecorder(core.pohGenesis('kyoto'));
    const segment = ids.map((id) => (recorder.tickN(50), recorder.record(core.hexToBytes(id))));
    const genesis = core.genesisHeader('kyoto', '2026-01-01T00:00:00.000Z', core.bytesToHex(seq.publicKey));
    const parent = { ...genesis, ...core.signBlock(genesis, seq.secretKey) };
    const header = {
      v: 1 as const,
      municipality: 'kyoto',
      height: 1,
      prevHash: parent.hash,
      time: '2026-01-01T00:00:00.000Z',
      txRoot: core.txRootOf(ids),
      txCount: 3,
      pohEnd: core.bytesToHex(recorder.hash),
      pohCount: recorder.count,
      sequencer: core.bytesToHex(seq.publicKey),
    };
    const { hash, signature } = core.signBlock(header, seq.secretKey);
    const proof = {
      txid: ids[1]!,
      index: 1,
      treeSize: 3,
      root: header.txRoot,
      path: core.inclusionProof(ids.map(core.hexToBytes), 1).map(core.bytesToHex),
      header: { ...header, hash, signature },
      parent,
      poh: { ticks: segment[1]!.ticks, hash: segment[1]!.hash, start: core.bytesToHex(core.pohGenesis('kyoto')), segment },
    };
    expect(core.verifyInclusionProof(proof).every((c) => c.ok)).toBe(true);
    const forged = { ...proof, path: [proof.path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0')), ...proof.path.slice(1)] };
    expect(
      core
        .verifyInclusionProof(forged)
        .filter((c) => !c.ok)
        .map((c) => c.name),
    ).toEqual(['merkle inclusion']);
  });
});
