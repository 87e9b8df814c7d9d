/** What the ledger stores, and what its resolvers pass around. */
import type { BlockHeader, PohEntry, TransferBody } from '../../core/index.ts';

export interface StoredTx {
  id: string;
  body: TransferBody;
  signature: string;
  poh: PohEntry;
}

/** A sealed block as stored: the header, its hash and signature, and the transactions in order. */
export interface BlockDoc {
  _id: number;
  header: BlockHeader;
  hash: string;
  signature: string;
  txs: StoredTx[];
  /** Genesis only: the initial balances the genesis txRoot commits to. */
  allocations?: Array<{ address: string; amount: string }>;
}

export interface MempoolDoc {
  _id: string;
  from: string;
  nonce: number;
  amount: number;
  body: TransferBody;
  signature: string;
  receivedAt: Date;
}

export interface RejectedDoc {
  _id: string;
  body: TransferBody;
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
}

export interface HistoryDoc {
  _id: string;
  address: string;
  txid: string;
  height: number;
  index: number;
}

export interface MetaDoc {
  _id: string;
  height?: number;
  holder?: string;
  expiresAt?: Date;
}

export interface ChainModel {
  municipality: string;
}

export type TransactionModel =
  | { status: 'CONFIRMED'; txid: string; body: TransferBody; signature: string; height: number; index: number }
  | { status: 'PENDING'; txid: string; body: TransferBody; signature: string }
  | { status: 'REJECTED'; txid: string; body: TransferBody; signature: string; code: string; message: string };

export interface AccountModel {
  address: string;
  balance: number;
  nonce: number;
}
