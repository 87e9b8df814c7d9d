/**
 * Settlement entries: what the main chain orders a ledger to write for a transfer between
 * municipalities (docs/SETTLEMENT.md). Pure, no I/O.
 *
 * A transfer from `a@A` to `b@B` is an ordinary signed transfer on A's ledger: sealed there, it
 * debits `a`. Once A's block is anchored the main chain orders B to **credit** `b`, or — if B
 * refuses or cannot credit it in time — orders A to **refund** `a`. Each order is a body signed
 * by the main chain's key; its id (like a transaction id) is what makes it happen exactly once on
 * the ledger that writes it, which seals it in a block like any transaction.
 */
import { bytesToHex, concatBytes, hexToBytes, sha256Hex, utf8 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { sign, verifyFast } from './ed25519.ts';
import { addressField, checkAmount, checkTime, exactRecord, fail, show } from './transaction.ts';

export const SETTLEMENT_DOMAIN = 'aiki/settlement/v1\n';
export const ABORT_DOMAIN = 'aiki/abort/v1\n';
export const SETTLEMENT_FIELDS = ['amount', 'from', 'settlement', 'time', 'to', 'type', 'v'] as const;

export interface SettlementBody {
  v: 1;
  /** `credit`: `to` (on the destination ledger) receives `amount`; `refund`: `to` (the original sender) gets it back. */
  type: 'credit' | 'refund';
  /** Id of the source transfer (hex txid on the source ledger): the settlement's id. */
  settlement: string;
  /** Credit: the original sender (another ledger's address). Refund: the original recipient. */
  from: string;
  /** The account credited on the ledger that writes the entry. */
  to: string;
  amount: string;
  /** When the main chain ordered it. */
  time: string;
}

export interface SignedSettlement {
  body: SettlementBody;
  /** The main chain's Ed25519 signature over {@link settlementBytes}. */
  signature: string;
}

export function settlementBytes(body: SettlementBody): Uint8Array {
  return concatBytes(utf8(SETTLEMENT_DOMAIN), canonicalBytes(body));
}

/** The entry's id on the ledger that writes it: hex SHA-256 of its signed bytes. */
export function settlementEntryId(body: SettlementBody): string {
  return sha256Hex(settlementBytes(body));
}

export function signSettlement(body: SettlementBody, secretKey: Uint8Array): SignedSettlement {
  return { body, signature: bytesToHex(sign(settlementBytes(body), secretKey)) };
}

/** The main chain's signature over an abort of credit entry `entryId`: "do not write it if you have not". */
export function abortBytes(entryId: string): Uint8Array {
  return concatBytes(utf8(ABORT_DOMAIN), utf8(entryId));
}

/**
 * Checks an order's shape and the main chain's signature on it (not whether it should be
 * written). Throws BAD_TRANSACTION, BAD_ADDRESS, BAD_AMOUNT or BAD_SIGNATURE; returns a fresh
 * copy, its id and amount.
 */
export function checkSettlement(order: unknown, mainchainKey: Uint8Array): { id: string; order: SignedSettlement; amount: bigint } {
  const envelope = exactRecord(order, ['body', 'signature'], 'settlement order');
  const b = exactRecord(envelope.body, SETTLEMENT_FIELDS, 'settlement body');
  if (b.v !== 1) fail('BAD_TRANSACTION', `v must be 1, got ${show(b.v)}`, 'v');
  if (b.type !== 'credit' && b.type !== 'refund') fail('BAD_TRANSACTION', `type must be "credit" or "refund", got ${show(b.type)}`, 'type');
  if (typeof b.settlement !== 'string' || !/^[0-9a-f]{64}$/.test(b.settlement))
    fail('BAD_TRANSACTION', `settlement must be a 64-hex transaction id, got ${show(b.settlement)}`, 'settlement');
  addressField(b.from, 'from');
  addressField(b.to, 'to');
  const amount = checkAmount(b.amount);
  const time = checkTime(b.time, {});
  const body: SettlementBody = { v: 1, type: b.type, settlement: b.settlement, from: b.from as string, to: b.to as string, amount: b.amount as string, time };
  const signature = envelope.signature;
  const bytes = settlementBytes(body);
  if (typeof signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature) || !verifyFast(hexToBytes(signature), bytes, mainchainKey)) {
    fail('BAD_SIGNATURE', 'the settlement order is not signed by the main chain', 'signature');
  }
  return { id: sha256Hex(bytes), order: { body, signature }, amount };
}

/** Whether `body` is a settlement entry (not a transfer). */
export const isSettlement = (body: { type: string }): body is SettlementBody => body.type === 'credit' || body.type === 'refund';

export const SETTLEMENT_EVENT_DOMAIN = 'aiki/settlement-event/v2\n';

/** The steps of a settlement the main chain records, each an event in a main-chain block. */
export type SettlementStatus = 'ESCROWED' | 'CREDITING' | 'ABORTING' | 'REFUNDING' | 'CREDITED' | 'REFUNDED';

/**
 * The steps that may follow each step (docs/PROTOCOL.md §8, docs/SETTLEMENT.md): the first is
 * ESCROWED; CREDITED and REFUNDED are final. So a complete settlement went through exactly one of
 * E→C→CD, E→C→A→CD, E→C→R→RD, E→C→A→R→RD or E→R→RD.
 */
export const SETTLEMENT_NEXT: Readonly<Record<SettlementStatus, readonly SettlementStatus[]>> = {
  ESCROWED: ['CREDITING', 'REFUNDING'],
  CREDITING: ['CREDITED', 'ABORTING', 'REFUNDING'],
  ABORTING: ['CREDITED', 'REFUNDING'],
  REFUNDING: ['REFUNDED'],
  CREDITED: [],
  REFUNDED: [],
};

/**
 * Checks a settlement's steps against {@link SETTLEMENT_NEXT} and its stated state: the steps
 * start with ESCROWED, each follows the one before, the last is `status`, and the credit order
 * exists exactly when a CREDITING step does, the refund exactly when a REFUNDING step does.
 * Returns true or what is wrong.
 */
export function checkSteps(
  steps: readonly SettlementStatus[],
  status: SettlementStatus,
  ids: { credit?: string | null; refund?: string | null },
): string | true {
  if (steps.length === 0) return 'it has no steps';
  if (steps[0] !== 'ESCROWED') return `its first step is ${steps[0]}, not ESCROWED`;
  for (let i = 1; i < steps.length; i++) {
    const allowed = SETTLEMENT_NEXT[steps[i - 1]!] ?? [];
    if (!allowed.includes(steps[i]!))
      return `${steps[i]} cannot follow ${steps[i - 1]} (after ${steps[i - 1]}: ${allowed.join(', ') || 'nothing, it is final'})`;
  }
  if (steps.at(-1) !== status) return `its last step is ${steps.at(-1)}, its status ${status}`;
  if (steps.includes('CREDITING') !== Boolean(ids.credit))
    return steps.includes('CREDITING') ? 'a CREDITING step without a credit order' : 'a credit order without a CREDITING step';
  if (steps.includes('REFUNDING') !== Boolean(ids.refund))
    return steps.includes('REFUNDING') ? 'a REFUNDING step without a refund order' : 'a refund order without a REFUNDING step';
  return true;
}

/** The entry a step's event names: the credit for CREDITING and CREDITED, the refund for REFUNDING and REFUNDED, else none (""). */
export function stepEntry(status: SettlementStatus, ids: { credit?: string | null; refund?: string | null }): string {
  if (status === 'CREDITING' || status === 'CREDITED') return ids.credit ?? '';
  if (status === 'REFUNDING' || status === 'REFUNDED') return ids.refund ?? '';
  return '';
}

/**
 * A settlement step's event id on the main chain: SHA-256 of the domain and the canonical JSON of
 * `{v: 2, settlement, status, entry, prev}` (`entry`: the credit or refund entry's id, "" for
 * ESCROWED and ABORTING; `prev`: the previous step's event id, "" for ESCROWED). Chaining the
 * steps makes the sealed last step commit to every step before it, so a step left out of a trace
 * (an ABORTING hidden between CREDITING and REFUNDING) changes the ids after it.
 */
export function settlementEventId(settlement: string, status: SettlementStatus, entry: string, prev: string): string {
  return sha256Hex(concatBytes(utf8(SETTLEMENT_EVENT_DOMAIN), canonicalBytes({ v: 2, settlement, status, entry, prev })));
}

/** The event ids of a settlement's steps, in order, each chained to the one before. */
export function settlementEventIds(settlement: string, steps: readonly SettlementStatus[], ids: { credit?: string | null; refund?: string | null }): string[] {
  const out: string[] = [];
  for (const status of steps) out.push(settlementEventId(settlement, status, stepEntry(status, ids), out.at(-1) ?? ''));
  return out;
}
