/**
 * How a ledger's entries change its accounts — the one rule, used by admission (is a transfer
 * admissible on top of the sender's pending ones?), sealing (is it still admissible as the block
 * goes?) and replay (the account documents a sealed block leaves behind). Pure; amounts in bigint.
 *
 * - A genesis allocation credits its address.
 * - A transfer debits `from` by `amount` and moves its nonce to the transfer's; it credits `to`
 *   only when `to` is an account of this ledger. A transfer to another municipality credits
 *   nothing here: the recipient's ledger writes the credit when the main chain orders it
 *   (docs/PROTOCOL.md, "Settlement entries"; docs/SETTLEMENT.md: "nothing is credited on A").
 * - A settlement entry (a credit, or a refund to the original sender) credits `to` and changes
 *   nothing else: no nonce, no debit (its `from` is on another ledger).
 *
 * A transfer is admissible when its nonce is the sender's next and the sender's balance covers
 * it ({@link transferRefusal}). A sealed block is applied without that check ({@link applyEntry}):
 * it has been decided, and a replay over accounts partly written already must still credit every
 * recipient.
 */
import { isSettlement, type SettlementBody } from './settlement.ts';
import type { TransferBody } from './transaction.ts';
import { aikiError, type AikiError } from './errors.ts';

export interface AccountState {
  balance: bigint;
  nonce: number;
}

/** The working state of `address` (created as the caller's confirmed state, or zero, on first use); mutated in place. */
export type StateOf = (address: string) => AccountState;

/** Whether `address` is an account of `municipality`'s ledger. */
export function onLedger(address: string, municipality: string): boolean {
  return address.startsWith(`${municipality}:`);
}

/** The accounts an entry changes on `municipality`'s ledger, sender first. */
export function touchedByEntry(body: TransferBody | SettlementBody, municipality: string): string[] {
  if (isSettlement(body)) return [body.to];
  return onLedger(body.to, municipality) ? [body.from, body.to] : [body.from];
}

export const nonceReused = (from: string, nonce: number, next: number): AikiError =>
  aikiError('NONCE_REUSED', `nonce ${nonce} of ${from} is already used; the next one is ${next}`, { expected: next });

/**
 * Why a transfer of `amount` with `nonce` cannot follow `sender`'s state (its confirmed state, or
 * as its pending transfers leave it), or undefined when it can.
 */
export function transferRefusal(from: string, sender: AccountState, nonce: number, amount: bigint): AikiError | undefined {
  const next = sender.nonce + 1;
  if (nonce < next) return nonceReused(from, nonce, next);
  if (nonce > next) return aikiError('NONCE_GAP', `nonce ${nonce} of ${from} skips ${next}; nonces go up by one`, { expected: next });
  if (amount > sender.balance)
    return aikiError('INSUFFICIENT_FUNDS', `${from} has ${sender.balance} available, the transfer needs ${amount}`, { available: sender.balance.toString() });
  return undefined;
}

/** Applies one decided entry of `municipality`'s ledger to the accounts (see the rule above). */
export function applyEntry(body: TransferBody | SettlementBody, municipality: string, stateOf: StateOf): void {
  const amount = BigInt(body.amount);
  if (isSettlement(body)) {
    stateOf(body.to).balance += amount;
    return;
  }
  const sender = stateOf(body.from);
  sender.balance -= amount;
  sender.nonce = Math.max(sender.nonce, body.nonce);
  if (onLedger(body.to, municipality)) stateOf(body.to).balance += amount;
}

/** Checks a transfer against the accounts and applies it if admissible; a settlement entry is always applied. Returns the refusal, if any. */
export function admitEntry(body: TransferBody | SettlementBody, municipality: string, stateOf: StateOf): AikiError | undefined {
  if (!isSettlement(body)) {
    const refusal = transferRefusal(body.from, stateOf(body.from), body.nonce, BigInt(body.amount));
    if (refusal) return refusal;
  }
  applyEntry(body, municipality, stateOf);
  return undefined;
}

/** Applies a sealed block: its genesis allocations, then its entries in order. */
export function applyBlock(
  block: { municipality: string; allocations?: ReadonlyArray<{ address: string; amount: string }>; entries: ReadonlyArray<TransferBody | SettlementBody> },
  stateOf: StateOf,
): void {
  for (const { address, amount } of block.allocations ?? []) stateOf(address).balance += BigInt(amount);
  for (const body of block.entries) applyEntry(body, block.municipality, stateOf);
}
