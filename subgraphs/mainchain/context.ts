import type { Registry } from './registry.ts';

/** What every main-chain resolver sees. */
export interface MainchainContext {
  registry: Registry;
  /** True when the request carries valid operator credentials (or none are configured). */
  operator: boolean;
}
