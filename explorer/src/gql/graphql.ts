/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type MunicipalityStatus =
  | 'ACTIVE'
  | 'SUSPENDED';

export type ProposalKind =
  | 'CHANGE_PARAMETERS'
  | 'REGISTER_MUNICIPALITY'
  | 'REGISTER_SUBGRAPH'
  | 'REMOVE_SUBGRAPH'
  | 'RESUME_MUNICIPALITY'
  | 'SUSPEND_MUNICIPALITY';

export type ProposalStatus =
  /** Voting ended without quorum. */
  | 'EXPIRED'
  /** Passed, but carrying it out failed (see `failure`): nothing of it was applied. */
  | 'FAILED'
  /** Passed and carried out. */
  | 'PASSED'
  /** Not enough yes votes among those not abstaining, or vetoed. */
  | 'REJECTED'
  /** Open for votes. */
  | 'VOTING';

export type SettlementStatus =
  /** The destination did not credit in time: it is asked to make sure it never will. */
  | 'ABORTING'
  /** Credited at the destination, once. Final. */
  | 'CREDITED'
  /** The destination ledger is ordered to credit the recipient. */
  | 'CREDITING'
  /** The source ledger debited the sender in an anchored block; the amount is in flight. */
  | 'ESCROWED'
  /** Given back at the source, once. Final. */
  | 'REFUNDED'
  /** The source ledger is ordered to give the amount back to the sender. */
  | 'REFUNDING';

export type TransactionKind =
  /** Money arriving from another municipality, written on the main chain's order. */
  | 'CREDIT'
  /** A transfer to another municipality that could not be credited, given back to its sender on the main chain's order. */
  | 'REFUND'
  /** A transfer signed by its sender. */
  | 'TRANSFER';

export type TransactionStatus =
  | 'CONFIRMED'
  | 'PENDING'
  | 'REJECTED';

export type VoteOption =
  | 'ABSTAIN'
  | 'NO'
  | 'VETO'
  | 'YES';

export type FederationQueryVariables = Exact<{ [key: string]: never; }>;


export type FederationQuery = { mainChain: { height: number, headHash: string, head: { time: string } }, municipalities: Array<{ code: string, name: string, status: MunicipalityStatus, anchoredHeight: number, chain: { height: number, headTime: string, blocks: { edges: Array<{ node: { id: string, height: number, time: string, txCount: number, transactions: { edges: Array<{ node: { id: string, kind: TransactionKind, from: string, to: string, amount: string } }> } } }> } } | null }> };

export type ChainQueryVariables = Exact<{
  code: string;
  after?: string | null | undefined;
}>;


export type ChainQuery = { municipality: { code: string, name: string, status: MunicipalityStatus, anchoredHeight: number, sequencerKey: string, registeredAt: string, chain: { height: number, headHash: string, headTime: string, blocks: { edges: Array<{ node: { id: string, height: number, hash: string, time: string, txCount: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null } };

export type BlockQueryVariables = Exact<{
  id: string;
  municipality: string;
  height: number;
}>;


export type BlockQuery = { block: { id: string, municipality: string, height: number, hash: string, prevHash: string, time: string, txRoot: string, txCount: number, pohEnd: string, pohCount: number, sequencer: string, signature: string, transactions: { edges: Array<{ node: { id: string, kind: TransactionKind, from: string, to: string, amount: string, status: TransactionStatus } }>, pageInfo: { hasNextPage: boolean } } } | null, anchor: { hash: string, inclusion: { mainBlock: { height: number } } | null } | null };

export type TransactionQueryVariables = Exact<{
  id: string;
}>;


export type TransactionQuery = { transaction: { id: string, txid: string, municipality: string, status: TransactionStatus, kind: TransactionKind, settlement: string | null, from: string, to: string, amount: string, nonce: number, memo: string, time: string, signature: string, height: number | null, rejection: { code: string, message: string } | null, proof: { txid: string, index: number, treeSize: number, path: Array<string>, root: string, header: { v: number, municipality: string, height: number, prevHash: string, time: string, txRoot: string, txCount: number, pohEnd: string, pohCount: number, sequencer: string, hash: string, signature: string }, parent: { v: number, municipality: string, height: number, prevHash: string, time: string, txRoot: string, txCount: number, pohEnd: string, pohCount: number, sequencer: string, hash: string, signature: string }, poh: { ticks: number, hash: string, start: string, segment: Array<{ ticks: number, event: string, hash: string }> } } | null } | null, settlement: { id: string, status: SettlementStatus, destination: string } | null };

export type AccountQueryVariables = Exact<{
  address: string;
  after?: string | null | undefined;
}>;


export type AccountQuery = { account: { id: string, municipality: string, balance: string, nonce: number, transactions: { edges: Array<{ node: { id: string, kind: TransactionKind, from: string, to: string, amount: string, status: TransactionStatus, time: string, height: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type KeyAccountsQueryVariables = Exact<{
  publicKey: string;
}>;


export type KeyAccountsQuery = { keyAccounts: Array<{ id: string, municipality: string, balance: string, nonce: number }> };

export type ProposalsQueryVariables = Exact<{ [key: string]: never; }>;


export type ProposalsQuery = { proposals: Array<{ id: string, status: ProposalStatus, title: string, proposer: string, submittedAt: string, votingEndsAt: string, action: { kind: ProposalKind, municipality: string | null, subgraph: string | null }, tally: { yes: number, no: number, abstain: number, veto: number, pending: number } }>, parameters: { votingPeriodMs: number, quorum: string, threshold: string, veto: string } };

export type ProposalQueryVariables = Exact<{
  id: string;
}>;


export type ProposalQuery = { proposal: { id: string, status: ProposalStatus, title: string, description: string, proposer: string, submittedAt: string, votingEndsAt: string, decidedAt: string | null, action: { kind: ProposalKind, municipality: string | null, subgraph: string | null, json: string }, electorate: Array<{ code: string, governanceKey: string }>, rules: { quorum: string, threshold: string, veto: string }, tally: { yes: number, no: number, abstain: number, veto: number, pending: number }, votes: Array<{ municipality: string, option: VoteOption, time: string }>, failure: { code: string, message: string, errors: Array<string> } | null } | null };

export type SearchQueryVariables = Exact<{
  hash: string;
}>;


export type SearchQuery = { municipalities: Array<{ code: string, chain: { transaction: { id: string } | null, block: { id: string } | null } | null }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const FederationDocument = new TypedDocumentString(`
    query Federation {
  mainChain {
    height
    headHash
    head {
      time
    }
  }
  municipalities {
    code
    name
    status
    anchoredHeight
    chain {
      height
      headTime
      blocks(first: 10) {
        edges {
          node {
            id
            height
            time
            txCount
            transactions(first: 5) {
              edges {
                node {
                  id
                  kind
                  from
                  to
                  amount
                }
              }
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FederationQuery, FederationQueryVariables>;
export const ChainDocument = new TypedDocumentString(`
    query Chain($code: String!, $after: String) {
  municipality(code: $code) {
    code
    name
    status
    anchoredHeight
    sequencerKey
    registeredAt
    chain {
      height
      headHash
      headTime
      blocks(first: 20, after: $after) {
        edges {
          node {
            id
            height
            hash
            time
            txCount
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ChainQuery, ChainQueryVariables>;
export const BlockDocument = new TypedDocumentString(`
    query Block($id: String!, $municipality: String!, $height: Int!) {
  block(id: $id) {
    id
    municipality
    height
    hash
    prevHash
    time
    txRoot
    txCount
    pohEnd
    pohCount
    sequencer
    signature
    transactions(first: 100) {
      edges {
        node {
          id
          kind
          from
          to
          amount
          status
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
  anchor(municipality: $municipality, height: $height) {
    hash
    inclusion {
      mainBlock {
        height
      }
    }
  }
}
    `) as unknown as TypedDocumentString<BlockQuery, BlockQueryVariables>;
export const TransactionDocument = new TypedDocumentString(`
    query Transaction($id: String!) {
  transaction(id: $id) {
    id
    txid
    municipality
    status
    kind
    settlement
    from
    to
    amount
    nonce
    memo
    time
    signature
    height
    rejection {
      code
      message
    }
    proof {
      txid
      index
      treeSize
      path
      root
      header {
        v
        municipality
        height
        prevHash
        time
        txRoot
        txCount
        pohEnd
        pohCount
        sequencer
        hash
        signature
      }
      parent {
        v
        municipality
        height
        prevHash
        time
        txRoot
        txCount
        pohEnd
        pohCount
        sequencer
        hash
        signature
      }
      poh {
        ticks
        hash
        start
        segment {
          ticks
          event
          hash
        }
      }
    }
  }
  settlement(id: $id) {
    id
    status
    destination
  }
}
    `) as unknown as TypedDocumentString<TransactionQuery, TransactionQueryVariables>;
export const AccountDocument = new TypedDocumentString(`
    query Account($address: String!, $after: String) {
  account(address: $address) {
    id
    municipality
    balance
    nonce
    transactions(first: 20, after: $after) {
      edges {
        node {
          id
          kind
          from
          to
          amount
          status
          time
          height
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AccountQuery, AccountQueryVariables>;
export const KeyAccountsDocument = new TypedDocumentString(`
    query KeyAccounts($publicKey: String!) {
  keyAccounts(publicKey: $publicKey) {
    id
    municipality
    balance
    nonce
  }
}
    `) as unknown as TypedDocumentString<KeyAccountsQuery, KeyAccountsQueryVariables>;
export const ProposalsDocument = new TypedDocumentString(`
    query Proposals {
  proposals(first: 100) {
    id
    status
    title
    proposer
    submittedAt
    votingEndsAt
    action {
      kind
      municipality
      subgraph
    }
    tally {
      yes
      no
      abstain
      veto
      pending
    }
  }
  parameters {
    votingPeriodMs
    quorum
    threshold
    veto
  }
}
    `) as unknown as TypedDocumentString<ProposalsQuery, ProposalsQueryVariables>;
export const ProposalDocument = new TypedDocumentString(`
    query Proposal($id: String!) {
  proposal(id: $id) {
    id
    status
    title
    description
    proposer
    submittedAt
    votingEndsAt
    decidedAt
    action {
      kind
      municipality
      subgraph
      json
    }
    electorate {
      code
      governanceKey
    }
    rules {
      quorum
      threshold
      veto
    }
    tally {
      yes
      no
      abstain
      veto
      pending
    }
    votes {
      municipality
      option
      time
    }
    failure {
      code
      message
      errors
    }
  }
}
    `) as unknown as TypedDocumentString<ProposalQuery, ProposalQueryVariables>;
export const SearchDocument = new TypedDocumentString(`
    query Search($hash: String!) {
  municipalities {
    code
    chain {
      transaction(txid: $hash) {
        id
      }
      block(hash: $hash) {
        id
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;