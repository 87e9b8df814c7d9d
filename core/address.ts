/**
 * Account addresses: `<municipality code>:<64 lower-case hex of an Ed25519 public key>`, e.g.
 * `kyoto:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a`.
 *
 * One spelling per account: the code is the municipality's (core/municipality.ts) and the key is
 * the 32-byte RFC 8032 §5.1.5 encoding in lower-case hex, so addresses compare as strings.
 */
import { assertBytes, bytesToHex, hexToBytes } from './bytes.ts';
import { isStrictPublicKey } from './ed25519.ts';
import { aikiError } from './errors.ts';
import { MUNICIPALITY_CODE } from './municipality.ts';

export const ADDRESS = /^([a-z][a-z0-9-]{1,31}):([0-9a-f]{64})$/;

export type ParsedAddress = { municipality: string; publicKey: Uint8Array };

export function isAddress(s: unknown): s is string {
  return typeof s === 'string' && ADDRESS.test(s);
}

/** Splits an address; throws BAD_ADDRESS for anything else (wrong type, upper case, short key…). */
export function parseAddress(s: unknown): ParsedAddress {
  const match = typeof s === 'string' ? ADDRESS.exec(s) : null;
  if (!match) {
    const shown = typeof s === 'string' ? JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s) : typeof s;
    throw aikiError('BAD_ADDRESS', `expected an address <municipality>:<64 lower-case hex>, got ${shown}`);
  }
  return { municipality: match[1]!, publicKey: hexToBytes(match[2]!) };
}

/** `<municipality>:<hex of the 32-byte public key>`; throws TypeError for a bad code or key length. */
export function formatAddress(municipality: string, publicKey: Uint8Array): string {
  if (typeof municipality !== 'string' || !MUNICIPALITY_CODE.test(municipality)) {
    throw new TypeError(`expected a municipality code matching ${MUNICIPALITY_CODE}, got ${JSON.stringify(municipality)}`);
  }
  return `${municipality}:${bytesToHex(assertBytes(publicKey, 32, 'publicKey'))}`;
}

/**
 * Throws BAD_ADDRESS unless somebody can sign for `address`: its key must be a strict Ed25519 key
 * (core/ed25519.ts: canonical, not one of the 8 small-order points). The one rule for crediting
 * an account — applied by the ledger that keeps it, to a local transfer and to a credit from
 * another municipality alike: money there could never be spent (docs/PROTOCOL.md §3).
 */
export function assertCreditable(address: string, field = 'to'): void {
  if (!isStrictPublicKey(parseAddress(address).publicKey)) {
    throw aikiError('BAD_ADDRESS', `${address} is not an Ed25519 public key anyone can sign for: money sent there could never be spent`, { field });
  }
}
