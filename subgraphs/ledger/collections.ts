/**
 * Every storage name of a municipal ledger, in one place, with the indexes created at start-up
 * (one for every query path; `_id` lookups need none).
 */
import type { IndexDescription } from 'mongodb';

export const COLLECTIONS = {
  /** Sealed blocks, `_id` = height, with their transactions. The commit point (docs/ARCHITECTURE.md, "Ledger rules"). */
  blocks: 'blocks',
  /** The log of admitted transactions, one entry per group commit, `_id` = a growing sequence number (models.ts). */
  mempool: 'mempool',
  /** Transactions the sequencer refused, `_id` = txid, with the reason. */
  rejected: 'rejected',
  /** Where each confirmed transaction is: `_id` = txid → height, index. Derived from blocks. */
  txIndex: 'tx_index',
  /** Account state, `_id` = address. Derived from blocks; `height` = last block applied to it. */
  accounts: 'accounts',
  /** Confirmed transactions per account and block, `_id` = `<address>|<height>`. Derived from blocks. */
  history: 'history',
  /** Small documents: the sequencer lease and the height applied to the derived state. */
  meta: 'meta',
  /** Roots of every 64 block hashes, `_id` = chunk index as 12 digits: the checkpoint tree's (runtime/chainTree.ts). Derived from blocks. */
  chunks: 'chunks',
} as const;

export const INDEXES: Record<string, Array<IndexDescription & { name: string }>> = {
  [COLLECTIONS.blocks]: [{ key: { hash: 1 }, name: 'hash_unique', unique: true }],
  [COLLECTIONS.mempool]: [
    // A pending transaction by id. (One transaction per sender and nonce is the book's rule:
    // only the lease holder admits; docs/LEDGER.md.)
    { key: { 'txs.id': 1 }, name: 'txs_id' },
  ],
};

/** The database a municipality's ledger uses unless AIKI_DB_NAME says otherwise. */
export const defaultLedgerDbName = (municipality: string): string => `aiki_ledger_${municipality.replaceAll('-', '_')}`;
