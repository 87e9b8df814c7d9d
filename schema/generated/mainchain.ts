import type { GraphQLResolveInfo } from 'graphql';
import type { MainChainModel, MainBlockDoc, AnchorDoc, SettlementDoc, TraceModel, TraceHopModel, MainEventModel, ProposalDoc, VoteDoc, SubgraphDoc } from '../../subgraphs/mainchain/models.ts';
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
  /**
   * Hex of the 32-byte anchor event id, the leaf of the main-chain block's Merkle tree:
   * SHA-256(UTF-8("aiki/anchor/v1\n") ‖ UTF-8(canonicalJson({v: 1, municipality, height, hash}))) (docs/PROTOCOL.md §7).
   */
  eventId: Scalars['String']['output'];
  /** Hex of the municipal block's 32-byte hash (docs/PROTOCOL.md §6). */
  hash: Scalars['String']['output'];
  /** The municipal block header as canonical JSON: exactly the bytes its hash is over, after the domain prefix. */
  header: Scalars['String']['output'];
  /** The municipal block's height. */
  height: Scalars['Int']['output'];
  /** Where it is sealed on the main chain; null until the next main-chain block. */
  inclusion?: Maybe<EventInclusion>;
  /** The code of the municipality whose block it is. */
  municipality: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature by the municipality's registered sequencer key over the 32 bytes of `hash`. */
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
  /** The event's position among the block's events: its leaf index. */
  index: Scalars['Int']['output'];
  /** The main-chain block that seals the event. */
  mainBlock: MainBlock;
  /** RFC 6962 §2.1.1 PATH(index, D[treeSize]): hex of each 32-byte sibling node, from the leaf up to the block's `txRoot`. */
  path: Array<Scalars['String']['output']>;
  /** How many events the block seals: the Merkle tree's size (the header's `txCount`). */
  treeSize: Scalars['Int']['output'];
};

/** A subgraph with its own schema, composed into the supergraph beside the main chain and the ledgers. */
export type ExtensionSubgraph = {
  __typename?: 'ExtensionSubgraph';
  name: Scalars['String']['output'];
  /** The proposal that registered it. */
  proposal: Scalars['String']['output'];
  registeredAt: Scalars['String']['output'];
  /** The SDL approved with it: the gateway composes exactly this. */
  sdl: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

/** A main-chain block, sealed by the same rules as a municipal block (docs/PROTOCOL.md). */
export type MainBlock = {
  __typename?: 'MainBlock';
  /** The anchors it seals, in order. */
  anchors: Array<Anchor>;
  /** Every event it seals, in order: the leaves of its Merkle tree. */
  events: Array<MainEvent>;
  /** Hex of the 32-byte block hash: SHA-256(UTF-8("aiki/block/v1\n") ‖ UTF-8(header)) (docs/PROTOCOL.md §6). */
  hash: Scalars['String']['output'];
  /** The header as canonical JSON: what `hash` is over (with the block domain prefix). */
  header: Scalars['String']['output'];
  /** The header's `height`: 0 for the main chain's genesis block. */
  height: Scalars['Int']['output'];
  /**
   * Its Proof of History entries as canonical JSON, `[{"event", "hash", "ticks"}, …]`, one per event
   * in order (`ticks` per entry, not cumulative): from the previous main-chain block's `pohEnd`,
   * these and the trailing ticks `pohCount` implies end at this header's `pohEnd` (docs/PROTOCOL.md §5, §7).
   */
  poh: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature by the main chain's key over the 32 bytes of `hash`. */
  signature: Scalars['String']['output'];
  /** The header's `time`: ISO 8601 UTC with milliseconds. */
  time: Scalars['String']['output'];
  /** The header's `txRoot`: hex of the RFC 6962 Merkle root whose leaves are the 32 bytes of each event id, in order. */
  txRoot: Scalars['String']['output'];
};

/** The main chain's own blocks: each seals the events recorded since the one before (anchors, settlement steps, proposals, votes, outcomes). */
export type MainChain = {
  __typename?: 'MainChain';
  /** A main-chain block by height; null if there is none. */
  block?: Maybe<MainBlock>;
  /**
   * Main-chain blocks from height `height` upward, oldest first, at most `first` (1–100): fewer
   * (none) past the head. What `aiki audit --mainchain` walks.
   */
  blocksFrom: Array<MainBlock>;
  /**
   * A signed checkpoint of the main chain at `height` (default: the head): the RFC 6962 root over
   * the 32-byte hashes of main-chain blocks 0 … height, signed with the main chain's key
   * (docs/PROTOCOL.md §10). A height above the head is BLOCK_NOT_FOUND.
   */
  checkpoint: MainCheckpoint;
  /**
   * Proof that the main chain at height `to` (default: the head) only grew from the main chain at
   * height `from`: RFC 6962 PROOF(from + 1, D[to + 1]) over its block hashes, with the signed
   * checkpoint at `to` (docs/PROTOCOL.md §10). `from` above `to` is BAD_USER_INPUT, a height above
   * the head BLOCK_NOT_FOUND.
   */
  consistency: MainConsistencyProof;
  /** The newest main-chain block. */
  head: MainBlock;
  /** Hex of the newest main-chain block's 32-byte hash. */
  headHash: Scalars['String']['output'];
  /** Height of the newest main-chain block; the genesis block has height 0. */
  height: Scalars['Int']['output'];
  /** Hex of the 32-byte Ed25519 public key the main chain signs its blocks, checkpoints and settlement orders with. */
  sequencer: Scalars['String']['output'];
  /** The 8 encodings of Ed25519 points of small order (hex, 32 bytes each): a signature by one of these keys is never valid (docs/PROTOCOL.md §2, rule 2). */
  smallOrderPublicKeys: Array<Scalars['String']['output']>;
};


/** The main chain's own blocks: each seals the events recorded since the one before (anchors, settlement steps, proposals, votes, outcomes). */
export type MainChainBlockArgs = {
  height: Scalars['Int']['input'];
};


/** The main chain's own blocks: each seals the events recorded since the one before (anchors, settlement steps, proposals, votes, outcomes). */
export type MainChainBlocksFromArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  height: Scalars['Int']['input'];
};


/** The main chain's own blocks: each seals the events recorded since the one before (anchors, settlement steps, proposals, votes, outcomes). */
export type MainChainCheckpointArgs = {
  height?: InputMaybe<Scalars['Int']['input']>;
};


/** The main chain's own blocks: each seals the events recorded since the one before (anchors, settlement steps, proposals, votes, outcomes). */
export type MainChainConsistencyArgs = {
  from: Scalars['Int']['input'];
  to?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * The main chain's head signed with its key (docs/PROTOCOL.md §10): `signature` = hex Ed25519 over
 * UTF-8("aiki/checkpoint/v1\n") ‖ UTF-8(canonicalJson({v: 1, municipality: "main", height, root})).
 */
export type MainCheckpoint = {
  __typename?: 'MainCheckpoint';
  /** The newest main-chain block covered: the tree has height + 1 leaves. */
  height: Scalars['Int']['output'];
  /** The code the main chain's checkpoints name: always `main`. */
  municipality: Scalars['String']['output'];
  /** Hex RFC 6962 root over the 32-byte main-chain block hashes 0 … height, in height order. */
  root: Scalars['String']['output'];
  /** Hex of the main chain's 32-byte Ed25519 public key (`MainChain.sequencer`). */
  sequencer: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature over the checkpoint bytes above. */
  signature: Scalars['String']['output'];
  /** The format version: 1. */
  v: Scalars['Int']['output'];
};

/**
 * A consistency proof between two main-chain heights (docs/PROTOCOL.md §10), checked by RFC 9162
 * §2.1.4.2 with first size `from + 1`, second size `to.height + 1`, first root the kept
 * checkpoint's `root` and second root `to.root`.
 */
export type MainConsistencyProof = {
  __typename?: 'MainConsistencyProof';
  /** The height of the older checkpoint: the first `from + 1` block hashes. */
  from: Scalars['Int']['output'];
  /** Hex of each 32-byte node of RFC 6962 §2.1.2 PROOF(from + 1, D[to.height + 1]), in the RFC's order; empty when `from` = `to.height`. */
  path: Array<Scalars['String']['output']>;
  /** The signed checkpoint at the newer height. */
  to: MainCheckpoint;
};

/** An event sealed in a main-chain block. */
export type MainEvent = {
  __typename?: 'MainEvent';
  /** Hex of the 32-byte event id, a leaf of the block's Merkle tree: an anchor's (docs/PROTOCOL.md §7), a settlement step's (§8), a proposal's, vote's or outcome's (§9). */
  id: Scalars['String']['output'];
  /** What the event is, as one of these words: `anchor`, `settlement` (a step), `proposal`, `vote` or `outcome` — which rule made its `id`. */
  kind: Scalars['String']['output'];
  /** What it concerns: `<municipality>:<height>` for an anchor, the settlement or proposal id otherwise. */
  subject: Scalars['String']['output'];
};

export type Member = {
  __typename?: 'Member';
  code: Scalars['String']['output'];
  /** Hex Ed25519 key the member's votes must be signed with. */
  governanceKey: Scalars['String']['output'];
};

/** A municipality registered on the main chain. */
export type Municipality = {
  __typename?: 'Municipality';
  /** Height of its newest block anchored on the main chain. */
  anchoredHeight: Scalars['Int']['output'];
  code: Scalars['String']['output'];
  /** GraphQL URLs of its ledger subgraph replicas, as registered. */
  endpoints: Array<Scalars['String']['output']>;
  /** Hex of the 32-byte Ed25519 public key that signs its governance votes. */
  governanceKey: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** When it was registered (ISO 8601). */
  registeredAt: Scalars['String']['output'];
  /** Hex of the 32-byte Ed25519 public key its blocks and checkpoints are signed with, from its genesis block at registration. */
  sequencerKey: Scalars['String']['output'];
  status: MunicipalityStatus;
  /** Why it is suspended; null when active. */
  suspendedReason?: Maybe<Scalars['String']['output']>;
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
  /** A new operator token (operator credentials). The token is in the answer only. */
  createOperatorToken: OperatorToken;
  /**
   * Submit a governance proposal (operator credentials). Exactly one action field of `input` is
   * set. Checked for shape only (BAD_PROPOSAL); what it needs from the outside world (a ledger
   * answering, a subgraph composing) is checked when it is carried out.
   */
  propose: Proposal;
  /**
   * Register a municipality's ledger subgraph. Refused, with nothing stored, unless every endpoint
   * answers, serves exactly the ledger contract and identifies as this municipality.
   * Needs operator credentials when the main chain runs with AIKI_OPERATOR_TOKEN.
   */
  registerMunicipality: Municipality;
  /** Revoke an operator token by id (operator credentials); false if there was none. */
  revokeOperatorToken: Scalars['Boolean']['output'];
  /**
   * A member's vote, signed with its governance key over the vote body (docs/GOVERNANCE.md).
   * One per member per proposal, final: a second is VOTE_EXISTS. Refused with NOT_A_MEMBER,
   * BAD_SIGNATURE, VOTING_CLOSED, UNKNOWN_PROPOSAL or BAD_VOTE, with nothing recorded.
   */
  vote: Vote;
};


export type MutationAnchorBlocksArgs = {
  blocks: Array<AnchorBlockInput>;
  municipality: Scalars['String']['input'];
};


export type MutationCreateOperatorTokenArgs = {
  name: Scalars['String']['input'];
};


export type MutationProposeArgs = {
  input: ProposalInput;
};


export type MutationRegisterMunicipalityArgs = {
  input: RegisterMunicipalityInput;
};


export type MutationRevokeOperatorTokenArgs = {
  id: Scalars['String']['input'];
};


export type MutationVoteArgs = {
  input: VoteInput;
};

/** An operator credential, shown once: only its SHA-256 digest is stored. */
export type OperatorToken = {
  __typename?: 'OperatorToken';
  id: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** Send as `Authorization: Bearer <token>`. Not retrievable later. */
  token: Scalars['String']['output'];
};

export type OutboundTransferInput = {
  /** The signed transfer body as canonical JSON. */
  body: Scalars['String']['input'];
  /** Its position in the block, and the RFC 6962 audit path from its id to the block's txRoot. */
  index: Scalars['Int']['input'];
  path: Array<Scalars['String']['input']>;
  signature: Scalars['String']['input'];
};

export type ParameterChangeInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** Governance parameters (changed by CHANGE_PARAMETERS proposals). */
export type Parameters = {
  __typename?: 'Parameters';
  mainBlockIntervalMs: Scalars['Int']['output'];
  quorum: Scalars['String']['output'];
  settlementTimeoutMs: Scalars['Int']['output'];
  threshold: Scalars['String']['output'];
  veto: Scalars['String']['output'];
  votingPeriodMs: Scalars['Float']['output'];
};

/**
 * A governance proposal (docs/GOVERNANCE.md). Submitted by an operator, voted on by the member
 * municipalities listed in `electorate` (those active when it was submitted), one vote each.
 */
export type Proposal = {
  __typename?: 'Proposal';
  /** What it does when it passes. */
  action: ProposalAction;
  /** The proposal as canonical JSON: the bytes its event id is over (with the domain prefix). */
  body: Scalars['String']['output'];
  /** When it was decided (ISO 8601); null while voting. */
  decidedAt?: Maybe<Scalars['String']['output']>;
  description: Scalars['String']['output'];
  /** Member codes and the keys their votes must be signed with, fixed at submission. */
  electorate: Array<Member>;
  /**
   * Hex of its 32-byte event id on the main chain: SHA-256(UTF-8("aiki/proposal/v1\n") ‖ UTF-8(body))
   * (docs/PROTOCOL.md §9) — also the votes' `proposalHash`.
   */
  eventId: Scalars['String']['output'];
  /** Why it FAILED (passed, but could not be carried out), with every composition error for a subgraph. */
  failure?: Maybe<ProposalFailure>;
  /** The proposal's number, as a decimal string: the body's `id`. */
  id: Scalars['String']['output'];
  /** Where the proposal event is sealed on the main chain; null until the next main-chain block. */
  inclusion?: Maybe<EventInclusion>;
  /** The outcome as canonical JSON (status, tally, the ids of the votes counted); null while voting. */
  outcome?: Maybe<Scalars['String']['output']>;
  /** Hex of the 32-byte outcome event id: SHA-256(UTF-8("aiki/outcome/v1\n") ‖ UTF-8(outcome)) (docs/PROTOCOL.md §9); null while voting. */
  outcomeEventId?: Maybe<Scalars['String']['output']>;
  /** Where the outcome event is sealed on the main chain; null until it is. */
  outcomeInclusion?: Maybe<EventInclusion>;
  /** Name of the operator who submitted it. */
  proposer: Scalars['String']['output'];
  rules: VotingRules;
  /** Where it stands; once decided, the outcome's `status` (canonical JSON in `outcome`). */
  status: ProposalStatus;
  submittedAt: Scalars['String']['output'];
  tally: Tally;
  title: Scalars['String']['output'];
  /** The votes recorded, each with its signed body and where it is sealed. */
  votes: Array<Vote>;
  /** Votes are taken until then (ISO 8601); the outcome is decided earlier once no remaining vote can change it. */
  votingEndsAt: Scalars['String']['output'];
};

export type ProposalAction = {
  __typename?: 'ProposalAction';
  /** The action with every argument, as canonical JSON. */
  json: Scalars['String']['output'];
  kind: ProposalKind;
  /** The municipality it registers, suspends or resumes. */
  municipality?: Maybe<Scalars['String']['output']>;
  /** The extension subgraph it registers or removes. */
  subgraph?: Maybe<Scalars['String']['output']>;
};

export type ProposalFailure = {
  __typename?: 'ProposalFailure';
  /** The error code, as in the outcome's `failure` `{code, message}` (docs/PROTOCOL.md §9). */
  code: Scalars['String']['output'];
  /** Each composition error, for a subgraph that did not compose. */
  errors: Array<Scalars['String']['output']>;
  /** The error message, as in the outcome's `failure`. */
  message: Scalars['String']['output'];
};

export type ProposalInput = {
  /** Parameters to set, by name (see `Parameters`), values as strings. */
  changeParameters?: InputMaybe<Array<ParameterChangeInput>>;
  /** Up to 10,000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  registerMunicipality?: InputMaybe<RegisterMunicipalityInput>;
  registerSubgraph?: InputMaybe<RegisterSubgraphInput>;
  removeSubgraph?: InputMaybe<RemoveSubgraphInput>;
  resumeMunicipality?: InputMaybe<ResumeMunicipalityInput>;
  suspendMunicipality?: InputMaybe<SuspendMunicipalityInput>;
  /** One line, 1–200 characters. */
  title: Scalars['String']['input'];
};

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

export type Query = {
  __typename?: 'Query';
  /** An account on the ledger of the municipality its address names (`<municipality>:<64 hex>`). */
  account?: Maybe<Account>;
  /** A municipal block as anchored on the main chain; null while it is not anchored. An unknown municipality is an UNKNOWN_MUNICIPALITY error. */
  anchor?: Maybe<Anchor>;
  /**
   * A municipality's anchored blocks from height `from` upward, oldest first, at most `first`
   * (1–100); the list ends before the first height not anchored yet. What `aiki audit` walks.
   */
  anchors: Array<Anchor>;
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
  /** The parameters governance can change, as they are now. */
  parameters: Parameters;
  /** A governance proposal by id; null if there is none. */
  proposal?: Maybe<Proposal>;
  /** Governance proposals, newest first, optionally only those in one state, at most `first` (≤ 1,000). */
  proposals: Array<Proposal>;
  /**
   * What changed in the registry since revision `after`: the municipalities registered, suspended
   * or resumed since, as they are now, and the revision that brings a reader up to date. When
   * `after` is from another main-chain process or too old to tell, `complete` is true and the list
   * is the whole registry. So the gateway reads one municipality per change, not the registry.
   */
  registryChanges: RegistryChanges;
  /**
   * The registry's revision: it changes whenever a municipality or an extension subgraph is
   * registered, suspended, resumed or removed. With `after` (a revision) and `waitMs` (≤ 30,000),
   * answers only once the revision differs from `after` or `waitMs` has passed — a long poll, so
   * the gateway learns of a change at once without re-reading the registry. One per request may
   * wait: another with `waitMs` > 0 in the same request is BAD_USER_INPUT.
   */
  registryRevision: Scalars['String']['output'];
  /** A transfer between municipalities by its source transaction id `<source>:<txid>`; null until its source block is anchored. */
  settlement?: Maybe<Settlement>;
  /** How many transfers between municipalities are in each state. */
  settlementCounts: Array<SettlementCount>;
  /** Transfers between municipalities, optionally only those in one state, by id, at most `first` (≤ 1,000). */
  settlements: Array<Settlement>;
  /** Extension subgraphs composed into the supergraph (registered by governance), oldest first. */
  subgraphs: Array<ExtensionSubgraph>;
  /**
   * The hops of a transfer across municipalities: the transfer `transactionId` (`<source>:<txid>`),
   * then the transfers to other municipalities its recipient sent — at any time, before or after the
   * credit: a trace follows the recipient, not the order of the money — and so on up to `depth` hops
   * (0–5, at most 100 hops in all). Each hop carries what an analyst needs to verify it offline
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


export type QueryAnchorsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['Int']['input'];
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


export type QueryProposalArgs = {
  id: Scalars['String']['input'];
};


export type QueryProposalsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ProposalStatus>;
};


export type QueryRegistryChangesArgs = {
  after: Scalars['String']['input'];
};


export type QueryRegistryRevisionArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  waitMs?: InputMaybe<Scalars['Int']['input']>;
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
  /** Hex Ed25519 key that signs its governance votes; the sequencer key when not given. */
  governanceKey?: InputMaybe<Scalars['String']['input']>;
  /** Display name, 1–100 characters. */
  name: Scalars['String']['input'];
  /** Hex Ed25519 key the ledger signs its blocks with; when given, its genesis block must be signed by it. */
  sequencerKey?: InputMaybe<Scalars['String']['input']>;
};

export type RegisterSubgraphInput = {
  /** Lower-case name, 2–32 characters of a-z, 0-9 and '-'; not mainchain or ledger. */
  name: Scalars['String']['input'];
  /** GraphQL URL of the subgraph (http or https); its SDL is read from `_service { sdl }` when the proposal is carried out. */
  url: Scalars['String']['input'];
};

export type RegistryChanges = {
  __typename?: 'RegistryChanges';
  complete: Scalars['Boolean']['output'];
  municipalities: Array<Municipality>;
  revision: Scalars['String']['output'];
};

export type RemoveSubgraphInput = {
  name: Scalars['String']['input'];
};

export type ResumeMunicipalityInput = {
  code: Scalars['String']['input'];
};

/** A transfer from one municipality to another, and how it was settled (docs/SETTLEMENT.md). */
export type Settlement = {
  __typename?: 'Settlement';
  /** The transfer's `amount`: a decimal string, in the smallest unit. */
  amount: Scalars['String']['output'];
  /** The credit entry on the destination ledger, once ordered (none if the destination refused the order outright). */
  credit?: Maybe<Transaction>;
  /** Id of the credit entry ordered at the destination (hex), once ordered. */
  creditId?: Maybe<Scalars['String']['output']>;
  /** The code of the municipality its recipient is on. */
  destination: Scalars['String']['output'];
  /** The transfer's `from`: an address, `<municipality>:<64 hex public key>`. */
  from: Scalars['String']['output'];
  /** `<source>:<txid>`, the source transfer's id. */
  id: Scalars['String']['output'];
  /** Why it was refunded: a code such as UNKNOWN_MUNICIPALITY, BAD_ADDRESS or SETTLEMENT_ABORTED, and a message. */
  reason?: Maybe<SettlementReason>;
  /** The refund entry on the source ledger, once ordered. */
  refund?: Maybe<Transaction>;
  /** Id of the refund entry ordered at the source (hex), once ordered. */
  refundId?: Maybe<Scalars['String']['output']>;
  /** The code of the municipality the transfer was sent from. */
  source: Scalars['String']['output'];
  /** Where it stands; the last step's status. */
  status: SettlementStatus;
  /** Every step, oldest first, each with the main-chain block that sealed it. */
  steps: Array<SettlementStep>;
  /** The transfer's `to`: an address, `<municipality>:<64 hex public key>`. */
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
  /** When the main chain recorded it (ISO 8601); not part of any signed or hashed bytes. */
  at: Scalars['String']['output'];
  /**
   * Hex of the 32-byte step event id, the leaf of the main-chain block's Merkle tree:
   * SHA-256(UTF-8("aiki/settlement-event/v2\n") ‖ UTF-8(canonicalJson({v: 2, settlement, status, entry, prev}))),
   * chained to the step before (docs/PROTOCOL.md §8).
   */
  eventId: Scalars['String']['output'];
  /** The main-chain block that seals it and the Merkle path to its txRoot; null until sealed. */
  inclusion?: Maybe<EventInclusion>;
  /** The step: one of the statuses of docs/PROTOCOL.md §8, in the order the table there allows. */
  status: SettlementStatus;
};

export type SuspendMunicipalityInput = {
  code: Scalars['String']['input'];
  reason: Scalars['String']['input'];
};

export type Tally = {
  __typename?: 'Tally';
  abstain: Scalars['Int']['output'];
  no: Scalars['Int']['output'];
  /** Members who have not voted. */
  pending: Scalars['Int']['output'];
  veto: Scalars['Int']['output'];
  yes: Scalars['Int']['output'];
};

/** A transfer between municipalities and the ones its recipients sent on, each hop with its proofs (docs/PROTOCOL.md §8). */
export type Trace = {
  __typename?: 'Trace';
  /** The traced transfer first (depth 0), then the hops it led to, by depth. */
  hops: Array<TraceHop>;
  /** The transfer traced, `<source municipality>:<hex txid>`. */
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
  /** The settlement of this hop's transfer: its state and every step. */
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

/** A member's signed vote, as recorded and sealed on the main chain. */
export type Vote = {
  __typename?: 'Vote';
  /** The vote as canonical JSON: what `signature` is over (with the domain prefix) and `eventId` hashes. */
  body: Scalars['String']['output'];
  /** Hex of the 32-byte vote event id: SHA-256 of those same bytes (docs/PROTOCOL.md §9). */
  eventId: Scalars['String']['output'];
  /** Where the vote event is sealed on the main chain; null until the next main-chain block. */
  inclusion?: Maybe<EventInclusion>;
  /** The member's municipality code (the body's `municipality`). */
  municipality: Scalars['String']['output'];
  option: VoteOption;
  /** The proposal's number, as a decimal string (the body's `proposal`). */
  proposal: Scalars['String']['output'];
  /** Hex of the 64-byte Ed25519 signature by the member's governance key over UTF-8("aiki/vote/v1\n") ‖ UTF-8(body). */
  signature: Scalars['String']['output'];
  time: Scalars['String']['output'];
};

export type VoteInput = {
  /** The vote body as canonical JSON: {v: 1, type: "vote", proposal, proposalHash, municipality, option, time}. */
  body: Scalars['String']['input'];
  /** Hex Ed25519 signature over the domain prefix and the body. */
  signature: Scalars['String']['input'];
};

export type VoteOption =
  | 'ABSTAIN'
  | 'NO'
  | 'VETO'
  | 'YES';

/**
 * Fractions as decimal strings ("0.334"): quorum of the electorate voting, yes among non-abstaining
 * votes above threshold, veto among votes above veto. For reading only: the proposal's `body`, which
 * its event id is over, holds the same rules as integers in basis points (3340 for "0.334";
 * docs/PROTOCOL.md §9).
 */
export type VotingRules = {
  __typename?: 'VotingRules';
  /** Share of the electorate that must vote (abstentions count), as a decimal string; `rules.quorum` in the body, in basis points. */
  quorum: Scalars['String']['output'];
  /** Share of non-abstaining votes YES must exceed, as a decimal string; `rules.threshold` in the body, in basis points. */
  threshold: Scalars['String']['output'];
  /** Share of the votes cast VETO must exceed to reject, as a decimal string; `rules.veto` in the body, in basis points. */
  veto: Scalars['String']['output'];
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
  ExtensionSubgraph: ResolverTypeWrapper<SubgraphDoc>;
  MainBlock: ResolverTypeWrapper<MainBlockDoc>;
  MainChain: ResolverTypeWrapper<MainChainModel>;
  MainCheckpoint: ResolverTypeWrapper<MainCheckpoint>;
  MainConsistencyProof: ResolverTypeWrapper<MainConsistencyProof>;
  MainEvent: ResolverTypeWrapper<MainEventModel>;
  Member: ResolverTypeWrapper<Member>;
  Municipality: ResolverTypeWrapper<Municipality>;
  MunicipalityStatus: MunicipalityStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  OperatorToken: ResolverTypeWrapper<OperatorToken>;
  OutboundTransferInput: OutboundTransferInput;
  ParameterChangeInput: ParameterChangeInput;
  Parameters: ResolverTypeWrapper<Parameters>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Proposal: ResolverTypeWrapper<ProposalDoc>;
  ProposalAction: ResolverTypeWrapper<ProposalAction>;
  ProposalFailure: ResolverTypeWrapper<ProposalFailure>;
  ProposalInput: ProposalInput;
  ProposalKind: ProposalKind;
  ProposalStatus: ProposalStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterMunicipalityInput: RegisterMunicipalityInput;
  RegisterSubgraphInput: RegisterSubgraphInput;
  RegistryChanges: ResolverTypeWrapper<RegistryChanges>;
  RemoveSubgraphInput: RemoveSubgraphInput;
  ResumeMunicipalityInput: ResumeMunicipalityInput;
  Settlement: ResolverTypeWrapper<SettlementDoc>;
  SettlementCount: ResolverTypeWrapper<SettlementCount>;
  SettlementReason: ResolverTypeWrapper<SettlementReason>;
  SettlementStatus: SettlementStatus;
  SettlementStep: ResolverTypeWrapper<Omit<SettlementStep, 'inclusion'> & { inclusion?: Maybe<ResolversTypes['EventInclusion']> }>;
  SuspendMunicipalityInput: SuspendMunicipalityInput;
  Tally: ResolverTypeWrapper<Tally>;
  Trace: ResolverTypeWrapper<TraceModel>;
  TraceHop: ResolverTypeWrapper<TraceHopModel>;
  Transaction: ResolverTypeWrapper<Transaction>;
  Vote: ResolverTypeWrapper<VoteDoc>;
  VoteInput: VoteInput;
  VoteOption: VoteOption;
  VotingRules: ResolverTypeWrapper<VotingRules>;
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
  ExtensionSubgraph: SubgraphDoc;
  MainBlock: MainBlockDoc;
  MainChain: MainChainModel;
  MainCheckpoint: MainCheckpoint;
  MainConsistencyProof: MainConsistencyProof;
  MainEvent: MainEventModel;
  Member: Member;
  Municipality: Municipality | FederationReferenceTypes['Municipality'];
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  OperatorToken: OperatorToken;
  OutboundTransferInput: OutboundTransferInput;
  ParameterChangeInput: ParameterChangeInput;
  Parameters: Parameters;
  Float: Scalars['Float']['output'];
  Proposal: ProposalDoc;
  ProposalAction: ProposalAction;
  ProposalFailure: ProposalFailure;
  ProposalInput: ProposalInput;
  Query: Record<PropertyKey, never>;
  RegisterMunicipalityInput: RegisterMunicipalityInput;
  RegisterSubgraphInput: RegisterSubgraphInput;
  RegistryChanges: RegistryChanges;
  RemoveSubgraphInput: RemoveSubgraphInput;
  ResumeMunicipalityInput: ResumeMunicipalityInput;
  Settlement: SettlementDoc;
  SettlementCount: SettlementCount;
  SettlementReason: SettlementReason;
  SettlementStep: Omit<SettlementStep, 'inclusion'> & { inclusion?: Maybe<ResolversParentTypes['EventInclusion']> };
  SuspendMunicipalityInput: SuspendMunicipalityInput;
  Tally: Tally;
  Trace: TraceModel;
  TraceHop: TraceHopModel;
  Transaction: Transaction;
  Vote: VoteDoc;
  VoteInput: VoteInput;
  VotingRules: VotingRules;
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
  block?: Resolver<Maybe<ResolversTypes['MainBlock']>, ParentType, ContextType, RequireFields<MainChainBlockArgs, 'height'>>;
  blocksFrom?: Resolver<Array<ResolversTypes['MainBlock']>, ParentType, ContextType, RequireFields<MainChainBlocksFromArgs, 'first' | 'height'>>;
  checkpoint?: Resolver<ResolversTypes['MainCheckpoint'], ParentType, ContextType, Partial<MainChainCheckpointArgs>>;
  consistency?: Resolver<ResolversTypes['MainConsistencyProof'], ParentType, ContextType, RequireFields<MainChainConsistencyArgs, 'from'>>;
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
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Municipality']> | FederationReferenceType, FederationReferenceType, ContextType>;
  anchoredHeight?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endpoints?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  governanceKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sequencerKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MunicipalityStatus'], ParentType, ContextType>;
  suspendedReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  anchorBlocks?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<MutationAnchorBlocksArgs, 'blocks' | 'municipality'>>;
  createOperatorToken?: Resolver<ResolversTypes['OperatorToken'], ParentType, ContextType, RequireFields<MutationCreateOperatorTokenArgs, 'name'>>;
  propose?: Resolver<ResolversTypes['Proposal'], ParentType, ContextType, RequireFields<MutationProposeArgs, 'input'>>;
  registerMunicipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<MutationRegisterMunicipalityArgs, 'input'>>;
  revokeOperatorToken?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRevokeOperatorTokenArgs, 'id'>>;
  vote?: Resolver<ResolversTypes['Vote'], ParentType, ContextType, RequireFields<MutationVoteArgs, 'input'>>;
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
  decidedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  electorate?: Resolver<Array<ResolversTypes['Member']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failure?: Resolver<Maybe<ResolversTypes['ProposalFailure']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inclusion?: Resolver<Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
  outcome?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcomeEventId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcomeInclusion?: Resolver<Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
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
  municipality?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  subgraph?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ProposalFailureResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['ProposalFailure'] = ResolversParentTypes['ProposalFailure']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errors?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'address'>>;
  anchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<QueryAnchorArgs, 'height' | 'municipality'>>;
  anchors?: Resolver<Array<ResolversTypes['Anchor']>, ParentType, ContextType, RequireFields<QueryAnchorsArgs, 'first' | 'from' | 'municipality'>>;
  block?: Resolver<Maybe<ResolversTypes['Block']>, ParentType, ContextType, RequireFields<QueryBlockArgs, 'id'>>;
  keyAccounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryKeyAccountsArgs, 'publicKey'>>;
  mainChain?: Resolver<ResolversTypes['MainChain'], ParentType, ContextType>;
  municipalities?: Resolver<Array<ResolversTypes['Municipality']>, ParentType, ContextType, Partial<QueryMunicipalitiesArgs>>;
  municipality?: Resolver<ResolversTypes['Municipality'], ParentType, ContextType, RequireFields<QueryMunicipalityArgs, 'code'>>;
  parameters?: Resolver<ResolversTypes['Parameters'], ParentType, ContextType>;
  proposal?: Resolver<Maybe<ResolversTypes['Proposal']>, ParentType, ContextType, RequireFields<QueryProposalArgs, 'id'>>;
  proposals?: Resolver<Array<ResolversTypes['Proposal']>, ParentType, ContextType, RequireFields<QueryProposalsArgs, 'first'>>;
  registryChanges?: Resolver<ResolversTypes['RegistryChanges'], ParentType, ContextType, RequireFields<QueryRegistryChangesArgs, 'after'>>;
  registryRevision?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<QueryRegistryRevisionArgs>>;
  settlement?: Resolver<Maybe<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<QuerySettlementArgs, 'id'>>;
  settlementCounts?: Resolver<Array<ResolversTypes['SettlementCount']>, ParentType, ContextType>;
  settlements?: Resolver<Array<ResolversTypes['Settlement']>, ParentType, ContextType, RequireFields<QuerySettlementsArgs, 'first'>>;
  subgraphs?: Resolver<Array<ResolversTypes['ExtensionSubgraph']>, ParentType, ContextType>;
  trace?: Resolver<Maybe<ResolversTypes['Trace']>, ParentType, ContextType, RequireFields<QueryTraceArgs, 'depth' | 'transactionId'>>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<QueryTransactionArgs, 'id'>>;
}>;

export type RegistryChangesResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['RegistryChanges'] = ResolversParentTypes['RegistryChanges']> = ResolversObject<{
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  municipalities?: Resolver<Array<ResolversTypes['Municipality']>, ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
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
  entry?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  entryAnchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
  settlement?: Resolver<ResolversTypes['Settlement'], ParentType, ContextType>;
  transfer?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
  transferAnchor?: Resolver<Maybe<ResolversTypes['Anchor']>, ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VoteResolvers<ContextType = MainchainContext, ParentType extends ResolversParentTypes['Vote'] = ResolversParentTypes['Vote']> = ResolversObject<{
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inclusion?: Resolver<Maybe<ResolversTypes['EventInclusion']>, ParentType, ContextType>;
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
