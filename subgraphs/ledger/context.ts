import type { Loaders } from './loaders.ts';
import type { LedgerStore } from './store.ts';

/** What every ledger resolver sees: this municipality's code, its store, and this request's loaders. */
export interface LedgerContext {
  municipality: string;
  store: LedgerStore;
  loaders: Loaders;
  /** Tells the sequencer how many transactions were admitted (it seals early when a block is full). */
  admitted(count: number): void;
}
