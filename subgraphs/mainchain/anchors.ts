/**
 * Anchoring: municipal block headers offered to the main chain (pushed by each ledger's lease
 * holder, subgraphs/ledger/anchoring.ts), verified against the municipality's registered
 * sequencer key and its last anchored block (core/anchor.ts), recorded, and sealed into a
 * main-chain block (chain.ts).
 *
 * An anchor is recorded by inserting its document under `<code>|<height>`: the unique key makes
 * a retried offer idempotent and a second block at one height an ANCHOR_CONFLICT. Each offer is
 * checked against the anchor before it, read by `_id`, so anchors are accepted in height order
 * only and never with a gap.
 */
import type { Collection, Db } from 'mongodb';
import { aikiError, checkAnchor, checkHeaderShape, checkSigned, type OfferedBlock } from '../../core/index.ts';
import { type MainChain } from './chain.ts';
import { COLLECTIONS } from './collections.ts';
import type { Registry } from './registry.ts';
import type { MainSealedCache } from './sealed.ts';
import type { Settler } from './settlements.ts';
import { anchorEvent, anchorKey, type AnchorDoc, type OutboundOffer } from './models.ts';
import { isDuplicateKey } from '../../db/writeErrors.ts';

/** At most this many blocks in one offer. */
export const MAX_BLOCKS_PER_OFFER = 100;

export class Anchors {
  readonly anchors: Collection<AnchorDoc>;

  constructor(
    db: Db,
    private readonly registry: Registry,
    private readonly chain: MainChain,
    private readonly settler: Settler,
    private readonly sealed: MainSealedCache,
  ) {
    this.anchors = db.collection(COLLECTIONS.anchors);
  }

  /** An anchor never changes once recorded (sealed.ts). */
  async get(municipality: string, height: number): Promise<AnchorDoc | null> {
    const key = anchorKey(municipality, height);
    const cached = this.sealed.anchor(key);
    if (cached) return cached;
    const doc = await this.anchors.findOne({ _id: key });
    if (doc) this.sealed.putAnchor(doc);
    return doc;
  }

  /**
   * Records `blocks` of `municipality`, in order. Stops at the first block refused, with its
   * coded error (the ones before it stay anchored); a block already anchored is returned as it is.
   */
  async offer(municipality: string, blocks: Array<OfferedBlock & { outbound?: OutboundOffer[] | null }>): Promise<AnchorDoc[]> {
    if (blocks.length > MAX_BLOCKS_PER_OFFER) {
      throw aikiError('BAD_USER_INPUT', `at most ${MAX_BLOCKS_PER_OFFER} blocks per offer, got ${blocks.length}`, { field: 'blocks' });
    }
    const { sequencerKey, anchoredHeight } = await this.registry.get(municipality);
    const anchored: AnchorDoc[] = [];
    for (const offered of blocks) {
      checkHeaderShape(offered.header); // BAD_BLOCK before any lookup: no operator reaches a query
      const { height } = offered.header;
      const existing = await this.get(municipality, height);
      if (existing) {
        // Anything but the very block anchored is checked: a different block at an anchored
        // height is a fork only if the municipality signed it.
        if (existing.hash !== offered.hash || existing.signature !== offered.signature) checkSigned(offered, municipality, sequencerKey);
        anchored.push(this.same(existing, offered));
        continue;
      }
      const previous = height >= 1 ? await this.get(municipality, height - 1) : null;
      if (!previous) {
        throw aikiError('ANCHOR_HEIGHT_GAP', `block ${height} of ${municipality} does not follow its last anchored block, ${anchoredHeight}`, {
          municipality,
          height,
          expected: anchoredHeight + 1,
        });
      }
      const header = checkAnchor(offered, municipality, sequencerKey, previous);
      // Settlements before the anchor: once the anchor is recorded, the block is never offered again.
      await this.settler.record(this.settler.check(municipality, header, offered.outbound ?? []));
      anchored.push(
        await this.record({ municipality, height: header.height, hash: offered.hash, header, signature: offered.signature, receivedAt: new Date() }),
      );
    }
    return anchored;
  }

  /** Records a verified anchor (a municipality's genesis at registration, or a checked offer). */
  async record(fields: Omit<AnchorDoc, '_id'>): Promise<AnchorDoc> {
    const doc = { _id: anchorKey(fields.municipality, fields.height), ...fields };
    try {
      await this.anchors.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return this.same((await this.get(doc.municipality, doc.height))!, doc); // a concurrent offer of the same block
    }
    await this.registry.anchored(doc.municipality, doc.height);
    this.chain.record(anchorEvent(doc));
    return doc;
  }

  private same(existing: AnchorDoc, offered: { hash: string }): AnchorDoc {
    if (existing.hash !== offered.hash) {
      throw aikiError(
        'ANCHOR_CONFLICT',
        `block ${existing.height} of ${existing.municipality} is anchored as ${existing.hash}; another block at that height (${String(offered.hash)}) is evidence of a fork`,
        {
          municipality: existing.municipality,
          height: existing.height,
          anchored: existing.hash,
        },
      );
    }
    return existing;
  }
}
