import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertBytes, bytesToHex, concatBytes, equalBytes, hexToBytes, sha256, sha256Hex, sha256Native, utf8 } from '../../core/bytes.ts';

describe('hex', () => {
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(hexToBytes(bytesToHex(all))).toEqual(all);
    expect(bytesToHex(new Uint8Array([0, 15, 16, 255]))).toBe('000f10ff');
  });

  it.each([
    ['odd length', 'abc', 'expected an even number of hex digits, got 3'],
    ['upper case', 'AB', 'expected lower-case hex digits only (0-9, a-f)'],
    ['a 0x prefix', '0x00', 'expected lower-case hex digits only (0-9, a-f)'],
    ['a space', 'a ', 'expected lower-case hex digits only (0-9, a-f)'],
  ])('refuses %s', (_what, hex, message) => {
    expect(() => hexToBytes(hex)).toThrow(message);
  });
});

describe('bytes', () => {
  it('guards lengths with an exact message', () => {
    expect(() => assertBytes(new Uint8Array(31), 32)).toThrow('expected 32 bytes, got 31');
    expect(() => assertBytes('00', 32)).toThrow(TypeError);
  });

  it('concatenates and compares', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });

  it('encodes UTF-8 and refuses a lone surrogate', () => {
    expect(bytesToHex(utf8('aé☕😀'))).toBe('61c3a9e29895f09f9880');
    expect(() => utf8('\ud800')).toThrow('expected a well-formed string, got a lone surrogate');
  });
});

describe('sha256', () => {
  it('gives the FIPS 180-4 digests of "" and "abc"', () => {
    expect(sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agrees with node:crypto on random inputs of every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(randomBytes(n));
      const expected = createHash('sha256').update(data).digest('hex');
      expect(bytesToHex(sha256(data))).toBe(expected);
      expect(bytesToHex(sha256Native(data))).toBe(expected);
    }
  });
});
