import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockVectors, pohVectors, protocolVectors, transactionVectors } from '../vectors/generate.ts';

const file = (name: string) => readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8');

describe('our vector files', () => {
  it.each([
    ['transaction.json', transactionVectors],
    ['poh.json', pohVectors],
    ['block.json', blockVectors],
    ['protocol.json', protocolVectors],
  ] as const)('%s is exactly what test/vectors/generate.ts computes now', (name, make) => {
    expect(file(name)).toBe(`${JSON.stringify(make(), null, 2)}\n`);
  });

  it.each(['ed25519.json', 'merkle.json', 'jcs.json', 'transaction.json', 'poh.json', 'block.json', 'protocol.json'])('%s names its source', (name) => {
    expect(JSON.parse(file(name)).source).toMatch(/\S{10}/);
  });
});
