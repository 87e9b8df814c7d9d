/** Every storage name of the main chain, in one place. */
export const COLLECTIONS = {
  /** The registry: one document per municipality, `_id` = its code. */
  municipalities: 'municipalities',
  /** Anchored municipal block headers, `_id` = `<code>|<height, 12 digits>`. */
  anchors: 'anchors',
  /** Transfers between municipalities and their steps, `_id` = `<source>:<txid>` (settlements.ts). */
  settlements: 'settlements',
  /** The main chain's own blocks, `_id` = height as 12 digits, with the events they commit to. The commit point. */
  blocks: 'blocks',
  /** Where each event is sealed: `_id` = event id → main-chain block height and index. Derived from blocks. */
  events: 'events',
  /** Small documents: the height applied to the derived state (`main` on anchors). */
  meta: 'meta',
} as const;
