/**
 * A whole-chain audit (`aiki audit`, docs/PROTOCOL.md §11): a municipality's blocks checked one
 * after another, each against its parent and its anchor on the main chain, keeping only the
 * parent, the checkpoint frontier and a few verdicts on main-chain blocks — so memory stays flat
 * however long the chain. Pure: the caller fetches the pages.
 *
 * Trusted: the main chain's key and the municipality's sequencer key (the key the main chain
 * registered; the genesis block must be signed by it).
 */
import { anchorEventId, MAIN_CHAIN } from './anchor.ts';
import { blockHash, checkHeaderShape, GENESIS_PREV_HASH, headerOf, txRootOf, type BlockHeader } from './block.ts';
import { hexToBytes, bytesToHex } from './bytes.ts';
import { canonicalJson } from './canonical.ts';
import { checkCheckpointSignature, type Checkpoint } from './checkpoint.ts';
import { verifyFast } from './ed25519.ts';
import { allocationsRoot, type Allocation } from './genesis.ts';
import { MerkleFrontier } from './merkle.ts';
import { pohGenesis, verifyPohSegment, type PohEntry } from './poh.ts';
import { checklist, type ProofCheck } from './proof.ts';
import { checkSettlement, type SettlementBody } from './settlement.ts';
import { sealed, type AnchorInput } from './trace.ts';
import { checkTransaction, MAX_AMOUNT, type TransferBody } from './transaction.ts';
import { parseAddress } from './address.ts';

/**
 * The GraphQL selection of a block that {@link ChainAuditor} reads (schema/ledger.graphql): its first 10
 * transactions, the caller reads the rest (`Block.transactions`, `after` the end cursor) — 10 keeps a
 * page of 100 blocks within the gateway's default cost limit.
 */
export const AUDIT_BLOCK_FIELDS = `v municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature
  poh { ticks event hash } allocations { address amount }
  transactions(first: 10) { edges { node { txid kind settlement from to amount nonce memo time signature } } pageInfo { hasNextPage endCursor } }`;

/** The GraphQL selection of an anchor that {@link ChainAuditor} reads (schema/mainchain.graphql). */
export const AUDIT_ANCHOR_FIELDS =
  'municipality height hash header signature eventId inclusion { index treeSize path mainBlock { height hash header signature txRoot } }';

/** A transaction as the audit reads it (schema/ledger.graphql `Transaction`): the signed body's fields, its kind and signature. */
export interface AuditTransaction extends Pick<TransferBody, 'from' | 'to' | 'amount' | 'nonce' | 'memo' | 'time'> {
  txid: string;
  kind: 'TRANSFER' | 'CREDIT' | 'REFUND';
  /** Credit or refund: `<source municipality>:<txid>` of the transfer it settles. */
  settlement: string | null;
  signature: string;
}

export interface AuditBlock extends BlockHeader {
  hash: string;
  signature: string;
  poh: PohEntry[];
  /** Every transaction of the block, in order. */
  transactions: AuditTransaction[];
  /** Genesis only: the initial balances. */
  allocations: Allocation[] | null;
}

/** Every check the audit makes of each block, in the order made. */
export const AUDIT_CHECKS = [
  'header',
  'block hash',
  'sequencer signature',
  'parent',
  'transactions',
  'merkle root',
  'proof of history',
  'genesis allocations',
  'anchor',
] as const;
export type AuditCheckName = (typeof AUDIT_CHECKS)[number] | 'checkpoint';

const MAIN_BLOCK_VERDICTS = 256;

export class ChainAuditor {
  private parent: { header: BlockHeader; hash: string } | null;
  /** The root over the block hashes so far (from genesis): what checkpoints are compared with. */
  readonly frontier: MerkleFrontier | null;
  /** Main-chain blocks already checked (anchors of neighbouring blocks share them), bounded. */
  private readonly mainBlocks = new Map<number, string | true>();

  /**
   * Audits `municipality` from the block after `parent` (null: from genesis). Checkpoints can only
   * be compared from genesis, where every block hash is seen.
   */
  constructor(
    readonly municipality: string,
    readonly sequencerKey: string,
    readonly mainchainKey: string,
    parent: { header: BlockHeader; hash: string } | null = null,
    /** With a parent: the frontier of blocks 0 … parent (kept beside a checkpoint), to go on comparing checkpoints. */
    frontier: MerkleFrontier | null = null,
  ) {
    this.parent = parent;
    this.frontier = parent === null ? new MerkleFrontier() : frontier;
  }

  /** Checks the next block and its anchor (null: not anchored). Returns every check, named as {@link AUDIT_CHECKS}. */
  block(b: AuditBlock, anchor: AnchorInput | null): Array<ProofCheck & { name: AuditCheckName }> {
    const { checks, check } = checklist<AuditCheckName>();
    const header = headerOf(b);
    const parent = this.parent;
    const genesis = parent === null && b.height === 0;
    const computed = blockHash(header);

    check(
      'header',
      () =>
        (header.v === 1 && header.municipality === this.municipality) ||
        `v ${header.v}, municipality ${header.municipality}: not a version-1 block of ${this.municipality}`,
    );
    check('block hash', () => computed === b.hash || `the header hashes to ${computed}, the chain says ${b.hash}`);
    check('sequencer signature', () => {
      if (header.sequencer !== this.sequencerKey) return `signed by ${header.sequencer}, not the registered sequencer ${this.sequencerKey}`;
      return (
        verifyFast(hexToBytes(b.signature), hexToBytes(computed), hexToBytes(this.sequencerKey)) || `the signature does not verify with ${this.sequencerKey}`
      );
    });
    check('parent', () => followsParent(header, parent));
    check('transactions', () => {
      if (b.transactions.length !== header.txCount) return `${b.transactions.length} transactions for txCount ${header.txCount}`;
      for (const [i, t] of b.transactions.entries()) {
        const id = entryId(t, this.mainchainKey);
        if (id !== t.txid) return `transaction ${i} (${t.txid}): its signed body has id ${id}`;
      }
      return true;
    });
    const ids = b.transactions.map((t) => t.txid);
    check('merkle root', () => {
      if (genesis) return true; // the genesis root commits to its allocations (below)
      const root = txRootOf(ids);
      return root === header.txRoot || `the transactions' Merkle root is ${root}, the header says ${header.txRoot}`;
    });
    check('proof of history', () => pohFollows(header, parent, b.poh, ids, 'transactions'));
    check('genesis allocations', () => {
      if (!genesis) return b.allocations === null || b.allocations.length === 0 || 'allocations outside the genesis block';
      const allocations = b.allocations ?? [];
      let total = 0n;
      for (const [i, a] of allocations.entries()) {
        if (parseAddress(a.address).municipality !== this.municipality) return `allocation ${i}: ${a.address} is not an account of ${this.municipality}`;
        if (!/^[1-9][0-9]*$/.test(a.amount)) return `allocation ${i}: amount ${a.amount} is not a positive integer`;
        total += BigInt(a.amount);
      }
      if (total > MAX_AMOUNT) return `the allocations total ${total}, above 2^53 − 1`;
      if (header.txCount !== 0) return `a genesis block has txCount ${header.txCount}`;
      const root = allocationsRoot(allocations);
      return root === header.txRoot || `the allocations' root is ${root}, the genesis txRoot ${header.txRoot}`;
    });
    check('anchor', () => {
      if (!anchor) return `block ${b.height} is not anchored on the main chain`;
      if (anchor.municipality !== this.municipality || anchor.height !== b.height) return `the anchor is of ${anchor.municipality} ${anchor.height}`;
      if (anchor.hash !== b.hash) return `the main chain anchored ${anchor.hash} at height ${b.height}, the chain has ${b.hash}`;
      if (anchor.header !== canonicalJson(header)) return `the anchored header of block ${b.height} is not this header`;
      if (anchor.signature !== b.signature) return "the anchored signature is not this block's";
      const eventId = anchorEventId({ municipality: this.municipality, height: b.height, hash: b.hash });
      if (eventId !== anchor.eventId) return `the anchor's event id is ${eventId}, not ${anchor.eventId}`;
      if (!anchor.inclusion) return 'anchored, not sealed in a main-chain block yet';
      return this.sealedIn(eventId, anchor);
    });

    this.frontier?.push(hexToBytes(b.hash));
    this.parent = { header, hash: b.hash };
    return checks;
  }

  /** Compares `c`, signed by the sequencer, with the chain seen so far; call when exactly c.height + 1 blocks were audited. */
  checkpoint(c: Checkpoint): ProofCheck & { name: 'checkpoint' } {
    return compareCheckpoint(this.frontier, c, this.municipality, this.sequencerKey);
  }

  private sealedIn(eventId: string, anchor: AnchorInput): string | true {
    const { mainBlock } = anchor.inclusion!;
    let verdict = this.mainBlocks.get(mainBlock.height);
    if (verdict === undefined) {
      // The block's header and signature; the path is checked for each event below.
      verdict = sealedBlock(mainBlock, this.mainchainKey);
      if (this.mainBlocks.size >= MAIN_BLOCK_VERDICTS) this.mainBlocks.delete(this.mainBlocks.keys().next().value!);
      this.mainBlocks.set(mainBlock.height, verdict);
    }
    if (verdict !== true) return verdict;
    return sealed(eventId, anchor.inclusion!, this.mainchainKey);
  }
}

/** The GraphQL selection of a main-chain block that {@link MainChainAuditor} reads (schema/mainchain.graphql). */
export const AUDIT_MAIN_BLOCK_FIELDS = 'height hash header signature poh events { id kind subject } anchors { municipality height hash header signature }';

export interface AuditMainBlock {
  height: number;
  hash: string;
  /** The header as canonical JSON: exactly the bytes its hash is over, after the domain prefix. */
  header: string;
  signature: string;
  /** The PoH entries as canonical JSON. */
  poh: string;
  events: Array<{ id: string; kind: string; subject: string }>;
  /** The anchors it seals, in order. */
  anchors: Array<{ municipality: string; height: number; hash: string; header: string; signature: string }>;
}

/** Every check `aiki audit --mainchain` makes of each main-chain block, in the order made. */
export const MAIN_AUDIT_CHECKS = ['header', 'block hash', 'main-chain signature', 'parent', 'merkle root', 'proof of history', 'anchors'] as const;
export type MainAuditCheckName = (typeof MAIN_AUDIT_CHECKS)[number] | 'checkpoint';

/**
 * The main chain's own blocks checked one after another (docs/PROTOCOL.md §11): each header, hash,
 * signature, parent link, the Merkle root over its event ids, its Proof of History, and every
 * anchor it seals — the anchor event id recomputed from the anchored block, whose header hashes to
 * it and is signed by the key the municipality registered. Settlement steps and governance events
 * are checked where their bodies are served (`aiki verify`, `aiki proposal verify`). Keeps the
 * parent and the checkpoint frontier only. Trusted: the main chain's key and the registered
 * sequencer keys.
 */
export class MainChainAuditor {
  private parent: { header: BlockHeader; hash: string } | null;
  readonly frontier: MerkleFrontier | null;

  constructor(
    readonly mainchainKey: string,
    /** Each registered municipality's sequencer key, by code. */
    private readonly sequencerKeys: ReadonlyMap<string, string>,
    parent: { header: BlockHeader; hash: string } | null = null,
    frontier: MerkleFrontier | null = null,
  ) {
    this.parent = parent;
    this.frontier = parent === null ? new MerkleFrontier() : frontier;
  }

  block(b: AuditMainBlock): Array<ProofCheck & { name: MainAuditCheckName }> {
    const { checks, check } = checklist<MainAuditCheckName>();
    let header: BlockHeader | undefined;
    check('header', () => {
      const parsed: unknown = JSON.parse(b.header);
      checkHeaderShape(parsed);
      header = parsed;
      if (canonicalJson(parsed) !== b.header) return 'the header is not in canonical JSON';
      if (parsed.municipality !== MAIN_CHAIN) return `municipality ${parsed.municipality}: not a main-chain block`;
      if (parsed.height !== b.height) return `the header says height ${parsed.height}, the block is served as ${b.height}`;
      return parsed.sequencer === this.mainchainKey || `sealed by ${parsed.sequencer}, not the main chain's key ${this.mainchainKey}`;
    });
    const h = header;
    const ids = b.events.map((e) => e.id);
    if (!h) {
      for (const name of MAIN_AUDIT_CHECKS.slice(1)) checks.push({ name, ok: false, detail: 'no header to check it against' });
    } else {
      const computed = blockHash(h);
      check('block hash', () => computed === b.hash || `the header hashes to ${computed}, the chain says ${b.hash}`);
      check(
        'main-chain signature',
        () =>
          verifyFast(hexToBytes(b.signature), hexToBytes(computed), hexToBytes(this.mainchainKey)) || `the signature does not verify with ${this.mainchainKey}`,
      );
      check('parent', () => followsParent(h, this.parent));
      check('merkle root', () => {
        if (ids.length !== h.txCount) return `${ids.length} events for txCount ${h.txCount}`;
        const root = txRootOf(ids);
        return root === h.txRoot || `the events' Merkle root is ${root}, the header says ${h.txRoot}`;
      });
      check('proof of history', () => {
        const poh = JSON.parse(b.poh) as PohEntry[];
        if (canonicalJson(poh) !== b.poh) return 'the PoH entries are not in canonical JSON';
        return pohFollows(h, this.parent, poh, ids, 'events');
      });
    }
    check('anchors', () => {
      const anchorEvents = b.events.filter((e) => e.kind === 'anchor');
      if (anchorEvents.length !== b.anchors.length) return `${anchorEvents.length} anchor events, ${b.anchors.length} anchors served`;
      for (const [i, a] of b.anchors.entries()) {
        const event = anchorEvents[i]!;
        if (event.subject !== `${a.municipality}:${a.height}`)
          return `anchor event ${event.id} is of ${event.subject}, the anchor served of ${a.municipality}:${a.height}`;
        const id = anchorEventId({ municipality: a.municipality, height: a.height, hash: a.hash });
        if (id !== event.id) return `the anchor of ${a.municipality}:${a.height} has event id ${id}, the block seals ${event.id}`;
        const anchored = JSON.parse(a.header) as unknown;
        checkHeaderShape(anchored);
        if (canonicalJson(anchored) !== a.header) return `the anchored header of ${a.municipality}:${a.height} is not in canonical JSON`;
        if (anchored.municipality !== a.municipality || anchored.height !== a.height)
          return `the anchored header is of ${anchored.municipality}:${anchored.height}, not ${a.municipality}:${a.height}`;
        if (blockHash(anchored) !== a.hash) return `the anchored header of ${a.municipality}:${a.height} hashes to ${blockHash(anchored)}, not ${a.hash}`;
        const key = this.sequencerKeys.get(a.municipality);
        if (!key) return `${a.municipality} is not a registered municipality`;
        if (anchored.sequencer !== key)
          return `${a.municipality}:${a.height} is sealed by ${anchored.sequencer}, not ${a.municipality}'s registered key ${key}`;
        if (!verifyFast(hexToBytes(a.signature), hexToBytes(a.hash), hexToBytes(key)))
          return `the signature of ${a.municipality}:${a.height} does not verify with ${key}`;
      }
      return true;
    });
    this.frontier?.push(hexToBytes(b.hash));
    if (h) this.parent = { header: h, hash: b.hash };
    return checks;
  }

  /** As {@link ChainAuditor.checkpoint}, for a checkpoint of the main chain signed with its key. */
  checkpoint(c: Checkpoint): ProofCheck & { name: 'checkpoint' } {
    return compareCheckpoint(this.frontier, c, MAIN_CHAIN, this.mainchainKey);
  }
}

/** Compares checkpoint `c` of `chain`, signed by `key`, with the root of the blocks seen so far. */
function compareCheckpoint(frontier: MerkleFrontier | null, c: Checkpoint, chain: string, key: string): ProofCheck & { name: 'checkpoint' } {
  const r = ((): string | true => {
    if (!frontier) return "a checkpoint is compared from genesis, or from a kept checkpoint's frontier: audit from height 0";
    if (c.municipality !== chain) return `the checkpoint is ${c.municipality}'s`;
    if (frontier.size !== c.height + 1) return `${frontier.size} blocks audited, the checkpoint covers ${c.height + 1}`;
    const signed = checkCheckpointSignature(c, key);
    if (signed !== true) return signed;
    const root = bytesToHex(frontier.root());
    return root === c.root || `the root of blocks 0–${c.height} is ${root}, the checkpoint's ${c.root}: the chain was rewritten`;
  })();
  return { name: 'checkpoint', ok: r === true, detail: r === true ? 'ok' : r };
}

/** The parent check of both audits: genesis, or height + 1, the parent's hash, time not earlier. */
function followsParent(header: BlockHeader, parent: { header: BlockHeader; hash: string } | null): string | true {
  if (parent === null) {
    if (header.height !== 0) return `block ${header.height} has no parent to follow`;
    return header.prevHash === GENESIS_PREV_HASH || `a genesis block's prevHash is ${GENESIS_PREV_HASH}, not ${header.prevHash}`;
  }
  if (header.height !== parent.header.height + 1) return `height ${header.height} does not follow ${parent.header.height}`;
  if (header.prevHash !== parent.hash) return `prevHash ${header.prevHash} is not block ${parent.header.height}'s hash ${parent.hash}`;
  return header.time >= parent.header.time || `time ${header.time} is before the parent's ${parent.header.time}`;
}

/** The proof-of-history check of both audits: the entries' events are `ids` in order, and the segment from the parent's end (the seed for genesis) ends at the header's. */
function pohFollows(header: BlockHeader, parent: { header: BlockHeader } | null, poh: PohEntry[], ids: string[], what: string): string | true {
  if (poh.length !== ids.length || poh.some((e, i) => e.event !== ids[i])) return `the PoH entries are not the ${what}, in order`;
  const start = parent ? hexToBytes(parent.header.pohEnd) : pohGenesis(header.municipality);
  const count = parent ? parent.header.pohCount : 0;
  if (!parent && (header.pohCount !== 0 || header.pohEnd !== bytesToHex(start)))
    return `a genesis block ends its PoH at the seed with count 0, not ${header.pohEnd} / ${header.pohCount}`;
  const r = verifyPohSegment(start, poh, header.pohEnd, header.pohCount - count);
  return r.ok || `entry ${r.index}: ${r.reason}`;
}

/** A main-chain block's header verdict alone (no path), cached per height by the auditor. */
function sealedBlock(mainBlock: NonNullable<AnchorInput['inclusion']>['mainBlock'], mainchainKey: string): string | true {
  const header = JSON.parse(mainBlock.header) as BlockHeader;
  if (blockHash(header) !== mainBlock.hash) return `main-chain block ${mainBlock.height}'s header hashes to ${blockHash(header)}, not ${mainBlock.hash}`;
  return (
    verifyFast(hexToBytes(mainBlock.signature), hexToBytes(mainBlock.hash), hexToBytes(mainchainKey)) ||
    `main-chain block ${mainBlock.height} is not signed by the main chain`
  );
}

/** The id a block entry's signed body gives: a transfer's (§3) or a settlement entry's (§8, signed by the main chain). */
function entryId(t: AuditTransaction, mainchainKey: string): string {
  if (t.kind === 'TRANSFER') {
    return entryIdOf(
      { body: { v: 1, type: 'transfer', from: t.from, to: t.to, amount: t.amount, nonce: t.nonce, memo: t.memo, time: t.time }, signature: t.signature },
      mainchainKey,
    );
  }
  const settlement = (t.settlement ?? '').split(':')[1] ?? '';
  const body = { v: 1, type: t.kind === 'CREDIT' ? 'credit' : 'refund', settlement, from: t.from, to: t.to, amount: t.amount, time: t.time };
  return entryIdOf({ body, signature: t.signature }, mainchainKey);
}

/**
 * The id of a ledger entry as stored (a signed transfer, or a settlement entry signed by the main
 * chain), checking its shape and signature; throws the coded error of the first rule it breaks.
 */
export function entryIdOf(entry: { body: unknown; signature: unknown }, mainchainKey: string): string {
  const type = (entry.body as { type?: unknown } | null)?.type;
  if (type === 'credit' || type === 'refund') {
    if (!/^[0-9a-f]{64}$/.test(mainchainKey)) throw new Error('a settlement entry, and no main-chain key to check it with');
    return checkSettlement(entry, hexToBytes(mainchainKey)).id;
  }
  return checkTransaction(entry).id;
}

/** How an entry's kind shows in the API (`Transaction.kind`). */
export function entryKind(body: { type: string }): AuditTransaction['kind'] {
  return body.type === 'transfer' ? 'TRANSFER' : body.type === 'credit' ? 'CREDIT' : 'REFUND';
}

/**
 * The settlement a credit or refund entry of `municipality`'s ledger belongs to, as the API shows
 * it (`Transaction.settlement`): `<source municipality>:<txid>` — the sender's municipality for a
 * credit, this one for a refund; null for a transfer.
 */
export function entrySettlement(body: TransferBody | SettlementBody, municipality: string): string | null {
  if (body.type === 'transfer') return null;
  const source = body.type === 'credit' ? parseAddress(body.from).municipality : municipality;
  return `${source}:${body.settlement}`;
}

/** A stored entry of `municipality`'s ledger as the audit reads it through the API. */
export function auditTransactionOf(municipality: string, tx: { id: string; body: TransferBody | SettlementBody; signature: string }): AuditTransaction {
  const { body } = tx;
  return {
    txid: tx.id,
    kind: entryKind(body),
    settlement: entrySettlement(body, municipality),
    from: body.from,
    to: body.to,
    amount: body.amount,
    nonce: body.type === 'transfer' ? body.nonce : 0,
    memo: body.type === 'transfer' ? body.memo : '',
    time: body.time,
    signature: tx.signature,
  };
}
