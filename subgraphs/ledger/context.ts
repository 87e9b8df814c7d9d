import type { Admission } from './admission.ts';
import type { SignedCheckpoints } from '../../runtime/chainTree.ts';
import type { Loaders } from './loaders.ts';
import type { RequestState } from './state.ts';
import type { SealedCache } from './sealed.ts';
import type { LedgerStore } from './store.ts';

/** What every ledger resolver sees: this municipality's code, its store, and this request's loaders. */
export interface LedgerContext {
  municipality: string;
  store: LedgerStore;
  loaders: Loaders;
  /** What this process keeps of sealed blocks and confirmed transactions (sealed.ts). */
  sealed: SealedCache;
  admission: Admission;
  /** Signed checkpoints of the chain and consistency proofs (checkpoints.ts). */
  checkpoints: SignedCheckpoints;
  /** The request was forwarded by another replica of this ledger (admission.ts): never forward it again. */
  forwarded: boolean;
  /** When the caller asked for a state label (state.ts): the head it was read at, and whether it stayed within sealed blocks. */
  state?: RequestState;
}
