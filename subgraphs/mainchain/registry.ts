/**
 * The registry: municipalities (who they are, where their ledger subgraphs answer) and extension
 * subgraphs. Only the main chain's lease holder writes it. Its revision is kept in the database —
 * a log of its changes, one document per change under a number that only grows — so that every
 * main-chain process answers the same revision and the changes since one; the gateway long-polls it
 * (`registryRevision`) and re-reads the registry only then.
 */
import type { LabelGrants } from '../../runtime/labelGrants.ts';
import { randomBytes } from 'node:crypto';
import { createMissingIndexes, oneBatch } from '../../db/mongo.ts';
import type { Collection, Db } from 'mongodb';
import { aikiError, checkSigned, GENESIS_PREV_HASH, hexToBytes, isStrictPublicKey, isWellFormed, MAIN_CHAIN, type BlockHeader } from '../../core/index.ts';
import { firstError, probeGraphQL, PROBES, type ProbePolicy } from '../../runtime/probe.ts';
import { assertMunicipalityCode, splitLedgerId } from '../../core/municipality.ts';
import { checkLedgerEndpoint } from '../../schema/index.ts';
import type { MunicipalityStatus } from '../../schema/generated/mainchain.types.ts';
import { COLLECTIONS } from './collections.ts';
import type { SubgraphDoc } from './models.ts';
import { isDuplicateKey } from '../../db/writeErrors.ts';

export interface MunicipalityDoc {
  _id: string;
  code: string;
  name: string;
  status: MunicipalityStatus;
  endpoints: string[];
  registeredAt: Date;
  /** Hex Ed25519 public key that signs the municipality's blocks, taken from its genesis block at registration. */
  sequencerKey: string;
  /** Height of its last anchored block (at least). */
  anchoredHeight: number;
  /** Hex Ed25519 key that signs its governance votes (absent on documents from before governance: the sequencer key). */
  governanceKey?: string;
  suspendedReason?: string | null;
  /** The governance proposal that registered it (none for the founding members). */
  proposal?: string;
}

export interface RegisterInput {
  code: string;
  name: string;
  endpoints: string[];
  /** When given, the ledger's genesis must be signed by this key. */
  sequencerKey?: string | null;
  /** Signs its governance votes; the sequencer key when not given. */
  governanceKey?: string | null;
}

/** A municipality checked for registration, with its genesis block to anchor first. */
export interface Registration {
  doc: MunicipalityDoc;
  genesis: { header: BlockHeader; hash: string; signature: string };
}

const MAX_ENDPOINTS = 8;
/** Japan has about 1,741 municipalities; the registry is read whole, in one batch. */
const MAX_MUNICIPALITIES = 10_000;
const MAX_NAME = 100;
/** At most this many changes are read one by one by {@link Registry.changesSince}; a reader further behind reads the whole registry. */
const RECENT_CHANGES = 1000;
/** How often a long poll looks at the change log (a process that does not hold the lease learns of changes only there). */
const POLL_MS = 250;

/** One change of the registry: the municipality it was about, null for an extension subgraph, or `all` (anything may have changed). */
interface ChangeDoc {
  _id: string;
  code: string | null;
  all?: boolean;
  at: Date;
}
const changeKey = (n: number) => String(n).padStart(12, '0');
const EPOCH_KEY = 'epoch';

export class Registry {
  readonly municipalities: Collection<MunicipalityDoc>;
  readonly subgraphs: Collection<SubgraphDoc>;
  private readonly log: Collection<ChangeDoc>;
  /** `<epoch>:<n>`: the epoch is the database's (made once), so every process answers the same revision. */
  private epoch = '';
  /** The newest change known here: certain on the lease holder, which writes them; probed elsewhere. */
  private changes = 0;
  private waiters: Array<() => void> = [];
  /**
   * Municipalities as read here, by code — kept only while this process holds the lease and so is
   * the registry's only writer: every lookup of a reference (an account, a transaction, a block, a
   * municipality) needs one. Each write moves {@link generation} when it begins and when it ends —
   * a read that overlaps it is not kept — and forgets the code it writes (a registry write) or raises
   * its anchored height (an anchor).
   */
  private readonly known = new Map<string, MunicipalityDoc>();
  private generation = 0;
  /** Registry writes in progress: the revision is not the registry's state meanwhile. */
  private writing = 0;
  /** The registry's label promised to gateways (server.ts); revoked before each write. */
  grants?: LabelGrants;

  constructor(
    db: Db,
    /** Where probes of operator-given URLs may go and whom they trust (the federation client: runtime/federation.ts). */
    private readonly probes: ProbePolicy,
    private readonly probeTimeoutMs = 3000,
    /** Whether this process holds the main chain's lease (it alone writes the registry then). */
    private readonly may: () => boolean = () => true,
  ) {
    this.municipalities = db.collection<MunicipalityDoc>(COLLECTIONS.municipalities);
    this.subgraphs = db.collection<SubgraphDoc>(COLLECTIONS.subgraphs);
    this.log = db.collection<ChangeDoc>(COLLECTIONS.registryLog);
  }

  /** The revision now: from memory on the lease holder, else the newest change in the log (one `_id` probe while none is newer). */
  async revision(): Promise<string> {
    if (!this.may()) await this.probe();
    return `${this.epoch}:${this.changes}`;
  }

  /** The revision, when no write is in progress (what a grant may promise); else undefined. Only the lease holder, which writes the registry, promises it. */
  get settledRevision(): string | undefined {
    return this.writing > 0 || !this.may() ? undefined : `${this.epoch}:${this.changes}`;
  }

  /** Reads changes newer than the newest known here; returns whether there were any. */
  private async probe(): Promise<boolean> {
    let moved = false;
    while (await this.log.findOne({ _id: changeKey(this.changes + 1) }, { projection: { _id: 1 } })) {
      this.changes++;
      moved = true;
    }
    return moved;
  }

  /** The revision once it differs from `after`, or after `waitMs`. */
  async nextRevision(after: string | null | undefined, waitMs: number): Promise<string> {
    const deadline = Date.now() + waitMs;
    let revision = await this.revision();
    while (revision === after && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
      });
      revision = await this.revision();
    }
    return revision;
  }

  /**
   * The municipalities changed since revision `after`, read one by one, and the revision that
   * covers them; the whole registry when `after` is of another database, further behind than
   * {@link RECENT_CHANGES}, or before a change that may have touched anything (a hand-over).
   * (A change made while this reads is seen again later: harmless.)
   */
  async changesSince(after: string): Promise<{ revision: string; complete: boolean; municipalities: MunicipalityDoc[] }> {
    const revision = await this.revision();
    const [epoch, n] = after.split(':');
    const from = Number(n);
    const whole = async () => ({ revision, complete: true, municipalities: await this.list() });
    if (epoch !== this.epoch || !Number.isInteger(from) || from < this.changes - RECENT_CHANGES || from > this.changes) return whole();
    const changes = await Promise.all(Array.from({ length: this.changes - from }, (_, i) => this.log.findOne({ _id: changeKey(from + 1 + i) })));
    if (changes.some((c) => !c || c.all)) return whole();
    const codes = new Set(changes.map((c) => c!.code).filter((c) => c !== null));
    const docs = await Promise.all([...codes].map((code) => this.find(code)));
    return { revision, complete: false, municipalities: docs.filter((d) => d !== null) };
  }

  /**
   * Every write to the registry ends here, with what it was about — after the write, even a failed
   * one (it may have reached the database): a change is logged under the next number (a unique-key
   * insert), so the registry's state label, its revision (state.ts), moves past every answer read
   * before the write's end. The anchored height written with every anchor ({@link anchored}) is not
   * registry state and moves nothing here.
   */
  private async changed(code: string | null, all = false): Promise<void> {
    this.forget(code);
    for (;;) {
      try {
        await this.log.insertOne({ _id: changeKey(this.changes + 1), code, ...(all ? { all } : {}), at: new Date() });
        this.changes++;
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await this.probe(); // another process logged that number (a holder before this one)
      }
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * The lease holder's start: what was kept is dropped, and a change that may have touched anything
   * is logged — a holder killed between a write and its log entry left the write unlogged, and
   * every gateway re-reads the whole registry once.
   */
  async load(): Promise<void> {
    this.unload();
    await this.probe();
    await this.changed(null, true);
  }

  /** Drops what the lease holder kept (the lease is lost). */
  unload(): void {
    this.generation++;
    this.known.clear();
  }

  /** Wakes every long poll (at shutdown). */
  release(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Every process: the index, the database's epoch (made by the first process ever), the newest change. */
  async init(): Promise<void> {
    await createMissingIndexes(this.municipalities, [{ key: { registeredAt: 1, _id: 1 }, name: 'registeredAt' }]);
    await this.log.insertOne({ _id: EPOCH_KEY, code: randomBytes(6).toString('hex'), at: new Date() }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
    this.epoch = (await this.log.findOne({ _id: EPOCH_KEY }))!.code!;
    await this.probe();
  }

  async list(status?: MunicipalityStatus | null): Promise<MunicipalityDoc[]> {
    return this.municipalities
      .find(status ? { status } : {}, oneBatch(MAX_MUNICIPALITIES))
      .sort({ registeredAt: 1, _id: 1 })
      .toArray();
  }

  /** A municipality by code, or null (no error). */
  async find(code: string): Promise<MunicipalityDoc | null> {
    const holding = this.may();
    const known = holding ? this.known.get(code) : undefined;
    if (known) return { ...known };
    const generation = this.generation;
    const doc = await this.municipalities.findOne({ _id: code });
    // Kept only if no write began meanwhile: it might have read the document before that write.
    if (doc && holding && generation === this.generation) this.known.set(code, doc);
    return doc && { ...doc };
  }

  async get(code: string): Promise<MunicipalityDoc> {
    assertMunicipalityCode(code);
    const doc = await this.find(code);
    if (!doc) throw aikiError('UNKNOWN_MUNICIPALITY', `no municipality "${code}" is registered`, { municipality: code });
    return doc;
  }

  /**
   * Checks a ledger entity id `<municipality>:<local>` — the local part against `local` — and
   * that the municipality is registered. Returns the id unchanged.
   */
  async ledgerId(id: string, local: RegExp, field: string): Promise<string> {
    const parts = splitLedgerId(id, local);
    if (!parts) {
      throw aikiError('BAD_USER_INPUT', `${field} must be "<municipality>:${local.source.replace(/^\^|\$$/g, '')}" (got ${JSON.stringify(id)})`, { field });
    }
    await this.get(parts.municipality);
    return id;
  }

  /**
   * Checks a municipality for registration: every endpoint answers, serves the ledger contract
   * and is this municipality's ledger, and its genesis block is well formed and self-signed (by
   * `input.sequencerKey` when given). Any failure throws a coded error; nothing is stored.
   */
  async prepare(input: RegisterInput): Promise<Registration> {
    const fields = validate(input);
    if (await this.municipalities.findOne({ _id: fields._id }, { projection: { _id: 1 } })) throw exists(fields.code);
    const checks = await Promise.all(
      fields.endpoints.map((url) => checkLedgerEndpoint(url, fields.code, { timeoutMs: this.probeTimeoutMs, policy: this.probes })),
    );
    for (const check of checks) if (!check.ok) throw check.error;
    const genesis = await this.fetchGenesis(fields.endpoints[0]!, fields.code);
    if (input.sequencerKey != null && input.sequencerKey !== genesis.header.sequencer) {
      throw aikiError(
        'ANCHOR_SIGNATURE_INVALID',
        `the ledger of ${fields.code} signs with ${genesis.header.sequencer}, not the given sequencerKey ${input.sequencerKey}`,
        { municipality: fields.code, field: 'input.sequencerKey' },
      );
    }
    return {
      doc: { ...fields, sequencerKey: genesis.header.sequencer, governanceKey: input.governanceKey ?? genesis.header.sequencer, anchoredHeight: 0 },
      genesis,
    };
  }

  private async fetchGenesis(url: string, code: string): Promise<Registration['genesis']> {
    const reply = await probeGraphQL<{ _entities: Array<{ chain: { block: Record<string, unknown> | null } | null } | null> }>(url, PROBES.genesis, {
      variables: { r: [{ __typename: 'Municipality', code }] },
      policy: this.probes,
      timeoutMs: this.probeTimeoutMs,
      details: { municipality: code },
    });
    const block = reply.data?._entities?.[0]?.chain?.block;
    if (!block)
      throw aikiError('SUBGRAPH_UNREACHABLE', `${url} did not return its genesis block: ${firstError(reply, 'no block 0')}`, {
        municipality: code,
        endpoint: url,
      });
    const { hash, signature, ...rest } = block as { hash: string; signature: string } & Record<string, unknown>;
    const header = { v: 1, ...rest } as BlockHeader;
    const checked = checkSigned({ header, hash, signature }, code, String(header.sequencer));
    if (checked.height !== 0 || checked.prevHash !== GENESIS_PREV_HASH)
      throw aikiError('BAD_BLOCK', `${url} answered block ${checked.height} for the genesis`, { municipality: code, endpoint: url });
    return { header: checked, hash, signature };
  }

  /** Stores a prepared registration: from then on the municipality is listed. */
  async insert({ doc }: Registration): Promise<MunicipalityDoc> {
    await this.write(doc.code, async () => {
      try {
        await this.municipalities.insertOne(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw exists(doc.code);
        throw err;
      }
    });
    return doc;
  }

  /** Suspends or resumes a municipality (idempotent). */
  async setStatus(code: string, status: MunicipalityStatus, reason: string | null): Promise<void> {
    await this.write(code, () => this.municipalities.updateOne({ _id: code }, { $set: { status, suspendedReason: reason } }));
  }

  /** Extension subgraphs in the supergraph, oldest first. */
  async extensions(): Promise<SubgraphDoc[]> {
    const all = await this.subgraphs.find({}, oneBatch(1000)).sort({ registeredAt: 1, _id: 1 }).toArray();
    return all.filter((s) => !s.removed);
  }

  findSubgraph(name: string): Promise<SubgraphDoc | null> {
    return this.subgraphs.findOne({ _id: name });
  }

  /** Adds (or, after a removal, re-adds) an extension subgraph. */
  async putSubgraph(doc: SubgraphDoc): Promise<void> {
    await this.write(null, () => this.subgraphs.replaceOne({ _id: doc._id }, doc, { upsert: true }));
  }

  async removeSubgraph(name: string, proposal: string): Promise<void> {
    await this.write(null, () => this.subgraphs.updateOne({ _id: name }, { $set: { removed: { at: new Date(), proposal } } }));
  }

  /**
   * One registry write, about `code` (null: an extension subgraph): every grant of the registry's
   * label revoked first (runtime/labelGrants.ts), what is known of it forgotten, and the revision
   * moved at the end — even when the write failed: it may have reached the database.
   */
  private async write(code: string | null, fn: () => Promise<unknown>): Promise<void> {
    await this.grants?.beginWrite();
    this.writing++;
    this.forget(code);
    try {
      await fn();
    } finally {
      await this.changed(code).finally(() => {
        this.writing--;
        this.grants?.endWrite();
      });
    }
  }

  /** Its blocks up to `height` are anchored. */
  async anchored(code: string, height: number): Promise<void> {
    const raise = () => {
      this.generation++;
      const known = this.known.get(code);
      if (known) known.anchoredHeight = Math.max(known.anchoredHeight, height); // never behind the database
    };
    raise();
    try {
      await this.municipalities.updateOne({ _id: code }, { $max: { anchoredHeight: height } });
    } finally {
      raise(); // a read that overlapped the write is not kept, nor is what it read
    }
  }

  /** Before and after each registry write: a read that overlaps it is not kept. */
  private forget(code: string | null): void {
    this.generation++;
    if (code !== null) this.known.delete(code);
  }
}

function exists(code: string) {
  return aikiError('MUNICIPALITY_EXISTS', `municipality "${code}" is already registered`, { municipality: code });
}

export function validate(input: RegisterInput): Omit<MunicipalityDoc, 'sequencerKey' | 'anchoredHeight'> {
  const code = assertMunicipalityCode(input.code, 'input.code');
  if (code === MAIN_CHAIN)
    throw aikiError('BAD_USER_INPUT', `"${MAIN_CHAIN}" names the main chain and cannot be a municipality's code`, { field: 'input.code' });
  const name = input.name.trim();
  if (name.length < 1 || name.length > MAX_NAME || /\p{Cc}/u.test(name) || !isWellFormed(name)) {
    throw aikiError('BAD_USER_INPUT', `input.name must be 1–${MAX_NAME} printable characters of well-formed Unicode`, { field: 'input.name' });
  }
  if (input.endpoints.length < 1 || input.endpoints.length > MAX_ENDPOINTS) {
    throw aikiError('BAD_USER_INPUT', `input.endpoints must list 1–${MAX_ENDPOINTS} URLs`, { field: 'input.endpoints' });
  }
  const endpoints = input.endpoints.map((raw, i) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw aikiError('BAD_USER_INPUT', `input.endpoints[${i}] is not a URL: ${JSON.stringify(raw)}`, { field: `input.endpoints[${i}]` });
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw aikiError('BAD_USER_INPUT', `input.endpoints[${i}] must be an http(s) URL without credentials`, { field: `input.endpoints[${i}]` });
    }
    return url.toString();
  });
  if (new Set(endpoints).size !== endpoints.length) {
    throw aikiError('BAD_USER_INPUT', 'input.endpoints lists a URL twice', { field: 'input.endpoints' });
  }
  for (const field of ['sequencerKey', 'governanceKey'] as const) {
    const key = input[field];
    if (key != null && !/^[0-9a-f]{64}$/.test(key))
      throw aikiError('BAD_USER_INPUT', `input.${field} must be 64 lower-case hex characters (an Ed25519 public key)`, { field: `input.${field}` });
    // A small-order key verifies signatures nobody made (the identity: one signature for every message), so it is no key at all.
    if (key != null && !isStrictPublicKey(hexToBytes(key)))
      throw aikiError('BAD_USER_INPUT', `input.${field} is not an Ed25519 public key anyone can sign for (a small-order point)`, { field: `input.${field}` });
  }
  return { _id: code, code, name, status: 'ACTIVE', endpoints, registeredAt: new Date() };
}
