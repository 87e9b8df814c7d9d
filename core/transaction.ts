/**
 * Transfers: the body a sender signs, its id, and the shape-and-signature check every ledger
 * applies before looking at balances or nonces.
 *
 *   signing bytes = UTF-8("aiki/tx/v1\n") ‖ canonicalJson(body)        (RFC 8785, core/canonical.ts)
 *   id            = hex(SHA-256(signing bytes))
 *   signature     = hex(Ed25519(signing bytes, sender's secret key))    (RFC 8032 §5.1.6)
 *
 * The domain prefix keeps a transfer signature from being valid as any other signed message of
 * ours (a block hash, a future message type). The id covers the body, not the signature, so it
 * cannot be changed by re-encoding a signature; Ed25519 is deterministic, so a body has exactly
 * one valid signature per key anyway.
 */
import { bytesToHex, concatBytes, hexToBytes, sha256Hex, utf8 } from './bytes.ts';
import { parseAddress } from './address.ts';
import { canonicalBytes } from './canonical.ts';
import { sign, verifyFast, type verify } from './ed25519.ts';
import { aikiError, type ErrorCode } from './errors.ts';

export interface TransferBody {
  v: 1;
  type: 'transfer';
  from: string;
  to: string;
  amount: string;
  nonce: number;
  memo: string;
  time: string;
}

export interface SignedTransaction {
  body: TransferBody;
  /** 128 lower-case hex: the 64-byte Ed25519 signature of {@link signingBytes}. */
  signature: string;
}

export type CheckedTransaction = { id: string; tx: SignedTransaction; amount: bigint };

export type CheckOptions = {
  /** Signature verifier; default {@link verifyFast}. Both verifiers of core/ed25519.ts give the same verdicts. */
  verifier?: typeof verify;
  /** When given, `time` must lie within `maxSkewMs` of it. */
  now?: Date;
  /** Default 5 minutes. */
  maxSkewMs?: number;
};

export const TX_DOMAIN = 'aiki/tx/v1\n';
/** 2^53-1: amounts are integers in the smallest unit and stay exact as JavaScript numbers too. */
export const MAX_AMOUNT = 9007199254740991n;
export const MAX_MEMO_BYTES = 256;
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

/** The fields of a transfer body, in canonical (sorted) order. */
export const TRANSFER_FIELDS = ['amount', 'from', 'memo', 'nonce', 'time', 'to', 'type', 'v'] as const;

/** `Date.prototype.toISOString()` of a year 0000–9999: UTC with milliseconds, e.g. 2025-04-01T09:30:00.000Z. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const AMOUNT = /^[1-9][0-9]*$/;
const SIGNATURE_HEX = /^[0-9a-f]{128}$/;

/** True for a real instant written exactly as `Date.prototype.toISOString()` writes it (not 2025-02-30…). */
export function isCanonicalTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && new Date(value).toISOString() === value;
}

/** UTF-8("aiki/tx/v1\n") ‖ canonicalBytes(body): the bytes that are signed and hashed. */
export function signingBytes(body: TransferBody): Uint8Array {
  return concatBytes(utf8(TX_DOMAIN), canonicalBytes(body));
}

/** hex(SHA-256(signingBytes(body))): the transaction id, also its Merkle leaf (as 32 bytes). */
export function transactionId(body: TransferBody): string {
  return sha256Hex(signingBytes(body));
}

/**
 * Signs `body` as it is: no rule is checked here (tests sign malformed bodies on purpose), so run
 * {@link checkTransaction} on the result before trusting it.
 */
export function signTransfer(body: TransferBody, secretKey: Uint8Array): SignedTransaction {
  return { body, signature: bytesToHex(sign(signingBytes(body), secretKey)) };
}

/**
 * Checks a transfer's shape and signature, not its effect (balance, nonce order). Throws an
 * AikiError, checking in this order: BAD_TRANSACTION (not an object of exactly `body` and
 * `signature`; a body without exactly the 8 fields; v ≠ 1; type ≠ 'transfer'), BAD_ADDRESS (from,
 * to), BAD_AMOUNT, BAD_NONCE, BAD_TRANSACTION (memo not a well-formed string), MEMO_TOO_LONG,
 * BAD_TRANSACTION (time format; time too far from `opts.now`), SELF_TRANSFER, BAD_SIGNATURE.
 * Returns a fresh copy holding only the known fields, its id and its amount as a bigint.
 */
export function checkTransaction(tx: unknown, opts: CheckOptions = {}): CheckedTransaction {
  const envelope = exactRecord(tx, ['body', 'signature'], 'transaction');
  const b = exactRecord(envelope.body, TRANSFER_FIELDS, 'transaction body');
  if (b.v !== 1) fail('BAD_TRANSACTION', `v must be 1, got ${show(b.v)}`, 'v');
  if (b.type !== 'transfer') fail('BAD_TRANSACTION', `type must be "transfer", got ${show(b.type)}`, 'type');
  const from = addressField(b.from, 'from');
  addressField(b.to, 'to');
  const amount = checkAmount(b.amount);
  const nonce = checkNonce(b.nonce);
  const memo = checkMemo(b.memo);
  const time = checkTime(b.time, opts);
  if (b.from === b.to) fail('SELF_TRANSFER', `from and to are the same account ${b.from as string}`, 'to');

  const body: TransferBody = {
    v: 1,
    type: 'transfer',
    from: b.from as string,
    to: b.to as string,
    amount: b.amount as string,
    nonce,
    memo,
    time,
  };
  const signature = envelope.signature;
  if (typeof signature !== 'string' || !SIGNATURE_HEX.test(signature)) {
    fail('BAD_SIGNATURE', `signature must be 128 lower-case hex characters (64 bytes), got ${show(signature)}`, 'signature');
  }
  const verifier = opts.verifier ?? verifyFast;
  const bytes = signingBytes(body);
  if (!verifier(hexToBytes(signature), bytes, from)) {
    fail('BAD_SIGNATURE', `signature does not verify against the public key of ${body.from}`, 'signature');
  }
  return { id: sha256Hex(bytes), tx: { body, signature }, amount };
}

export function exactRecord(value: unknown, fields: readonly string[], what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('BAD_TRANSACTION', `${what} must be an object, got ${show(value)}`);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail('BAD_TRANSACTION', `${what} must be a plain object`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const missing = fields.filter((f) => !Object.hasOwn(record, f) || record[f] === undefined);
  if (missing.length > 0) fail('BAD_TRANSACTION', `${what} lacks ${missing.join(', ')}`, missing[0]);
  const extra = keys.filter((k) => !fields.includes(k));
  if (extra.length > 0) fail('BAD_TRANSACTION', `${what} has unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}`, extra[0]);
  return record;
}

export function addressField(value: unknown, field: 'from' | 'to'): Uint8Array {
  try {
    return parseAddress(value).publicKey;
  } catch {
    return fail('BAD_ADDRESS', `${field} must be an address <municipality>:<64 lower-case hex>, got ${show(value)}`, field);
  }
}

/** A positive integer in the smallest unit, in plain decimal, at most 2^53-1; each refusal names its rule. */
export function checkAmount(value: unknown): bigint {
  const rule = (why: string): never => fail('BAD_AMOUNT', `amount ${why}, got ${show(value)}`, 'amount');
  if (typeof value !== 'string') return rule('must be a string of decimal digits');
  if (AMOUNT.test(value)) {
    // Longer than 16 digits is over 2^53-1 whatever the digits; BigInt is only parsed when it fits.
    if (value.length > 16 || BigInt(value) > MAX_AMOUNT) return rule(`must be at most ${MAX_AMOUNT} (2^53-1)`);
    return BigInt(value);
  }
  if (/^0+$/.test(value)) return rule('must be at least 1');
  if (value.startsWith('-')) return rule('must be positive, without a sign');
  if (value.startsWith('+')) return rule('must be written without a sign');
  if (/^[0-9]*\.[0-9]*$/.test(value)) return rule('must be a whole number of the smallest unit, without a decimal point');
  if (/[eE]/.test(value)) return rule('must be plain decimal digits, without an exponent');
  if (/^0[0-9]+$/.test(value)) return rule('must not have leading zeros');
  return rule(`must match ${AMOUNT}`);
}

function checkNonce(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail('BAD_NONCE', `nonce must be a safe integer >= 1, got ${show(value)}`, 'nonce');
  }
  return value;
}

function checkMemo(value: unknown): string {
  if (typeof value !== 'string') return fail('BAD_TRANSACTION', `memo must be a string, got ${show(value)}`, 'memo');
  let bytes: number;
  try {
    bytes = utf8(value).length;
  } catch {
    return fail('BAD_TRANSACTION', 'memo must be well-formed Unicode (it has a lone surrogate)', 'memo');
  }
  if (bytes > MAX_MEMO_BYTES) fail('MEMO_TOO_LONG', `memo is ${bytes} bytes in UTF-8, at most ${MAX_MEMO_BYTES} are allowed`, 'memo');
  return value;
}

export function checkTime(value: unknown, opts: CheckOptions): string {
  if (!isCanonicalTime(value)) {
    fail(
      'BAD_TRANSACTION',
      `time must be ISO 8601 UTC with milliseconds as Date.toISOString() writes it (2025-04-01T09:30:00.000Z), got ${show(value)}`,
      'time',
    );
  }
  if (opts.now !== undefined) {
    const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    const skew = Math.abs(Date.parse(value) - opts.now.getTime());
    if (!(skew <= maxSkewMs)) {
      fail('BAD_TRANSACTION', `time ${value} is ${skew} ms from now (${opts.now.toISOString()}), more than the ${maxSkewMs} ms allowed`, 'time');
    }
  }
  return value;
}

export function fail(code: ErrorCode, message: string, field?: string): never {
  throw aikiError(code, message, field === undefined ? {} : { field });
}

/** A short, safe rendering of a client's value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
