import { describe, expect, it } from 'vitest';
import { municipalityOf } from '../../gateway/router/shardKey.ts';

describe('municipalityOf', () => {
  it('routes a Municipality by its code and any other entity by its id prefix', () => {
    expect(municipalityOf({ __typename: 'Municipality', code: 'kyoto' })).toBe('kyoto');
    expect(municipalityOf({ __typename: 'Account', id: 'shin-osaka:abc:def' })).toBe('shin-osaka');
  });

  it.each([
    ['a non-object', 'kyoto'],
    ['null', null],
    ['an array', [{ __typename: 'Municipality', code: 'kyoto' }]],
    ['no __typename', { code: 'kyoto' }],
    ['a Municipality without code', { __typename: 'Municipality' }],
    ['an operator instead of a code', { __typename: 'Municipality', code: { $gt: '' } }],
    ['an upper-case code', { __typename: 'Municipality', code: 'Kyoto' }],
    ['an id without municipality', { __typename: 'Account', id: 'abc' }],
    ['an id with an empty municipality', { __typename: 'Account', id: ':abc' }],
  ])('refuses %s as MALFORMED_REPRESENTATION', (_what, rep) => {
    const result = municipalityOf(rep);
    expect(typeof result).not.toBe('string');
    expect((result as Exclude<typeof result, string>).extensions.code).toBe('MALFORMED_REPRESENTATION');
  });
});
