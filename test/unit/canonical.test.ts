import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { canonicalBytes, canonicalJson } from '../../core/canonical.ts';
import { vectors } from '../vectors/load.ts';

const jcs = vectors<{ cases: { name: string; input: string; expected: string }[]; refused: { name: string; input: string }[] }>('jcs.json');

describe('canonicalJson (RFC 8785 vectors)', () => {
  it.each(jcs.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(canonicalJson(JSON.parse(c.input))).toBe(c.expected);
  });

  it.each(jcs.refused.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    expect(() => canonicalJson(JSON.parse(c.input))).toThrow(TypeError);
  });
});

describe('canonicalJson', () => {
  it('writes -0 as 0 and sorts keys by UTF-16 code units, not code points', () => {
    expect(canonicalJson(-0)).toBe('0');
    // U+FB33 (one unit 0xFB33) sorts after U+1F600 (units 0xD83D 0xDE00), unlike by code point.
    expect(canonicalJson({ '\ufb33': 1, '😀': 2 })).toBe('{"😀":2,"\ufb33":1}');
  });

  it.each([
    ['a fraction', 1.5, 'expected a safe integer, got 1.5'],
    ['NaN', Number.NaN, 'expected a safe integer, got NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'expected a safe integer, got Infinity'],
    ['an unsafe integer', 2 ** 53, 'expected a safe integer, got 9007199254740992'],
    ['a bigint', 1n, 'bigint has no JSON form'],
    ['undefined in an object', { a: undefined }, '$.a: undefined has no JSON form'],
    ['a hole in an array', [1, , 2], '$[1]: undefined has no JSON form'], // eslint-disable-line no-sparse-arrays
    ['a Date', new Date(0), 'expected a plain object, got Date'],
    ['a lone surrogate in a key', { '\udc00': 1 }, 'lone surrogate'],
  ])('refuses %s', (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses a circular structure', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow('circular reference');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('encodes as UTF-8', () => {
    expect(bytesToHex(canonicalBytes({ é: '☕' }))).toBe('7b22c3a9223a22e29895227d');
  });
});
