/**
 * Ed25519 signatures (RFC 8032 §5.1) over @noble/curves, with OpenSSL signing and verifying beside it.
 *
 * Keys are the 32-byte secret seed of RFC 8032 §5.1.5 and the 32-byte encoded public key; a
 * signature is the 64 bytes R ‖ S of §5.1.6. Signing is deterministic, so every RFC 8032
 * implementation (node:crypto included) produces the same signature for the same key and message.
 *
 * RFC 8032 leaves verification open in places (the "many EdDSAs": cofactored or not, which
 * encodings are refused), and two verifiers of one ledger must never disagree. Both verifiers here
 * therefore apply ONE rule, the strict reading of §5.1.7:
 *
 *  1. A is a canonical encoding (y < p; no x = 0 with the sign bit set, §5.1.3 steps 1 and 4);
 *  2. A is not of small order (one of the 8 points whose multiple by 8 is the identity);
 *  3. S < L (§5.1.7 step 1);
 *  4. the cofactorless equation holds byte for byte: encode([S]B − [k]A) = R, with
 *     k = SHA-512(R ‖ A ‖ M) mod L (§5.1.7 steps 2–3: "sufficient … to check [S]B = R + [k]A'").
 *
 * OpenSSL does 3 and 4 itself; {@link verifyFast} adds 1 and 2 in front of it. Noble's own verify
 * is cofactored (it accepts R with a torsion component that OpenSSL refuses), so {@link verify}
 * computes 4 with noble's point arithmetic. test/vectors/ed25519.json holds the edge cases that
 * separate these readings, and both verifiers must give the expected verdict on each.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, bytesToHex, concatBytes, equalBytes } from './bytes.ts';
import { nativeEd25519 } from './native.ts';

export type KeyPair = { secretKey: Uint8Array; publicKey: Uint8Array };

export const SECRET_KEY_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

/** A fresh key pair from the platform's CSPRNG (RFC 8032 §5.1.5). */
export function generateKeyPair(): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** The public key of a 32-byte secret key (RFC 8032 §5.1.5). */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(assertBytes(secretKey, SECRET_KEY_BYTES, 'secretKey'));
}

/**
 * The 64-byte signature of `message` (RFC 8032 §5.1.6), by OpenSSL where there is one: measured
 * 1.7 ms per signature with noble in the main chain under load (1.6 s of its CPU for 960 credit
 * orders), against tens of µs with OpenSSL and the key imported once ({@link SECRET_KEY_CACHE_SIZE}
 * kept: a process signs with one or two keys). Signing is deterministic: both give the same bytes
 * (test/unit/ed25519.test.ts).
 */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  assertBytes(message, undefined, 'message');
  assertBytes(secretKey, SECRET_KEY_BYTES, 'secretKey');
  if (!nativeEd25519) return ed25519.sign(message, secretKey);
  return nativeEd25519.sign(message, importedSecretKey(secretKey));
}

export const SECRET_KEY_CACHE_SIZE = 16;

/** What `make` gives for a key (never undefined), kept for the last `size` keys asked (by their bytes; the oldest dropped first). */
function keptBy<T>(size: number, make: (key: Uint8Array) => T): (key: Uint8Array) => T {
  const kept = new Map<string, T>();
  return (key) => {
    const hex = bytesToHex(key);
    const hit = kept.get(hex);
    if (hit !== undefined) return hit;
    const made = make(key);
    if (kept.size >= size) kept.delete(kept.keys().next().value!); // the oldest
    kept.set(hex, made);
    return made;
  };
}

const importedSecretKey = keptBy(SECRET_KEY_CACHE_SIZE, (secretKey) => nativeEd25519!.importSecretKey(secretKey));

/**
 * Strict RFC 8032 §5.1.7 verification (rules 1–4 above) with noble. Returns false, never throws,
 * for wrong lengths, a malformed or small-order key, S ≥ L or a wrong signature.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!wellSized(signature, message, publicKey)) return false;
  try {
    const A = Point.fromBytes(publicKey, false); // rule 1: throws on y ≥ p or x = 0 with sign bit
    if (A.isSmallOrder()) return false; // rule 2
    const R = signature.subarray(0, 32);
    const S = littleEndian(signature.subarray(32, 64));
    if (S >= L) return false; // rule 3
    const k = littleEndian(sha512(concatBytes(R, publicKey, message))) % L;
    const expectedR = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
    return equalBytes(expectedR.toBytes(), R); // rule 4
  } catch {
    return false;
  }
}

/**
 * The verdict of {@link verify}, computed by OpenSSL through node:crypto: measured 4,800
 * verifications/s against noble's 760/s on one core (Node 20.20, OpenSSL 3.0, 200-byte message,
 * key import included); importing the key costs about as much as verifying, so the last
 * {@link KEY_CACHE_SIZE} keys are kept imported (a sender signs many transactions). Returns
 * false, never throws.
 */
export function verifyFast(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!wellSized(signature, message, publicKey)) return false;
  if (!nativeEd25519) return verify(signature, message, publicKey); // a browser: no OpenSSL (core/native.browser.ts)
  const key = importedKey(publicKey); // null: breaks rules 1–2 (OpenSSL reduces y ≥ p and accepts small order)
  if (!key) return false;
  try {
    return nativeEd25519.verify(message, key, signature); // rules 3–4
  } catch {
    return false;
  }
}

export const KEY_CACHE_SIZE = 4096;

/** The public key as OpenSSL's key object, or null if it is not strict or not a key at all. */
const importedKey = keptBy(KEY_CACHE_SIZE, (publicKey) => (isStrictPublicKey(publicKey) ? nativeEd25519!.importKey(publicKey) : null));

/**
 * Rules 1 and 2 on the bytes alone, without decoding the point (decoding costs a field square root
 * and took verifyFast from 4,800 to 3,400 verifications/s): y < p, no "negative zero" (x = 0 only
 * for y = ±1), and not one of the 8 canonical encodings of the points of small order. Whether A
 * is on the curve at all is left to the verifier, which refuses it otherwise.
 */
export function isStrictPublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  const y = littleEndian(publicKey) & Y_MASK;
  if (y >= P) return false;
  if ((publicKey[31]! & 0x80) !== 0 && (y === 1n || y === P - 1n)) return false;
  return !SMALL_ORDER.has(bytesToHex(publicKey));
}

const P = 2n ** 255n - 19n;
const Y_MASK = 2n ** 255n - 1n;

/**
 * The canonical encodings of the 8 points of order dividing 8 (the torsion subgroup E[8]); the
 * unit tests decode each and check that it is of small order and that all 8 are distinct.
 */
export const SMALL_ORDER_PUBLIC_KEYS: readonly string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity, order 1
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // (0, −1), order 2
  '0000000000000000000000000000000000000000000000000000000000000000', // (±√−1, 0), order 4
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];
const SMALL_ORDER = new Set(SMALL_ORDER_PUBLIC_KEYS);

function wellSized(signature: unknown, message: unknown, publicKey: unknown): boolean {
  return (
    signature instanceof Uint8Array &&
    signature.length === SIGNATURE_BYTES &&
    message instanceof Uint8Array &&
    publicKey instanceof Uint8Array &&
    publicKey.length === PUBLIC_KEY_BYTES
  );
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}
