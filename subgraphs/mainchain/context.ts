import type { Anchors } from './anchors.ts';
import type { MainChain } from './chain.ts';
import type { Registry } from './registry.ts';
import type { Settler } from './settlements.ts';

/** What every main-chain resolver sees. */
export interface MainchainContext {
  registry: Registry;
  anchors: Anchors;
  chain: MainChain;
  settler: Settler;
  /** True when the request carries valid operator credentials (or none are configured). */
  operator: boolean;
}
