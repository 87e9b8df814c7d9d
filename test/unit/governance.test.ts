import { describe, expect, it } from 'vitest';
import {
  checkVote,
  countVotes,
  decide,
  DEFAULT_RULES,
  generateKeyPair,
  bytesToHex,
  parseFraction,
  proposalEventId,
  signVote,
  type ProposalBody,
  type Tally,
  type VoteOption,
} from '../../core/index.ts';

const OPTIONS: VoteOption[] = ['YES', 'NO', 'ABSTAIN', 'VETO'];
const tally = (yes: number, no: number, abstain: number, veto: number, pending: number): Tally => ({ yes, no, abstain, veto, pending });

describe('decide (Cosmos SDK rules: quorum 33.4%, threshold 50%, veto 33.4%)', () => {
  it('at the end of voting', () => {
    expect(decide(tally(0, 0, 0, 0, 3), DEFAULT_RULES, true)).toBe('EXPIRED');
    expect(decide(tally(1, 0, 0, 0, 2), DEFAULT_RULES, true)).toBe('EXPIRED'); // 33.3% < 33.4%
    expect(decide(tally(2, 0, 0, 0, 1), DEFAULT_RULES, true)).toBe('PASSED');
    expect(decide(tally(1, 1, 0, 0, 1), DEFAULT_RULES, true)).toBe('REJECTED'); // exactly 50% is not above
    expect(decide(tally(0, 0, 2, 0, 1), DEFAULT_RULES, true)).toBe('REJECTED'); // all abstain
    expect(decide(tally(1, 0, 2, 0, 0), DEFAULT_RULES, true)).toBe('PASSED'); // abstentions count for quorum only
    expect(decide(tally(4, 0, 0, 2, 0), DEFAULT_RULES, true)).toBe('PASSED'); // veto 33.3% is not above 33.4%
    expect(decide(tally(4, 0, 0, 3, 0), DEFAULT_RULES, true)).toBe('REJECTED'); // vetoed, though yes is 57%
  });

  it('decides before the end only when no way the pending members vote could change the outcome', () => {
    // Every tally of up to 6 members, against every way the pending members could still vote (or not).
    const completions = (t: Tally): Tally[] => {
      if (t.pending === 0) return [t];
      const rest = { ...t, pending: t.pending - 1 };
      // A pending member who never votes stays pending at the end: decide(…, true) treats it as not voting.
      return [t, ...OPTIONS.flatMap((o) => completions({ ...rest, [o.toLowerCase()]: rest[o.toLowerCase() as 'yes'] + 1 }))];
    };
    let early = 0;
    for (let n = 1; n <= 6; n++) {
      for (let yes = 0; yes <= n; yes++)
        for (let no = 0; yes + no <= n; no++)
          for (let abstain = 0; yes + no + abstain <= n; abstain++)
            for (let veto = 0; yes + no + abstain + veto <= n; veto++) {
              const t = tally(yes, no, abstain, veto, n - yes - no - abstain - veto);
              const now = decide(t, DEFAULT_RULES, false);
              if (now === null) continue;
              early++;
              for (const end of completions(t)) expect(decide(end, DEFAULT_RULES, true), JSON.stringify({ t, end })).toBe(now);
            }
    }
    expect(early).toBeGreaterThan(50);
    expect(decide(tally(2, 0, 0, 0, 1), DEFAULT_RULES, false)).toBe('PASSED'); // the two of three
    expect(decide(tally(1, 0, 0, 0, 2), DEFAULT_RULES, false)).toBeNull();
  });

  it('counts options', () => {
    expect(countVotes(['YES', 'VETO', 'YES', 'ABSTAIN'], 6)).toEqual(tally(2, 0, 1, 1, 2));
  });
});

describe('votes', () => {
  const kyoto = generateKeyPair();
  const body: ProposalBody = {
    v: 1,
    id: '7',
    title: 't',
    description: '',
    proposer: 'root',
    action: { type: 'resumeMunicipality', code: 'nara' },
    submittedAt: '2026-11-26T00:00:00.000Z',
    votingEndsAt: '2026-11-28T00:00:00.000Z',
    electorate: [{ code: 'kyoto', governanceKey: bytesToHex(kyoto.publicKey) }],
    rules: DEFAULT_RULES,
  };
  const proposal = { body, hash: proposalEventId(body) };
  const vote = (over: Record<string, unknown> = {}, key = kyoto.secretKey) =>
    signVote(
      {
        v: 1,
        type: 'vote',
        proposal: '7',
        proposalHash: proposal.hash,
        municipality: 'kyoto',
        option: 'YES',
        time: new Date().toISOString(),
        ...over,
      } as never,
      key,
    );

  it('accepts a member vote signed with its governance key, with its event id', () => {
    const v = vote();
    expect(checkVote(v, proposal)).toEqual({ body: v.body, id: v.id });
  });

  it('refuses each malformed, forged or misdirected vote with its code', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { extensions: { code: string } }).extensions.code;
      }
      return 'accepted';
    };
    expect(code(() => checkVote(vote({}, generateKeyPair().secretKey), proposal))).toBe('BAD_SIGNATURE');
    expect(code(() => checkVote({ ...vote(), body: { ...vote().body, option: 'NO' } }, proposal))).toBe('BAD_SIGNATURE');
    expect(code(() => checkVote(vote({ municipality: 'osaka' }), proposal))).toBe('NOT_A_MEMBER');
    expect(code(() => checkVote(vote({ proposal: '8' }), proposal))).toBe('BAD_VOTE');
    expect(code(() => checkVote(vote({ proposalHash: '00'.repeat(32) }), proposal))).toBe('BAD_VOTE');
    expect(code(() => checkVote(vote({ option: 'yes' }), proposal))).toBe('BAD_VOTE');
    expect(code(() => checkVote(vote({ time: 'yesterday' }), proposal))).toBe('BAD_VOTE');
    // Against a clock (the main chain receiving it), within 5 minutes of it; re-checked later, without one.
    const far = vote({ time: '9999-12-31T23:59:59.999Z' });
    expect(code(() => checkVote(far, proposal, { now: new Date() }))).toBe('BAD_VOTE');
    expect(code(() => checkVote(far, proposal))).toBe('accepted');
    expect(code(() => checkVote(vote({ time: new Date(Date.now() - 4 * 60_000).toISOString() }), proposal, { now: new Date() }))).toBe('accepted');
    expect(code(() => checkVote({ ...vote(), body: { ...vote().body, extra: 1 } }, proposal))).toBe('BAD_VOTE');
    expect(code(() => checkVote({ body: null, signature: '' }, proposal))).toBe('BAD_VOTE');
  });
});

describe('parseFraction', () => {
  it('reads fractions from 0 to 1 into basis points, and nothing else', () => {
    expect(parseFraction('0.334', 'quorum')).toBe(3340);
    expect(parseFraction('1', 'quorum')).toBe(10_000);
    expect(parseFraction('0.5', 'quorum')).toBe(5000);
    for (const bad of ['1.5', '-0.1', '0.33333', '.5', 'half', '1e-1', '']) expect(() => parseFraction(bad, 'quorum')).toThrow(/fraction/);
  });
});
