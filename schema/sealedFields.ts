/**
 * The fields of the ledger contract (schema/ledger.graphql) that are facts of a sealed block: a
 * `Block`'s own fields, fixed once the block is sealed (a block is inserted once under its height
 * and never rewritten, docs/LEDGER.md), and a `Transaction`'s, fixed once it is CONFIRMED in one —
 * all but `sender` and `recipient`, the accounts it leads to, which change with every block.
 *
 * Two rules rest on these lists, one decision for both: the ledger labels an answer made of them
 * (subgraphs/ledger/state.ts `FROM_SEALED_BLOCKS`), and the gateway keeps them without expiry
 * (gateway/cache/immutable.ts `IMMUTABLE_FIELDS`). They are listed one by one rather than
 * "everything but the accounts": a field added to the contract later is none of these until
 * someone decides so here (test/unit/cache.entityQuery.test.ts checks them against the contract).
 */

/** A sealed `Block`'s fields: every one of them, its `transactions` included (each one CONFIRMED). */
export const SEALED_BLOCK_FIELDS: readonly string[] = [
  'id',
  'v',
  'municipality',
  'height',
  'hash',
  'prevHash',
  'time',
  'txRoot',
  'txCount',
  'pohEnd',
  'pohCount',
  'sequencer',
  'signature',
  'transactions',
  'poh',
  'allocations',
];

/** A CONFIRMED `Transaction`'s fixed fields: all but `sender` and `recipient` (accounts). */
export const CONFIRMED_TRANSACTION_FIELDS: readonly string[] = [
  'id',
  'txid',
  'municipality',
  'status',
  'rejection',
  'kind',
  'settlement',
  'from',
  'to',
  'amount',
  'nonce',
  'memo',
  'time',
  'signature',
  'height',
  'block',
  'proof',
];
