/**
 * Governance rules (docs/GOVERNANCE.md): proposals, signed votes, the tally and its outcome, and
 * the events the main chain seals for them. Pure, no I/O, so that anyone can recompute a tally
 * from the main chain's blocks (`aiki proposal verify`).
 *
 * Fractions (quorum, threshold, veto) are kept in basis points and compared by cross-multiplying
 * integers: a tally never depends on floating-point rounding.
 */
import { bytesToHex, concatBytes, hexToBytes, sha256Hex, utf8 } from './bytes.ts';
import { canonicalBytes, canonicalJson } from './canonical.ts';
import { sign, verifyFast } from './ed25519.ts';
import { aikiError } from './errors.ts';
import { exactRecord, checkTime, show, type CheckOptions } from './transaction.ts';
import { MUNICIPALITY_CODE } from './municipality.ts';
import { checklist, type ProofCheck } from './proof.ts';
import { sealed, type InclusionInput } from './trace.ts';

export const PROPOSAL_DOMAIN = 'aiki/proposal/v1\n';
export const VOTE_DOMAIN = 'aiki/vote/v1\n';
export const OUTCOME_DOMAIN = 'aiki/outcome/v1\n';

export type VoteOption = 'YES' | 'NO' | 'ABSTAIN' | 'VETO';
export const VOTE_OPTIONS: readonly VoteOption[] = ['YES', 'NO', 'ABSTAIN', 'VETO'];
export type ProposalStatus = 'VOTING' | 'PASSED' | 'REJECTED' | 'FAILED' | 'EXPIRED';

/** Basis points (1/10,000): 3340 is 33.4%. */
export interface VotingRules {
  quorum: number;
  threshold: number;
  veto: number;
}

/** The Cosmos SDK gov module's defaults: quorum 33.4%, threshold 50%, veto 33.4%. */
export const DEFAULT_RULES: VotingRules = { quorum: 3340, threshold: 5000, veto: 3340 };

/**
 * A proposal's action as sealed: `type` names it, the other fields are its arguments. Which
 * actions exist, and what each holds, is the main chain's action table's
 * (subgraphs/mainchain/actions.ts); a tally never looks inside an action.
 */
export interface ProposalActionBody {
  type: string;
  [argument: string]: unknown;
}

export interface Member {
  code: string;
  governanceKey: string;
}

/** What a proposal event commits to: everything needed to count its votes. */
export interface ProposalBody<A extends ProposalActionBody = ProposalActionBody> {
  v: 1;
  id: string;
  title: string;
  description: string;
  proposer: string;
  action: A;
  submittedAt: string;
  votingEndsAt: string;
  electorate: Member[];
  rules: VotingRules;
}

export interface VoteBody {
  v: 1;
  type: 'vote';
  proposal: string;
  /** The proposal's event id: a vote counts for that exact proposal only. */
  proposalHash: string;
  municipality: string;
  option: VoteOption;
  time: string;
}

export interface Tally {
  yes: number;
  no: number;
  abstain: number;
  veto: number;
  pending: number;
}

export interface OutcomeBody {
  v: 1;
  proposal: string;
  proposalHash: string;
  status: Exclude<ProposalStatus, 'VOTING'>;
  tally: Tally;
  /** Event ids of the votes counted, sorted. */
  votes: string[];
  failure: { code: string; message: string } | null;
}

export const proposalEventId = (body: ProposalBody): string => sha256Hex(concatBytes(utf8(PROPOSAL_DOMAIN), canonicalBytes(body)));
export const outcomeEventId = (body: OutcomeBody): string => sha256Hex(concatBytes(utf8(OUTCOME_DOMAIN), canonicalBytes(body)));
export const voteBytes = (body: VoteBody): Uint8Array => concatBytes(utf8(VOTE_DOMAIN), canonicalBytes(body));

export interface SignedVote {
  body: VoteBody;
  signature: string;
}

/** Signs a vote; its event id is the SHA-256 of the signed bytes. */
export function signVote(body: VoteBody, secretKey: Uint8Array): SignedVote & { id: string } {
  const bytes = voteBytes(body);
  return { body, signature: bytesToHex(sign(bytes, secretKey)), id: sha256Hex(bytes) };
}

const VOTE_FIELDS = ['v', 'type', 'proposal', 'proposalHash', 'municipality', 'option', 'time'] as const;

/**
 * Checks a vote's shape and its signature by the member it names, against the proposal it is for.
 * Throws BAD_VOTE, NOT_A_MEMBER or BAD_SIGNATURE; returns the body and the vote's event id.
 * (Whether voting is still open is the caller's to check: it needs a clock.) With `clock.now`,
 * as the main chain receives a vote, its time must lie within `clock.maxSkewMs` (default 5
 * minutes, as a transfer's) of it; a verifier re-checking sealed votes later passes no clock.
 */
export function checkVote(
  vote: { body: unknown; signature: unknown },
  proposal: { body: ProposalBody; hash: string },
  clock: Pick<CheckOptions, 'now' | 'maxSkewMs'> = {},
): { body: VoteBody; id: string } {
  let b;
  try {
    b = exactRecord(vote.body, VOTE_FIELDS, 'vote');
  } catch (err) {
    throw aikiError('BAD_VOTE', (err as Error).message, { field: 'body' });
  }
  const bad = (field: string, message: string) => aikiError('BAD_VOTE', message, { field: `body.${field}` });
  if (b.v !== 1) throw bad('v', `v must be 1, got ${show(b.v)}`);
  if (b.type !== 'vote') throw bad('type', `type must be "vote", got ${show(b.type)}`);
  if (b.proposal !== proposal.body.id) throw bad('proposal', `the vote is for proposal ${show(b.proposal)}, not ${proposal.body.id}`);
  if (b.proposalHash !== proposal.hash) throw bad('proposalHash', `proposalHash must be proposal ${proposal.body.id}'s event id ${proposal.hash}`);
  if (!VOTE_OPTIONS.includes(b.option as VoteOption)) throw bad('option', `option must be one of ${VOTE_OPTIONS.join(', ')}, got ${show(b.option)}`);
  let time;
  try {
    time = checkTime(b.time, clock);
  } catch (err) {
    throw bad('time', (err as Error).message);
  }
  if (typeof b.municipality !== 'string' || !MUNICIPALITY_CODE.test(b.municipality))
    throw bad('municipality', `municipality must be a municipality code, got ${show(b.municipality)}`);
  const member = proposal.body.electorate.find((m) => m.code === b.municipality);
  if (!member) {
    throw aikiError('NOT_A_MEMBER', `${b.municipality} is not among the ${proposal.body.electorate.length} members voting on proposal ${proposal.body.id}`, {
      municipality: b.municipality,
      proposal: proposal.body.id,
    });
  }
  const body: VoteBody = {
    v: 1,
    type: 'vote',
    proposal: b.proposal,
    proposalHash: b.proposalHash,
    municipality: b.municipality,
    option: b.option as VoteOption,
    time,
  };
  const bytes = voteBytes(body);
  if (
    typeof vote.signature !== 'string' ||
    !/^[0-9a-f]{128}$/.test(vote.signature) ||
    !verifyFast(hexToBytes(vote.signature), bytes, hexToBytes(member.governanceKey))
  ) {
    throw aikiError('BAD_SIGNATURE', `the vote is not signed by ${b.municipality}'s governance key ${member.governanceKey}`, {
      field: 'signature',
      municipality: b.municipality,
    });
  }
  return { body, id: sha256Hex(bytes) };
}

/** Counts votes (one per member: the caller guarantees it). */
export function countVotes(options: VoteOption[], electorate: number): Tally {
  const t: Tally = { yes: 0, no: 0, abstain: 0, veto: 0, pending: electorate - options.length };
  for (const o of options) t[o.toLowerCase() as 'yes' | 'no' | 'abstain' | 'veto']++;
  return t;
}

/**
 * The outcome of a tally, or null while it is open. At the end of voting: EXPIRED without quorum
 * (votes cast, abstentions included, below `quorum` of the electorate); REJECTED if vetoes exceed
 * `veto` of the votes cast, or yes does not exceed `threshold` of the votes that are not
 * abstentions; else PASSED — the Cosmos SDK's rules. Before the end, an outcome is returned only
 * once no way the pending members could still vote would change it (votes are final).
 */
export function decide(t: Tally, rules: VotingRules, ended: boolean): 'PASSED' | 'REJECTED' | 'EXPIRED' | null {
  const cast = t.yes + t.no + t.abstain + t.veto;
  const members = cast + t.pending;
  const quorate = cast * 10_000 >= rules.quorum * members;
  if (ended) {
    if (!quorate || cast === 0) return 'EXPIRED';
    if (t.veto * 10_000 > rules.veto * cast) return 'REJECTED';
    return t.yes * 10_000 > rules.threshold * (cast - t.abstain) ? 'PASSED' : 'REJECTED';
  }
  if (!quorate) return null;
  const r = t.pending;
  // Passed whatever the rest do: still above threshold if all vote no, not vetoed if all veto.
  if (t.yes * 10_000 > rules.threshold * (t.yes + t.no + t.veto + r) && (t.veto + r) * 10_000 <= rules.veto * (cast + r)) return 'PASSED';
  // Rejected whatever the rest do: vetoed even if all abstain, or at threshold or below even if all vote yes.
  if (t.veto * 10_000 > rules.veto * (cast + r) || (t.yes + r) * 10_000 <= rules.threshold * (t.yes + t.no + t.veto + r)) return 'REJECTED';
  return null;
}

/** "0.334" ⇄ 3340 basis points. */
export function formatFraction(bps: number): string {
  return (bps / 10_000).toString();
}

export function parseFraction(value: string, field: string): number {
  if (!/^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$/.test(value))
    throw aikiError('BAD_PROPOSAL', `${field} must be a fraction from 0 to 1 with at most 4 decimals, like "0.334" (got ${JSON.stringify(value)})`, { field });
  return Math.round(Number(value) * 10_000);
}

/** The GraphQL selection `aiki proposal verify` asks for; {@link verifyProposal} reads exactly this. */
export const PROPOSAL_QUERY = `query AikiProposal($id: String!) {
  mainChain { sequencer }
  proposal(id: $id) { id status body eventId inclusion { ...inclusion } outcome outcomeEventId outcomeInclusion { ...inclusion }
    votes { municipality body signature eventId inclusion { ...inclusion } } }
}
fragment inclusion on EventInclusion { index treeSize path mainBlock { height hash header signature txRoot } }`;

export interface ProposalView {
  id: string;
  status: ProposalStatus;
  body: string;
  eventId: string;
  inclusion: InclusionInput | null;
  outcome: string | null;
  outcomeEventId: string | null;
  outcomeInclusion: InclusionInput | null;
  votes: Array<{ municipality: string; body: string; signature: string; eventId: string; inclusion: InclusionInput | null }>;
}

/**
 * Recomputes a proposal's tally from what the main chain sealed, trusting only its key: the
 * proposal (electorate, rules) and every vote sealed in signed main-chain blocks, each vote
 * signed by a member's key, one per member; the outcome sealed too, counting exactly those votes,
 * with the tally and status the rules give. Every check is returned, so a failure says what broke.
 */
export function verifyProposal(p: ProposalView, mainchainKey: string): ProofCheck[] {
  const { checks, check } = checklist();
  const body = JSON.parse(p.body) as ProposalBody;
  const proposal = { body, hash: p.eventId };
  check(
    'proposal',
    () => (proposalEventId(body) === p.eventId && body.id === p.id) || `the proposal body hashes to ${proposalEventId(body)}, not its event id ${p.eventId}`,
  );
  check('proposal sealed', () => (p.inclusion ? sealed(p.eventId, p.inclusion, mainchainKey) : 'not sealed in a main-chain block yet'));
  const proposalHeight = p.inclusion?.mainBlock.height ?? Infinity;
  const counted: Array<{ id: string; option: VoteOption }> = [];
  const voters = new Set<string>();
  for (const v of p.votes) {
    check(`vote ${v.municipality}`, () => {
      const { body: vote, id } = checkVote({ body: JSON.parse(v.body), signature: v.signature }, proposal);
      if (id !== v.eventId) return `the vote hashes to ${id}, not its event id ${v.eventId}`;
      if (voters.has(vote.municipality)) return `${vote.municipality} voted twice`;
      voters.add(vote.municipality);
      counted.push({ id, option: vote.option });
      return true;
    });
    check(`vote ${v.municipality} sealed`, () => {
      if (!v.inclusion) return 'not sealed in a main-chain block yet';
      if (v.inclusion.mainBlock.height < proposalHeight)
        return `sealed in main-chain block ${v.inclusion.mainBlock.height}, before the proposal's ${proposalHeight}`;
      return sealed(v.eventId, v.inclusion, mainchainKey);
    });
  }
  if (!p.outcome || !p.outcomeEventId) {
    check('outcome', () => (p.status === 'VOTING' ? 'still voting: no outcome to verify' : `status ${p.status} but no outcome`));
    return checks;
  }
  const outcome = JSON.parse(p.outcome) as OutcomeBody;
  check(
    'outcome',
    () =>
      (outcomeEventId(outcome) === p.outcomeEventId && outcome.proposalHash === p.eventId && outcome.status === p.status) ||
      'the outcome does not hash to its event id, or names another proposal or status',
  );
  check('outcome sealed', () => {
    if (!p.outcomeInclusion) return 'not sealed in a main-chain block yet';
    const late = p.votes.find((v) => v.inclusion && v.inclusion.mainBlock.height > p.outcomeInclusion!.mainBlock.height);
    if (late) return `${late.municipality}'s vote is sealed after the outcome`;
    return sealed(p.outcomeEventId!, p.outcomeInclusion, mainchainKey);
  });
  check(
    'votes counted',
    () => canonicalJson(counted.map((c) => c.id).sort()) === canonicalJson(outcome.votes) || 'the outcome counts other votes than the sealed ones',
  );
  check('tally', () => {
    const tally = countVotes(
      counted.map((c) => c.option),
      body.electorate.length,
    );
    if (canonicalJson(tally) !== canonicalJson(outcome.tally))
      return `the votes tally ${canonicalJson(tally)}, the outcome says ${canonicalJson(outcome.tally)}`;
    const decided = decide(tally, body.rules, true);
    const recorded = outcome.status === 'FAILED' ? 'PASSED' : outcome.status;
    return decided === recorded || `the rules give ${decided}, the outcome says ${outcome.status}`;
  });
  return checks;
}
