import type { LedgerStore } from './store.ts';

/** What every ledger resolver sees: this municipality's code and its store. */
export interface LedgerContext {
  municipality: string;
  store: LedgerStore;
}
