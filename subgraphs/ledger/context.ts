import type { Loaders } from './loaders.ts';
import type { LedgerStore } from './store.ts';

/** What every ledger resolver sees: this municipality's code, its store, and this request's loaders. */
export interface LedgerContext {
  municipality: string;
  store: LedgerStore;
  loaders: Loaders;
  /** Wakes the sequencer when a submission filled a block. */
  nudge(): void;
}
