/**
 * Governance on the main chain (docs/GOVERNANCE.md): operators submit proposals, member
 * municipalities vote with signed votes, and what passes is carried out at once, without a
 * restart. This file is a proposal's lifecycle — submission, votes, the decision, deadlines and
 * locks — and knows no action: what each action checks and does is actions.ts's table.
 *
 * Each proposal, vote and outcome is written here first and then sealed as a main-chain event, so
 * that a tally can be recomputed from the blocks (core/governance.ts). Open proposals and their
 * votes are kept in memory (there are few); every decision about one proposal runs under its
 * own lock, so a vote and the deadline never race. Carrying out a proposal is idempotent: after a
 * crash between carrying it out and recording its outcome, it is carried out again, harmlessly.
 * Only the main chain's lease holder decides; it reads the open proposals when it takes the lease
 * (docs/SETTLEMENT.md, "Several main-chain processes"). A proposal's number is taken by its insert,
 * its outcome by an insert under its id: decided once, whichever process decides.
 */
import type { Collection, Db } from 'mongodb';
import {
  AikiError,
  aikiError,
  checkVote,
  countVotes,
  canonicalJson,
  decide,
  sha256Hex,
  utf8,
  isWellFormed,
  outcomeEventId,
  proposalEventId,
  type Member,
  type OutcomeBody,
  type ProposalBody,
  type ProposalStatus,
} from '../../core/index.ts';
import { clip } from '../../runtime/probe.ts';
import { oneBatch, type Lookups } from '../../db/mongo.ts';
import { writeWhereStill } from '../../db/writeWhereStill.ts';
import type { Logger } from '../../runtime/log.ts';
import type { ProposalInput } from '../../schema/generated/mainchain.types.ts';
import { actionOf, bad, validateAction, type ActionServices, type ProposalAction } from './actions.ts';
import type { MainChain } from './chain.ts';
import { COLLECTIONS } from './collections.ts';
import type { Parameters } from './parameters.ts';
import type { ProposalDoc, VoteDoc } from './models.ts';
import { isDuplicateKey } from '../../db/writeErrors.ts';

const MAX_TITLE = 200;
/** The lock submissions take, one after the other (a proposal's own locks are under its number). */
const SUBMISSIONS = 'submissions';
const MAX_DESCRIPTION = 10_000;
/** Reasons kept in a failed proposal's outcome (each clipped to 500 characters). */
const MAX_FAILURE_ERRORS = 50;
/** How often the deadlines of open proposals are checked. */
const TICK_MS = 200;

export interface GovernanceOptions {
  /** What the actions check against and change (actions.ts), the parameters in force among them. */
  actions: ActionServices;
  log: Logger;
  /** Whether this process holds the main chain's lease: only then does it decide proposals. */
  may: () => boolean;
  /**
   * The lease holder's term of office now (runtime/lease.ts `LeaseKeeper.epoch`), and whether this
   * process still holds the lease in that term (waiting a little while it renews): then no other
   * process has read governance's state since. Without it, {@link may} alone is asked.
   */
  term?: { now(): string; heldThrough(term: string): Promise<boolean> };
  /** How the database is read by `_id` (db/mongo.ts): 'per-key' on FerretDB, where a filter of more than `_id` reads the whole collection (db/writeWhereStill.ts). */
  lookups: Lookups;
}

/** A decided proposal's outcome, `_id` = the proposal (collections.ts `outcomes`). */
interface OutcomeDoc {
  _id: string;
  status: Exclude<ProposalStatus, 'VOTING'>;
  outcome: OutcomeBody;
  outcomeId: string;
  decidedAt: Date;
  failure?: ProposalDoc['failure'];
}

export class Governance {
  private readonly proposals: Collection<ProposalDoc>;
  private readonly votes: Collection<VoteDoc>;
  private readonly meta: Collection<{ _id: string; seq?: number }>;
  private readonly outcomes: Collection<OutcomeDoc>;
  private readonly claims: Collection<{ _id: string; seq: number; at: Date }>;
  /** Proposals still VOTING, with their votes. */
  private readonly open = new Map<string, { doc: ProposalDoc; votes: VoteDoc[] }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private submitted = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Counts starts and stops of the deadline ticks. */
  private runs = 0;
  /** While the holder reads its state, votes and proposals wait (none may land between the read and its use). */
  private loading: Promise<void> = Promise.resolve();

  constructor(
    db: Db,
    private readonly chain: MainChain,
    private readonly opts: GovernanceOptions,
  ) {
    this.proposals = db.collection(COLLECTIONS.proposals);
    this.votes = db.collection(COLLECTIONS.votes);
    this.meta = db.collection(COLLECTIONS.meta);
    this.outcomes = db.collection(COLLECTIONS.outcomes);
    this.claims = db.collection(COLLECTIONS.proposalClaims);
  }

  /** Every process: the parameters governance set and the proposal counter. */
  async init(): Promise<void> {
    await this.opts.actions.parameters.init();
    this.submitted = Math.max((await this.meta.findOne({ _id: 'proposals' }))?.seq ?? 0, await this.proposals.countDocuments());
  }

  /**
   * The lease holder's start (and again a while after it): the parameters, the proposal counter,
   * the open proposals with their votes. A proposal still VOTING whose outcome is recorded (the
   * holder that decided it died before marking it) is marked now. Votes and proposals wait meanwhile.
   */
  async load(): Promise<void> {
    let loaded = () => {};
    const gate = this.loading;
    this.loading = new Promise<void>((resolve) => (loaded = resolve));
    await gate;
    try {
      await Promise.allSettled([...this.locks.values()]); // votes and decisions under way land first
      await this.init();
      const open = new Map<string, { doc: ProposalDoc; votes: VoteDoc[] }>();
      for (const doc of await this.proposals.find({ status: 'VOTING' }, oneBatch(10_000)).toArray()) {
        const decided = await this.outcomes.findOne({ _id: doc._id });
        if (decided) {
          const { _id, ...fields } = decided;
          await writeWhereStill(this.proposals, this.opts.lookups, [{ _id, still: { status: 'VOTING' }, update: { $set: fields } }]);
          continue;
        }
        open.set(doc._id, { doc, votes: await this.votes.find({ proposal: doc._id }, oneBatch(10_000)).toArray() });
      }
      // Submitted while this read (a submission checks its action before it takes its lock): kept.
      for (const [id, o] of this.open) if (!open.has(id) && o.doc.status === 'VOTING') open.set(id, o);
      this.open.clear();
      for (const [id, o] of open) this.open.set(id, o);
    } finally {
      loaded();
    }
  }

  /** Drops the open proposals (the lease is lost: the next holder reads them). */
  async unload(): Promise<void> {
    await this.stop();
    this.open.clear();
  }

  start(): void {
    clearTimeout(this.timer);
    const run = ++this.runs; // a tick of an earlier start, still deciding when it was stopped, stops there
    const tick = () => {
      if (run !== this.runs) return;
      if (!this.opts.may()) return void (this.timer = setTimeout(tick, TICK_MS));
      Promise.all([...this.open.keys()].map((id) => this.conclude(id)))
        .catch((err: unknown) => this.opts.log.error('deciding proposals failed; retrying', { err }))
        .finally(() => {
          if (run === this.runs) this.timer = setTimeout(tick, TICK_MS);
        });
    };
    this.timer = setTimeout(tick, TICK_MS);
  }

  async stop(): Promise<void> {
    this.runs++;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.locks.values()]);
  }

  get parameters(): Parameters {
    return this.opts.actions.parameters.current;
  }

  /** The parameters now: kept by the lease holder, which changes them; read from the database by another process. */
  async currentParameters(): Promise<Parameters> {
    if (!this.opts.may()) await this.opts.actions.parameters.init();
    return this.parameters;
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
    await this.loading;
    const { title, description, action } = await this.check(input);
    const members: Member[] = (await this.opts.actions.registry.list('ACTIVE')).map((m) => ({
      code: m.code,
      governanceKey: m.governanceKey ?? m.sequencerKey,
    }));
    if (members.length === 0)
      throw aikiError('BAD_PROPOSAL', 'no municipality is active to vote: register the founding members first (registerMunicipality)', { field: 'input' });
    // What the proposal's hash is over must encode before a proposal number is taken: a failure
    // after it would leave a number spent and the federation in governance mode for nothing.
    canonicalJson({ title, description, proposer, action, members });
    // One submission, one proposal: the same one sent again while its proposal is open answers that
    // proposal (a retry after a lost answer, through either process) — by a unique-key claim.
    const claim = sha256Hex(utf8(canonicalJson({ proposer, title, description, action })));
    return this.locked(SUBMISSIONS, () => this.submit(claim, { title, description, proposer, action, members }));
  }

  /**
   * Takes a proposal number for submission `claim` and inserts the proposal under it, or answers the
   * open proposal the claim already names. The claim (collections.ts `proposalClaims`) is inserted
   * first, naming the number it means to take; the number is taken by the proposal's own insert
   * under it (a unique `_id`): the next one free. A claim whose number was never taken (its holder
   * died first) is carried on; one whose number another proposal took moves to the next.
   */
  private async submit(
    claim: string,
    fields: { title: string; description: string; proposer: string; action: ProposalAction; members: Member[] },
  ): Promise<ProposalDoc> {
    const term = this.opts.term?.now();
    for (;;) {
      const held = await this.claims.findOne({ _id: claim });
      let seq = this.submitted + 1;
      if (held) {
        const named = await this.proposals.findOne({ _id: String(held.seq) });
        if (named?.claim === claim) {
          if (named.status === 'VOTING') return this.submittedAgain(named);
          // Decided: the same submission is a new proposal now.
          await writeWhereStill(this.claims, this.opts.lookups, [{ _id: claim, still: { seq: held.seq }, delete: true }]);
          continue;
        }
        if (named) {
          // Its number went to another proposal: the claim moves on.
          this.submitted = Math.max(this.submitted, held.seq);
          await writeWhereStill(this.claims, this.opts.lookups, [{ _id: claim, still: { seq: held.seq }, update: { $set: { seq: this.submitted + 1 } } }]);
          continue;
        }
        seq = held.seq; // claimed, never inserted: carried on
      } else {
        try {
          await this.claims.insertOne({ _id: claim, seq, at: new Date() });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          continue; // claimed meanwhile: read again
        }
      }
      const doc = this.proposalDoc(seq, { ...fields, claim });
      try {
        await this.proposals.insertOne(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue; // the number is taken (by this submission, or another): read the claim again
      }
      this.submitted = Math.max(this.submitted, doc.seq);
      await this.meta.updateOne({ _id: 'proposals' }, { $max: { seq: doc.seq } }, { upsert: true });
      this.chain.record({ id: doc.hash, kind: 'proposal', proposal: doc._id });
      this.open.set(doc._id, { doc, votes: [] });
      this.opts.log.info('proposal submitted', { proposal: doc._id, action: fields.action.type, proposer: fields.proposer, members: fields.members.length });
      await this.stillHolding(term);
      return doc;
    }
  }

  /**
   * An open proposal submitted again. Kept in memory unless its insert landed after this holder read
   * the open proposals (a dead holder's last command): then it is taken in now, its votes with it,
   * and its event sealed unless a block holds it.
   */
  private async submittedAgain(doc: ProposalDoc): Promise<ProposalDoc> {
    const open = this.open.get(doc._id);
    if (open) return open.doc;
    this.open.set(doc._id, { doc, votes: await this.votes.find({ proposal: doc._id }, oneBatch(10_000)).toArray() });
    this.submitted = Math.max(this.submitted, doc.seq);
    await this.chain.recordUnlessSealed({ id: doc.hash, kind: 'proposal', proposal: doc._id });
    for (const v of this.open.get(doc._id)!.votes)
      await this.chain.recordUnlessSealed({ id: v.id, kind: 'vote', proposal: doc._id, municipality: v.municipality });
    this.opts.log.info('proposal submitted again: answered with the open one', { proposal: doc._id });
    return doc;
  }

  private proposalDoc(
    seq: number,
    {
      title,
      description,
      proposer,
      action,
      members,
      claim,
    }: { title: string; description: string; proposer: string; action: ProposalAction; members: Member[]; claim: string },
  ): ProposalDoc {
    const now = new Date();
    const params = this.parameters;
    const body: ProposalBody<ProposalAction> = {
      v: 1,
      id: String(seq),
      title,
      description,
      proposer,
      action,
      submittedAt: now.toISOString(),
      votingEndsAt: new Date(now.getTime() + params.votingPeriodMs).toISOString(),
      electorate: members,
      rules: params.rules,
    };
    return { _id: body.id, seq, body, hash: proposalEventId(body), claim, status: 'VOTING' };
  }

  /** Records a member's signed vote; the outcome is decided (and carried out) as soon as it is certain. */
  async vote(input: { body: string; signature: string }): Promise<VoteDoc> {
    await this.loading;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.body);
    } catch {
      throw aikiError('BAD_VOTE', 'body is not JSON', { field: 'body' });
    }
    const id = (parsed as { proposal?: unknown } | null)?.proposal;
    if (typeof id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(id))
      throw aikiError('BAD_VOTE', `body.proposal must be a proposal id, got ${JSON.stringify(id ?? null)}`, { field: 'body.proposal' });
    const vote = await this.locked(id, async () => {
      const term = this.opts.term?.now();
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
      const doc: VoteDoc = {
        _id: `${id}|${checked.body.municipality}`,
        proposal: id,
        municipality: checked.body.municipality,
        body: checked.body,
        signature: input.signature,
        id: checked.id,
        receivedAt: new Date(),
      };
      try {
        await this.votes.insertOne(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The stored vote is counted, even one whose insert landed after this holder read the votes (a dead holder's last command).
        const stored = await this.votes.findOne({ _id: doc._id });
        if (stored && !open.votes.some((v) => v._id === stored._id)) {
          open.votes.push(stored);
          await this.chain.recordUnlessSealed({ id: stored.id, kind: 'vote', proposal: id, municipality: stored.municipality });
        }
        throw aikiError('VOTE_EXISTS', `${doc.municipality} has already voted on proposal ${id}; votes are final`, {
          proposal: id,
          municipality: doc.municipality,
        });
      }
      open.votes.push(doc);
      this.chain.record({ id: doc.id, kind: 'vote', proposal: id, municipality: doc.municipality });
      await this.stillHolding(term);
      return doc;
    });
    void this.conclude(id).catch((err: unknown) => this.opts.log.error('deciding a proposal failed; retrying', { proposal: id, err }));
    return vote;
  }

  /**
   * Called after a proposal or vote is stored, before it is acknowledged: stored while this process
   * held the lease, in the term of office it was received in, it is read by the next holder, which
   * loads only after this one's terms end (runtime/lease.ts). Stored after the lease was lost (this
   * process stalled), the next holder may have read before it: not acknowledged
   * (MAINCHAIN_UNAVAILABLE); sent again, the next holder finds it stored (the same proposal;
   * VOTE_EXISTS) and counts it if still undecided.
   */
  private async stillHolding(term: string | undefined): Promise<void> {
    const held = this.opts.term && term !== undefined ? await this.opts.term.heldThrough(term) : this.opts.may();
    if (!held)
      throw aikiError('MAINCHAIN_UNAVAILABLE', 'this main-chain process lost its lease while storing the request; send it again', { retryAfterMs: 1000 });
  }

  /** Decides proposal `id` if its outcome is certain or its voting has ended, carries it out if it passed, records the outcome. */
  private conclude(id: string): Promise<void> {
    return this.locked(id, async () => {
      const open = this.open.get(id);
      if (!open || !this.opts.may()) return;
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
          await actionOf(doc.body.action).execute(doc.body.action, this.opts.actions, doc._id);
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
      let decision: Omit<OutcomeDoc, '_id'> = { status, outcome, outcomeId: outcomeEventId(outcome), decidedAt: new Date(), ...(failure ? { failure } : {}) };
      let ours = true;
      // The decision is its insert under the proposal's id: decided once, whichever process decides.
      try {
        await this.outcomes.insertOne({ _id: id, ...decision });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const { _id, ...theirs } = (await this.outcomes.findOne({ _id: id }))!;
        this.opts.log.warn('a proposal was decided by another process first; taking its outcome', { proposal: id, status: theirs.status });
        decision = theirs;
        ours = false;
      }
      await writeWhereStill(this.proposals, this.opts.lookups, [{ _id: id, still: { status: 'VOTING' }, update: { $set: decision } }]);
      const event = { id: decision.outcomeId, kind: 'outcome' as const, proposal: id };
      // Another process's outcome may be sealed already (read by this one meanwhile): once.
      if (ours) this.chain.record(event);
      else await this.chain.recordUnlessSealed(event);
      this.open.delete(id);
      Object.assign(doc, {
        status: decision.status,
        outcome: decision.outcome,
        outcomeId: decision.outcomeId,
        decidedAt: decision.decidedAt,
        failure: decision.failure,
      });
      this.opts.log.info('proposal decided', {
        proposal: id,
        status: decision.status,
        ...tally,
        ...(decision.failure ? { failure: decision.failure.code } : {}),
      });
    });
  }

  /** Checks a proposal's shape, and that it makes sense now (BAD_PROPOSAL and the registry's codes). */
  private async check(input: ProposalInput): Promise<{ title: string; description: string; action: ProposalAction }> {
    const title = (input.title ?? '').trim();
    if (title.length < 1 || title.length > MAX_TITLE || /\p{Cc}/u.test(title) || !isWellFormed(title))
      throw bad('input.title', `title must be 1–${MAX_TITLE} printable characters on one line, well-formed Unicode`);
    const description = input.description ?? '';
    if (description.length > MAX_DESCRIPTION || !isWellFormed(description))
      throw bad('input.description', `description must be at most ${MAX_DESCRIPTION} characters of well-formed Unicode`);
    const action = await validateAction(input, this.opts.actions);
    return { title, description, action };
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
