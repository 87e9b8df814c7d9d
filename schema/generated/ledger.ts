import type { GraphQLResolveInfo } from 'graphql';
import type { ChainModel, BlockDoc, TransactionModel, AccountModel } from '../../subgraphs/ledger/models.ts';
import type { LedgerContext } from '../../subgraphs/ledger/context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** An account of one municipality's ledger. */
export type Account = {
  __typename?: 'Account';
  /** Confirmed balance, integer in the smallest unit, as a decimal string. */
  balance: Scalars['String']['output'];
  /** The address, `<municipality>:<64 hex public key>`. */
  id: Scalars['String']['output'];
  municipality: Scalars['String']['output'];
  /** Nonce of the last confirmed transaction sent (0 before the first). A whole number (see TransferInput.nonce). */
  nonce: Scalars['Float']['output'];
  /** Confirmed transactions sent or received, newest first. */
  transactions: TransactionConnection;
};


/** An account of one municipality's ledger. */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** An initial balance of a genesis block: the leaf is SHA-256 of the canonical JSON `{address, amount}`. */
export type Allocation = {
  __typename?: 'Allocation';
  /** The account funded, `<municipality>:<64 hex public key>`. */
  address: Scalars['String']['output'];
  /** Integer in the smallest unit, as a decimal string. */
  amount: Scalars['String']['output'];
};

/** A sealed block: the unit of commitment of a municipal ledger. */
export type Block = {
  __typename?: 'Block';
  /** Genesis only (null otherwise): the initial balances, in the order the genesis txRoot commits to (docs/PROTOCOL.md §6). */
  allocations?: Maybe<Array<Allocation>>;
  /**
   * Hex of the 32-byte block hash: SHA-256(UTF-8("aiki/block/v1\n") ‖ UTF-8(canonicalJson(header)))
   * over the ten header members (docs/PROTOCOL.md §6). Not a header member itself.
   */
  hash: Scalars['String']['output'];
  /** The header's `height`: 0 for the genesis block, the parent's + 1 after. */
  height: Scalars['Int']['output'];
  /** `<municipality>:<height>` */
  id: Scalars['String']['output'];
  /** The header's `municipality`: the municipality code, the same for the whole chain. */
  municipality: Scalars['String']['output'];
  /**
   * The block's Proof of History entries, one per transaction in block order: `ticks` done since
   * the previous entry (per entry, not cumulative), `event` the hex transaction id mixed in, `hash`
   * the hex PoH hash after the mix. From the parent's `pohEnd`, these and
   * `pohCount − parent pohCount − Σ(ticks + 1)` trailing ticks end at `pohEnd` (docs/PROTOCOL.md §5).
   */
  poh: Array<PohEntry>;
  /**
   * The header's `pohCount`: Proof of History hashes since the seed, cumulative. A whole number, as
   * a Float: GraphQL's Int is 32-bit and the count passes 2^31 within days (exact up to 2^53).
   */
  pohCount: Scalars['Float']['output'];
  /** The header's `pohEnd`: hex of the 32-byte Proof of History hash at the end of the block (docs/PROTOCOL.md §5). */
  pohEnd: Scalars['String']['output'];
  /** The header's `prevHash`: hex of the parent's 32-byte block hash; 64 zeros for the genesis block. */
  prevHash: Scalars['String']['output'];
  /** The header's `sequencer`: hex of the 32-byte Ed25519 public key that sealed the block. */
  sequencer: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature (R ‖ S) by `sequencer` over the 32 bytes of the block hash (not its hex). */
  signature: Scalars['String']['output'];
  /** The header's `time`: ISO 8601 UTC with milliseconds, as `Date.prototype.toISOString()` writes it; never before the parent's. */
  time: Scalars['String']['output'];
  /** The block's transactions, in order, at most `first` (1–100) per page. */
  transactions: TransactionConnection;
  /** The header's `txCount`: how many transactions the block holds (0 for the genesis block). */
  txCount: Scalars['Int']['output'];
  /**
   * The header's `txRoot`: hex of the RFC 6962 Merkle root whose leaves are the 32 bytes of each
   * transaction id, in block order (docs/PROTOCOL.md §4); for the genesis block, of its allocations' leaves (§6).
   */
  txRoot: Scalars['String']['output'];
  /**
   * The header's `v`, the format version: 1 (docs/PROTOCOL.md §6). With `municipality`, `height`,
   * `prevHash`, `time`, `txRoot`, `txCount`, `pohEnd`, `pohCount` and `sequencer` it is the
   * ten-member header whose canonical JSON the hash is over.
   */
  v: Scalars['Int']['output'];
};


/** A sealed block: the unit of commitment of a municipal ledger. */
export type BlockTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type BlockConnection = {
  __typename?: 'BlockConnection';
  edges: Array<BlockEdge>;
  pageInfo: PageInfo;
};

export type BlockEdge = {
  __typename?: 'BlockEdge';
  cursor: Scalars['String']['output'];
  node: Block;
};

/** A block's ten header members (docs/PROTOCOL.md §6), each as in `Block`, with the block's hash and signature. */
export type BlockHeader = {
  __typename?: 'BlockHeader';
  /** Hex of the 32-byte block hash over the canonical JSON of the ten members above (docs/PROTOCOL.md §6). */
  hash: Scalars['String']['output'];
  /** The header's `height`. */
  height: Scalars['Int']['output'];
  /** The header's `municipality`: the municipality code. */
  municipality: Scalars['String']['output'];
  /** The header's `pohCount`: cumulative Proof of History hashes. A whole number (see Block.pohCount). */
  pohCount: Scalars['Float']['output'];
  /** The header's `pohEnd`: hex of the 32-byte Proof of History hash at the end of the block. */
  pohEnd: Scalars['String']['output'];
  /** The header's `prevHash`: hex of the parent's 32-byte block hash; 64 zeros for the genesis block. */
  prevHash: Scalars['String']['output'];
  /** The header's `sequencer`: hex of the 32-byte Ed25519 public key that sealed the block. */
  sequencer: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature by `sequencer` over the 32 bytes of `hash`. */
  signature: Scalars['String']['output'];
  /** The header's `time`: ISO 8601 UTC with milliseconds. */
  time: Scalars['String']['output'];
  /** The header's `txCount`. */
  txCount: Scalars['Int']['output'];
  /** The header's `txRoot`: hex of the RFC 6962 root over the 32-byte transaction ids. */
  txRoot: Scalars['String']['output'];
  /** The header's `v`: 1. */
  v: Scalars['Int']['output'];
};

/** One municipality's chain. */
export type Chain = {
  __typename?: 'Chain';
  /** An account of this municipality by address. */
  account?: Maybe<Account>;
  /** A block by height or by hash (exactly one of them). */
  block?: Maybe<Block>;
  /** Sealed blocks, newest first, at most `first` (1–100) per page. */
  blocks: BlockConnection;
  /**
   * Sealed blocks from height `height` upward, oldest first, at most `first` (1–100): fewer (none)
   * past the head. What a whole-chain audit walks (`aiki audit`).
   */
  blocksFrom: Array<Block>;
  /**
   * A signed checkpoint of the chain at its head: the RFC 6962 root over the 32-byte hashes of
   * blocks 0 … height, signed by the sequencer (docs/PROTOCOL.md §10), at `height` (default: the
   * head; a height above the head is BLOCK_NOT_FOUND). Keep it; a later audit proves the chain only
   * grew from it.
   */
  checkpoint: Checkpoint;
  /**
   * Proof that the chain at height `to` (default: the head) only grew from the chain at height
   * `from`: RFC 6962 PROOF(from + 1, D[to + 1]) over the block hashes, with the signed checkpoint
   * at `to` (docs/PROTOCOL.md §10). Keep a checkpoint at `from`; this proves its root is the root
   * of the first `from + 1` block hashes under the new one. `from` above `to` is BAD_USER_INPUT, a
   * height above the head BLOCK_NOT_FOUND.
   */
  consistency: ConsistencyProof;
  /** The newest sealed block. */
  head: Block;
  /** Hex SHA-256 hash of the newest sealed block. */
  headHash: Scalars['String']['output'];
  /** When the newest block was sealed (ISO 8601). */
  headTime: Scalars['String']['output'];
  /** Height of the newest sealed block; the genesis block has height 0. */
  height: Scalars['Int']['output'];
  /** The code of the municipality whose ledger answered. */
  municipality: Scalars['String']['output'];
  /** A transaction by its hex id (the SHA-256 of its signing bytes). */
  transaction?: Maybe<Transaction>;
};


/** One municipality's chain. */
export type ChainAccountArgs = {
  address: Scalars['String']['input'];
};


/** One municipality's chain. */
export type ChainBlockArgs = {
  hash?: InputMaybe<Scalars['String']['input']>;
  height?: InputMaybe<Scalars['Int']['input']>;
};


/** One municipality's chain. */
export type ChainBlocksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** One municipality's chain. */
export type ChainBlocksFromArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  height: Scalars['Int']['input'];
};


/** One municipality's chain. */
export type ChainCheckpointArgs = {
  height?: InputMaybe<Scalars['Int']['input']>;
};


/** One municipality's chain. */
export type ChainConsistencyArgs = {
  from: Scalars['Int']['input'];
  to?: InputMaybe<Scalars['Int']['input']>;
};


/** One municipality's chain. */
export type ChainTransactionArgs = {
  txid: Scalars['String']['input'];
};

/**
 * A chain's head signed by its sequencer (docs/PROTOCOL.md §10): signature = hex Ed25519 over
 * UTF-8("aiki/checkpoint/v1\n") ‖ UTF-8(canonicalJson({v: 1, municipality, height, root})).
 */
export type Checkpoint = {
  __typename?: 'Checkpoint';
  /** The newest block covered: the tree has height + 1 leaves. */
  height: Scalars['Int']['output'];
  /** The code of the municipality whose chain it covers. */
  municipality: Scalars['String']['output'];
  /** Hex RFC 6962 root over the 32-byte block hashes 0 … height, in height order. */
  root: Scalars['String']['output'];
  /** Hex of the sequencer's 32-byte Ed25519 public key (the key the main chain registered for the municipality). */
  sequencer: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature over the checkpoint bytes above. */
  signature: Scalars['String']['output'];
  /** The format version: 1. */
  v: Scalars['Int']['output'];
};

/**
 * A consistency proof between two heights of a chain (docs/PROTOCOL.md §10), checked by RFC 9162
 * §2.1.4.2 with first size `from + 1`, second size `to.height + 1`, first root the kept
 * checkpoint's `root` and second root `to.root`.
 */
export type ConsistencyProof = {
  __typename?: 'ConsistencyProof';
  /** The height of the older checkpoint: the first `from + 1` block hashes. */
  from: Scalars['Int']['output'];
  /**
   * Hex of each 32-byte node of RFC 6962 §2.1.2 PROOF(from + 1, D[to.height + 1]), in the RFC's
   * order; empty when `from` = `to.height`.
   */
  path: Array<Scalars['String']['output']>;
  /** The signed checkpoint at the newer height. */
  to: Checkpoint;
};

/** Proof that a confirmed transaction is in its block (docs/PROTOCOL.md, Merkle and Proof of History). */
export type InclusionProof = {
  __typename?: 'InclusionProof';
  /** The block header fields, to recompute the block hash. */
  header: BlockHeader;
  /** Position of the transaction in the block. */
  index: Scalars['Int']['output'];
  /**
   * The parent block's header (height − 1) with its hash and signature: its hash is `header.prevHash`,
   * its `pohEnd` is `poh.start` and its `pohCount` where this block's count starts, so the block's
   * continuity is checked offline (docs/PROTOCOL.md, "Inclusion proofs").
   */
  parent: BlockHeader;
  /** RFC 6962 §2.1.1 PATH(index, D[treeSize]): hex of each 32-byte sibling node, from the leaf up to the root. */
  path: Array<Scalars['String']['output']>;
  /** Where the transaction was mixed into the Proof of History. */
  poh: PohPosition;
  /** Hex of the 32-byte Merkle root the path leads to: the header's `txRoot`. */
  root: Scalars['String']['output'];
  /** Number of transactions in the block (the Merkle tree size). */
  treeSize: Scalars['Int']['output'];
  /** Hex of the 32-byte transaction id: the leaf, taken as its 32 bytes. */
  txid: Scalars['String']['output'];
};

/** A municipality, as its own ledger sees it. The main chain owns its name and status. */
export type Municipality = {
  __typename?: 'Municipality';
  /** This municipality's chain, answered by its own subgraph from its own database; null (with a SHARD_UNAVAILABLE error) while it cannot be reached. */
  chain?: Maybe<Chain>;
  /** The municipality code, for example `kyoto`. */
  code: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * The main chain gives up on a credit: if the entry is pending or confirmed here it is returned as
   * it stands; otherwise it is rejected with SETTLEMENT_ABORTED, durably, so that it is never written
   * (the main chain then refunds the sender). `signature`: the main chain's over the abort
   * (docs/PROTOCOL.md).
   */
  abortSettlement: Transaction;
  /**
   * Write settlement entries the main chain orders (docs/SETTLEMENT.md), up to 1,000: credits to
   * recipients on this ledger for transfers from other municipalities, or refunds to senders here.
   * Each is refused (null, with a coded error at its index) unless signed by the main chain
   * (AIKI_MAINCHAIN_PUBLIC_KEY). Idempotent: the same order again returns the same entry, as it stands.
   */
  settle: Array<Maybe<Transaction>>;
  /**
   * Submit one signed transfer to the ledger of `municipality` (the sender's). It is admitted as
   * PENDING once durably stored, then confirmed in a block or rejected with a reason. Submitting
   * the same signed transaction again returns the same transaction, never a second one.
   */
  submitTransaction: Transaction;
  /** Submit up to 1,000 signed transfers; each item is admitted or refused (null, with a coded error at its index) on its own. */
  submitTransactions: Array<Maybe<Transaction>>;
};


export type MutationAbortSettlementArgs = {
  municipality: Scalars['String']['input'];
  order: SettlementOrderInput;
  signature: Scalars['String']['input'];
};


export type MutationSettleArgs = {
  municipality: Scalars['String']['input'];
  orders: Array<SettlementOrderInput>;
};


export type MutationSubmitTransactionArgs = {
  municipality: Scalars['String']['input'];
  transaction: SignedTransactionInput;
};


export type MutationSubmitTransactionsArgs = {
  municipality: Scalars['String']['input'];
  transactions: Array<SignedTransactionInput>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** One Proof of History entry (docs/PROTOCOL.md §5): `ticks` SHA-256 ticks after the previous hash, then the mix of `event`, giving `hash`. */
export type PohEntry = {
  __typename?: 'PohEntry';
  /** Hex of the 32-byte event mixed in: a transaction id. */
  event: Scalars['String']['output'];
  /** Hex PoH hash after the mix. */
  hash: Scalars['String']['output'];
  /** Ticks since the previous entry (per entry, not cumulative). */
  ticks: Scalars['Int']['output'];
};

export type PohPosition = {
  __typename?: 'PohPosition';
  /** Hex of the 32-byte PoH hash right after the mix. */
  hash: Scalars['String']['output'];
  /** The whole segment of the block: every entry, in order, to recompute pohEnd. */
  segment: Array<PohEntry>;
  /** Hex of the 32-byte PoH hash the block started from (the previous block's pohEnd; the seed for the genesis block). */
  start: Scalars['String']['output'];
  /** Ticks (hashes) done after the previous entry (or the block's start) and before the transaction id was mixed in: per entry, not cumulative. */
  ticks: Scalars['Int']['output'];
};

export type Rejection = {
  __typename?: 'Rejection';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type SettlementInput = {
  amount: Scalars['String']['input'];
  from: Scalars['String']['input'];
  /** Hex id of the transfer being settled, on its source ledger. */
  settlement: Scalars['String']['input'];
  time: Scalars['String']['input'];
  to: Scalars['String']['input'];
  /** `credit` or `refund`. */
  type: Scalars['String']['input'];
  v: Scalars['Int']['input'];
};

/** A settlement entry ordered by the main chain, with its signature (docs/PROTOCOL.md, Settlements). */
export type SettlementOrderInput = {
  body: SettlementInput;
  signature: Scalars['String']['input'];
};

/** A transfer and its sender's Ed25519 signature over its signing bytes (docs/PROTOCOL.md). */
export type SignedTransactionInput = {
  body: TransferInput;
  /** 128 lower-case hex characters. */
  signature: Scalars['String']['input'];
};

/** A signed transfer or settlement entry, and what became of it. */
export type Transaction = {
  __typename?: 'Transaction';
  /** The body's `amount`: a decimal string of an integer 1 … 2^53 − 1 in the smallest unit, exactly as signed. */
  amount: Scalars['String']['output'];
  /** The block that confirmed it. */
  block?: Maybe<Block>;
  /** The body's `from`: an address, `<municipality>:<64 hex public key>` (for a credit, the original sender; a refund, the original recipient). */
  from: Scalars['String']['output'];
  /** Height of the block that confirmed it. */
  height?: Maybe<Scalars['Int']['output']>;
  /** `<municipality>:<txid>` */
  id: Scalars['String']['output'];
  /** A transfer (body of docs/PROTOCOL.md §3), or a credit or refund entry (body of §8): which signing bytes `txid` is over. */
  kind: TransactionKind;
  /** The body's `memo`, as signed (up to 256 UTF-8 bytes); empty for a credit or refund, whose body has none. */
  memo: Scalars['String']['output'];
  municipality: Scalars['String']['output'];
  /** The sender's nonce; 0 for a credit or refund. A whole number (see TransferInput.nonce). */
  nonce: Scalars['Float']['output'];
  /** Everything needed to verify offline that the block commits to it. */
  proof?: Maybe<InclusionProof>;
  /** The recipient's account, when it is on this ledger. */
  recipient?: Maybe<Account>;
  /** Why it was rejected: an error code such as INSUFFICIENT_FUNDS, and a message. */
  rejection?: Maybe<Rejection>;
  /** The sender's account, when it is on this ledger (not for a credit or refund). */
  sender?: Maybe<Account>;
  /** For a credit or refund: the transfer it settles, `<source municipality>:<txid>`. */
  settlement?: Maybe<Scalars['String']['output']>;
  /** Hex of the 64-byte Ed25519 signature over the signing bytes (see `txid`): the sender's for a transfer, the main chain's for a credit or refund. */
  signature: Scalars['String']['output'];
  status: TransactionStatus;
  /** The body's `time`: ISO 8601 UTC with milliseconds, exactly as signed. */
  time: Scalars['String']['output'];
  /** The body's `to`: an address, `<municipality>:<64 hex public key>`. */
  to: Scalars['String']['output'];
  /**
   * Hex of the 32-byte transaction id: SHA-256 of the signing bytes — for a transfer
   * UTF-8("aiki/tx/v1\n") ‖ UTF-8(canonicalJson(body)) (docs/PROTOCOL.md §3), for a credit or refund
   * the entry bytes UTF-8("aiki/settlement/v1\n") ‖ UTF-8(canonicalJson(body)) (§8).
   */
  txid: Scalars['String']['output'];
};

export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  edges: Array<TransactionEdge>;
  pageInfo: PageInfo;
};

export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  cursor: Scalars['String']['output'];
  node: Transaction;
};

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

export type TransferInput = {
  /** Integer amount in the smallest unit, as a decimal string (1 … 9007199254740991). */
  amount: Scalars['String']['input'];
  /** Sender address, `<municipality>:<64 hex public key>`. */
  from: Scalars['String']['input'];
  /** Up to 256 UTF-8 bytes. */
  memo: Scalars['String']['input'];
  /**
   * The sender's next nonce: 1 for its first transaction, then +1 each. A whole number up to
   * 2^53 − 1, as a Float: GraphQL's Int stops at 2^31 − 1 (docs/PROTOCOL.md §3); an Int literal or
   * variable is accepted as before, a fraction is BAD_NONCE.
   */
  nonce: Scalars['Float']['input'];
  /** When it was signed, ISO 8601 UTC with milliseconds. */
  time: Scalars['String']['input'];
  /** Recipient address. */
  to: Scalars['String']['input'];
  /** Always `transfer`. */
  type: Scalars['String']['input'];
  /** Format version: 1. */
  v: Scalars['Int']['input'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Account: Account;
  Block: Block;
  Municipality: Municipality;
  Transaction: Transaction;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  Block:
    ( { __typename: 'Block' }
    & GraphQLRecursivePick<FederationTypes['Block'], {"id":true}> );
  Municipality:
    ( { __typename: 'Municipality' }
    & GraphQLRecursivePick<FederationTypes['Municipality'], {"code":true}> );
  Transaction:
    ( { __typename: 'Transaction' }
    & GraphQLRecursivePick<FederationTypes['Transaction'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<AccountModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Allocation: ResolverTypeWrapper<Allocation>;
  Block: ResolverTypeWrapper<BlockDoc>;
  BlockConnection: ResolverTypeWrapper<Omit<BlockConnection, 'edges'> & { edges: Array<ResolversTypes['BlockEdge']> }>;
  BlockEdge: ResolverTypeWrapper<Omit<BlockEdge, 'node'> & { node: ResolversTypes['Block'] }>;
  BlockHeader: ResolverTypeWrapper<BlockHeader>;
  Chain: ResolverTypeWrapper<ChainModel>;
  Checkpoint: ResolverTypeWrapper<Checkpoint>;
  ConsistencyProof: ResolverTypeWrapper<ConsistencyProof>;
  InclusionProof: ResolverTypeWrapper<InclusionProof>;
  Municipality: ResolverTypeWrapper<Omit<Municipality, 'chain'> & { chain?: Maybe<ResolversTypes['Chain']> }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PohEntry: ResolverTypeWrapper<PohEntry>;
  PohPosition: ResolverTypeWrapper<PohPosition>;
  Rejection: ResolverTypeWrapper<Rejection>;
  SettlementInput: SettlementInput;
  SettlementOrderInput: SettlementOrderInput;
  SignedTransactionInput: SignedTransactionInput;
  Transaction: ResolverTypeWrapper<TransactionModel>;
  TransactionConnection: ResolverTypeWrapper<Omit<TransactionConnection, 'edges'> & { edges: Array<ResolversTypes['TransactionEdge']> }>;
  TransactionEdge: ResolverTypeWrapper<Omit<TransactionEdge, 'node'> & { node: ResolversTypes['Transaction'] }>;
  TransactionKind: TransactionKind;
  TransactionStatus: TransactionStatus;
  TransferInput: TransferInput;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: AccountModel;
  String: Scalars['String']['output'];
  Float: Scalars['Float']['output'];
  Int: Scalars['Int']['output'];
  Allocation: Allocation;
  Block: BlockDoc;
  BlockConnection: Omit<BlockConnection, 'edges'> & { edges: Array<ResolversParentTypes['BlockEdge']> };
  BlockEdge: Omit<BlockEdge, 'node'> & { node: ResolversParentTypes['Block'] };
  BlockHeader: BlockHeader;
  Chain: ChainModel;
  Checkpoint: Checkpoint;
  ConsistencyProof: ConsistencyProof;
  InclusionProof: InclusionProof;
  Municipality: Omit<Municipality, 'chain'> & { chain?: Maybe<ResolversParentTypes['Chain']> } | FederationReferenceTypes['Municipality'];
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  PohEntry: PohEntry;
  PohPosition: PohPosition;
  Rejection: Rejection;
  SettlementInput: SettlementInput;
  SettlementOrderInput: SettlementOrderInput;
  SignedTransactionInput: SignedTransactionInput;
  Transaction: TransactionModel;
  TransactionConnection: Omit<TransactionConnection, 'edges'> & { edges: Array<ResolversParentTypes['TransactionEdge']> };
  TransactionEdge: Omit<TransactionEdge, 'node'> & { node: ResolversParentTypes['Transaction'] };
  TransferInput: TransferInput;
}>;

export type AccountResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  balance?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nonce?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  transactions?: Resolver<ResolversTypes['TransactionConnection'], ParentType, ContextType, RequireFields<AccountTransactionsArgs, 'first'>>;
}>;

export type AllocationResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Allocation'] = ResolversParentTypes['Allocation']> = ResolversObject<{
  address?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type BlockResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Block'] = ResolversParentTypes['Block'], FederationReferenceType extends FederationReferenceTypes['Block'] = FederationReferenceTypes['Block']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Block']> | FederationReferenceType, FederationReferenceType, ContextType>;
  allocations?: Resolver<Maybe<Array<ResolversTypes['Allocation']>>, ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  poh?: Resolver<Array<ResolversTypes['PohEntry']>, ParentType, ContextType>;
  pohCount?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  pohEnd?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  prevHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transactions?: Resolver<ResolversTypes['TransactionConnection'], ParentType, ContextType, RequireFields<BlockTransactionsArgs, 'first'>>;
  txCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  txRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  v?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type BlockConnectionResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['BlockConnection'] = ResolversParentTypes['BlockConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['BlockEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type BlockEdgeResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['BlockEdge'] = ResolversParentTypes['BlockEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Block'], ParentType, ContextType>;
}>;

export type BlockHeaderResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['BlockHeader'] = ResolversParentTypes['BlockHeader']> = ResolversObject<{
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pohCount?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  pohEnd?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  prevHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  txRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  v?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ChainResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Chain'] = ResolversParentTypes['Chain']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<ChainAccountArgs, 'address'>>;
  block?: Resolver<Maybe<ResolversTypes['Block']>, ParentType, ContextType, Partial<ChainBlockArgs>>;
  blocks?: Resolver<ResolversTypes['BlockConnection'], ParentType, ContextType, RequireFields<ChainBlocksArgs, 'first'>>;
  blocksFrom?: Resolver<Array<ResolversTypes['Block']>, ParentType, ContextType, RequireFields<ChainBlocksFromArgs, 'first' | 'height'>>;
  checkpoint?: Resolver<ResolversTypes['Checkpoint'], ParentType, ContextType, Partial<ChainCheckpointArgs>>;
  consistency?: Resolver<ResolversTypes['ConsistencyProof'], ParentType, ContextType, RequireFields<ChainConsistencyArgs, 'from'>>;
  head?: Resolver<ResolversTypes['Block'], ParentType, ContextType>;
  headHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  headTime?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<ChainTransactionArgs, 'txid'>>;
}>;

export type CheckpointResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Checkpoint'] = ResolversParentTypes['Checkpoint']> = ResolversObject<{
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  root?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  v?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ConsistencyProofResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['ConsistencyProof'] = ResolversParentTypes['ConsistencyProof']> = ResolversObject<{
  from?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['Checkpoint'], ParentType, ContextType>;
}>;

export type InclusionProofResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['InclusionProof'] = ResolversParentTypes['InclusionProof']> = ResolversObject<{
  header?: Resolver<ResolversTypes['BlockHeader'], ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  parent?: Resolver<ResolversTypes['BlockHeader'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  poh?: Resolver<ResolversTypes['PohPosition'], ParentType, ContextType>;
  root?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  treeSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  txid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MunicipalityResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Municipality'] = ResolversParentTypes['Municipality'], FederationReferenceType extends FederationReferenceTypes['Municipality'] = FederationReferenceTypes['Municipality']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Municipality']> | FederationReferenceType, FederationReferenceType, ContextType>;
  chain?: Resolver<Maybe<ResolversTypes['Chain']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  abortSettlement?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationAbortSettlementArgs, 'municipality' | 'order' | 'signature'>>;
  settle?: Resolver<Array<Maybe<ResolversTypes['Transaction']>>, ParentType, ContextType, RequireFields<MutationSettleArgs, 'municipality' | 'orders'>>;
  submitTransaction?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationSubmitTransactionArgs, 'municipality' | 'transaction'>>;
  submitTransactions?: Resolver<Array<Maybe<ResolversTypes['Transaction']>>, ParentType, ContextType, RequireFields<MutationSubmitTransactionsArgs, 'municipality' | 'transactions'>>;
}>;

export type PageInfoResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PohEntryResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['PohEntry'] = ResolversParentTypes['PohEntry']> = ResolversObject<{
  event?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ticks?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PohPositionResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['PohPosition'] = ResolversParentTypes['PohPosition']> = ResolversObject<{
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  segment?: Resolver<Array<ResolversTypes['PohEntry']>, ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ticks?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RejectionResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Rejection'] = ResolversParentTypes['Rejection']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction'], FederationReferenceType extends FederationReferenceTypes['Transaction'] = FederationReferenceTypes['Transaction']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Transaction']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  block?: Resolver<Maybe<ResolversTypes['Block']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  memo?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nonce?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  proof?: Resolver<Maybe<ResolversTypes['InclusionProof']>, ParentType, ContextType>;
  recipient?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  rejection?: Resolver<Maybe<ResolversTypes['Rejection']>, ParentType, ContextType>;
  sender?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  settlement?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['TransactionStatus'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TransactionConnectionResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['TransactionConnection'] = ResolversParentTypes['TransactionConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['TransactionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type TransactionEdgeResolvers<ContextType = LedgerContext, ParentType extends ResolversParentTypes['TransactionEdge'] = ResolversParentTypes['TransactionEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = LedgerContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  Allocation?: AllocationResolvers<ContextType>;
  Block?: BlockResolvers<ContextType>;
  BlockConnection?: BlockConnectionResolvers<ContextType>;
  BlockEdge?: BlockEdgeResolvers<ContextType>;
  BlockHeader?: BlockHeaderResolvers<ContextType>;
  Chain?: ChainResolvers<ContextType>;
  Checkpoint?: CheckpointResolvers<ContextType>;
  ConsistencyProof?: ConsistencyProofResolvers<ContextType>;
  InclusionProof?: InclusionProofResolvers<ContextType>;
  Municipality?: MunicipalityResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PohEntry?: PohEntryResolvers<ContextType>;
  PohPosition?: PohPositionResolvers<ContextType>;
  Rejection?: RejectionResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  TransactionConnection?: TransactionConnectionResolvers<ContextType>;
  TransactionEdge?: TransactionEdgeResolvers<ContextType>;
}>;

