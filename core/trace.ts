/**
 * Offline verification of a trace (`Query.trace`): every hop of a transfer across municipalities
 * checked with this file and no server — the transfer in its source block, that block anchored
 * in a main-chain block, every settlement step sealed on the main chain, and the entry that
 * settled it (credit or refund, signed by the main chain) in its block, anchored too. Pure.
 *
 * What is trusted: the main chain's public key (pin it: `aiki verify --mainchain-key`). A
 * municipality's sequencer key is checked against what the main chain anchored, which it
 * checked against the key registered for that municipality.
 */
import { anchorEventId, MAIN_CHAIN } from './anchor.ts';
import { blockHash, type BlockHeader } from './block.ts';
import { hexToBytes } from './bytes.ts';
import { canonicalJson } from './canonical.ts';
import { verifyFast } from './ed25519.ts';
import { verifyInclusion } from './merkle.ts';
import { checklist, INCLUSION_PROOF_FIELDS, verifyInclusionProof, type InclusionProofInput, type ProofCheck } from './proof.ts';
import { checkSettlement, checkSteps, settlementEventIds, type SettlementBody, type SettlementStatus } from './settlement.ts';
import { checkTransaction, type TransferBody } from './transaction.ts';

/** The GraphQL selection `aiki verify` asks for; {@link verifyTrace} reads exactly this. */
export const TRACE_QUERY = `query AikiTrace($id: String!, $depth: Int) {
  mainChain { sequencer }
  trace(transactionId: $id, depth: $depth) { transactionId hops {
    depth
    settlement { id status source destination from to amount creditId refundId steps { status eventId inclusion { ...inclusion } } }
    transfer { ...entry nonce memo }
    transferAnchor { ...anchor }
    entry { ...entry }
    entryAnchor { ...anchor }
  } }
}
fragment entry on Transaction { txid kind from to amount time signature
  proof { ${INCLUSION_PROOF_FIELDS} } }
fragment anchor on Anchor { municipality height hash header signature eventId inclusion { ...inclusion } }
fragment inclusion on EventInclusion { index treeSize path mainBlock { height hash header signature txRoot } }`;

interface MainBlockInput {
  height: number;
  hash: string;
  header: string;
  signature: string;
  txRoot: string;
}

export interface InclusionInput {
  index: number;
  treeSize: number;
  path: string[];
  mainBlock: MainBlockInput;
}

/** An anchor as `Query.anchor` and the trace serve it. */
export interface AnchorInput {
  municipality: string;
  height: number;
  hash: string;
  header: string;
  signature: string;
  eventId: string;
  inclusion: InclusionInput | null;
}

interface EntryInput {
  txid: string;
  kind: string;
  from: string;
  to: string;
  amount: string;
  time: string;
  signature: string;
  nonce?: number;
  memo?: string;
  proof: InclusionProofInput | null;
}

export interface TraceInput {
  transactionId: string;
  hops: Array<{
    depth: number;
    settlement: {
      id: string;
      status: SettlementStatus;
      source: string;
      destination: string;
      from: string;
      to: string;
      amount: string;
      creditId: string | null;
      refundId: string | null;
      steps: Array<{ status: SettlementStatus; eventId: string; inclusion: InclusionInput | null }>;
    };
    transfer: EntryInput;
    transferAnchor: AnchorInput | null;
    entry: EntryInput | null;
    entryAnchor: AnchorInput | null;
  }>;
}

/**
 * Checks every hop of `trace` against the main chain's key `mainchainKey` (hex). Returns every
 * check with what it found; the trace is verified when all are ok and none is missing (a hop
 * still in flight is reported as such, not verified).
 */
export function verifyTrace(trace: TraceInput, mainchainKey: string): ProofCheck[] {
  const { checks, check } = checklist();
  check('trace', () => (trace.hops.length > 0 && trace.hops[0]!.settlement.id === trace.transactionId) || `the first hop is not ${trace.transactionId}`);
  /** Each credited recipient so far, with the depth of the hop that credited it. */
  const recipients = new Map<string, number>();
  for (const [i, hop] of trace.hops.entries()) {
    const at = `hop ${i}`;
    const { settlement: s, transfer } = hop;
    check(`${at} follows the trace`, () => {
      if (i === 0) return hop.depth === 0 || `the traced transfer is at depth ${hop.depth}, not 0`;
      const credited = recipients.get(transfer.from);
      if (credited === undefined) return `its sender ${transfer.from} received nothing earlier in the trace`;
      return hop.depth === credited + 1 || `it is at depth ${hop.depth}, one hop after depth ${credited}`;
    });
    if (s.status === 'CREDITED' && !recipients.has(s.to)) recipients.set(s.to, hop.depth);
    check(
      `${at} kinds`,
      () =>
        (transfer.kind === 'TRANSFER' && (!hop.entry || hop.entry.kind === (s.status === 'CREDITED' ? 'CREDIT' : 'REFUND'))) ||
        'the transfer or its entry is of the wrong kind',
    );

    // 1. The transfer, signed by its sender, in its source block.
    const body: TransferBody = {
      v: 1,
      type: 'transfer',
      from: transfer.from,
      to: transfer.to,
      amount: transfer.amount,
      nonce: transfer.nonce!,
      memo: transfer.memo!,
      time: transfer.time,
    };
    check(`${at} transfer signature`, () => {
      const { id } = checkTransaction({ body, signature: transfer.signature });
      return (id === transfer.txid && `${s.source}:${id}` === s.id) || `the signed transfer's id ${id} is not the settlement's ${s.id}`;
    });
    check(
      `${at} settlement terms`,
      () => (s.from === body.from && s.to === body.to && s.amount === body.amount) || 'the settlement does not move what the transfer says',
    );
    entryProof(`${at} transfer`, transfer, body);
    anchored(`${at} transfer block`, transfer.proof, hop.transferAnchor, s.source);

    // 2. Every step of its settlement: a complete sequence by the rules (PROTOCOL.md §8), each
    // step's event chained to the one before and sealed on the main chain after it.
    const statuses = s.steps.map((x) => x.status);
    const orders = { credit: s.creditId, refund: s.refundId };
    check(`${at} steps`, () => {
      const r = checkSteps(statuses, s.status, orders);
      return r === true || `${statuses.join(' → ') || 'none'}: ${r}`;
    });
    const ids = settlementEventIds(s.id, statuses, orders);
    for (const [k, step] of s.steps.entries()) {
      check(`${at} step ${step.status}`, () => {
        if (ids[k] !== step.eventId) return `the event id of step ${k} after ${statuses.slice(0, k).join(' → ') || 'none'} is ${ids[k]}, not ${step.eventId}`;
        if (!step.inclusion) return 'not sealed on the main chain yet';
        return sealed(ids[k]!, step.inclusion, mainchainKey);
      });
    }
    check(`${at} steps sealed in order`, () => {
      for (let k = 1; k < s.steps.length; k++) {
        const [a, b] = [s.steps[k - 1]!.inclusion, s.steps[k]!.inclusion];
        if (!a || !b) continue; // reported by the step's own check
        if (b.mainBlock.height < a.mainBlock.height || (b.mainBlock.height === a.mainBlock.height && b.index <= a.index)) {
          return `${s.steps[k]!.status} is sealed at main-chain block ${b.mainBlock.height} index ${b.index}, not after ${s.steps[k - 1]!.status} (block ${a.mainBlock.height} index ${a.index})`;
        }
      }
      return true;
    });
    check(
      `${at} settled`,
      () => (s.steps.some((x) => x.status === s.status) && (s.status === 'CREDITED' || s.status === 'REFUNDED')) || `status ${s.status} is not final`,
    );

    // 3. The entry that settled it, ordered by the main chain, in its block.
    if (!hop.entry) {
      check(`${at} entry`, () => 'no credit or refund yet: the transfer is in flight');
      continue;
    }
    const entry = hop.entry;
    const credit = s.status === 'CREDITED';
    const order: SettlementBody = {
      v: 1,
      type: credit ? 'credit' : 'refund',
      settlement: transfer.txid,
      from: credit ? s.from : s.to,
      to: credit ? s.to : s.from,
      amount: s.amount,
      time: entry.time,
    };
    check(`${at} ${order.type} order`, () => {
      if (entry.from !== order.from || entry.to !== order.to || entry.amount !== order.amount)
        return `the entry does not ${order.type} what the settlement says`;
      const { id } = checkSettlement({ body: order, signature: entry.signature }, hexToBytes(mainchainKey));
      return (id === entry.txid && id === (credit ? s.creditId : s.refundId)) || `the main chain's order has id ${id}, not ${entry.txid}`;
    });
    entryProof(`${at} ${order.type}`, entry);
    anchored(`${at} ${order.type} block`, entry.proof, hop.entryAnchor, credit ? s.destination : s.source);
  }
  return checks;

  /** The entry in its block; a transfer's id is checked against its body, a settlement entry's against its order (above). */
  function entryProof(name: string, entry: EntryInput, body?: TransferBody): void {
    if (!entry.proof) return check(`${name} inclusion`, () => 'no inclusion proof: not confirmed');
    if (entry.proof.txid !== entry.txid) return check(`${name} inclusion`, () => `the proof is for ${entry.proof!.txid}, not ${entry.txid}`);
    for (const c of verifyInclusionProof(entry.proof, body)) checks.push({ ...c, name: `${name} ${c.name}` });
  }

  /** The block that `proof` names is the one anchored, and the anchor is sealed in a main-chain block. */
  function anchored(name: string, proof: InclusionProofInput | null, anchor: AnchorInput | null, municipality: string): void {
    check(name, () => {
      if (!proof) return 'no block to anchor';
      if (!anchor) return 'not anchored on the main chain yet';
      const header = JSON.parse(anchor.header) as BlockHeader;
      const { hash, signature, ...proven } = proof.header;
      if (canonicalJson(header) !== canonicalJson(proven)) return `the anchored header of block ${anchor.height} is not the header the proof names`;
      if (anchor.height !== header.height) return `the anchor says height ${anchor.height}, its header ${header.height}`;
      if (header.municipality !== municipality || anchor.municipality !== municipality)
        return `the anchored block is ${header.municipality}'s, not ${municipality}'s`;
      if (blockHash(header) !== anchor.hash || anchor.hash !== hash) return `the anchored header hashes to ${blockHash(header)}, not ${anchor.hash}`;
      if (anchor.signature !== signature || !verifyFast(hexToBytes(anchor.signature), hexToBytes(anchor.hash), hexToBytes(header.sequencer)))
        return `the anchored block's signature does not verify with ${header.sequencer}`;
      const eventId = anchorEventId({ municipality, height: header.height, hash: anchor.hash });
      if (eventId !== anchor.eventId) return `the anchor's event id is ${eventId}, not ${anchor.eventId}`;
      if (!anchor.inclusion) return 'anchored, not sealed in a main-chain block yet';
      return sealed(eventId, anchor.inclusion, mainchainKey);
    });
  }
}

/** Event `id` is leaf `index` of a main-chain block that the main chain signed. */
export function sealed(id: string, { index, treeSize, path, mainBlock }: InclusionInput, mainchainKey: string): string | true {
  const header = JSON.parse(mainBlock.header) as BlockHeader;
  if (header.municipality !== MAIN_CHAIN) return `block ${mainBlock.height} is not a main-chain block`;
  if (header.sequencer !== mainchainKey) return `main-chain block ${mainBlock.height} names key ${header.sequencer}, not the main chain's ${mainchainKey}`;
  if (blockHash(header) !== mainBlock.hash) return `main-chain block ${mainBlock.height}'s header hashes to ${blockHash(header)}, not ${mainBlock.hash}`;
  if (header.height !== mainBlock.height || header.txRoot !== mainBlock.txRoot || header.txCount !== treeSize)
    return `main-chain block ${mainBlock.height}'s header does not match its height, root or size`;
  if (!verifyFast(hexToBytes(mainBlock.signature), hexToBytes(mainBlock.hash), hexToBytes(mainchainKey)))
    return `main-chain block ${mainBlock.height} is not signed by the main chain`;
  return (
    verifyInclusion(hexToBytes(id), index, treeSize, path.map(hexToBytes), hexToBytes(header.txRoot)) ||
    `the Merkle path does not lead from ${id} at ${index} to main-chain block ${mainBlock.height}'s root`
  );
}
