/** Every storage name of a municipal ledger, in one place (collections and their indexes). */
export const COLLECTIONS = {
  /** Sealed blocks, `_id` = height. The block document is the commit point (DESIGN.md). */
  blocks: 'blocks',
} as const;
