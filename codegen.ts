// Generates the resolver types in schema/generated/ from the contracts: `npm run codegen`.
// `npm run lint` fails when the committed types are out of date.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { apiSchemaSdl } from './schema/api.ts';

const plugins = ['typescript', 'typescript-resolvers'];
const config = (contextType: string, mappers: Record<string, string> = {}) => ({
  mappers,
  federation: true,
  useIndexSignature: true,
  useTypeImports: true,
  enumsAsTypes: true,
  contextType,
});

const codegen: CodegenConfig = {
  overwrite: true,
  generates: {
    'schema/generated/ledger.ts': {
      schema: 'schema/ledger.graphql',
      plugins,
      // Resolvers receive our stored models as parents; the fields are resolved from them.
      config: config('../../subgraphs/ledger/context.ts#LedgerContext', {
        Chain: '../../subgraphs/ledger/models.ts#ChainModel',
        Block: '../../subgraphs/ledger/models.ts#BlockDoc',
        Transaction: '../../subgraphs/ledger/models.ts#TransactionModel',
        Account: '../../subgraphs/ledger/models.ts#AccountModel',
      }),
    },
    'schema/generated/mainchain.ts': {
      schema: 'schema/mainchain.graphql',
      plugins,
      config: config('../../subgraphs/mainchain/context.ts#MainchainContext', {
        MainChain: '../../subgraphs/mainchain/chain.ts#MainChainModel',
        MainBlock: '../../subgraphs/mainchain/chain.ts#MainBlockDoc',
        Anchor: '../../subgraphs/mainchain/anchors.ts#AnchorDoc',
        Settlement: '../../subgraphs/mainchain/settlements.ts#SettlementDoc',
        Trace: '../../subgraphs/mainchain/settlements.ts#TraceModel',
        TraceHop: '../../subgraphs/mainchain/settlements.ts#TraceHopModel',
        MainEvent: '../../subgraphs/mainchain/chain.ts#MainEventModel',
        Proposal: '../../subgraphs/mainchain/governance.ts#ProposalDoc',
        Vote: '../../subgraphs/mainchain/governance.ts#VoteDoc',
        ExtensionSubgraph: '../../subgraphs/mainchain/registry.ts#SubgraphDoc',
      }),
    },
    // The explorer's typed documents: each `graphql(...)` in explorer/src against the public API.
    // As strings (TypedDocumentString), so the browser needs no GraphQL parser to send them.
    'explorer/src/gql/': {
      schema: apiSchemaSdl(),
      documents: ['explorer/src/**/*.{ts,tsx}', '!explorer/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { documentMode: 'string', enumsAsTypes: true, useTypeImports: true, skipTypename: true },
    },
  },
};
export default codegen;
