/**
 * The state label a ledger puts on an answer that is exactly its state at its head, for the
 * gateway's state cache (subgraphs/ledger/state.ts says when, gateway/cache/StateCache.ts how it
 * is used). The caller asks with the header; the label comes back as a response extension.
 */
export const STATE_HEADER = 'x-aiki-state';
export const STATE_EXTENSION = 'aikiState';

/** A block: the head an answer was read at. */
export interface StateLabel {
  height: number;
  hash: string;
}
