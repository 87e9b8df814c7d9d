import type { Anchors } from './anchors.ts';
import type { MainChain } from './chain.ts';
import type { SignedCheckpoints } from '../../runtime/chainTree.ts';
import type { Governance } from './governance.ts';
import type { Operator, Operators } from './operators.ts';
import type { Registry } from './registry.ts';
import type { Settler } from './settlements.ts';
import type { RequestLabels } from './state.ts';

/** What every main-chain resolver sees. */
export interface MainchainContext {
  registry: Registry;
  anchors: Anchors;
  chain: MainChain;
  /** Signed checkpoints of the main chain and consistency proofs (checkpoints.ts). */
  checkpoints: SignedCheckpoints;
  settler: Settler;
  governance: Governance;
  operators: Operators;
  /** Who the request's credentials prove it comes from (any caller when none are configured), or null. */
  operator: Operator;
  /** Set by the first `registryRevision` of this request that waits: one long poll per request. */
  longPoll?: boolean;
  /** When the caller asked for a state label: the labels at the start of the request (state.ts). */
  state?: RequestLabels;
}
