import { ed25519 } from '@noble/curves/ed25519.js';
import { createPrivateKey, createPublicKey, randomBytes, sign as opensslSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { SMALL_ORDER_PUBLIC_KEYS, generateKeyPair, isStrictPublicKey, publicKeyOf, sign, verify, verifyFast } from '../../core/ed25519.ts';
import { vectors } from '../vectors/load.ts';

type Rfc = { name: string; secretKey: string; publicKey: string; message: string; signature: string };
type Edge = { name: string; publicKey: string; message: string; signature: string; valid: boolean; note: string };
const v = vectors<{ rfc8032: Rfc[]; edgeCases: Edge[] }>('ed25519.json');

/** OpenSSL's Ed25519 signature with a raw 32-byte seed (PKCS #8, RFC 8410 §7). */
function opensslSignature(message: Uint8Array, seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return opensslSign(null, message, key).toString('hex');
}

function opensslPublicKey(seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
}

describe('Ed25519: RFC 8032 §7.1 vectors', () => {
  it.each(v.rfc8032.map((t) => [t.name, t] as const))('%s: key, signature and both verifiers', (_name, t) => {
    const secretKey = hexToBytes(t.secretKey);
    const message = hexToBytes(t.message);
    const signature = hexToBytes(t.signature);
    expect(bytesToHex(publicKeyOf(secretKey))).toBe(t.publicKey);
    expect(opensslPublicKey(secretKey)).toBe(t.publicKey);
    expect(bytesToHex(sign(message, secretKey))).toBe(t.signature);
    expect(opensslSignature(message, secretKey)).toBe(t.signature);
    expect(verify(signature, message, hexToBytes(t.publicKey))).toBe(true);
    expect(verifyFast(signature, message, hexToBytes(t.publicKey))).toBe(true);
  });

  it('signs as noble does (OpenSSL, the key imported once) for random keys and messages, more keys than are kept', () => {
    const keys = Array.from({ length: 20 }, () => generateKeyPair().secretKey);
    for (let i = 0; i < 200; i++) {
      const secretKey = keys[i % keys.length]!;
      const message = new Uint8Array(randomBytes(i % 300));
      expect(bytesToHex(sign(message, secretKey))).toBe(bytesToHex(ed25519.sign(message, secretKey)));
    }
    expect(() => sign(new Uint8Array(1), new Uint8Array(31))).toThrow();
  });

  it('TEST 1024 has a 1023-byte message', () => {
    expect(v.rfc8032.find((t) => t.name === 'TEST 1024')!.message.length).toBe(2046);
  });
});

describe('Ed25519: verification edge cases', () => {
  it.each(v.edgeCases.map((t) => [t.name, t] as const))('%s: noble and OpenSSL give the expected verdict', (_name, t) => {
    const args = [hexToBytes(t.signature), hexToBytes(t.message), hexToBytes(t.publicKey)] as const;
    expect(verify(...args)).toBe(t.valid);
    expect(verifyFast(...args)).toBe(t.valid);
    expect(verifyFast(...args)).toBe(t.valid); // again, with the key (or its refusal) from the cache
  });

  it('lists exactly the 8 points of small order, each canonically encoded', () => {
    const points = SMALL_ORDER_PUBLIC_KEYS.map((h) => ed25519.Point.fromBytes(hexToBytes(h), false));
    expect(points.every((p) => p.isSmallOrder())).toBe(true);
    expect(new Set(points.map((p) => p.toHex())).size).toBe(8);
    expect(points.map((p) => p.toHex())).toEqual(SMALL_ORDER_PUBLIC_KEYS);
    expect(SMALL_ORDER_PUBLIC_KEYS.map((h) => isStrictPublicKey(hexToBytes(h)))).toEqual(Array(8).fill(false));
  });

  it('judges public keys by their bytes as noble judges them decoded, on random and crafted keys', () => {
    const P = 2n ** 255n - 19n;
    const le = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n));
    const crafted = [le(P), le(P + 1n), le(P - 1n), le(2n ** 255n - 1n), le(1n), le(1n | (1n << 255n)), le((P - 1n) | (1n << 255n))];
    const keys = [
      ...crafted,
      ...Array.from({ length: 200 }, () => new Uint8Array(randomBytes(32))),
      ...Array.from({ length: 50 }, () => generateKeyPair().publicKey),
    ];
    for (const key of keys) {
      let noble: boolean;
      try {
        noble = !ed25519.Point.fromBytes(key, false).isSmallOrder();
      } catch {
        noble = false;
      }
      // Bytes that pass the cheap check but are off the curve are refused by OpenSSL later.
      if (noble) expect(isStrictPublicKey(key)).toBe(true);
      if (!isStrictPublicKey(key)) expect(noble).toBe(false);
    }
  });

  it('returns false, never throws, for wrong lengths and wrong types', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const msg = new Uint8Array([1, 2, 3]);
    const sig = sign(msg, secretKey);
    for (const f of [verify, verifyFast]) {
      expect(f(sig.subarray(0, 63), msg, publicKey)).toBe(false);
      expect(f(new Uint8Array(65), msg, publicKey)).toBe(false);
      expect(f(sig, msg, publicKey.subarray(0, 31))).toBe(false);
      expect(f('00' as unknown as Uint8Array, msg, publicKey)).toBe(false);
      expect(f(sig, null as unknown as Uint8Array, publicKey)).toBe(false);
      expect(f(sig, msg, publicKey)).toBe(true);
    }
  });
});

describe('Ed25519: noble and node:crypto agree', () => {
  it('on random keys and messages: the same signatures, the same verdicts, valid and not', () => {
    for (let i = 0; i < 64; i++) {
      const { secretKey, publicKey } = generateKeyPair();
      const message = new Uint8Array(randomBytes(i * 7));
      const signature = sign(message, secretKey);
      expect(bytesToHex(signature)).toBe(opensslSignature(message, secretKey));
      expect(verify(signature, message, publicKey)).toBe(true);
      expect(verifyFast(signature, message, publicKey)).toBe(true);
      const bad = signature.slice();
      bad[i % 64]! ^= 1 << (i % 8);
      expect(verify(bad, message, publicKey)).toBe(false);
      expect(verifyFast(bad, message, publicKey)).toBe(false);
      const otherKey = generateKeyPair().publicKey;
      expect(verify(signature, message, otherKey)).toBe(false);
      expect(verifyFast(signature, message, otherKey)).toBe(false);
    }
  });

  it('on every bit of a signature flipped', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const message = new Uint8Array([0x61, 0x69, 0x6b, 0x69]);
    const signature = sign(message, secretKey);
    for (let bit = 0; bit < 512; bit++) {
      const bad = signature.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect([verify(bad, message, publicKey), verifyFast(bad, message, publicKey)]).toEqual([false, false]);
    }
  });

  it('refuses a secret key of the wrong length with an exact message', () => {
    expect(() => publicKeyOf(new Uint8Array(31))).toThrow('expected 32 bytes, got 31');
    expect(() => sign(new Uint8Array(), new Uint8Array(33))).toThrow('expected 32 bytes, got 33');
  });
});
