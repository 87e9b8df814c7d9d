/**
 * Anchoring, the ledger's side: the sequencer lease holder pushes every sealed block header to
 * the main chain (`anchorBlocks`), in height order, with retry, together with the block's
 * transfers to other municipalities (which the main chain then settles). It asks the main chain where its
 * municipality stands (`anchoredHeight`), offers the blocks after it — up to 100 per call, read
 * by `_id` — and goes on from what was anchored. Anchoring is idempotent on the main chain, so a
 * block offered twice (after a crash, or by two holders during a hand-over) is anchored once.
 */
import { bytesToHex, canonicalJson, hexToBytes, isErrorCode, MerkleTree } from '../../core/index.ts';
import type { Endpoints } from '../../runtime/failover.ts';
import type { FederationClient } from '../../runtime/federation.ts';
import { shutdownGraceMs } from '../../runtime/http.ts';
import type { Logger } from '../../runtime/log.ts';
import { blockKey, type BlockDoc } from './models.ts';
import type { Sequencer } from './sequencer.ts';
import type { LedgerStore } from './store.ts';

const ANCHORED = 'query AikiAnchored($c: String!) { municipality(code: $c) { anchoredHeight } }';
const OFFER = 'mutation AikiAnchor($m: String!, $b: [AnchorBlockInput!]!) { anchorBlocks(municipality: $m, blocks: $b) { height } }';
const MAX_BLOCKS_PER_OFFER = 100;
const MAX_KEPT = 1000;

type Offer = { header: string; hash: string; signature: string; outbound: ReturnType<typeof outboundOf> };
const offerOf = (block: Pick<BlockDoc, 'header' | 'hash' | 'signature' | 'txs'>): Offer => ({
  header: canonicalJson(block.header),
  hash: block.hash,
  signature: block.signature,
  outbound: outboundOf(block),
});

/**
 * The block's transfers to other municipalities, each with its Merkle path: the main chain
 * settles them (docs/SETTLEMENT.md).
 */
export function outboundOf(block: Pick<BlockDoc, 'header' | 'txs'>): Array<{ body: string; signature: string; index: number; path: string[] }> {
  const local = `${block.header.municipality}:`;
  const outbound = block.txs.flatMap((tx, index) => (tx.body.type === 'transfer' && !tx.body.to.startsWith(local) ? [{ tx, index }] : []));
  if (outbound.length === 0) return [];
  const tree = new MerkleTree(block.txs.map((tx) => hexToBytes(tx.id)));
  return outbound.map(({ tx, index }) => ({ body: canonicalJson(tx.body), signature: tx.signature, index, path: tree.path(index).map(bytesToHex) }));
}

export class AnchorPusher {
  /** The main chain's anchored height for us, as last heard; undefined: ask again. */
  private anchored: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private running = false;
  private lastProblem = '';
  /** Offers of blocks this replica committed, by height, not yet anchored: no need to read them back. */
  private readonly recent = new Map<number, Offer>();
  private readonly log: Logger;

  constructor(
    private readonly store: LedgerStore,
    private readonly sequencer: Sequencer,
    /** The main chain's processes: calls go to one that answers (runtime/failover.ts). */
    private readonly mainchain: Endpoints,
    private readonly intervalMs: number,
    /** Signs the calls to the main chain (runtime/federation.ts), and logs. */
    private readonly federation: FederationClient,
  ) {
    this.log = federation.log;
  }

  start(): void {
    this.running = true;
    const loop = () => {
      this.round = this.push()
        .then(
          (more) => more,
          (err: unknown) => (this.problem('anchoring failed; retrying', err), false),
        )
        .then((more) => {
          if (this.running) this.timer = setTimeout(loop, more ? 0 : this.intervalMs);
        });
    };
    loop();
  }

  /** Stops; waits for the offer in flight at most `graceMs` (anchoring is idempotent: an offer cut short is made again). */
  async stop(graceMs = shutdownGraceMs()): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.round, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  /** One offer; true if there may be more to offer at once. */
  private async push(): Promise<boolean> {
    if (!this.sequencer.isLeader) {
      this.anchored = undefined; // another replica pushes; ask again when we lead
      return false;
    }
    const { municipality } = this.store;
    if (this.anchored === undefined) {
      const reply = await this.mainchain.run((url) =>
        this.federation.graphql<{ municipality: { anchoredHeight: number } | null }>(url, ANCHORED, { variables: { c: municipality }, timeoutMs: 10_000 }),
      );
      const height = reply.data?.municipality?.anchoredHeight;
      if (typeof height !== 'number') {
        this.problem(`the main chain does not list ${municipality} yet; blocks are anchored once it is registered`, reply.errors?.[0]?.message);
        return false;
      }
      this.anchored = height;
    }
    for (const height of this.recent.keys()) if (height <= this.anchored) this.recent.delete(height);
    const blocks: Offer[] = [];
    for (let height = this.anchored + 1; blocks.length < MAX_BLOCKS_PER_OFFER; height++) {
      const offer = this.recent.get(height) ?? (await this.read(height));
      if (!offer) break;
      blocks.push(offer);
    }
    if (blocks.length === 0) return false;
    // An offer is idempotent (anchors are inserted under their heights): sent again elsewhere when unanswered.
    const reply = await this.mainchain.run((url) =>
      this.federation.graphql<{ anchorBlocks: Array<{ height: number }> | null }>(url, OFFER, { variables: { m: municipality, b: blocks }, timeoutMs: 30_000 }),
    );
    const anchored = reply.data?.anchorBlocks;
    if (anchored) {
      this.anchored = anchored[anchored.length - 1]?.height ?? this.anchored;
      this.lastProblem = '';
      return blocks.length === MAX_BLOCKS_PER_OFFER;
    }
    const error = reply.errors?.[0];
    const code = error?.extensions?.code;
    // A gap means the main chain stands elsewhere than we thought (another holder pushed): ask again.
    if (code === 'ANCHOR_HEIGHT_GAP' || code === 'UNKNOWN_MUNICIPALITY') this.anchored = undefined;
    this.problem(`the main chain refused block ${JSON.parse(blocks[0]!.header).height}`, `${isErrorCode(code) ? code : 'error'}: ${error?.message}`);
    return false;
  }

  /** A block this replica committed: kept to be offered (a bounded number; older ones are read back). */
  committed(block: BlockDoc): void {
    if (this.recent.size >= MAX_KEPT) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(block.height, offerOf(block));
  }

  private async read(height: number): Promise<Offer | undefined> {
    const block = await this.store.blocks.findOne({ _id: blockKey(height) }, { projection: { header: 1, hash: 1, signature: 1, txs: 1 } });
    return block ? offerOf(block) : undefined;
  }

  /** Logs a problem once, not every round while it lasts. */
  private problem(message: string, err: unknown): void {
    const text = `${message}: ${err instanceof Error ? err.message : String(err)}`;
    if (text !== this.lastProblem) this.log.warn(message, { err: err instanceof Error ? err.message : err });
    this.lastProblem = text;
  }
}
