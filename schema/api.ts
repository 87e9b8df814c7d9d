/**
 * The gateway's public API schema with no extension subgraph: the supergraph of the main chain and
 * the ledger contract, as clients see it (federation directives and inaccessible fields removed).
 * The explorer's typed documents are generated against it (codegen.ts).
 */
import { composeServices } from '@apollo/composition';
import { printSchema } from 'graphql';
import { LEDGER_ROUTER_URL } from './compose.ts';
import { ledger, mainchain } from './sdl.ts';

export function apiSchemaSdl(): string {
  const result = composeServices([
    { name: 'mainchain', url: 'http://mainchain.invalid/graphql', typeDefs: mainchain.typeDefs },
    { name: 'ledger', url: LEDGER_ROUTER_URL, typeDefs: ledger.typeDefs },
  ]);
  if (result.errors) throw new Error(`the contracts do not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  return printSchema(result.schema.toAPISchema().toGraphQLJSSchema());
}
