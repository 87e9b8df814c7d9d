/**
 * Every operation the explorer sends, typed from the public API schema by graphql-codegen's client
 * preset (`npm run codegen` writes gql/). The trace and proposal queries are core/'s own
 * (TRACE_QUERY, PROPOSAL_QUERY): the browser checks exactly what `aiki verify` checks.
 */
import { graphql } from './gql/index.ts';

export const FederationQuery = graphql(`
  query Federation {
    mainChain { height headHash head { time } }
    municipalities {
      code name status anchoredHeight
      chain {
        height headTime
        blocks(first: 10) { edges { node { id height time txCount transactions(first: 5) { edges { node { id kind from to amount } } } } } }
      }
    }
  }
`);

export const ChainQuery = graphql(`
  query Chain($code: String!, $after: String) {
    municipality(code: $code) {
      code name status anchoredHeight sequencerKey registeredAt
      chain {
        height headHash headTime
        blocks(first: 20, after: $after) { edges { node { id height hash time txCount } } pageInfo { hasNextPage endCursor } }
      }
    }
  }
`);

export const BlockQuery = graphql(`
  query Block($id: String!, $municipality: String!, $height: Int!) {
    block(id: $id) {
      id municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature
      transactions(first: 100) { edges { node { id kind from to amount status } } pageInfo { hasNextPage } }
    }
    anchor(municipality: $municipality, height: $height) { hash inclusion { mainBlock { height } } }
  }
`);

export const TransactionQuery = graphql(`
  query Transaction($id: String!) {
    transaction(id: $id) {
      id txid municipality status kind settlement from to amount nonce memo time signature height
      rejection { code message }
      proof {
        txid index treeSize path root
        header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
        parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
        poh { ticks hash start segment { ticks event hash } }
      }
    }
    settlement(id: $id) { id status destination }
  }
`);

export const AccountQuery = graphql(`
  query Account($address: String!, $after: String) {
    account(address: $address) {
      id municipality balance nonce
      transactions(first: 20, after: $after) { edges { node { id kind from to amount status time height } } pageInfo { hasNextPage endCursor } }
    }
  }
`);

export const KeyAccountsQuery = graphql(`
  query KeyAccounts($publicKey: String!) {
    keyAccounts(publicKey: $publicKey) { id municipality balance nonce }
  }
`);

export const ProposalsQuery = graphql(`
  query Proposals {
    proposals(first: 100) { id status title proposer submittedAt votingEndsAt action { kind municipality subgraph } tally { yes no abstain veto pending } }
    parameters { votingPeriodMs quorum threshold veto }
  }
`);

export const ProposalQuery = graphql(`
  query Proposal($id: String!) {
    proposal(id: $id) {
      id status title description proposer submittedAt votingEndsAt decidedAt
      action { kind municipality subgraph json }
      electorate { code governanceKey }
      rules { quorum threshold veto }
      tally { yes no abstain veto pending }
      votes { municipality option time }
      failure { code message errors }
    }
  }
`);

export const SearchQuery = graphql(`
  query Search($hash: String!) {
    municipalities { code chain { transaction(txid: $hash) { id } block(hash: $hash) { id } } }
  }
`);
