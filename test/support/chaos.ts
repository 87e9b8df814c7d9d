/**
 * What the chaos tests (settlement.chaos, mainchain.replicas.chaos) share: funded wallets in three
 * towns, concurrent clients sending random transfers between towns until each is acknowledged, and
 * the ledgers' side of "settled exactly once" checked afterwards.
 */
import type { MongoClient } from 'mongodb';
import { expect } from 'vitest';
import type { Cluster } from '../../cluster/cluster.ts';
import { isSettlement } from '../../core/index.ts';
import type { AccountDoc, BlockDoc } from '../../subgraphs/ledger/models.ts';
import { funds, KYOTO, NARA, OSAKA, type Allocation } from './cluster.ts';
import { eventually } from './helpers.ts';
import { submitUntilAcknowledged, transfer, verifyStoredChain, wallet, type Wallet } from './ledger.ts';

export const TOWNS = [KYOTO, OSAKA, NARA];
export const WALLETS_PER_TOWN = 6;
export const PER_WALLET = 30; // 3 × 6 × 30 = 540 transfers
export const TRANSFERS = TOWNS.length * WALLETS_PER_TOWN * PER_WALLET;
/** What each wallet has at genesis: all the towns together hold TOWNS × WALLETS_PER_TOWN × FUNDS, before and after. */
export const FUNDS = 100_000;

/** The wallets of each town, by code. */
export function townWallets(): Map<string, Wallet[]> {
  return new Map(TOWNS.map((t) => [t.code, Array.from({ length: WALLETS_PER_TOWN }, () => wallet(t.code))]));
}

/** Each town's genesis: each of its wallets funded with FUNDS. */
export function townGenesis(wallets: Map<string, Wallet[]>): Record<string, Allocation[]> {
  return Object.fromEntries([...wallets].map(([code, own]) => [code, funds(FUNDS, ...own)]));
}

export interface Traffic {
  /** The ids of the transfers acknowledged so far. */
  acknowledged: string[];
  /** Every client done: all TRANSFERS acknowledged. */
  done: Promise<void>;
  /** Resolves once `share` (0 to 1) of TRANSFERS are acknowledged: a kill then falls mid-traffic however fast it runs. */
  whenSent(share: number, timeoutMs: number): Promise<unknown>;
}

/**
 * A client per wallet, all at once: each sends PER_WALLET transfers one after another (nonce 1, 2, …),
 * each of 1 to 100 to a random wallet of another town, each until acknowledged.
 */
export function randomTransfers(cluster: Cluster, wallets: Map<string, Wallet[]>, retryable: Set<string>): Traffic {
  const acknowledged: string[] = [];
  /** Why each town's clients last sent a transfer again: what a stalled run reports. */
  const lastRetry = new Map<string, string>();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
  const clients = [...wallets.entries()].flatMap(([town, mine]) =>
    mine.map(async (from) => {
      for (let nonce = 1; nonce <= PER_WALLET; nonce++) {
        const to = pick(wallets.get(pick(TOWNS.filter((t) => t.code !== town)).code)!);
        const amount = 1 + Math.floor(Math.random() * 100);
        const sign = () => transfer(from, to.address, amount, nonce);
        acknowledged.push(
          await submitUntilAcknowledged(cluster.ledgers.get(town)!.url, sign, retryable, (why) => lastRetry.set(town, `${new Date().toISOString()} ${why}`)),
        );
      }
    }),
  );
  return {
    acknowledged,
    done: Promise.all(clients).then(() => undefined),
    whenSent: (share, timeoutMs) =>
      eventually(async () => (acknowledged.length >= share * TRANSFERS ? true : undefined), timeoutMs, `${share * 100}% acknowledged`).catch((err: Error) => {
        const retries = [...lastRetry].map(([town, why]) => `${town}: ${why}`).join('; ');
        throw new Error(`${err.message} (${acknowledged.length} of ${TRANSFERS}; last sent again — ${retries || 'never'})`);
      }),
  };
}

/** A settlement as the checks below need it: its status and the ids of the ledger entries it ordered. */
export interface Settled {
  id: string;
  status: string;
  creditId: string | null;
  refundId: string | null;
}

/**
 * The ledgers' side of settling exactly once: every town's chain verifies (`mainKey` signs the
 * entries; no entry twice in one chain, balances equal to a replay), each settlement's credit —
 * if CREDITED — or refund — if REFUNDED — is written exactly once across all ledgers and the other
 * never, and the towns' balances add up to what genesis gave them.
 */
export async function expectLedgersSettledOnce(mongo: MongoClient, prefix: string, mainKey: Uint8Array, settlements: Settled[]): Promise<void> {
  const entries = new Map<string, number>(); // settlement entry id → times written, across all chains
  let supply = 0;
  for (const { code } of TOWNS) {
    const db = mongo.db(`${prefix}_ledger_${code}`);
    await verifyStoredChain(db, mainKey);
    for (const block of await db.collection<BlockDoc>('blocks').find().toArray()) {
      for (const tx of block.txs) if (isSettlement(tx.body)) entries.set(tx.id, (entries.get(tx.id) ?? 0) + 1);
    }
    for (const a of await db.collection<AccountDoc>('accounts').find().toArray()) supply += a.balance;
  }
  for (const s of settlements) {
    const credited = s.creditId ? (entries.get(s.creditId) ?? 0) : 0;
    const refunded = s.refundId ? (entries.get(s.refundId) ?? 0) : 0;
    expect([s.status, credited, refunded], s.id).toEqual(s.status === 'CREDITED' ? ['CREDITED', 1, 0] : ['REFUNDED', 0, 1]);
  }
  expect(supply).toBe(TOWNS.length * WALLETS_PER_TOWN * FUNDS);
}
