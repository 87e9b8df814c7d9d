// Generates the resolver types in schema/generated/ from the contracts, and the explorer's typed
// documents in explorer/src/gql/: `npm run codegen`. Neither is committed (.gitignore): npm ci
// (package.json "prepare"), `npm run typecheck` and `npm run build` generate them, so they are never
// out of date and never reviewed twice.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { apiSchemaSdl } from './schema/api.ts';

const plugins = ['typescript', 'typescript-resolvers'];
const config = (contextType: string, mappers: Record<string, string> = {}, more: Record<string, unknown> = {}) => ({
  mappers,
  federation: true,
  useIndexSignature: true,
  useTypeImports: true,
  enumsAsTypes: true,
  contextType,
  ...more,
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
    // The main chain's resolver types, over its schema types in mainchain.types.ts (below), imported
    // as `Types` rather than generated here again (typescript-resolvers' `namespacedImportName`). The
    // plugin names the entities it resolves by reference (`@key`, resolvable) without that prefix in
    // `FederationTypes` (typescript-resolvers 6.1), so those are imported by name too: tsc says
    // "Cannot find name" when a new one is missing here.
    'schema/generated/mainchain.ts': {
      schema: 'schema/mainchain.graphql',
      plugins: [
        { add: { content: "import type * as Types from './mainchain.types.ts';\nimport type { Municipality } from './mainchain.types.ts';" } },
        'typescript-resolvers',
      ],
      config: config(
        '../../subgraphs/mainchain/context.ts#MainchainContext',
        {
          MainChain: '../../subgraphs/mainchain/models.ts#MainChainModel',
          MainBlock: '../../subgraphs/mainchain/models.ts#MainBlockDoc',
          Anchor: '../../subgraphs/mainchain/models.ts#AnchorDoc',
          Settlement: '../../subgraphs/mainchain/models.ts#SettlementDoc',
          Trace: '../../subgraphs/mainchain/models.ts#TraceModel',
          TraceHop: '../../subgraphs/mainchain/models.ts#TraceHopModel',
          MainEvent: '../../subgraphs/mainchain/models.ts#MainEventModel',
          Proposal: '../../subgraphs/mainchain/models.ts#ProposalDoc',
          Vote: '../../subgraphs/mainchain/models.ts#VoteDoc',
          ExtensionSubgraph: '../../subgraphs/mainchain/models.ts#SubgraphDoc',
        },
        { namespacedImportName: 'Types' },
      ),
    },
    // The main chain's schema types alone (inputs, enums): what its modules import, and what the
    // resolver types above are written over. The resolver types import the context, which imports
    // those modules — an import circle if the modules took these types from there.
    'schema/generated/mainchain.types.ts': {
      schema: 'schema/mainchain.graphql',
      plugins: ['typescript'],
      config: { federation: true, useTypeImports: true, enumsAsTypes: true },
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
