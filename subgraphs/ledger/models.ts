/** What the ledger stores, and what its resolvers pass around. */
import type { BlockHeader, PohEntry, SettlementBody, TransferBody } from '../../core/index.ts';

/** What a block entry is: a signed transfer, or a settlement entry ordered by the main chain (core/settlement.ts). */
export type EntryBody = TransferBody | SettlementBody;

export interface StoredTx {
  id: string;
  body: EntryBody;
  signature: string;
  poh: PohEntry;
}

export { blockKey } from '../../db/mongo.ts';

/** A sealed block as stored: the header, its hash and signature, and the transactions in order. */
export interface BlockDoc {
  _id: string;
  height: number;
  header: BlockHeader;
  hash: string;
  signature: string;
  txs: StoredTx[];
  /** Genesis only: the initial balances the genesis txRoot commits to. */
  allocations?: Array<{ address: string; amount: string }>;
}

/** An admitted transaction, not yet sealed or rejected. */
export interface PendingTx {
  id: string;
  from: string;
  nonce: number;
  amount: number;
  body: EntryBody;
  signature: string;
  receivedAt: Date;
}

/**
 * One entry of the mempool log: the transactions admitted together in one write (a group
 * commit), in arrival order. `_id` = {@link mempoolKey} of a sequence number that only grows,
 * across lease holders too, so `_id` order is arrival order. One document per write, not per
 * transaction: FerretDB's cost is per document (docs/DATABASE.md).
 */
export interface MempoolDoc {
  _id: string;
  txs: PendingTx[];
}

export const mempoolKey = (seq: number): string => seq.toString().padStart(16, '0');

export interface RejectedDoc {
  _id: string;
  body: EntryBody;
  signature: string;
  code: string;
  message: string;
  rejectedAt: Date;
}

export interface TxIndexDoc {
  _id: string;
  height: number;
  index: number;
}

export interface AccountDoc {
  _id: string;
  /** Integer in the smallest unit; the total supply is capped at 2^53 - 1, so a double is exact. */
  balance: number;
  nonce: number;
  height: number;
  /**
   * The heights of the account's newest history documents, ascending, at most
   * {@link RECENT_HISTORY}: where a page of its history starts, read by `_id` (FerretDB reads the
   * whole collection for a range: docs/DATABASE.md). A first entry {@link OLDER_HISTORY}: the
   * account has older history documents written before they listed their predecessors. Absent on
   * accounts last written before then: their history is read by a range (docs/LEDGER.md).
   */
  recent?: number[];
}

/** How many history heights an account document and a history document list (see {@link AccountDoc.recent}). */
export const RECENT_HISTORY = 32;
/** In a list of history heights: older history documents exist that list no predecessors; read them by a range. */
export const OLDER_HISTORY = -1;

/** An account no block has touched yet: nothing, at no height, no history. */
export const emptyAccount = (address: string): AccountDoc => ({ _id: address, balance: 0, nonce: 0, height: -1, recent: [] });

/**
 * An account's transactions in one block: `_id` = `<address>|<height, 12 digits>`, `indexes` =
 * their positions in the block, ascending. One document per account and block rather than per
 * transaction: a block of 2,000 transfers to one shop writes one history document for the shop.
 */
export interface HistoryDoc {
  _id: string;
  address: string;
  height: number;
  indexes: number[];
  /**
   * The heights of the account's history documents before this one, ascending, at most
   * {@link RECENT_HISTORY} - 1 (its account's `recent` when this block was applied), so that a
   * page goes on by `_id`; may start with {@link OLDER_HISTORY}. Absent on documents written
   * before history documents listed their predecessors.
   */
  prev?: number[];
}

export interface MetaDoc {
  _id: string;
  height?: number;
  holder?: string;
  /** The lease holder's GraphQL URL, where the other replicas forward submissions. */
  url?: string;
  expiresAt?: Date;
}

export interface ChainModel {
  municipality: string;
}

export type TransactionModel =
  | { status: 'CONFIRMED'; txid: string; body: EntryBody; signature: string; height: number; index: number }
  | { status: 'PENDING'; txid: string; body: EntryBody; signature: string }
  | { status: 'REJECTED'; txid: string; body: EntryBody; signature: string; code: string; message: string };

export interface AccountModel {
  address: string;
  balance: number;
  nonce: number;
}

/** A confirmed transaction's model, from its block. */
export function confirmedModel(tx: StoredTx, height: number, index: number): TransactionModel {
  return { status: 'CONFIRMED', txid: tx.id, body: tx.body, signature: tx.signature, height, index };
}

/**
 * A transaction's model from what its id found: confirmed (in the tx index and its block) wins
 * over pending, pending over rejected; null if none.
 */
export function transactionModel(
  txid: string,
  found: { at: TxIndexDoc | null; block: BlockDoc | null; pending: PendingTx | null; rejected: RejectedDoc | null },
): TransactionModel | null {
  const tx = found.at && found.block?.txs[found.at.index];
  if (found.at && tx) return confirmedModel(tx, found.at.height, found.at.index);
  if (found.pending) return { status: 'PENDING', txid, body: found.pending.body, signature: found.pending.signature };
  if (found.rejected)
    return {
      status: 'REJECTED',
      txid,
      body: found.rejected.body,
      signature: found.rejected.signature,
      code: found.rejected.code,
      message: found.rejected.message,
    };
  return null;
}
