/**
 * Governance on the main chain (docs/GOVERNANCE.md): operators submit proposals, member
 * municipalities vote with signed votes, and what passes is carried out at once, without a
 * restart — a municipality joins the registry (and so the gateway's shard map), one is suspended
 * or resumed, an extension subgraph joins the supergraph, a parameter changes.
 *
 * Each proposal, vote and outcome is written here first and then sealed as a main-chain event, so
 * that a tally can be recomputed from the blocks (core/governance.ts). Open proposals and their
 * votes are kept in memory (there are few); every decision about one proposal runs under its
 * own lock, so a vote and the deadline never race. Carrying out a proposal is idempotent: after a
 * crash between carrying it out and recording its outcome, it is carried out again, harmlessly.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import {
  AikiError,
  aikiError,
  checkVote,
  countVotes,
  canonicalJson,
  decide,
  isWellFormed,
  MUNICIPALITY_CODE,
  outcomeEventId,
  parseFraction,
  proposalEventId,
  type Member,
  type OutcomeBody,
  type ProposalAction,
  type ProposalBody,
  type ProposalStatus,
  
  type VotingRules,
} from '../../core/index.ts';
import { composeFederation, mainchain, RESERVED_SUBGRAPHS } from '../../schema/index.ts';
import { clip, firstError, probeGraphQL, PROBES } from '../../runtime/probe.ts';
import { oneBatch } from '../../db/mongo.ts';
import type { Logger } from '../../runtime/log.ts';
import type { ProposalInput } from '../../schema/generated/mainchain.types.ts';
import type { Anchors } from './anchors.ts';
import type { MainChain } from './chain.ts';
import { COLLECTIONS } from './collections.ts';
import { validate, type Registry, type RegisterInput } from './registry.ts';
import type { ProposalDoc, VoteDoc } from './models.ts';


/** What governance can change, and what the main chain runs with. */
export interface Parameters {
  votingPeriodMs: number;
  rules: VotingRules;
  mainBlockIntervalMs: number;
  settlementTimeoutMs: number;
}

/** Each changeable parameter: how its value is read from a proposal, and where it goes. */
const PARAMETERS: Record<string, (value: string, p: Parameters) => void> = {
  votingPeriodMs: (v, p) => (p.votingPeriodMs = intIn(v, 'votingPeriodMs', 1000, 365 * 86_400_000)),
  quorum: (v, p) => (p.rules = { ...p.rules, quorum: parseFraction(v, 'quorum') }),
  threshold: (v, p) => (p.rules = { ...p.rules, threshold: parseFraction(v, 'threshold') }),
  veto: (v, p) => (p.rules = { ...p.rules, veto: parseFraction(v, 'veto') }),
  mainBlockIntervalMs: (v, p) => (p.mainBlockIntervalMs = intIn(v, 'mainBlockIntervalMs', 1, 60_000)),
  settlementTimeoutMs: (v, p) => (p.settlementTimeoutMs = intIn(v, 'settlementTimeoutMs', 100, 86_400_000)),
};

const SUBGRAPH_NAME = /^[a-z][a-z0-9-]{1,31}$/;
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 10_000;
const MAX_REASON = 500;
/** Reasons kept in a failed proposal's outcome (each clipped to 500 characters). */
const MAX_FAILURE_ERRORS = 50;
/** How often the deadlines of open proposals are checked. */
const TICK_MS = 200;

export interface GovernanceOptions {
  /** The parameters until governance changes them (from the environment). */
  defaults: Parameters;
  /** Applies parameters to the running main chain (block interval, settlement time-out). */
  apply: (p: Parameters) => void;
  probeTimeoutMs: number;
  log: Logger;
}

export class Governance {
  private readonly proposals: Collection<ProposalDoc>;
  private readonly votes: Collection<VoteDoc>;
  private readonly meta: Collection<{ _id: string; seq?: number; parameters?: Record<string, string> }>;
  /** Proposals still VOTING, with their votes. */
  private readonly open = new Map<string, { doc: ProposalDoc; votes: VoteDoc[] }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private params: Parameters;
  private submitted = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    db: Db,
    private readonly registry: Registry,
    private readonly anchors: Anchors,
    private readonly chain: MainChain,
    private readonly opts: GovernanceOptions,
  ) {
    this.proposals = db.collection(COLLECTIONS.proposals);
    this.votes = db.collection(COLLECTIONS.votes);
    this.meta = db.collection(COLLECTIONS.meta);
    this.params = structuredClone(opts.defaults);
  }

  /** Reads the parameters governance set, the proposal counter and the open proposals with their votes. */
  async init(): Promise<void> {
    const stored = await this.meta.findOne({ _id: 'parameters' });
    for (const [name, value] of Object.entries(stored?.parameters ?? {})) PARAMETERS[name]?.(value, this.params);
    this.opts.apply(this.params);
    this.submitted = (await this.meta.findOne({ _id: 'proposals' }))?.seq ?? 0;
    for (const doc of await this.proposals.find({ status: 'VOTING' }, oneBatch(10_000)).toArray()) {
      const votes = await this.votes.find({ proposal: doc._id }, oneBatch(10_000)).toArray();
      this.open.set(doc._id, { doc, votes });
    }
  }

  start(): void {
    const tick = () => {
      Promise.all([...this.open.keys()].map((id) => this.settle(id)))
        .catch((err: unknown) => this.opts.log.error('deciding proposals failed; retrying', { err }))
        .finally(() => (this.timer = setTimeout(tick, TICK_MS)));
    };
    this.timer = setTimeout(tick, TICK_MS);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.locks.values()]);
  }

  get parameters(): Parameters {
    return this.params;
  }

  /** Whether any proposal was ever submitted: from then on municipalities join by governance only. */
  get started(): boolean {
    return this.submitted > 0;
  }

  async get(id: string): Promise<ProposalDoc | null> {
    return this.open.get(id)?.doc ?? (await this.proposals.findOne({ _id: id }));
  }

  async list(status: ProposalStatus | null | undefined, first: number): Promise<ProposalDoc[]> {
    const all = await this.proposals.find(status ? { status } : {}, oneBatch(10_000)).toArray();
    return all.sort((a, b) => b.seq - a.seq).slice(0, first);
  }

  async votesOf(id: string): Promise<VoteDoc[]> {
    const votes = this.open.get(id)?.votes ?? (await this.votes.find({ proposal: id }, oneBatch(10_000)).toArray());
    return [...votes].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a._id.localeCompare(b._id));
  }

  /** Checks a proposal's shape and records it, open for votes by the municipalities active now. */
  async propose(input: ProposalInput, proposer: string): Promise<ProposalDoc> {
    const { title, description, action } = await this.check(input);
    const members: Member[] = (await this.registry.list('ACTIVE')).map((m) => ({ code: m.code, governanceKey: m.governanceKey ?? m.sequencerKey }));
    if (members.length === 0) throw aikiError('BAD_PROPOSAL', 'no municipality is active to vote: register the founding members first (registerMunicipality)', { field: 'input' });
    // What the proposal's hash is over must encode before a proposal number is taken: a failure
    // after it would leave a number spent and the federation in governance mode for nothing.
    canonicalJson({ title, description, proposer, action, members });
    const counter = await this.meta.findOneAndUpdate({ _id: 'proposals' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    const seq = counter!.seq!;
    this.submitted = Math.max(this.submitted, seq);
    const now = new Date();
    const body: ProposalBody = {
      v: 1,
      id: String(seq),
      title,
      description,
      proposer,
      action,
      submittedAt: now.toISOString(),
      votingEndsAt: new Date(now.getTime() + this.params.votingPeriodMs).toISOString(),
      electorate: members,
      rules: this.params.rules,
    };
    const doc: ProposalDoc = { _id: body.id, seq, body, hash: proposalEventId(body), status: 'VOTING' };
    await this.proposals.insertOne(doc);
    this.chain.record({ id: doc.hash, kind: 'proposal', proposal: doc._id });
    this.open.set(doc._id, { doc, votes: [] });
    this.opts.log.info('proposal submitted', { proposal: doc._id, action: action.type, proposer, members: members.length });
    return doc;
  }

  /** Records a member's signed vote; the outcome is decided (and carried out) as soon as it is certain. */
  async vote(input: { body: string; signature: string }): Promise<VoteDoc> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.body);
    } catch {
      throw aikiError('BAD_VOTE', 'body is not JSON', { field: 'body' });
    }
    const id = (parsed as { proposal?: unknown } | null)?.proposal;
    if (typeof id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(id)) throw aikiError('BAD_VOTE', `body.proposal must be a proposal id, got ${JSON.stringify(id ?? null)}`, { field: 'body.proposal' });
    const vote = await this.locked(id, async () => {
      const open = this.open.get(id);
      if (!open) {
        const doc = await this.proposals.findOne({ _id: id });
        if (!doc) throw aikiError('UNKNOWN_PROPOSAL', `no proposal ${id}`, { proposal: id });
        throw aikiError('VOTING_CLOSED', `voting on proposal ${id} has ended: it ${doc.status.toLowerCase()}`, { proposal: id, status: doc.status });
      }
      const checked = checkVote({ body: parsed, signature: input.signature }, open.doc, { now: new Date() });
      if (Date.now() >= Date.parse(open.doc.body.votingEndsAt)) {
        throw aikiError('VOTING_CLOSED', `voting on proposal ${id} ended at ${open.doc.body.votingEndsAt}`, { proposal: id, status: 'VOTING' });
      }
      const doc: VoteDoc = { _id: `${id}|${checked.body.municipality}`, proposal: id, municipality: checked.body.municipality, body: checked.body, signature: input.signature, id: checked.id, receivedAt: new Date() };
      try {
        await this.votes.insertOne(doc);
      } catch (err) {
        if (err instanceof MongoServerError && err.code === 11000) throw aikiError('VOTE_EXISTS', `${doc.municipality} has already voted on proposal ${id}; votes are final`, { proposal: id, municipality: doc.municipality });
        throw err;
      }
      open.votes.push(doc);
      this.chain.record({ id: doc.id, kind: 'vote', proposal: id, municipality: doc.municipality });
      return doc;
    });
    void this.settle(id).catch((err: unknown) => this.opts.log.error('deciding a proposal failed; retrying', { proposal: id, err }));
    return vote;
  }

  /** Decides proposal `id` if its outcome is certain or its voting has ended, carries it out if it passed, records the outcome. */
  private settle(id: string): Promise<void> {
    return this.locked(id, async () => {
      const open = this.open.get(id);
      if (!open) return;
      const { doc, votes } = open;
      const tally = countVotes(
        votes.map((v) => v.body.option),
        doc.body.electorate.length,
      );
      const decided = decide(tally, doc.body.rules, Date.now() >= Date.parse(doc.body.votingEndsAt));
      if (!decided) return;
      let status: Exclude<ProposalStatus, 'VOTING'> = decided;
      let failure: ProposalDoc['failure'];
      if (decided === 'PASSED') {
        try {
          await this.execute(doc);
        } catch (err) {
          if (!(err instanceof AikiError)) throw err; // unexpected (the database): retried on the next tick
          status = 'FAILED';
          // Bounded, whatever a remote service made the reasons say: the outcome is one document, sealed.
          const errors = ((err.extensions.errors as string[] | undefined) ?? []).slice(0, MAX_FAILURE_ERRORS).map((e) => clip(e, 500));
          failure = { code: err.code, message: clip(err.message, 2000), errors };
        }
      }
      const outcome: OutcomeBody = {
        v: 1,
        proposal: id,
        proposalHash: doc.hash,
        status,
        tally,
        votes: votes.map((v) => v.id).sort(),
        failure: failure ? { code: failure.code, message: failure.message } : null,
      };
      const outcomeId = outcomeEventId(outcome);
      const decidedAt = new Date();
      await this.proposals.updateOne({ _id: id, status: 'VOTING' }, { $set: { status, outcome, outcomeId, decidedAt, ...(failure ? { failure } : {}) } });
      this.chain.record({ id: outcomeId, kind: 'outcome', proposal: id });
      this.open.delete(id);
      Object.assign(doc, { status, outcome, outcomeId, decidedAt, failure });
      this.opts.log.info('proposal decided', { proposal: id, status, ...tally, ...(failure ? { failure: failure.code } : {}) });
    });
  }

  /** Carries out a passed proposal. Idempotent. A coded error makes it FAILED, with nothing of it applied. */
  private async execute(doc: ProposalDoc): Promise<void> {
    const a = doc.body.action;
    switch (a.type) {
      case 'registerMunicipality': {
        const existing = await this.registry.find(a.code);
        if (existing?.proposal === doc._id) return;
        await registerMunicipality(this.registry, this.anchors, a, doc._id);
        return;
      }
      case 'suspendMunicipality':
        return this.registry.setStatus(a.code, 'SUSPENDED', a.reason);
      case 'resumeMunicipality':
        return this.registry.setStatus(a.code, 'ACTIVE', null);
      case 'registerSubgraph': {
        const existing = await this.registry.findSubgraph(a.name);
        if (existing?.proposal === doc._id && !existing.removed) return;
        const sdl = await this.fetchSdl(a.name, a.url);
        const others = (await this.registry.extensions()).filter((s) => s.name !== a.name);
        const composed = composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.typeDefs }, [...others, { name: a.name, url: a.url, sdl }]);
        if (!composed.ok) {
          const why = composed.code === 'CONTRACT_TAKEOVER' ? 'reaches into the contract' : 'does not compose with the supergraph';
          throw aikiError(composed.code, `${a.name} ${why}: ${composed.errors.join('; ')}`, { subgraph: a.name, errors: composed.errors });
        }
        return this.registry.putSubgraph({ _id: a.name, name: a.name, url: a.url, sdl, registeredAt: new Date(), proposal: doc._id });
      }
      case 'removeSubgraph': {
        const existing = await this.registry.findSubgraph(a.name);
        if (!existing) throw aikiError('UNKNOWN_SUBGRAPH', `no extension subgraph ${a.name} is registered`, { subgraph: a.name });
        if (existing.removed) {
          if (existing.removed.proposal === doc._id) return;
          throw aikiError('UNKNOWN_SUBGRAPH', `extension subgraph ${a.name} was already removed`, { subgraph: a.name });
        }
        return this.registry.removeSubgraph(a.name, doc._id);
      }
      case 'changeParameters': {
        const next = structuredClone(this.params);
        for (const [name, value] of Object.entries(a.changes)) PARAMETERS[name]!(value, next);
        const stored = (await this.meta.findOne({ _id: 'parameters' }))?.parameters ?? {};
        await this.meta.updateOne({ _id: 'parameters' }, { $set: { parameters: { ...stored, ...a.changes } } }, { upsert: true });
        this.params = next;
        this.opts.apply(next);
        return;
      }
    }
  }

  /** The SDL an extension serves, read with an unsigned probe under the rules for operator-given URLs (runtime/probe.ts). */
  private async fetchSdl(name: string, url: string): Promise<string> {
    const reply = await probeGraphQL<{ _service?: { sdl?: string } }>(url, PROBES.sdl, { timeoutMs: this.opts.probeTimeoutMs, details: { subgraph: name } });
    const sdl = reply.data?._service?.sdl;
    if (typeof sdl !== 'string') throw aikiError('SUBGRAPH_UNREACHABLE', `${name} at ${url} is not a federation subgraph (no _service { sdl }): ${firstError(reply, 'no SDL')}`, { subgraph: name, endpoint: url });
    return sdl;
  }

  /** Checks a proposal's shape, and that it makes sense now (BAD_PROPOSAL and the registry's codes). */
  private async check(input: ProposalInput): Promise<{ title: string; description: string; action: ProposalAction }> {
    const title = (input.title ?? '').trim();
    if (title.length < 1 || title.length > MAX_TITLE || /\p{Cc}/u.test(title) || !isWellFormed(title)) throw bad('input.title', `title must be 1–${MAX_TITLE} printable characters on one line, well-formed Unicode`);
    const description = input.description ?? '';
    if (description.length > MAX_DESCRIPTION || !isWellFormed(description)) throw bad('input.description', `description must be at most ${MAX_DESCRIPTION} characters of well-formed Unicode`);
    const given = (['registerMunicipality', 'suspendMunicipality', 'resumeMunicipality', 'registerSubgraph', 'removeSubgraph', 'changeParameters'] as const).filter((k) => input[k] != null);
    if (given.length !== 1) throw bad('input', `a proposal has exactly one action (registerMunicipality, suspendMunicipality, resumeMunicipality, registerSubgraph, removeSubgraph or changeParameters); got ${given.length === 0 ? 'none' : given.join(', ')}`);
    const kind = given[0]!;
    const field = `input.${kind}`;
    const action = await this.checkAction(input, kind, field);
    return { title, description, action };
  }

  private async checkAction(input: ProposalInput, kind: NonNullable<keyof ProposalInput>, field: string): Promise<ProposalAction> {
    const municipality = async (code: string, want: 'ACTIVE' | 'SUSPENDED') => {
      if (!MUNICIPALITY_CODE.test(code)) throw bad(`${field}.code`, `code must be a municipality code, got ${JSON.stringify(code)}`);
      const doc = await this.registry.get(code);
      if (doc.status !== want) throw bad(`${field}.code`, `${code} is ${doc.status.toLowerCase()}, not ${want.toLowerCase()}`);
    };
    switch (kind) {
      case 'registerMunicipality': {
        const r = input.registerMunicipality!;
        let v;
        try {
          v = validate(r);
        } catch (err) {
          if (err instanceof AikiError) throw bad(`${field}.${String(err.extensions.field ?? '').replace(/^input\./, '')}`, err.message.replace(/^input\./, ''));
          throw err;
        }
        if (await this.registry.find(v.code)) throw aikiError('MUNICIPALITY_EXISTS', `municipality "${v.code}" is already registered`, { municipality: v.code });
        return { type: 'registerMunicipality', code: v.code, name: v.name, endpoints: v.endpoints, sequencerKey: r.sequencerKey ?? null, governanceKey: r.governanceKey ?? null };
      }
      case 'suspendMunicipality': {
        const { code, reason } = input.suspendMunicipality!;
        await municipality(code, 'ACTIVE');
        if (reason.trim().length < 1 || reason.length > MAX_REASON || !isWellFormed(reason)) throw bad(`${field}.reason`, `reason must be 1–${MAX_REASON} characters of well-formed Unicode`);
        return { type: 'suspendMunicipality', code, reason: reason.trim() };
      }
      case 'resumeMunicipality': {
        const { code } = input.resumeMunicipality!;
        await municipality(code, 'SUSPENDED');
        return { type: 'resumeMunicipality', code };
      }
      case 'registerSubgraph': {
        const { name, url } = input.registerSubgraph!;
        if (!SUBGRAPH_NAME.test(name)) throw bad(`${field}.name`, `name must be 2–32 characters of a-z, 0-9 and '-', starting with a letter (got ${JSON.stringify(name)})`);
        if (RESERVED_SUBGRAPHS.includes(name)) throw aikiError('SUBGRAPH_EXISTS', `"${name}" is reserved`, { subgraph: name });
        const existing = await this.registry.findSubgraph(name);
        if (existing && !existing.removed) throw aikiError('SUBGRAPH_EXISTS', `extension subgraph ${name} is already registered`, { subgraph: name });
        return { type: 'registerSubgraph', name, url: httpUrl(url, `${field}.url`) };
      }
      case 'removeSubgraph': {
        const { name } = input.removeSubgraph!;
        const existing = await this.registry.findSubgraph(name);
        if (!existing || existing.removed) throw aikiError('UNKNOWN_SUBGRAPH', `no extension subgraph ${JSON.stringify(name)} is registered`, { subgraph: name });
        return { type: 'removeSubgraph', name };
      }
      case 'changeParameters': {
        const list = input.changeParameters!;
        if (list.length === 0) throw bad(field, 'changeParameters lists no parameter');
        const changes: Record<string, string> = {};
        const trial = structuredClone(this.params);
        for (const [i, { name, value }] of list.entries()) {
          const set = Object.hasOwn(PARAMETERS, name) ? PARAMETERS[name] : undefined;
          if (!set) throw bad(`${field}[${i}].name`, `no parameter ${JSON.stringify(name)}; the parameters are ${Object.keys(PARAMETERS).join(', ')}`);
          if (Object.hasOwn(changes, name)) throw bad(`${field}[${i}].name`, `${name} is listed twice`);
          try {
            set(value, trial);
          } catch (err) {
            if (err instanceof AikiError) throw bad(`${field}[${i}].value`, err.message);
            throw err;
          }
          changes[name] = value;
        }
        return { type: 'changeParameters', changes };
      }
      default:
        throw bad(field, `unknown action ${String(kind)}`);
    }
  }

  /** Runs `fn` after every earlier call for proposal `id` has finished. */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(fn);
    const tail = next.catch(() => {});
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }
}

/**
 * Registers a municipality: its endpoints and genesis are checked (registry.prepare), its genesis
 * anchored first, then it is listed. The founding members' path (`registerMunicipality`) and a
 * passed proposal's.
 */
export async function registerMunicipality(registry: Registry, anchors: Anchors, input: RegisterInput, proposal?: string) {
  const registration = await registry.prepare(input);
  const { header, hash, signature } = registration.genesis;
  await anchors.record({ municipality: input.code, height: 0, hash, header, signature, receivedAt: new Date() });
  return registry.insert({ ...registration, doc: { ...registration.doc, ...(proposal ? { proposal } : {}) } });
}


function bad(field: string, message: string) {
  return aikiError('BAD_PROPOSAL', message, { field });
}

function intIn(value: string, name: string, min: number, max: number): number {
  if (!/^[0-9]{1,16}$/.test(value) || Number(value) < min || Number(value) > max) throw aikiError('BAD_PROPOSAL', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, { field: name });
  return Number(value);
}

function httpUrl(raw: string, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad(field, `not a URL: ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) throw bad(field, 'must be an http(s) URL without credentials');
  return url.toString();
}
