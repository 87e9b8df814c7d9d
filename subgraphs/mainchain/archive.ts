/**
 * Backups that prove themselves, the main chain's side (`aiki backup --mainchain`, `aiki restore`;
 * docs/OPERATIONS.md). Reads the main chain's collections only; written into an empty database.
 *
 * The archive (db/archive.ts) holds the main chain's blocks, then every document its events stand
 * for and the registry, collection by collection in {@link ARCHIVED} order: the municipalities, the
 * extension subgraphs, operator tokens (digests only), proposals and their outcomes, votes,
 * anchors, settlements and their steps, and `meta` (the proposal counter, governance's parameters).
 * Not `events` nor `meta.applied`: where each event is sealed is derived from the blocks, again by
 * the restore ({@link NOT_ARCHIVED} says what else is left out and why).
 *
 * Blocks are read first, then the documents, so every event a block holds is backed by a document
 * at least as new (a settlement's steps only grow). Documents recorded after the last block read
 * are not sealed yet; the main chain seals them after the restore.
 *
 * Verified before anything is written: each block by core's `checkBlock` (hash, signature by the
 * trusted main-chain key, parent, Merkle root over its event ids, Proof of History); each anchor's
 * header against its hash and the municipality's registered sequencer key; each settlement order's
 * signature and id; each proposal's and outcome's id, each vote's signature against its proposal;
 * and every sealed event against the documents — an event no document gives is refused, naming
 * its block.
 */
import type { Db } from 'mongodb';
import {
  ARCHIVE_FORMAT,
  ArchiveDamage,
  archiveHeader,
  archiveInvalid,
  assertEmpty,
  checkArchiveHeader,
  reasonOf,
  type ArchiveHeader,
  type DamageAt,
  eachBlock,
  readArchive,
  type ArchiveWriter,
  type Follow,
} from '../../db/archive.ts';
import type { Lookups } from '../../db/mongo.ts';
import {
  AikiError,
  blockHash,
  checkBlock,
  checkHeaderShape,
  checkSettlement,
  checkSigned,
  checkVote,
  exactRecord,
  hexToBytes,
  MAIN_CHAIN,
  outcomeEventId,
  proposalEventId,
  type BlockHeader,
  type OutcomeBody,
  type ProposalBody,
} from '../../core/index.ts';
import { blockKey } from '../../db/mongo.ts';
import { COLLECTIONS } from './collections.ts';
import {
  anchorEvent,
  eventPositions,
  stepEventIds,
  type AnchorDoc,
  type MainBlockDoc,
  type MainEvent,
  type ProposalDoc,
  type SettlementDoc,
  type VoteDoc,
} from './models.ts';

/** The collections archived, in the order they are written and must be read. */
export const ARCHIVED = [
  COLLECTIONS.municipalities,
  COLLECTIONS.subgraphs,
  COLLECTIONS.operators,
  COLLECTIONS.proposals,
  COLLECTIONS.outcomes,
  COLLECTIONS.votes,
  COLLECTIONS.anchors,
  COLLECTIONS.settlements,
  COLLECTIONS.settlementSteps,
  COLLECTIONS.meta,
] as const;
/**
 * Not archived, and not unknown: the blocks (archived as blocks) and what is derived from them
 * (where each event is sealed, the checkpoint tree's chunk roots); the lease (a process started on
 * the restored database takes a term of its own); the registry's change log (a restored registry
 * starts a new epoch, so no label the gateway kept from before matches it); the claims of proposal
 * submissions (they only make a submission sent again answer its open proposal: one retried across
 * a restore is a proposal of its own).
 */
const NOT_ARCHIVED: readonly string[] = [
  COLLECTIONS.blocks,
  COLLECTIONS.events,
  COLLECTIONS.chunks,
  COLLECTIONS.lease,
  COLLECTIONS.registryLog,
  COLLECTIONS.proposalClaims,
];

export type MainchainArchiveHeader = ArchiveHeader<'mainchain'>;

export interface MainchainBackupResult {
  blocks: number;
  events: number;
  head: { height: number; hash: string };
  documents: Record<string, number>;
  /** Collections in the database that the archive does not hold (not derived either): name them to an operator. */
  unknown: string[];
}

/** Writes the archive of the main chain in `db`; the caller finishes it. Follows like a ledger's backup (subgraphs/ledger/archive.ts). */
export async function backupMainchain(
  db: Db,
  lookups: Lookups,
  writer: ArchiveWriter,
  opts: { follow?: Follow; progress?: (p: { height: number; blocks: number }) => void } = {},
): Promise<MainchainBackupResult> {
  const blocks = db.collection<MainBlockDoc>(COLLECTIONS.blocks);
  const genesis = await blocks.findOne({ _id: blockKey(0) });
  if (!genesis || genesis.header.municipality !== MAIN_CHAIN)
    throw new Error(`database ${db.databaseName} holds no main chain: it has no main-chain genesis block`);
  const header = archiveHeader('mainchain', db, genesis);
  await writer.write({ archive: header });

  let events = 0;
  const { blocks: read, head } = await eachBlock(
    blocks,
    lookups,
    async ({ header: h, hash, signature, events: e, poh }) => {
      await writer.write({ block: { header: h, hash, signature, events: e, poh } });
      events += e.length;
    },
    opts,
  );

  const documents: Record<string, number> = {};
  for (const collection of ARCHIVED) {
    documents[collection] = 0;
    for await (const value of db.collection<{ _id: string }>(collection).find({}, { batchSize: 1000 })) {
      if (collection === COLLECTIONS.meta && value._id === 'applied') continue;
      await writer.write({ doc: { collection, value } });
      documents[collection]++;
    }
  }
  const present = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const unknown = present.filter((c) => !(ARCHIVED as readonly string[]).includes(c) && !NOT_ARCHIVED.includes(c) && !c.startsWith('system.'));
  return { blocks: read, events, head: head ?? { height: 0, hash: genesis.hash }, documents, unknown };
}

export interface MainchainArchiveSummary {
  header: MainchainArchiveHeader;
  trusted: { sequencer: string; pinned: boolean };
  head: { height: number; hash: string };
  blocks: number;
  events: number;
  documents: Record<string, number>;
  records: number;
  sha256: string;
}

/** ARCHIVE_INVALID for `line`, naming the main-chain block when there is one. */
const invalid = (line: number, message: string, at?: DamageAt) => archiveInvalid(line, message, at, 'main-chain block');

const EVENT_FIELDS: Record<MainEvent['kind'], readonly string[]> = {
  anchor: ['id', 'kind', 'municipality', 'height', 'hash'],
  settlement: ['id', 'kind', 'settlement', 'status', 'entry'],
  proposal: ['id', 'kind', 'proposal'],
  outcome: ['id', 'kind', 'proposal'],
  vote: ['id', 'kind', 'proposal', 'municipality'],
};

function parseBlock(value: unknown, line: number, height: number): MainBlockDoc {
  const fail = (message: string) => invalid(line, message, { height, check: 'record' });
  try {
    const b = exactRecord(value, ['header', 'hash', 'signature', 'events', 'poh'], 'main-chain block record');
    checkHeaderShape(b.header);
    if (b.header.height !== height) throw fail(`the next block is ${height}, this record is block ${b.header.height}`);
    if (typeof b.hash !== 'string' || typeof b.signature !== 'string' || !Array.isArray(b.events) || !Array.isArray(b.poh))
      throw fail('hash and signature must be strings, events and poh lists');
    const events = b.events.map((e: unknown, i: number) => {
      const kind = (e as { kind?: unknown } | null)?.kind;
      const fields = typeof kind === 'string' ? EVENT_FIELDS[kind as MainEvent['kind']] : undefined;
      if (!fields) throw fail(`event ${i} has no known kind`);
      const withoutEntry = kind === 'settlement' && !Object.hasOwn(e as object, 'entry') ? fields.filter((f) => f !== 'entry') : fields;
      return exactRecord(e, withoutEntry, `event ${i}`) as unknown as MainEvent;
    });
    const poh = b.poh.map((p: unknown, i: number) => exactRecord(p, ['ticks', 'event', 'hash'], `PoH entry ${i}`) as unknown as MainBlockDoc['poh'][number]);
    return { _id: blockKey(height), height, header: b.header, hash: b.hash, signature: b.signature, events, poh };
  } catch (err) {
    if (err instanceof AikiError && err.code === 'ARCHIVE_INVALID') throw err;
    throw fail(reasonOf(err));
  }
}

/** Verifies a main-chain archive and writes nothing. Throws ARCHIVE_INVALID naming the first bad block or document. */
export async function verifyMainchainArchive(path: string, trust: { sequencerKey?: string } = {}): Promise<MainchainArchiveSummary> {
  let due: number | undefined;
  const reader = readArchive(path);
  let header: MainchainArchiveHeader | undefined;
  let key = '';
  let parent: { header: BlockHeader; hash: string } | null = null;
  let blocks = 0;
  let events = 0;
  /** Every sealed event id → the block holding it; removed as documents account for them. */
  const sealed = new Map<string, number>();
  const documents: Record<string, number> = Object.fromEntries(ARCHIVED.map((c) => [c, 0]));
  let collectionAt = -1;
  const sequencerKeys = new Map<string, string>();
  const proposals = new Map<string, { body: ProposalBody; hash: string }>();
  const settlements = new Set<string>();
  const account = (id: string | undefined) => {
    if (id) sealed.delete(id);
  };

  for (;;) {
    let next;
    try {
      next = await reader.next();
    } catch (err) {
      if (err instanceof ArchiveDamage) throw invalid(err.line, err.message, { height: due });
      throw err;
    }
    if (next.done) {
      if (!header || !parent) throw invalid(1, 'the archive holds no blocks', { height: 0 });
      const [orphan] = sealed;
      if (orphan) throw invalid(0, `event ${orphan[0]} is sealed, and no document in the archive stands for it`, { height: orphan[1], check: 'events' });
      return {
        header,
        trusted: { sequencer: key, pinned: trust.sequencerKey !== undefined },
        head: { height: parent.header.height, hash: parent.hash },
        blocks,
        events,
        documents,
        records: next.value.records,
        sha256: next.value.sha256,
      };
    }
    const { line, record } = next.value;
    const keys = Object.keys(record);
    const kind = keys.length === 1 ? keys[0]! : '';
    if (!header) {
      if (kind !== 'archive') throw invalid(line, `not an ${ARCHIVE_FORMAT} version 1: it starts with no header`);
      const h = checkArchiveHeader<MainchainArchiveHeader>(record.archive, line, {
        chain: 'mainchain',
        what: 'the main chain',
        key: 'main-chain',
      });
      if (trust.sequencerKey && trust.sequencerKey !== h.sequencer)
        throw invalid(line, `the archive's genesis is signed by ${h.sequencer}, not the trusted main-chain key ${trust.sequencerKey}`, {
          height: 0,
          check: 'signature',
        });
      header = h;
      key = trust.sequencerKey ?? header.sequencer;
      due = 0;
      continue;
    }
    if (kind === 'block' && collectionAt < 0) {
      const doc = parseBlock(record.block, line, blocks);
      try {
        if (doc.header.municipality !== MAIN_CHAIN) throw new Error(`a block of ${doc.header.municipality}, not of the main chain`);
        if (doc.header.sequencer !== key) throw new Error(`signed by ${doc.header.sequencer}, not the trusted main-chain key ${key}`);
        checkBlock(
          doc.header,
          doc.hash,
          doc.signature,
          parent,
          doc.events.map((e) => e.id),
          doc.poh,
        );
      } catch (err) {
        throw invalid(line, reasonOf(err), { height: doc.height, check: 'block' });
      }
      for (const e of doc.events) sealed.set(e.id, doc.height);
      parent = { header: doc.header, hash: doc.hash };
      events += doc.events.length;
      blocks++;
      due = blocks;
      continue;
    }
    due = undefined;
    const d = record.doc as { collection?: unknown; value?: unknown } | undefined;
    const at = ARCHIVED.indexOf(d?.collection as (typeof ARCHIVED)[number]);
    if (kind !== 'doc' || typeof d !== 'object' || d === null || at < 0 || at < collectionAt || typeof d.value !== 'object' || d.value === null) {
      throw invalid(
        line,
        `a record of ${keys.join(', ') || 'nothing'} where ${collectionAt < 0 ? 'a block or ' : ''}a document of ${ARCHIVED.slice(Math.max(collectionAt, 0)).join(', ')} is due`,
        { check: 'record' },
      );
    }
    collectionAt = at;
    const collection = ARCHIVED[at]!;
    const value = d.value as Record<string, unknown>;
    try {
      if (typeof value._id !== 'string') throw new Error('its _id is not a string');
      switch (collection) {
        case COLLECTIONS.municipalities:
          if (typeof value.sequencerKey !== 'string') throw new Error('no sequencer key');
          sequencerKeys.set(value._id, value.sequencerKey);
          break;
        case COLLECTIONS.proposals: {
          const p = value as unknown as ProposalDoc;
          if (proposalEventId(p.body) !== p.hash) throw new Error(`the proposal hashes to ${proposalEventId(p.body)}, not ${p.hash}`);
          if (p.outcome && outcomeEventId(p.outcome) !== p.outcomeId) throw new Error('its outcome does not hash to its outcome id');
          proposals.set(p._id, { body: p.body, hash: p.hash });
          account(p.hash);
          account(p.outcomeId);
          break;
        }
        case COLLECTIONS.outcomes: {
          // A decision's commit point (governance.ts), copied into its proposal after.
          const o = value as { _id: string; outcome: OutcomeBody; outcomeId: string };
          if (!proposals.has(o._id)) throw new Error('an outcome of a proposal the archive does not hold');
          if (outcomeEventId(o.outcome) !== o.outcomeId) throw new Error('its outcome does not hash to its outcome id');
          account(o.outcomeId);
          break;
        }
        case COLLECTIONS.votes: {
          const v = value as unknown as VoteDoc;
          const proposal = proposals.get(v.proposal);
          if (!proposal) throw new Error(`a vote on proposal ${v.proposal}, which the archive does not hold`);
          if (checkVote({ body: v.body, signature: v.signature }, proposal).id !== v.id) throw new Error('its signed bytes do not hash to its id');
          account(v.id);
          break;
        }
        case COLLECTIONS.anchors: {
          const a = value as unknown as AnchorDoc;
          const sequencerKey = sequencerKeys.get(a.municipality);
          if (!sequencerKey) throw new Error(`an anchor of ${a.municipality}, which the registry does not hold`);
          checkSigned({ header: a.header, hash: a.hash, signature: a.signature }, a.municipality, sequencerKey);
          if (a.height !== a.header.height || value._id !== `${a.municipality}|${blockKey(a.height)}`) throw new Error("its _id or height is not its header's");
          account(anchorEvent(a).id);
          break;
        }
        case COLLECTIONS.settlements: {
          const s = value as unknown as SettlementDoc;
          for (const order of [s.credit, s.refund]) {
            if (order && checkSettlement({ body: order.body, signature: order.signature }, hexToBytes(key)).id !== order.id)
              throw new Error('an order does not hash to its id');
          }
          for (const id of stepEventIds(s)) account(id);
          settlements.add(s._id);
          break;
        }
        case COLLECTIONS.settlementSteps: {
          // A step's commit point (settlements.ts), copied into its settlement after: its orders are checked as the settlement's are.
          const step = value as { settlement: string; set?: Partial<SettlementDoc> };
          if (!settlements.has(step.settlement)) throw new Error(`a step of settlement ${step.settlement}, which the archive does not hold`);
          for (const order of [step.set?.credit, step.set?.refund]) {
            if (order && checkSettlement({ body: order.body, signature: order.signature }, hexToBytes(key)).id !== order.id)
              throw new Error('an order does not hash to its id');
          }
          break;
        }
      }
    } catch (err) {
      throw invalid(line, `${collection} ${String(value._id)}: ${reasonOf(err)}`, { check: collection, collection });
    }
    documents[collection]!++;
  }
}

/**
 * Writes a verified main-chain archive into the empty database `db`: the blocks, with where each of
 * their events is sealed (`events`, as `MainChain` derives it, so that a process started on it
 * answers every inclusion at once, before any holds the lease), then the documents.
 */
export async function restoreMainchain(path: string, db: Db, verified: MainchainArchiveSummary): Promise<{ blocks: number; documents: number }> {
  await assertEmpty(db);
  let batch: { collection: string; docs: Array<Record<string, unknown>> } | undefined;
  let blocks: MainBlockDoc[] = [];
  let parent: string | undefined;
  let height = 0;
  let written = 0;
  const flush = async () => {
    if (batch && batch.docs.length > 0) await db.collection(batch.collection).insertMany(batch.docs, { ordered: false });
    if (batch) written += batch.docs.length;
    batch = undefined;
    if (blocks.length > 0) {
      await db.collection<MainBlockDoc>(COLLECTIONS.blocks).insertMany(blocks, { ordered: true });
      const positions = blocks.flatMap(eventPositions);
      if (positions.length > 0)
        await db.collection<{ _id: string; height: number; index: number }>(COLLECTIONS.events).insertMany(positions, { ordered: false });
    }
    blocks = [];
  };
  const reader = readArchive(path);
  for (;;) {
    let next;
    try {
      next = await reader.next();
    } catch (err) {
      if (err instanceof ArchiveDamage) throw invalid(err.line, err.message);
      throw err;
    }
    if (next.done) break;
    const { line, record } = next.value;
    if (record.block) {
      const doc = parseBlock(record.block, line, height);
      if (blockHash(doc.header) !== doc.hash || (parent !== undefined && doc.header.prevHash !== parent))
        throw invalid(line, 'the archive changed since it was verified', { height, check: 'parent' });
      parent = doc.hash;
      blocks.push(doc);
      height++;
      if (blocks.length >= 64) await flush();
    } else if (record.doc) {
      const { collection, value } = record.doc as { collection: string; value: Record<string, unknown> };
      if (batch && batch.collection !== collection) await flush();
      batch ??= { collection, docs: [] };
      batch.docs.push(value);
      if (batch.docs.length >= 500) await flush();
    }
  }
  await flush();
  if (parent !== verified.head.hash) throw invalid(0, 'the archive changed since it was verified', { check: 'head' });
  await db.collection<{ _id: string; height: number }>(COLLECTIONS.meta).insertOne({ _id: 'applied', height: height - 1 });
  return { blocks: height, documents: written };
}
