import type * as Types from './mainchain.types.ts';
import type { Municipality } from './mainchain.types.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { MainChainModel, MainBlockDoc, AnchorDoc, SettlementDoc, TraceModel, TraceHopModel, MainEventModel, ProposalDoc, VoteDoc, SubgraphDoc } from '../../subgraphs/mainchain/models.ts';
import type { MainchainContext } from '../../subgraphs/mainchain/context.ts';
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Types.Maybe<T> extends T ? Types.Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
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
) => Types.Maybe<TTypes> | Promise<Types.Maybe<TTypes>>;

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
  Account: ResolverTypeWrapper<Types.Account>;
  String: ResolverTypeWrapper<Types.Scalars['String']['output']>;
  Anchor: ResolverTypeWrapper<AnchorDoc>;
  Int: ResolverTypeWrapper<Types.Scalars['Int']['output']>;
  AnchorBlockInput: Types.AnchorBlockInput;
  Block: ResolverTypeWrapper<Types.Block>;
  EventInclusion: ResolverTypeWrapper<Omit<Types.EventInclusion, 'mainBlock'> & { mainBlock: ResolversTypes['MainBlock'] }>;
  ExtensionSubgraph: ResolverTypeWrapper<SubgraphDoc>;
  MainBlock: ResolverTypeWrapper<MainBlockDoc>;
  MainChain: ResolverTypeWrapper<MainChainModel>;
  MainCheckpoint: ResolverTypeWrapper<Types.MainCheckpoint>;
  MainConsistencyProof: ResolverTypeWrapper<Types.MainConsistencyProof>;
  MainEvent: ResolverTypeWrapper<MainEventModel>;
  Member: ResolverTypeWrapper<Types.Member>;
  Municipality: ResolverTypeWrapper<Types.Municipality>;
  MunicipalityStatus: Types.MunicipalityStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Types.Scalars['Boolean']['output']>;
  OperatorToken: ResolverTypeWrapper<Types.OperatorToken>;
  OutboundTransferInput: Types.OutboundTransferInput;
  ParameterChangeInput: Types.ParameterChangeInput;
  Parameters: ResolverTypeWrapper<Types.Parameters>;
  Float: ResolverTypeWrapper<Types.Scalars['Float']['output']>;
  Proposal: ResolverTypeWrapper<ProposalDoc>;
  ProposalAction: ResolverTypeWrapper<Types.ProposalAction>;
  ProposalFailure: ResolverTypeWrapper<Types.ProposalFailure>;
  ProposalInput: Types.ProposalInput;
  ProposalKind: Types.ProposalKind;
  ProposalStatus: Types.ProposalStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterMunicipalityInput: Types.RegisterMunicipalityInput;
  RegisterSubgraphInput: Types.RegisterSubgraphInput;
  RegistryChanges: ResolverTypeWrapper<Types.RegistryChanges>;
  RemoveSubgraphInput: Types.RemoveSubgraphInput;
  ResumeMunicipalityInput: Types.ResumeMunicipalityInput;
  Settlement: ResolverTypeWrapper<SettlementDoc>;
  SettlementCount: ResolverTypeWrapper<Types.SettlementCount>;
  SettlementReason: ResolverTypeWrapper<Types.SettlementReason>;
  SettlementStatus: Types.SettlementStatus;
  SettlementStep: ResolverTypeWrapper<Omit<Types.SettlementStep, 'inclusion'> & { inclusion?: Types.Maybe<ResolversTypes['EventInclusion']> }>;
  SuspendMunicipalityInput: Types.SuspendMunicipalityInput;
  Tally: ResolverTypeWrapper<Types.Tally>;
  Trace: ResolverTypeWrapper<TraceModel>;
  TraceHop: ResolverTypeWrapper<TraceHopModel>;
  Transaction: ResolverTypeWrapper<Types.Transaction>;
  Vote: ResolverTypeWrapper<VoteDoc>;
  VoteInput: Types.VoteInput;
  VoteOption: Types.VoteOption;
  VotingRules: ResolverTypeWrapper<Types.VotingRules>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: Types.Account;
  String: Types.Scalars['String']['output'];
  Anchor: AnchorDoc;
  Int: Types.Scalars['Int']['output'];
  AnchorBlockInput: Types.AnchorBlockInput;
  Block: Types.Block;
  EventInclusion: Omit<Types.EventInclusion, 'mainBlock'> & { mainBlock: ResolversParentTypes['MainBlock'] };
  ExtensionSubgraph: SubgraphDoc;
  MainBlock: MainBlockDoc;
  MainChain: MainChainModel;
  MainCheckpoint: Types.MainCheckpoint;
  MainConsistencyProof: Types.MainConsistencyProof;
  MainEvent: MainEventModel;
  Member: Types.Member;
  Municipality: Types.Municipality | FederationReferenceTypes['Municipality'];
  Mutation: Record<PropertyKey, never>;
  Boolean: Types.Scalars['Boolean']['output'];
  OperatorToken: Types.OperatorToken;
  OutboundTransferInput: Types.OutboundTransferInput;
  ParameterChangeInput: Types.ParameterChangeInput;
  Parameters: Types.Parameters;
  Float: Types.Scalars['Float']['output'];
  Proposal: ProposalDoc;
  ProposalAction: Types.ProposalAction;
  ProposalFailure: Types.ProposalFailure;
  ProposalInput: Types.ProposalInput;
  Query: Record<PropertyKey, never>;
  RegisterMunicipalityInput: Types.RegisterMunicipalityInput;
  RegisterSubgraphInput: Types.RegisterSubgraphInput;
  RegistryChanges: Types.RegistryChanges;
  RemoveSubgraphInput: Types.RemoveSubgraphInput;
  ResumeMunicipalityInput: Types.ResumeMunicipalityInput;
  Settlement: SettlementDoc;
  SettlementCount: Types.SettlementCount;
  SettlementReason: Types.SettlementReason;
  SettlementStep: Omit<Types.SettlementStep, 'inclusion'> & { inclusion?: Types.Maybe<ResolversParentTypes['EventInclusion']> };
  SuspendMunicipalityInput: Types.SuspendMunicipalityInput;
  Tally: Types.Tally;
  Trace: TraceModel;
  TraceHop: TraceHopModel;
  Transaction: Types.Transaction;
  Vote: VoteDoc;
  VoteInput: Types.VoteInput;
  VotingRules: Types.VotingRules;
}>;

export type OperatorDirectiveArgs = { };

export type OperatorDirectiveResolver<Result, Parent, ContextType = MainchainContext, Args = OperatorDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AccountResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AnchorResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Anchor'] = ResolversParentTypes['Anchor']> = ResolversObject<{
  block?: Resolver<ResolversTypes['Block'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  header?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inclusion?: Resolver<Types.Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
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

export type ExtensionSubgraphResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['ExtensionSubgraph'] = ResolversParentTypes['ExtensionSubgraph']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  proposal?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sdl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MainBlockResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainBlock'] = ResolversParentTypes['MainBlock']> = ResolversObject<{
  anchors?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['MainEvent']>, ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  header?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  poh?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MainChainResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainChain'] = ResolversParentTypes['MainChain']> = ResolversObject<{
  block?: Resolver<Types.Maybe<ResolversTypes['MainBlock']>, ParentType, ContextType, RequireFields<Types.MainChainBlockArgs, 'height'>>;
  blocksFrom?: Resolver<Array<ResolversTypes['MainBlock']>, ParentType, ContextType, RequireFields<Types.MainChainBlocksFromArgs, 'first' | 'height'>>;
  checkpoint?: Resolver<ResolversTypes['MainCheckpoint'], ParentType, ContextType, Partial<Types.MainChainCheckpointArgs>>;
  consistency?: Resolver<ResolversTypes['MainConsistencyProof'], ParentType, ContextType, RequireFields<Types.MainChainConsistencyArgs, 'from'>>;
  head?: Resolver<ResolversTypes['MainBlock'], ParentType, ContextType>;
  headHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  smallOrderPublicKeys?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MainCheckpointResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainCheckpoint'] = ResolversParentTypes['MainCheckpoint']> = ResolversObject<{
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  root?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  v?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type MainConsistencyProofResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainConsistencyProof'] = ResolversParentTypes['MainConsistencyProof']> = ResolversObject<{
  from?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['MainCheckpoint'], ParentType, ContextType>;
}>;

export type MainEventResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['MainEvent'] = ResolversParentTypes['MainEvent']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MemberResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Member'] = ResolversParentTypes['Member']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  governanceKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MunicipalityResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Municipality'] = ResolversParentTypes['Municipality'], FederationReferenceType extends FederationReferenceTypes['Municipality'] = FederationReferenceTypes['Municipality']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Types.Maybe<ResolversTypes['Municipality']> | FederationReferenceType, FederationReferenceType, ContextType>;
  anchoredHeight?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endpoints?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  governanceKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencerKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MunicipalityStatus'], ParentType, ContextType>;
  suspendedReason?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  anchorBlocks?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<Types.MutationAnchorBlocksArgs, 'blocks' | 'municipality'>>;
  createOperatorToken?: Resolver<ResolversTypes['OperatorToken'], ParentType, ContextType, RequireFields<Types.MutationCreateOperatorTokenArgs, 'name'>>;
  propose?: Resolver<ResolversTypes['Proposal'], ParentType, ContextType, RequireFields<Types.MutationProposeArgs, 'input'>>;
  registerMunicipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<Types.MutationRegisterMunicipalityArgs, 'input'>>;
  revokeOperatorToken?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<Types.MutationRevokeOperatorTokenArgs, 'id'>>;
  vote?: Resolver<ResolversTypes['Vote'], ParentType, ContextType, RequireFields<Types.MutationVoteArgs, 'input'>>;
}>;

export type OperatorTokenResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['OperatorToken'] = ResolversParentTypes['OperatorToken']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ParametersResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Parameters'] = ResolversParentTypes['Parameters']> = ResolversObject<{
  mainBlockIntervalMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quorum?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  settlementTimeoutMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  threshold?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  veto?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  votingPeriodMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type ProposalResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Proposal'] = ResolversParentTypes['Proposal']> = ResolversObject<{
  action?: Resolver<ResolversTypes['ProposalAction'], ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  decidedAt?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  electorate?: Resolver<Array<ResolversTypes['Member']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failure?: Resolver<Types.Maybe<ResolversTypes['ProposalFailure']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inclusion?: Resolver<Types.Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  outcome?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcomeEventId?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcomeInclusion?: Resolver<Types.Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  proposer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rules?: Resolver<ResolversTypes['VotingRules'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ProposalStatus'], ParentType, ContextType>;
  submittedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tally?: Resolver<ResolversTypes['Tally'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  votes?: Resolver<Array<ResolversTypes['Vote']>, ParentType, ContextType>;
  votingEndsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ProposalActionResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['ProposalAction'] = ResolversParentTypes['ProposalAction']> = ResolversObject<{
  json?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['ProposalKind'], ParentType, ContextType>;
  municipality?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  subgraph?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ProposalFailureResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['ProposalFailure'] = ResolversParentTypes['ProposalFailure']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errors?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Types.Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<Types.QueryAccountArgs, 'address'>>;
  anchor?: Resolver<Types.Maybe<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<Types.QueryAnchorArgs, 'height' | 'municipality'>>;
  anchors?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<Types.QueryAnchorsArgs, 'first' | 'from' | 'municipality'>>;
  block?: Resolver<Types.Maybe<ResolversTypes['Block']>, ParentType, ContextType, RequireFields<Types.QueryBlockArgs, 'id'>>;
  keyAccounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<Types.QueryKeyAccountsArgs, 'publicKey'>>;
  mainChain?: Resolver<ResolversTypes['MainChain'], ParentType, ContextType>;
  municipalities?: Resolver<Array<ResolversTypes['Municipality']>, ParentType, ContextType, Partial<Types.QueryMunicipalitiesArgs>>;
  municipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<Types.QueryMunicipalityArgs, 'code'>>;
  parameters?: Resolver<ResolversTypes['Parameters'], ParentType, ContextType>;
  proposal?: Resolver<Types.Maybe<ResolversTypes['Proposal']>, ParentType, ContextType, RequireFields<Types.QueryProposalArgs, 'id'>>;
  proposals?: Resolver<Array<ResolversTypes['Proposal']>, ParentType, ContextType, RequireFields<Types.QueryProposalsArgs, 'first'>>;
  registryChanges?: Resolver<ResolversTypes['RegistryChanges'], ParentType, ContextType, RequireFields<Types.QueryRegistryChangesArgs, 'after'>>;
  registryRevision?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<Types.QueryRegistryRevisionArgs>>;
  settlement?: Resolver<Types.Maybe<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<Types.QuerySettlementArgs, 'id'>>;
  settlementCounts?: Resolver<Array<ResolversTypes['SettlementCount']>, ParentType, ContextType>;
  settlements?: Resolver<Array<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<Types.QuerySettlementsArgs, 'first'>>;
  subgraphs?: Resolver<Array<ResolversTypes['ExtensionSubgraph']>, ParentType, ContextType>;
  trace?: Resolver<Types.Maybe<ResolversTypes['Trace']>, ParentType, ContextType, RequireFields<Types.QueryTraceArgs, 'depth' | 'transactionId'>>;
  transaction?: Resolver<Types.Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<Types.QueryTransactionArgs, 'id'>>;
}>;

export type RegistryChangesResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['RegistryChanges'] = ResolversParentTypes['RegistryChanges']> = ResolversObject<{
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  municipalities?: Resolver<Array<ResolversTypes['Municipality']>, ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SettlementResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Settlement'] = ResolversParentTypes['Settlement']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  credit?: Resolver<Types.Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  creditId?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  destination?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Types.Maybe<ResolversTypes['SettlementReason']>, ParentType, ContextType>;
  refund?: Resolver<Types.Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  refundId?: Resolver<Types.Maybe<ResolversTypes['String']>, ParentType, ContextType>;
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
  inclusion?: Resolver<Types.Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SettlementStatus'], ParentType, ContextType>;
}>;

export type TallyResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Tally'] = ResolversParentTypes['Tally']> = ResolversObject<{
  abstain?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  no?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  veto?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  yes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type TraceResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Trace'] = ResolversParentTypes['Trace']> = ResolversObject<{
  hops?: Resolver<Array<ResolversTypes['TraceHop']>, ParentType, ContextType>;
  transactionId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TraceHopResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['TraceHop'] = ResolversParentTypes['TraceHop']> = ResolversObject<{
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  entry?: Resolver<Types.Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  entryAnchor?: Resolver<Types.Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
  settlement?: Resolver<ResolversTypes['Settlement'], ParentType, ContextType>;
  transfer?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
  transferAnchor?: Resolver<Types.Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VoteResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Vote'] = ResolversParentTypes['Vote']> = ResolversObject<{
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inclusion?: Resolver<Types.Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  municipality?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  option?: Resolver<ResolversTypes['VoteOption'], ParentType, ContextType>;
  proposal?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VotingRulesResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['VotingRules'] = ResolversParentTypes['VotingRules']> = ResolversObject<{
  quorum?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  threshold?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  veto?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = MainchainContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  Anchor?: AnchorResolvers<ContextType>;
  Block?: BlockResolvers<ContextType>;
  EventInclusion?: EventInclusionResolvers<ContextType>;
  ExtensionSubgraph?: ExtensionSubgraphResolvers<ContextType>;
  MainBlock?: MainBlockResolvers<ContextType>;
  MainChain?: MainChainResolvers<ContextType>;
  MainCheckpoint?: MainCheckpointResolvers<ContextType>;
  MainConsistencyProof?: MainConsistencyProofResolvers<ContextType>;
  MainEvent?: MainEventResolvers<ContextType>;
  Member?: MemberResolvers<ContextType>;
  Municipality?: MunicipalityResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OperatorToken?: OperatorTokenResolvers<ContextType>;
  Parameters?: ParametersResolvers<ContextType>;
  Proposal?: ProposalResolvers<ContextType>;
  ProposalAction?: ProposalActionResolvers<ContextType>;
  ProposalFailure?: ProposalFailureResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RegistryChanges?: RegistryChangesResolvers<ContextType>;
  Settlement?: SettlementResolvers<ContextType>;
  SettlementCount?: SettlementCountResolvers<ContextType>;
  SettlementReason?: SettlementReasonResolvers<ContextType>;
  SettlementStep?: SettlementStepResolvers<ContextType>;
  Tally?: TallyResolvers<ContextType>;
  Trace?: TraceResolvers<ContextType>;
  TraceHop?: TraceHopResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  Vote?: VoteResolvers<ContextType>;
  VotingRules?: VotingRulesResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = MainchainContext> = ResolversObject<{
  operator?: OperatorDirectiveResolver<any, any, ContextType>;
}>;
