/**
 * A long municipal chain written quickly, for the audit's benchmark and tests: signed transfers
 * sealed into blocks with core/'s `sealNext` (as the sequencer seals them) and written with the
 * ledger's own store — `LedgerStore.commit` semantics (one insert per block under its height) and
 * `LedgerStore.apply` for the state derived from each block — while the ledger is stopped. What a
 * ledger would have written had it sealed the same transfers, minus the mempool round-trips: a
 * benchmark of `aiki audit` needs 10,000 blocks in minutes, not the hours a ledger sealing one
 * transfer per block at a time would take through the API.
 *
 * Every block holds 1 to `maxTxPerBlock` transfers from one of the funded senders (in turn) to
 * recipients on the same ledger. Blocks are written `WINDOW` at a time (one insert command, at most
 * one block per sender), then applied together: the blocks of one window touch different accounts
 * (senders cycle every `senders.length` blocks, recipients every `RECIPIENTS / maxTxPerBlock`), so
 * their applies do not race; the next window starts once they are all written. Not more than 8 at
 * once: each apply holds FerretDB connections for its statements (docs/DATABASE.md), and 64 at once
 * hung FerretDB's pool of 100 for good after 8,500 blocks.
 */
import type { Db } from 'mongodb';
import {
  bytesToHex,
  formatAddress,
  generateKeyPair,
  hexToBytes,
  publicKeyOf,
  sealNext,
  signTransfer,
  transactionId,
  type TransferBody,
} from '../../core/index.ts';
import { blockKey, type AccountDoc, type BlockDoc, type StoredTx } from '../../subgraphs/ledger/models.ts';
import { accountsAfter, LedgerStore, touchedBy } from '../../subgraphs/ledger/store.ts';
import type { Lookups } from '../../db/mongo.ts';
import { funds, type Allocation } from './cluster.ts';
import { wallet, type Wallet } from './ledger.ts';

const WINDOW = 8;
const RECIPIENTS = 4096;
const TICKS_PER_EVENT = 10;

/** `n` senders of `municipality`, and the genesis allocations (AIKI_GENESIS) that fund each with `amount`. */
export function fundedSenders(municipality: string, n: number, amount: bigint): { senders: Wallet[]; genesis: Allocation[] } {
  const senders = Array.from({ length: n }, () => wallet(municipality));
  return { senders, genesis: funds(amount, ...senders) };
}

export interface WriteChainOptions {
  db: Db;
  lookups: Lookups;
  municipality: string;
  /** Hex of the sequencer's secret key (the one the main chain registered). */
  sequencerKey: string;
  /** Funded at genesis (see {@link fundedSenders}); a window has at most one block per sender. */
  senders: Wallet[];
  /** How many blocks to add after the stored head. */
  blocks: number;
  maxTxPerBlock?: number;
  onProgress?: (height: number) => void;
}

/** Appends `blocks` sealed blocks to the stored chain of `municipality`; returns the new head's height. */
export async function writeChain(opts: WriteChainOptions): Promise<number> {
  const { municipality, senders } = opts;
  const maxTx = opts.maxTxPerBlock ?? 4;
  if (senders.length === 0) throw new Error('writeChain needs funded senders');
  const windowSize = Math.min(WINDOW, senders.length); // one block per sender in a window
  const store = new LedgerStore(opts.db, municipality, opts.lookups);
  const secretKey = hexToBytes(opts.sequencerKey);
  const sequencer = bytesToHex(publicKeyOf(secretKey));
  let head: BlockDoc = await store.head();
  if (head.header.sequencer !== sequencer) throw new Error(`${municipality}'s chain is sealed by ${head.header.sequencer}, not by the key given`);
  const recipients = Array.from({ length: RECIPIENTS }, () => formatAddress(municipality, generateKeyPair().publicKey));
  // The accounts as the blocks leave them (what `accountsAfter` needs as "before").
  const touched = [...senders.map((s) => s.address), ...recipients];
  const accounts = await store.loadAccounts(touched);
  const nonces = new Map(senders.map((s) => [s.address, accounts.get(s.address)?.nonce ?? 0]));

  const target = head.height + opts.blocks;
  while (head.height < target) {
    const window: Array<{ block: BlockDoc; changed: AccountDoc[] }> = [];
    for (let i = 0; i < windowSize && head.height < target; i++) {
      const height = head.height + 1;
      const sender = senders[height % senders.length]!;
      const count = 1 + (height % maxTx);
      const time = new Date().toISOString();
      const signed = Array.from({ length: count }, (_, j) => {
        const nonce = nonces.get(sender.address)! + 1;
        nonces.set(sender.address, nonce);
        const body: TransferBody = {
          v: 1,
          type: 'transfer',
          from: sender.address,
          to: recipients[(height * maxTx + j) % RECIPIENTS]!,
          amount: String(1 + ((height + j) % 100)),
          nonce,
          memo: `block ${height}`,
          time,
        };
        return { id: transactionId(body), signature: signTransfer(body, sender.secretKey).signature, body };
      });
      const sealed = sealNext(
        head,
        signed.map((t) => t.id),
        { time: new Date(), ticksPerEvent: TICKS_PER_EVENT, secretKey, sequencer },
      );
      const txs: StoredTx[] = signed.map((t, j) => ({ id: t.id, body: t.body, signature: t.signature, poh: sealed.poh[j]! }));
      const block: BlockDoc = { _id: blockKey(height), height, header: sealed.header, hash: sealed.hash, signature: sealed.signature, txs };
      const changed = accountsAfter(block, new Map(touchedBy(block).flatMap((a) => (accounts.has(a) ? [[a, accounts.get(a)!]] : []))));
      for (const doc of changed) accounts.set(doc._id, doc);
      window.push({ block, changed });
      head = block;
    }
    // One insert for the window, in height order: the commit point of each block, as store.commit.
    await store.blocks.insertMany(
      window.map((w) => w.block),
      { ordered: true },
    );
    await Promise.all(window.map((w) => store.apply(w.block, w.changed)));
    opts.onProgress?.(head.height);
  }
  return head.height;
}
