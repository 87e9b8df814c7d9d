import { describe, expect, it } from 'vitest';
import { ADDRESS, formatAddress, isAddress, parseAddress } from '../../core/address.ts';
import { bytesToHex } from '../../core/bytes.ts';
import { AikiError } from '../../core/errors.ts';

const KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('addresses', () => {
  it('parses and formats <municipality>:<64 hex>', () => {
    const parsed = parseAddress(`shin-osaka:${KEY}`);
    expect(parsed.municipality).toBe('shin-osaka');
    expect(bytesToHex(parsed.publicKey)).toBe(KEY);
    expect(formatAddress('shin-osaka', parsed.publicKey)).toBe(`shin-osaka:${KEY}`);
    expect(isAddress(`kyoto:${KEY}`)).toBe(true);
    expect(ADDRESS.source).toBe('^([a-z][a-z0-9-]{1,31}):([0-9a-f]{64})$');
  });

  it.each([
    ['upper-case hex', `kyoto:${KEY.toUpperCase()}`],
    ['a short key', `kyoto:${KEY.slice(2)}`],
    ['a long key', `kyoto:${KEY}00`],
    ['no municipality', `:${KEY}`],
    ['a one-letter municipality', `k:${KEY}`],
    ['an upper-case municipality', `Kyoto:${KEY}`],
    ['a trailing newline', `kyoto:${KEY}\n`],
    ['a number', 42],
    ['an operator object', { $gt: '' }],
    ['null', null],
  ])('refuses %s with BAD_ADDRESS', (_what, value) => {
    expect(isAddress(value)).toBe(false);
    let error: unknown;
    try {
      parseAddress(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AikiError);
    expect((error as AikiError).code).toBe('BAD_ADDRESS');
  });

  it('refuses to format a key of the wrong length or a bad code', () => {
    expect(() => formatAddress('kyoto', new Uint8Array(31))).toThrow('expected 32 bytes, got 31');
    expect(() => formatAddress('Kyoto', new Uint8Array(32))).toThrow(TypeError);
  });
});
