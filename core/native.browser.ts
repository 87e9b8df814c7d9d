/**
 * core/native.ts for browsers (the explorer's build puts it in that file's place): the same
 * results with noble, no OpenSSL. Ed25519 has no native verifier here, so ed25519.ts's
 * `verifyFast` gives the verdict of its noble `verify` — the one rule either way.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const nativeSha256 = (data: Uint8Array): Uint8Array => sha256(data);

export function nativeSha256Chain(h: Uint8Array, n: number): Uint8Array {
  let x = h;
  for (let i = 0; i < n; i++) x = sha256(x);
  return x;
}

export const nativeEd25519: typeof import('./native.ts').nativeEd25519 = undefined;
