import { createPrivateKey, sign as opensslSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { canonicalJson } from '../../core/canonical.ts';
import { verify, verifyFast } from '../../core/ed25519.ts';
import { AikiError, type ErrorCode } from '../../core/errors.ts';
import { MAX_MEMO_BYTES, checkTransaction, signTransfer, signingBytes, transactionId, type TransferBody } from '../../core/transaction.ts';
import { alice, bob } from '../vectors/generate.ts';
import { vectors } from '../vectors/load.ts';

type TxVector = { secretKey: string; body: TransferBody; txid: string; signature: string };
const v = vectors<TxVector & { publicKey: string; canonicalJson: string; signingBytes: string; more: TxVector[] }>('transaction.json');

function opensslSignature(message: Uint8Array, seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return opensslSign(null, message, key).toString('hex');
}

const body = (over: Partial<Record<keyof TransferBody, unknown>> = {}): TransferBody =>
  ({
    v: 1,
    type: 'transfer',
    from: alice.address,
    to: bob.address,
    amount: '1500',
    nonce: 1,
    memo: 'tea',
    time: '2025-04-01T09:30:00.000Z',
    ...over,
  }) as TransferBody;

/**
 * A transaction whose body is `b`, correctly signed by alice so that only the rule under test
 * fails; a body that has no canonical form (a fractional nonce) cannot be signed and gets zeros.
 */
const signed = (b: unknown) => {
  try {
    return signTransfer(b as TransferBody, alice.secretKey);
  } catch {
    return { body: b as TransferBody, signature: '00'.repeat(64) };
  }
};

function codeOf(fn: () => unknown): { code: ErrorCode; message: string } | 'passed' {
  try {
    fn();
    return 'passed';
  } catch (e) {
    if (!(e instanceof AikiError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe('transaction vectors', () => {
  it('reproduces the canonical JSON, signing bytes, id and signature of transaction.json', () => {
    expect(canonicalJson(v.body)).toBe(v.canonicalJson);
    expect(bytesToHex(signingBytes(v.body))).toBe(v.signingBytes);
    expect(transactionId(v.body)).toBe(v.txid);
    expect(signTransfer(v.body, hexToBytes(v.secretKey)).signature).toBe(v.signature);
  });

  it.each([v, ...v.more].map((t, i) => [i, t] as const))('vector %i: node:crypto signs the same bytes to the same signature, and it checks', (_i, t) => {
    expect(opensslSignature(signingBytes(t.body), hexToBytes(t.secretKey))).toBe(t.signature);
    const checked = checkTransaction({ body: t.body, signature: t.signature });
    expect(checked.id).toBe(t.txid);
    expect(checked.amount).toBe(BigInt(t.body.amount));
  });

  it('signing bytes are the domain "aiki/tx/v1\\n" followed by the canonical body', () => {
    expect(new TextDecoder().decode(signingBytes(v.body))).toBe(`aiki/tx/v1\n${v.canonicalJson}`);
  });
});

describe('checkTransaction', () => {
  it('accepts a well-formed signed transfer and returns a clean copy, its id and amount', () => {
    const tx = signed(body({ amount: '9007199254740991', memo: 'x'.repeat(MAX_MEMO_BYTES) }));
    const checked = checkTransaction(tx);
    expect(checked.tx).toEqual(tx);
    expect(checked.tx.body).not.toBe(tx.body);
    expect(checked.id).toBe(transactionId(tx.body));
    expect(checked.amount).toBe(9007199254740991n);
  });

  it('accepts the same transaction with either verifier', () => {
    const tx = signed(body());
    expect(checkTransaction(tx, { verifier: verify }).id).toBe(checkTransaction(tx, { verifier: verifyFast }).id);
  });

  it.each([
    ['refuses a non-object', 'tx', 'BAD_TRANSACTION'],
    ['refuses null', null, 'BAD_TRANSACTION'],
    ['refuses an array', [], 'BAD_TRANSACTION'],
  ] as const)('%s', (_name, tx, code) => {
    expect(codeOf(() => checkTransaction(tx))).toMatchObject({ code });
  });

  const cases: [string, () => unknown, ErrorCode, RegExp?][] = [
    ['refuses an envelope with an extra field', () => ({ ...signed(body()), extra: 1 }), 'BAD_TRANSACTION', /unknown field "extra"/],
    ['refuses an envelope without signature', () => ({ body: body() }), 'BAD_TRANSACTION', /lacks signature/],
    [
      'refuses a body with a missing field',
      () => {
        const b: Record<string, unknown> = { ...body() };
        delete b.memo;
        return signed(b);
      },
      'BAD_TRANSACTION',
      /lacks memo/,
    ],
    ['refuses a body with an extra field', () => signed({ ...body(), fee: '1' }), 'BAD_TRANSACTION', /unknown field "fee"/],
    [
      'refuses a body with an own __proto__ field',
      () => ({ body: JSON.parse(`{"__proto__":{},${JSON.stringify(body()).slice(1)}`), signature: '00'.repeat(64) }),
      'BAD_TRANSACTION',
      /__proto__/,
    ],
    ['refuses version 2', () => signed(body({ v: 2 })), 'BAD_TRANSACTION', /v must be 1/],
    ['refuses the version as a string', () => signed(body({ v: '1' })), 'BAD_TRANSACTION', /v must be 1/],
    ['refuses another type', () => signed(body({ type: 'mint' })), 'BAD_TRANSACTION', /type must be "transfer"/],
    ['refuses a malformed from address', () => signed(body({ from: 'kyoto:xyz' })), 'BAD_ADDRESS', /from must be an address/],
    ['refuses a malformed to address', () => signed(body({ to: bob.address.toUpperCase() })), 'BAD_ADDRESS', /to must be an address/],
    ['refuses an operator object as address', () => signed(body({ to: { $gt: '' } })), 'BAD_ADDRESS'],
    ['refuses a zero amount', () => signed(body({ amount: '0' })), 'BAD_AMOUNT', /at least 1/],
    ['refuses a negative amount', () => signed(body({ amount: '-5' })), 'BAD_AMOUNT', /positive, without a sign/],
    ['refuses a fractional amount', () => signed(body({ amount: '1.5' })), 'BAD_AMOUNT', /without a decimal point/],
    ['refuses an amount with an exponent', () => signed(body({ amount: '1e3' })), 'BAD_AMOUNT', /without an exponent/],
    ['refuses an amount with leading zeros', () => signed(body({ amount: '0100' })), 'BAD_AMOUNT', /leading zeros/],
    ['refuses an amount over 2^53-1', () => signed(body({ amount: '9007199254740992' })), 'BAD_AMOUNT', /at most 9007199254740991/],
    ['refuses a very long amount', () => signed(body({ amount: '9'.repeat(5000) })), 'BAD_AMOUNT', /at most 9007199254740991/],
    ['refuses an amount given as a number', () => signed(body({ amount: 1500 })), 'BAD_AMOUNT', /string of decimal digits/],
    ['refuses an operator object as amount', () => signed(body({ amount: { $gt: '' } })), 'BAD_AMOUNT'],
    ['refuses nonce 0', () => signed(body({ nonce: 0 })), 'BAD_NONCE', /safe integer >= 1/],
    ['refuses a fractional nonce', () => signed(body({ nonce: 1.5 })), 'BAD_NONCE'],
    ['refuses an unsafe nonce', () => signed(body({ nonce: 2 ** 53 })), 'BAD_NONCE'],
    ['refuses a nonce given as a string', () => signed(body({ nonce: '1' })), 'BAD_NONCE'],
    ['refuses a memo of 257 UTF-8 bytes', () => signed(body({ memo: `${'é'.repeat(128)}a` })), 'MEMO_TOO_LONG', /257 bytes/],
    ['refuses a memo that is not a string', () => signed(body({ memo: { $gt: '' } })), 'BAD_TRANSACTION', /memo must be a string/],
    ['refuses a memo with a lone surrogate', () => ({ body: body({ memo: '\ud800' }), signature: '00'.repeat(64) }), 'BAD_TRANSACTION', /lone surrogate/],
    ['refuses a time without milliseconds', () => signed(body({ time: '2025-04-01T09:30:00Z' })), 'BAD_TRANSACTION', /time must be ISO 8601/],
    ['refuses a time with an offset', () => signed(body({ time: '2025-04-01T09:30:00.000+09:00' })), 'BAD_TRANSACTION', /time must be ISO 8601/],
    ['refuses a date that does not exist', () => signed(body({ time: '2025-02-30T09:30:00.000Z' })), 'BAD_TRANSACTION', /time must be ISO 8601/],
    ['refuses a time as a number', () => signed(body({ time: 1743499800000 })), 'BAD_TRANSACTION', /time must be ISO 8601/],
    ['refuses a transfer to oneself', () => signed(body({ to: alice.address })), 'SELF_TRANSFER'],
    ['refuses a signature that is not hex', () => ({ ...signed(body()), signature: 'zz'.repeat(64) }), 'BAD_SIGNATURE', /128 lower-case hex/],
    [
      'refuses an upper-case signature',
      () => {
        const tx = signed(body());
        return { ...tx, signature: tx.signature.toUpperCase() };
      },
      'BAD_SIGNATURE',
      /128 lower-case hex/,
    ],
    [
      'refuses a short signature',
      () => {
        const tx = signed(body());
        return { ...tx, signature: tx.signature.slice(2) };
      },
      'BAD_SIGNATURE',
      /128 lower-case hex/,
    ],
    ['refuses an operator object as signature', () => ({ body: body(), signature: { $gt: '' } }), 'BAD_SIGNATURE'],
    [
      'refuses a signature over another body',
      () => ({ body: body({ amount: '1501' }), signature: signed(body()).signature }),
      'BAD_SIGNATURE',
      /does not verify/,
    ],
    [
      'refuses a signature by another key',
      () => ({ body: body(), signature: signTransfer(body(), bob.secretKey).signature }),
      'BAD_SIGNATURE',
      /does not verify/,
    ],
    ['refuses a signature without the domain prefix', () => ({ body: body(), signature: bytesToHex(signRaw(body())) }), 'BAD_SIGNATURE', /does not verify/],
  ];

  it.each(cases)('%s', (_name, make, code, message) => {
    const result = codeOf(() => checkTransaction(make()));
    expect(result).toMatchObject({ code });
    if (message) expect((result as { message: string }).message).toMatch(message);
  });

  it('checks the time against now within the allowed skew (5 minutes by default)', () => {
    const tx = signed(body({ time: '2025-04-01T09:30:00.000Z' }));
    expect(codeOf(() => checkTransaction(tx, { now: new Date('2025-04-01T09:35:00.000Z') }))).toBe('passed');
    expect(codeOf(() => checkTransaction(tx, { now: new Date('2025-04-01T09:35:00.001Z') }))).toMatchObject({ code: 'BAD_TRANSACTION' });
    expect(codeOf(() => checkTransaction(tx, { now: new Date('2025-04-01T09:29:00.000Z'), maxSkewMs: 59_999 }))).toMatchObject({ code: 'BAD_TRANSACTION' });
    expect(codeOf(() => checkTransaction(tx, { now: new Date('2025-04-01T09:29:00.000Z'), maxSkewMs: 60_000 }))).toBe('passed');
  });

  it('never lets an operator object through in any field', () => {
    for (const field of ['v', 'type', 'from', 'to', 'amount', 'nonce', 'memo', 'time'] as const) {
      const result = codeOf(() => checkTransaction({ body: body({ [field]: { $gt: '' } }), signature: '00'.repeat(64) }));
      expect(result, field).not.toBe('passed');
    }
    expect(codeOf(() => checkTransaction({ body: { $gt: '' }, signature: '00'.repeat(64) }))).toMatchObject({ code: 'BAD_TRANSACTION' });
  });
});

/** Alice's signature over the canonical body without the "aiki/tx/v1\n" prefix. */
function signRaw(b: TransferBody): Uint8Array {
  return hexToBytes(opensslSignature(new TextEncoder().encode(canonicalJson(b)), alice.secretKey));
}
