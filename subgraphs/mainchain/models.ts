/**
 * The main chain's stored documents and the models its resolvers receive, with the small pure
 * helpers that name them. Imports none of the main chain's own modules, so that every one of them
 * (and the generated resolver types: codegen.ts maps the schema's types here) can import these
 * without an import circle.
 */
import {
  anchorEventId,
  settlementEventIds,
  type BlockHeader,
  type OutcomeBody,
  type PohEntry,
  type ProposalBody,
  type ProposalStatus,
  type SettlementStatus,
  type SignedSettlement,
  type VoteBody,
} from '../../core/index.ts';
import { blockKey } from '../../db/mongo.ts';

/** One event a main-chain block commits to, in block order: an anchored block, a settlement's step, or governance's. */
export type MainEvent =
  | { id: string; kind: 'anchor'; municipality: string; height: number; hash: string }
  | { id: string; kind: 'settlement'; settlement: string; status: SettlementStatus; entry?: string }
  | { id: string; kind: 'proposal' | 'outcome'; proposal: string }
  | { id: string; kind: 'vote'; proposal: string; municipality: string };

/** What `MainEvent` resolves from. */
export type MainEventModel = MainEvent;

export interface MainBlockDoc {
  _id: string;
  height: number;
  header: BlockHeader;
  hash: string;
  signature: string;
  events: MainEvent[];
  poh: PohEntry[];
}

/** Where each event of `block` is sealed (collections.ts `events`, derived from the blocks). */
export const eventPositions = (block: MainBlockDoc) => block.events.map((e, index) => ({ _id: e.id, height: block.height, index }));

/** What `Query.mainChain` resolves from: the newest block, read once per request and only when a field needs it. */
export interface MainChainModel {
  head: () => Promise<MainBlockDoc>;
}

export const anchorKey = (municipality: string, height: number) => `${municipality}|${blockKey(height)}`;

export function anchorEvent(a: Pick<AnchorDoc, 'municipality' | 'height' | 'hash'>): MainEvent {
  return { id: anchorEventId(a), kind: 'anchor', municipality: a.municipality, height: a.height, hash: a.hash };
}

export interface AnchorDoc {
  _id: string;
  municipality: string;
  height: number;
  hash: string;
  header: BlockHeader;
  signature: string;
  receivedAt: Date;
}

export interface SettlementDoc {
  /** `<source municipality>:<txid>`: the source transfer's ledger id. */
  _id: string;
  txid: string;
  source: string;
  destination: string;
  from: string;
  to: string;
  amount: string;
  /** Where the transfer is on the source chain. */
  sourceHeight: number;
  index: number;
  status: SettlementStatus;
  credit?: SignedSettlement & { id: string };
  refund?: SignedSettlement & { id: string };
  /** Why it is refunded. */
  reason?: { code: string; message: string };
  creditOrderedAt?: Date;
  /** The block of the destination (credit) or source (refund) ledger that holds the entry. */
  entryHeight?: number;
  steps: Array<{ status: SettlementStatus; at: Date }>;
}

/** The entry ids of a settlement's orders, as {@link stepEntry} takes them. */
export const orderIds = (s: Pick<SettlementDoc, 'credit' | 'refund'>) => ({ credit: s.credit?.id, refund: s.refund?.id });

/** The event ids of a settlement's steps so far, in order (each chained to the one before: core/settlement.ts). */
export const stepEventIds = (s: Pick<SettlementDoc, '_id' | 'steps' | 'credit' | 'refund'>) =>
  settlementEventIds(
    s._id,
    s.steps.map((x) => x.status),
    orderIds(s),
  );

export interface TraceHopModel {
  depth: number;
  settlement: SettlementDoc;
}

export interface TraceModel {
  transactionId: string;
  hops: TraceHopModel[];
}

/** A transfer to another municipality, offered with an anchored block: its body, signature and Merkle path. */
export interface OutboundOffer {
  body: string;
  signature: string;
  index: number;
  path: string[];
}

export interface ProposalDoc {
  _id: string;
  seq: number;
  body: ProposalBody;
  /** The proposal's event id. */
  hash: string;
  /** Its submission's key (collections.ts `proposalClaims`); absent on proposals from before it. */
  claim?: string;
  status: ProposalStatus;
  decidedAt?: Date;
  outcome?: OutcomeBody;
  outcomeId?: string;
  failure?: { code: string; message: string; errors: string[] };
}

export interface VoteDoc {
  /** `<proposal>|<municipality>`. */
  _id: string;
  proposal: string;
  municipality: string;
  body: VoteBody;
  signature: string;
  /** The vote's event id: SHA-256 of its signed bytes. */
  id: string;
  receivedAt: Date;
}

/** An extension subgraph composed into the supergraph. Removed ones stay, marked, so that removing is idempotent. */
export interface SubgraphDoc {
  _id: string;
  name: string;
  url: string;
  sdl: string;
  registeredAt: Date;
  proposal: string;
  removed?: { at: Date; proposal: string };
}
