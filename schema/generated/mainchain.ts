import type { GraphQLResolveInfo } from 'graphql';
import type { MainChainModel, MainBlockDoc } from '../../subgraphs/mainchain/chain.ts';
import type { AnchorDoc } from '../../subgraphs/mainchain/anchors.ts';
import type { SettlementDoc, TraceModel, TraceHopModel } from '../../subgraphs/mainchain/settlements.ts';
import type { MainchainContext } from '../../subgraphs/mainchain/context.ts';
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

export type Account = {
  __typename?: 'Account';
  id: Scalars['String']['output'];
};

/** A municipal block recorded on the main chain. */
export type Anchor = {
  __typename?: 'Anchor';
  /** The municipal block itself, answered by its ledger. */
  block: Block;
  /** The anchor's event id: the leaf of the main-chain block's Merkle tree (docs/PROTOCOL.md, "Anchors"). */
  eventId: Scalars['String']['output'];
  hash: Scalars['String']['output'];
  /** The municipal block header as canonical JSON, and the sequencer's signature over its hash. */
  header: Scalars['String']['output'];
  height: Scalars['Int']['output'];
  /** Where it is sealed on the main chain; null until the next main-chain block. */
  inclusion?: Maybe<EventInclusion>;
  municipality: Scalars['String']['output'];
  signature: Scalars['String']['output'];
};

export type AnchorBlockInput = {
  hash: Scalars['String']['input'];
  /** The block header as canonical JSON (docs/PROTOCOL.md), exactly the bytes its hash is over, less the domain prefix. */
  header: Scalars['String']['input'];
  /** Every transfer in the block to another municipality, each with its Merkle path: they become settlements. */
  outbound?: InputMaybe<Array<OutboundTransferInput>>;
  signature: Scalars['String']['input'];
};

export type Block = {
  __typename?: 'Block';
  id: Scalars['String']['output'];
};

/** A Merkle path from an event id to the txRoot of the main-chain block that seals it. */
export type EventInclusion = {
  __typename?: 'EventInclusion';
  index: Scalars['Int']['output'];
  mainBlock: MainBlock;
  path: Array<Scalars['String']['output']>;
  treeSize: Scalars['Int']['output'];
};

/** A main-chain block, sealed by the same rules as a municipal block (docs/PROTOCOL.md). */
export type MainBlock = {
  __typename?: 'MainBlock';
  /** The anchors it seals, in order. */
  anchors: Array<Anchor>;
  hash: Scalars['String']['output'];
  /** The header as canonical JSON: what `hash` is over (with the block domain prefix). */
  header: Scalars['String']['output'];
  height: Scalars['Int']['output'];
  signature: Scalars['String']['output'];
  time: Scalars['String']['output'];
  /** RFC 6962 Merkle root over the ids of the events, in order. */
  txRoot: Scalars['String']['output'];
};

/** The main chain's own blocks: each seals the events recorded since the one before (anchors, for now). */
export type MainChain = {
  __typename?: 'MainChain';
  /** A main-chain block by height; null if there is none. */
  block?: Maybe<MainBlock>;
  head: MainBlock;
  headHash: Scalars['String']['output'];
  height: Scalars['Int']['output'];
  /** Hex Ed25519 key the main chain signs its blocks with. */
  sequencer: Scalars['String']['output'];
};


/** The main chain's own blocks: each seals the events recorded since the one before (anchors, for now). */
export type MainChainBlockArgs = {
  height: Scalars['Int']['input'];
};

/** A municipality registered on the main chain. */
export type Municipality = {
  __typename?: 'Municipality';
  /** Height of its newest block anchored on the main chain. */
  anchoredHeight: Scalars['Int']['output'];
  code: Scalars['String']['output'];
  /** GraphQL URLs of its ledger subgraph replicas, as registered. */
  endpoints: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** When it was registered (ISO 8601). */
  registeredAt: Scalars['String']['output'];
  /** Hex Ed25519 key its blocks are signed with, from its genesis block at registration. */
  sequencerKey: Scalars['String']['output'];
  status: MunicipalityStatus;
};

export type MunicipalityStatus =
  | 'ACTIVE'
  | 'SUSPENDED';

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Anchor a municipality's sealed blocks, in height order, each following the last one anchored
   * (its ledger's sequencer lease holder pushes them). Authenticated by the blocks' signatures:
   * each must verify with the municipality's registered sequencer key. Stops at the first block
   * refused, with its coded error (ANCHOR_SIGNATURE_INVALID, ANCHOR_PREV_HASH_MISMATCH,
   * ANCHOR_HEIGHT_GAP, ANCHOR_CONFLICT, BAD_BLOCK, UNKNOWN_MUNICIPALITY); those before it stay
   * anchored. A block already anchored is returned as it is. At most 100 blocks per call.
   */
  anchorBlocks: Array<Anchor>;
  /**
   * Register a municipality's ledger subgraph. Refused, with nothing stored, unless every endpoint
   * answers, serves exactly the ledger contract and identifies as this municipality.
   * Needs operator credentials when the main chain runs with AIKI_OPERATOR_TOKEN.
   */
  registerMunicipality: Municipality;
};


export type MutationAnchorBlocksArgs = {
  blocks: Array<AnchorBlockInput>;
  municipality: Scalars['String']['input'];
};


export type MutationRegisterMunicipalityArgs = {
  input: RegisterMunicipalityInput;
};

export type OutboundTransferInput = {
  /** The signed transfer body as canonical JSON. */
  body: Scalars['String']['input'];
  /** Its position in the block, and the RFC 6962 audit path from its id to the block's txRoot. */
  index: Scalars['Int']['input'];
  path: Array<Scalars['String']['input']>;
  signature: Scalars['String']['input'];
};

export type Query = {
  __typename?: 'Query';
  /** An account on the ledger of the municipality its address names (`<municipality>:<64 hex>`). */
  account?: Maybe<Account>;
  /** A municipal block as anchored on the main chain; null while it is not anchored. An unknown municipality is an UNKNOWN_MUNICIPALITY error. */
  anchor?: Maybe<Anchor>;
  /** A block by id `<municipality>:<height>`, answered by that municipality's ledger. */
  block?: Maybe<Block>;
  /**
   * One key's accounts across municipalities: its address on the ledger of each registered, active
   * municipality (or of those listed), resolved by each ledger through the shard router — balances
   * and histories (`Account.transactions`) in one request. At most 100 municipalities per request.
   */
  keyAccounts: Array<Account>;
  /** The main chain's own blocks. */
  mainChain: MainChain;
  /** Registered municipalities, oldest first, optionally only those with one status. */
  municipalities: Array<Municipality>;
  /** One municipality; an unknown code is an UNKNOWN_MUNICIPALITY error. */
  municipality: Municipality;
  /** A transfer between municipalities by its source transaction id `<source>:<txid>`; null until its source block is anchored. */
  settlement?: Maybe<Settlement>;
  /** How many transfers between municipalities are in each state. */
  settlementCounts: Array<SettlementCount>;
  /** Transfers between municipalities, optionally only those in one state, by id, at most `first` (≤ 1,000). */
  settlements: Array<Settlement>;
  /**
   * The hops of a transfer across municipalities: the transfer `transactionId` (`<source>:<txid>`),
   * then the transfers to other municipalities its recipient made afterwards, up to `depth` hops
   * (1–5, at most 100 hops in all). Each hop carries what an analyst needs to verify it offline
   * (`aiki verify`). Null if the main chain knows no transfer between municipalities by that id.
   */
  trace?: Maybe<Trace>;
  /** A transaction by id `<municipality>:<txid>`, answered by that municipality's ledger. */
  transaction?: Maybe<Transaction>;
};


export type QueryAccountArgs = {
  address: Scalars['String']['input'];
};


export type QueryAnchorArgs = {
  height: Scalars['Int']['input'];
  municipality: Scalars['String']['input'];
};


export type QueryBlockArgs = {
  id: Scalars['String']['input'];
};


export type QueryKeyAccountsArgs = {
  municipalities?: InputMaybe<Array<Scalars['String']['input']>>;
  publicKey: Scalars['String']['input'];
};


export type QueryMunicipalitiesArgs = {
  status?: InputMaybe<MunicipalityStatus>;
};


export type QueryMunicipalityArgs = {
  code: Scalars['String']['input'];
};


export type QuerySettlementArgs = {
  id: Scalars['String']['input'];
};


export type QuerySettlementsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<SettlementStatus>;
};


export type QueryTraceArgs = {
  depth?: InputMaybe<Scalars['Int']['input']>;
  transactionId: Scalars['String']['input'];
};


export type QueryTransactionArgs = {
  id: Scalars['String']['input'];
};

export type RegisterMunicipalityInput = {
  /** Lower-case code, 2–32 characters of a-z, 0-9 and '-', starting with a letter. */
  code: Scalars['String']['input'];
  /** GraphQL URLs of the municipality's ledger subgraph replicas (http or https), 1–8 of them. */
  endpoints: Array<Scalars['String']['input']>;
  /** Display name, 1–100 characters. */
  name: Scalars['String']['input'];
  /** Hex Ed25519 key the ledger signs its blocks with; when given, its genesis block must be signed by it. */
  sequencerKey?: InputMaybe<Scalars['String']['input']>;
};

/** A transfer from one municipality to another, and how it was settled (docs/SETTLEMENT.md). */
export type Settlement = {
  __typename?: 'Settlement';
  amount: Scalars['String']['output'];
  /** The credit entry on the destination ledger, once ordered (none if the destination refused the order outright). */
  credit?: Maybe<Transaction>;
  /** Id of the credit entry ordered at the destination (hex), once ordered. */
  creditId?: Maybe<Scalars['String']['output']>;
  destination: Scalars['String']['output'];
  from: Scalars['String']['output'];
  /** `<source>:<txid>`, the source transfer's id. */
  id: Scalars['String']['output'];
  /** Why it was refunded: a code such as UNKNOWN_MUNICIPALITY, BAD_ADDRESS or SETTLEMENT_ABORTED, and a message. */
  reason?: Maybe<SettlementReason>;
  /** The refund entry on the source ledger, once ordered. */
  refund?: Maybe<Transaction>;
  /** Id of the refund entry ordered at the source (hex), once ordered. */
  refundId?: Maybe<Scalars['String']['output']>;
  source: Scalars['String']['output'];
  status: SettlementStatus;
  /** Every step, oldest first, each with the main-chain block that sealed it. */
  steps: Array<SettlementStep>;
  to: Scalars['String']['output'];
  /** The transfer on the source ledger. */
  transfer: Transaction;
};

export type SettlementCount = {
  __typename?: 'SettlementCount';
  count: Scalars['Int']['output'];
  status: SettlementStatus;
};

export type SettlementReason = {
  __typename?: 'SettlementReason';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

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

export type SettlementStep = {
  __typename?: 'SettlementStep';
  at: Scalars['String']['output'];
  /** The step's event id: the leaf of the main-chain block's Merkle tree (docs/PROTOCOL.md). */
  eventId: Scalars['String']['output'];
  /** The main-chain block that seals it and the Merkle path to its txRoot; null until sealed. */
  inclusion?: Maybe<EventInclusion>;
  status: SettlementStatus;
};

export type Trace = {
  __typename?: 'Trace';
  hops: Array<TraceHop>;
  transactionId: Scalars['String']['output'];
};

/** One transfer between municipalities, with its proofs (docs/SETTLEMENT.md, Trace). */
export type TraceHop = {
  __typename?: 'TraceHop';
  /** 0 for the traced transfer, 1 for the transfers its recipient made onward, and so on. */
  depth: Scalars['Int']['output'];
  /** The entry that settled it: the credit at the destination (CREDITED) or the refund at the source (REFUNDED); null while in flight. */
  entry?: Maybe<Transaction>;
  /** The block holding that entry, anchored on the main chain; null until it is anchored. */
  entryAnchor?: Maybe<Anchor>;
  settlement: Settlement;
  /** The transfer on its source ledger, with its Merkle inclusion proof (`proof`). */
  transfer: Transaction;
  /** The source block, anchored on the main chain; null until it is anchored. */
  transferAnchor?: Maybe<Anchor>;
};

export type Transaction = {
  __typename?: 'Transaction';
  id: Scalars['String']['output'];
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
  Municipality: Municipality;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Municipality:
    ( { __typename: 'Municipality' }
    & GraphQLRecursivePick<FederationTypes['Municipality'], {"code":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<Account>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Anchor: ResolverTypeWrapper<AnchorDoc>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AnchorBlockInput: AnchorBlockInput;
  Block: ResolverTypeWrapper<Block>;
  EventInclusion: ResolverTypeWrapper<Omit<EventInclusion, 'mainBlock'> & { mainBlock: ResolversTypes['MainBlock'] }>;
  MainBlock: ResolverTypeWrapper<MainBlockDoc>;
  MainChain: ResolverTypeWrapper<MainChainModel>;
  Municipality: ResolverTypeWrapper<Municipality>;
  MunicipalityStatus: MunicipalityStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OutboundTransferInput: OutboundTransferInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterMunicipalityInput: RegisterMunicipalityInput;
  Settlement: ResolverTypeWrapper<SettlementDoc>;
  SettlementCount: ResolverTypeWrapper<SettlementCount>;
  SettlementReason: ResolverTypeWrapper<SettlementReason>;
  SettlementStatus: SettlementStatus;
  SettlementStep: ResolverTypeWrapper<Omit<SettlementStep, 'inclusion'> & { inclusion?: Maybe<ResolversTypes['EventInclusion']> }>;
  Trace: ResolverTypeWrapper<TraceModel>;
  TraceHop: ResolverTypeWrapper<TraceHopModel>;
  Transaction: ResolverTypeWrapper<Transaction>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: Account;
  String: Scalars['String']['output'];
  Anchor: AnchorDoc;
  Int: Scalars['Int']['output'];
  AnchorBlockInput: AnchorBlockInput;
  Block: Block;
  EventInclusion: Omit<EventInclusion, 'mainBlock'> & { mainBlock: ResolversParentTypes['MainBlock'] };
  MainBlock: MainBlockDoc;
  MainChain: MainChainModel;
  Municipality: Municipality | FederationReferenceTypes['Municipality'];
  Mutation: Record<PropertyKey, never>;
  OutboundTransferInput: OutboundTransferInput;
  Query: Record<PropertyKey, never>;
  RegisterMunicipalityInput: RegisterMunicipalityInput;
  Settlement: SettlementDoc;
  SettlementCount: SettlementCount;
  SettlementReason: SettlementReason;
  SettlementStep: Omit<SettlementStep, 'inclusion'> & { inclusion?: Maybe<ResolversParentTypes['EventInclusion']> };
  Trace: TraceModel;
  TraceHop: TraceHopModel;
  Transaction: Transaction;
  Boolean: Scalars['Boolean']['output'];
}>;

export type AccountResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AnchorResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Anchor'] = ResolversParentTypes['Anchor']> = ResolversObject<{
  block?: Resolver<ResolversTypes['Block'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  header?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inclusion?: Resolver<Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type BlockResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Block'] = ResolversParentTypes['Block']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type EventInclusionResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['EventInclusion'] = ResolversParentTypes['EventInclusion']> = ResolversObject<{
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  mainBlock?: Resolver<ResolversTypes['MainBlock'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  treeSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type MainBlockResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainBlock'] = ResolversParentTypes['MainBlock']> = ResolversObject<{
  anchors?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  header?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MainChainResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainChain'] = ResolversParentTypes['MainChain']> = ResolversObject<{
  block?: Resolver<Maybe<ResolversTypes['MainBlock']>, ParentType, ContextType, RequireFields<MainChainBlockArgs, 'height'>>;
  head?: Resolver<ResolversTypes['MainBlock'], ParentType, ContextType>;
  headHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MunicipalityResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Municipality'] = ResolversParentTypes['Municipality'], FederationReferenceType extends FederationReferenceTypes['Municipality'] = FederationReferenceTypes['Municipality']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Municipality']> | FederationReferenceType, FederationReferenceType, ContextType>;
  anchoredHeight?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endpoints?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencerKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MunicipalityStatus'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  anchorBlocks?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<MutationAnchorBlocksArgs, 'blocks' | 'municipality'>>;
  registerMunicipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<MutationRegisterMunicipalityArgs, 'input'>>;
}>;

export type QueryResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'address'>>;
  anchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<QueryAnchorArgs, 'height' | 'municipality'>>;
  block?: Resolver<Maybe<ResolversTypes['Block']>, ParentType, ContextType, RequireFields<QueryBlockArgs, 'id'>>;
  keyAccounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryKeyAccountsArgs, 'publicKey'>>;
  mainChain?: Resolver<ResolversTypes['MainChain'], ParentType, ContextType>;
  municipalities?: Resolver<Array<ResolversTypes['Municipality']>, ParentType, ContextType, Partial<QueryMunicipalitiesArgs>>;
  municipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<QueryMunicipalityArgs, 'code'>>;
  settlement?: Resolver<Maybe<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<QuerySettlementArgs, 'id'>>;
  settlementCounts?: Resolver<Array<ResolversTypes['SettlementCount']>, ParentType, ContextType>;
  settlements?: Resolver<Array<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<QuerySettlementsArgs, 'first'>>;
  trace?: Resolver<Maybe<ResolversTypes['Trace']>, ParentType, ContextType, RequireFields<QueryTraceArgs, 'depth' | 'transactionId'>>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<QueryTransactionArgs, 'id'>>;
}>;

export type SettlementResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Settlement'] = ResolversParentTypes['Settlement']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  credit?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  creditId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  destination?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['SettlementReason']>, ParentType, ContextType>;
  refund?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  refundId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SettlementStatus'], ParentType, ContextType>;
  steps?: Resolver<Array<ResolversTypes['SettlementStep']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transfer?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
}>;

export type SettlementCountResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['SettlementCount'] = ResolversParentTypes['SettlementCount']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SettlementStatus'], ParentType, ContextType>;
}>;

export type SettlementReasonResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['SettlementReason'] = ResolversParentTypes['SettlementReason']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SettlementStepResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['SettlementStep'] = ResolversParentTypes['SettlementStep']> = ResolversObject<{
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inclusion?: Resolver<Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SettlementStatus'], ParentType, ContextType>;
}>;

export type TraceResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Trace'] = ResolversParentTypes['Trace']> = ResolversObject<{
  hops?: Resolver<Array<ResolversTypes['TraceHop']>, ParentType, ContextType>;
  transactionId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TraceHopResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['TraceHop'] = ResolversParentTypes['TraceHop']> = ResolversObject<{
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  entry?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  entryAnchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
  settlement?: Resolver<ResolversTypes['Settlement'], ParentType, ContextType>;
  transfer?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
  transferAnchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = MainchainContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  Anchor?: AnchorResolvers<ContextType>;
  Block?: BlockResolvers<ContextType>;
  EventInclusion?: EventInclusionResolvers<ContextType>;
  MainBlock?: MainBlockResolvers<ContextType>;
  MainChain?: MainChainResolvers<ContextType>;
  Municipality?: MunicipalityResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Settlement?: SettlementResolvers<ContextType>;
  SettlementCount?: SettlementCountResolvers<ContextType>;
  SettlementReason?: SettlementReasonResolvers<ContextType>;
  SettlementStep?: SettlementStepResolvers<ContextType>;
  Trace?: TraceResolvers<ContextType>;
  TraceHop?: TraceHopResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
}>;

