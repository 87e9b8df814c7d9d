/**
 * Composition of the supergraph: the main chain, the ledger contract (one subgraph however many
 * municipalities there are: the gateway's shard router stands in for it) and the extension
 * subgraphs registered by governance. The main chain runs it before it registers an extension (a
 * proposal whose subgraph does not compose FAILS with these errors); the gateway runs it to
 * build the supergraph it serves. Before composing, each extension is held to what an extension
 * may do (schema/checkExtension.ts): composition alone would let it take over the contract.
 */
import { composeServices } from '@apollo/composition';
import { parse, type DocumentNode } from 'graphql';
import { ledger } from './sdl.ts';
import { checkExtension, coreOf } from './checkExtension.ts';

/** The ledger's URL in the supergraph. Never called: the shard router stands in for it. */
export const LEDGER_ROUTER_URL = 'http://ledger.shard-router.invalid/graphql';
/** Subgraph names an extension cannot take. */
export const RESERVED_SUBGRAPHS = ['mainchain', 'ledger'];

export interface ExtensionSdl {
  name: string;
  url: string;
  sdl: string;
}

/** Why a set does not compose: an extension reaching into the contract (CONTRACT_TAKEOVER), or composition's own errors. */
export type Composition = { ok: true; supergraphSdl: string } | { ok: false; code: 'CONTRACT_TAKEOVER' | 'COMPOSITION_FAILED'; errors: string[] };

export function composeFederation(mainchain: { url: string; sdl: string | DocumentNode }, extensions: ExtensionSdl[] = []): Composition {
  const services = [
    { name: 'mainchain', url: mainchain.url, sdl: mainchain.sdl },
    { name: 'ledger', url: LEDGER_ROUTER_URL, sdl: ledger.typeDefs as string | DocumentNode },
    ...extensions,
  ];
  let typeDefs;
  try {
    typeDefs = services.map((s) => ({ name: s.name, url: s.url, typeDefs: typeof s.sdl === 'string' ? parse(s.sdl) : s.sdl }));
  } catch (err) {
    return { ok: false, code: 'COMPOSITION_FAILED', errors: [`a subgraph's SDL does not parse: ${(err as Error).message}`] };
  }
  const core = coreOf([typeDefs[0]!.typeDefs, typeDefs[1]!.typeDefs]);
  const takeovers = typeDefs.slice(2).flatMap((s) => checkExtension(s.name, s.typeDefs, core));
  if (takeovers.length > 0) return { ok: false, code: 'CONTRACT_TAKEOVER', errors: takeovers };
  const result = composeServices(typeDefs);
  if (result.errors) return { ok: false, code: 'COMPOSITION_FAILED', errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
