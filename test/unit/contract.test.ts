import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ledger, mainchain, schemaFingerprint } from '../../schema/index.ts';

async function servedSdl(typeDefs: typeof ledger.typeDefs): Promise<string> {
  const schema = buildSubgraphSchema({ typeDefs, resolvers: {} });
  const result = await graphql({ schema, source: '{ _service { sdl } }' });
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

describe('schemaFingerprint', () => {
  it('equals for the contract file and the SDL a subgraph built from it serves', async () => {
    expect(schemaFingerprint(await servedSdl(ledger.typeDefs))).toBe(schemaFingerprint(ledger.sdl));
  });

  it('ignores descriptions, comments and definition order', () => {
    const a = 'type A @key(fields: "id") { id: ID! b: B } type B { x: Int }';
    const b = '# note\ntype B { x: Int }\n"An A" type A @key(fields: "id") { "the id" id: ID! b: B }';
    expect(schemaFingerprint(a)).toBe(schemaFingerprint(b));
  });

  it.each([
    ['another type of a field', 'type A @key(fields: "id") { id: ID b: B } type B { x: Int }'],
    ['another key', 'type A @key(fields: "b") { id: ID! b: B } type B { x: Int }'],
    ['one more field', 'type A @key(fields: "id") { id: ID! b: B c: Int } type B { x: Int }'],
  ])('differs for %s', (_what, other) => {
    expect(schemaFingerprint(other)).not.toBe(schemaFingerprint('type A @key(fields: "id") { id: ID! b: B } type B { x: Int }'));
  });

  it('tells the ledger and main-chain contracts apart', () => {
    expect(schemaFingerprint(ledger.sdl)).not.toBe(schemaFingerprint(mainchain.sdl));
  });
});
