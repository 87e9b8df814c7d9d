/** The GraphQL contracts, read from the `.graphql` files beside this one. */
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

function load(name: string): { sdl: string; typeDefs: DocumentNode } {
  const sdl = readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8');
  return { sdl, typeDefs: parse(sdl) };
}

/** `schema/ledger.graphql`: the one schema every municipal ledger subgraph serves. */
export const ledger = load('ledger');
/** `schema/mainchain.graphql`: the main-chain subgraph. */
export const mainchain = load('mainchain');
