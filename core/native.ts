/**
 * The hot computations OpenSSL (node:crypto) does faster than noble, in one place: SHA-256 of one
 * input and of a chain of ticks, and Ed25519 signing and verification with imported keys (figures at their
 * users: bytes.ts, poh.ts, ed25519.ts). The explorer's browser build replaces this file with
 * native.browser.ts (explorer/vite.config.ts), which computes the same with noble: every rule
 * stays in the files that use these, so the browser checks exactly what the server does.
 */
import { createPrivateKey, createPublicKey, hash, sign, verify } from 'node:crypto';

/** SHA-256 by OpenSSL's one-shot `hash`. */
export function nativeSha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** `n` times SHA-256 of the previous hash, from `h` (Proof of History ticks), on Buffers. */
export function nativeSha256Chain(h: Uint8Array, n: number): Uint8Array {
  let x: Buffer = Buffer.from(h);
  for (let i = 0; i < n; i++) x = hash('sha256', x, 'buffer');
  return new Uint8Array(x);
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** DER prefix of an Ed25519 PKCS #8 private key holding the 32-byte seed (RFC 8410 §7). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Ed25519 by OpenSSL: a public key imported once (null if OpenSSL refuses it), and the
 * verification of RFC 8032 §5.1.7 rules 3–4 with it; a secret key imported once, and the
 * signature of §5.1.6 with it (deterministic: the same bytes as noble's). Undefined where there
 * is no OpenSSL.
 */
export const nativeEd25519:
  | {
      importKey(publicKey: Uint8Array): unknown;
      verify(message: Uint8Array, key: unknown, signature: Uint8Array): boolean;
      importSecretKey(secretKey: Uint8Array): unknown;
      sign(message: Uint8Array, key: unknown): Uint8Array;
    }
  | undefined = {
  importKey(publicKey) {
    try {
      return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    } catch {
      return null; // not a point on the curve
    }
  },
  verify: (message, key, signature) => verify(null, message, key as Parameters<typeof verify>[2], signature),
  importSecretKey: (secretKey) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' }),
  sign(message, key) {
    const signature = sign(null, message, key as Parameters<typeof sign>[2]);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  },
};
