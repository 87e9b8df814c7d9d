/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Federation {\n    mainChain { height headHash head { time } }\n    municipalities {\n      code name status anchoredHeight\n      chain {\n        height headTime\n        blocks(first: 10) { edges { node { id height time txCount transactions(first: 5) { edges { node { id kind from to amount } } } } } }\n      }\n    }\n  }\n": typeof types.FederationDocument,
    "\n  query Chain($code: String!, $after: String) {\n    municipality(code: $code) {\n      code name status anchoredHeight sequencerKey registeredAt\n      chain {\n        height headHash headTime\n        blocks(first: 20, after: $after) { edges { node { id height hash time txCount } } pageInfo { hasNextPage endCursor } }\n      }\n    }\n  }\n": typeof types.ChainDocument,
    "\n  query Block($id: String!, $municipality: String!, $height: Int!) {\n    block(id: $id) {\n      id municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature\n      transactions(first: 100) { edges { node { id kind from to amount status } } pageInfo { hasNextPage } }\n    }\n    anchor(municipality: $municipality, height: $height) { hash inclusion { mainBlock { height } } }\n  }\n": typeof types.BlockDocument,
    "\n  query Transaction($id: String!) {\n    transaction(id: $id) {\n      id txid municipality status kind settlement from to amount nonce memo time signature height\n      rejection { code message }\n      proof {\n        txid index treeSize path root\n        header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        poh { ticks hash start segment { ticks event hash } }\n      }\n    }\n    settlement(id: $id) { id status destination }\n  }\n": typeof types.TransactionDocument,
    "\n  query Account($address: String!, $after: String) {\n    account(address: $address) {\n      id municipality balance nonce\n      transactions(first: 20, after: $after) { edges { node { id kind from to amount status time height } } pageInfo { hasNextPage endCursor } }\n    }\n  }\n": typeof types.AccountDocument,
    "\n  query KeyAccounts($publicKey: String!) {\n    keyAccounts(publicKey: $publicKey) { id municipality balance nonce }\n  }\n": typeof types.KeyAccountsDocument,
    "\n  query Proposals {\n    proposals(first: 100) { id status title proposer submittedAt votingEndsAt action { kind municipality subgraph } tally { yes no abstain veto pending } }\n    parameters { votingPeriodMs quorum threshold veto }\n  }\n": typeof types.ProposalsDocument,
    "\n  query Proposal($id: String!) {\n    proposal(id: $id) {\n      id status title description proposer submittedAt votingEndsAt decidedAt\n      action { kind municipality subgraph json }\n      electorate { code governanceKey }\n      rules { quorum threshold veto }\n      tally { yes no abstain veto pending }\n      votes { municipality option time }\n      failure { code message errors }\n    }\n  }\n": typeof types.ProposalDocument,
    "\n  query Search($hash: String!) {\n    municipalities { code chain { transaction(txid: $hash) { id } block(hash: $hash) { id } } }\n  }\n": typeof types.SearchDocument,
};
const documents: Documents = {
    "\n  query Federation {\n    mainChain { height headHash head { time } }\n    municipalities {\n      code name status anchoredHeight\n      chain {\n        height headTime\n        blocks(first: 10) { edges { node { id height time txCount transactions(first: 5) { edges { node { id kind from to amount } } } } } }\n      }\n    }\n  }\n": types.FederationDocument,
    "\n  query Chain($code: String!, $after: String) {\n    municipality(code: $code) {\n      code name status anchoredHeight sequencerKey registeredAt\n      chain {\n        height headHash headTime\n        blocks(first: 20, after: $after) { edges { node { id height hash time txCount } } pageInfo { hasNextPage endCursor } }\n      }\n    }\n  }\n": types.ChainDocument,
    "\n  query Block($id: String!, $municipality: String!, $height: Int!) {\n    block(id: $id) {\n      id municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature\n      transactions(first: 100) { edges { node { id kind from to amount status } } pageInfo { hasNextPage } }\n    }\n    anchor(municipality: $municipality, height: $height) { hash inclusion { mainBlock { height } } }\n  }\n": types.BlockDocument,
    "\n  query Transaction($id: String!) {\n    transaction(id: $id) {\n      id txid municipality status kind settlement from to amount nonce memo time signature height\n      rejection { code message }\n      proof {\n        txid index treeSize path root\n        header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        poh { ticks hash start segment { ticks event hash } }\n      }\n    }\n    settlement(id: $id) { id status destination }\n  }\n": types.TransactionDocument,
    "\n  query Account($address: String!, $after: String) {\n    account(address: $address) {\n      id municipality balance nonce\n      transactions(first: 20, after: $after) { edges { node { id kind from to amount status time height } } pageInfo { hasNextPage endCursor } }\n    }\n  }\n": types.AccountDocument,
    "\n  query KeyAccounts($publicKey: String!) {\n    keyAccounts(publicKey: $publicKey) { id municipality balance nonce }\n  }\n": types.KeyAccountsDocument,
    "\n  query Proposals {\n    proposals(first: 100) { id status title proposer submittedAt votingEndsAt action { kind municipality subgraph } tally { yes no abstain veto pending } }\n    parameters { votingPeriodMs quorum threshold veto }\n  }\n": types.ProposalsDocument,
    "\n  query Proposal($id: String!) {\n    proposal(id: $id) {\n      id status title description proposer submittedAt votingEndsAt decidedAt\n      action { kind municipality subgraph json }\n      electorate { code governanceKey }\n      rules { quorum threshold veto }\n      tally { yes no abstain veto pending }\n      votes { municipality option time }\n      failure { code message errors }\n    }\n  }\n": types.ProposalDocument,
    "\n  query Search($hash: String!) {\n    municipalities { code chain { transaction(txid: $hash) { id } block(hash: $hash) { id } } }\n  }\n": types.SearchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Federation {\n    mainChain { height headHash head { time } }\n    municipalities {\n      code name status anchoredHeight\n      chain {\n        height headTime\n        blocks(first: 10) { edges { node { id height time txCount transactions(first: 5) { edges { node { id kind from to amount } } } } } }\n      }\n    }\n  }\n"): typeof import('./graphql').FederationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Chain($code: String!, $after: String) {\n    municipality(code: $code) {\n      code name status anchoredHeight sequencerKey registeredAt\n      chain {\n        height headHash headTime\n        blocks(first: 20, after: $after) { edges { node { id height hash time txCount } } pageInfo { hasNextPage endCursor } }\n      }\n    }\n  }\n"): typeof import('./graphql').ChainDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Block($id: String!, $municipality: String!, $height: Int!) {\n    block(id: $id) {\n      id municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature\n      transactions(first: 100) { edges { node { id kind from to amount status } } pageInfo { hasNextPage } }\n    }\n    anchor(municipality: $municipality, height: $height) { hash inclusion { mainBlock { height } } }\n  }\n"): typeof import('./graphql').BlockDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Transaction($id: String!) {\n    transaction(id: $id) {\n      id txid municipality status kind settlement from to amount nonce memo time signature height\n      rejection { code message }\n      proof {\n        txid index treeSize path root\n        header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }\n        poh { ticks hash start segment { ticks event hash } }\n      }\n    }\n    settlement(id: $id) { id status destination }\n  }\n"): typeof import('./graphql').TransactionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Account($address: String!, $after: String) {\n    account(address: $address) {\n      id municipality balance nonce\n      transactions(first: 20, after: $after) { edges { node { id kind from to amount status time height } } pageInfo { hasNextPage endCursor } }\n    }\n  }\n"): typeof import('./graphql').AccountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyAccounts($publicKey: String!) {\n    keyAccounts(publicKey: $publicKey) { id municipality balance nonce }\n  }\n"): typeof import('./graphql').KeyAccountsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Proposals {\n    proposals(first: 100) { id status title proposer submittedAt votingEndsAt action { kind municipality subgraph } tally { yes no abstain veto pending } }\n    parameters { votingPeriodMs quorum threshold veto }\n  }\n"): typeof import('./graphql').ProposalsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Proposal($id: String!) {\n    proposal(id: $id) {\n      id status title description proposer submittedAt votingEndsAt decidedAt\n      action { kind municipality subgraph json }\n      electorate { code governanceKey }\n      rules { quorum threshold veto }\n      tally { yes no abstain veto pending }\n      votes { municipality option time }\n      failure { code message errors }\n    }\n  }\n"): typeof import('./graphql').ProposalDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Search($hash: String!) {\n    municipalities { code chain { transaction(txid: $hash) { id } block(hash: $hash) { id } } }\n  }\n"): typeof import('./graphql').SearchDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
