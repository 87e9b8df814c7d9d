/**
 * The main chain as two processes over one database, under chaos, with real kills: 540 random
 * transfers between three municipalities from concurrent clients while proposals are submitted and
 * voted on — each vote sent to either process, so that the one without the lease hands it on — and
 * the lease holder `kill -9`ed three times: once in the middle of a vote, once while settlements are
 * crediting, once at a random moment (each time started again, so two processes run). Afterwards:
 * every acknowledged transfer has one settlement, final exactly once (credited or refunded, never
 * both, one final step sealed), every acknowledged vote is counted once in its proposal's outcome,
 * every proposal that reached its threshold was carried out and its outcome sealed once, every
 * ledger's chain and the main chain verify, and the balances add up to the genesis.
 *
 * Nothing here asserts a time: every wait is for a state, with generous bounds (a busy machine).
 */
import { appendFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { MunicipalitySpec } from '../cluster/cluster.ts';
import {
  blockHash,
  canonicalJson,
  checkBlock,
  hexToBytes,
  PROPOSAL_QUERY,
  signVote,
  verify,
  verifyProposal,
  type ProposalView,
  type VoteBody,
} from '../core/index.ts';
import type { MainBlockDoc, SettlementDoc } from '../subgraphs/mainchain/models.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_SETTLEMENT, useTestCluster } from './support/cluster.ts';
import { expectLedgersSettledOnce, randomTransfers, TOWNS, townGenesis, townWallets, TRANSFERS } from './support/chaos.ts';

const KOBE: MunicipalitySpec = { code: 'kobe', name: 'Kobe' };
const TOKEN = 'replicas-chaos-token';
const wallets = townWallets();
const RETRYABLE = new Set(['SEQUENCER_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'SIGNATURE_EXPIRED', 'MAINCHAIN_UNAVAILABLE']);
const fed = useTestCluster('mcrep', {
  municipalities: TOWNS,
  operatorToken: TOKEN,
  pollIntervalMs: 500,
  mainchainReplicas: 2,
  // AIKI_TEST_LOG=<file>: every service's warnings and errors there, to see what happened in a failed run.
  onLog: process.env.AIKI_TEST_LOG
    ? (service, line) =>
        /"level":"(warn|error)"/.test(line) || /lease/.test(line) ? appendFileSync(process.env.AIKI_TEST_LOG!, `${service} ${line}\n`) : undefined
    : undefined,
  mainchainEnv: { ...FAST_SETTLEMENT, AIKI_LEASE_MS: '2000', AIKI_SETTLEMENT_TIMEOUT_MS: '20000', AIKI_VOTING_PERIOD_MS: '600000' },
  ledgerEnv: FAST_LEDGERS,
  genesis: townGenesis(wallets),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/**
 * A mutation sent to either main-chain process (at random, each try) until it is answered: a process
 * that does not hold the lease hands it to the one that does. A reply with errors that are not
 * retryable is returned as it is (the caller decides: VOTE_EXISTS after a cut-off try means stored).
 */
async function mainchainMutation<T>(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ data?: T; code?: string }> {
  for (let attempt = 0; ; attempt++) {
    const url = pick(fed.cluster.mainchainUrls);
    const reply = await gql(url, query, variables, headers).catch(() => undefined);
    if (reply?.data && !reply.errors) return { data: reply.data as T };
    const code = reply?.errors?.[0]?.extensions?.code as string | undefined;
    if (code && !RETRYABLE.has(code)) return { code };
    if (attempt > 600) throw new Error(`no main-chain process answered ${query.slice(0, 40)}: ${JSON.stringify(reply?.errors)}`);
    await sleep(200);
  }
}

/** A query answered by either main-chain process (retried while one is down or starting). */
async function mainchainRead<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return eventually(
    async () => {
      const reply = await gql(pick(fed.cluster.mainchainUrls), query, variables).catch(() => undefined);
      return reply?.data && !reply.errors ? (reply.data as T) : undefined;
    },
    120_000,
    `an answer to ${query.slice(0, 60)}`,
  );
}

/** One kill at a time: the lease holder is found (a process whose /ready says so), killed with SIGKILL, and started again on its port. */
let killing: Promise<unknown> = Promise.resolve();
const kills: string[] = [];
function killHolder(why: string): Promise<void> {
  const next = killing.then(async () => {
    const holder = await eventually(() => fed.cluster.mainchainHolder(), 120_000, 'a main-chain lease holder');
    const index = fed.cluster.mainchains.indexOf(holder);
    await holder.kill(); // kill -9
    kills.push(why);
    await fed.cluster.restartMainchain(index);
  });
  killing = next.catch(() => {});
  return next;
}

interface Voted {
  id: string;
  eventId: string;
  action: 'parameters' | 'kobe';
  value?: string;
  /** The vote event ids the main chain acknowledged (or reported as already stored). */
  acknowledged: string[];
}

const PROPOSE = 'mutation($input: ProposalInput!) { propose(input: $input) { id eventId electorate { code } } }';
const VOTE = 'mutation($input: VoteInput!) { vote(input: $input) { eventId } }';

/** Submits a proposal and has every member of its electorate vote YES, each vote to a random process; `midVote` runs after the first vote. */
async function proposeAndVote(n: number, action: Voted['action'], midVote?: () => Promise<void>): Promise<Voted> {
  const value = String(600_000 + n);
  const input =
    action === 'kobe'
      ? { title: `register kobe (${n})`, registerMunicipality: { code: KOBE.code, name: KOBE.name, endpoints: [fed.cluster.ledgers.get(KOBE.code)!.url] } }
      : { title: `voting period ${value}`, changeParameters: [{ name: 'votingPeriodMs', value }] };
  const proposed = await mainchainMutation<{ propose: { id: string; eventId: string; electorate: Array<{ code: string }> } }>(
    PROPOSE,
    { input },
    { authorization: `Bearer ${TOKEN}` },
  );
  expect(proposed.code, `proposing ${input.title}`).toBeUndefined();
  const { id, eventId, electorate } = proposed.data!.propose;
  const voted: Voted = { id, eventId, action, value, acknowledged: [] };
  for (const [k, { code }] of electorate.entries()) {
    const body: VoteBody = { v: 1, type: 'vote', proposal: id, proposalHash: eventId, municipality: code, option: 'YES', time: new Date().toISOString() };
    const { signature } = signVote(body, hexToBytes(fed.cluster.keys.sequencer(code)));
    const reply = await mainchainMutation<{ vote: { eventId: string } }>(VOTE, { input: { body: canonicalJson(body), signature } });
    if (reply.data) voted.acknowledged.push(reply.data.vote.eventId);
    else if (reply.code === 'VOTE_EXISTS') {
      // An earlier try reached the holder before it was killed: stored, so it must be counted.
      const stored = await mainchainRead<{ proposal: { votes: Array<{ municipality: string; eventId: string }> } }>(
        'query($id: String!) { proposal(id: $id) { votes { municipality eventId } } }',
        { id },
      );
      const votes = stored.proposal.votes;
      voted.acknowledged.push(votes.find((v) => v.municipality === code)!.eventId);
    } else if (reply.code !== 'VOTING_CLOSED') throw new Error(`vote of ${code} on ${id}: ${reply.code}`);
    if (k === 0 && midVote) await midVote();
  }
  return voted;
}

it('keeps settling and deciding with two main-chain processes while the lease holder is kill -9ed three times', { timeout: 900_000 }, async () => {
  // Kobe's ledger runs from the start; it joins by a proposal during the run.
  await fed.cluster.startLedger(KOBE);
  const traffic = randomTransfers(fed.cluster, wallets, RETRYABLE);
  const total = TRANSFERS;
  const transfersDone = traffic.done;
  let transfersOver = false;
  void transfersDone.then(
    () => (transfersOver = true),
    () => (transfersOver = true),
  );
  const whenSent = (share: number) => traffic.whenSent(share, 600_000);

  // Governance all along: a proposal at a time, voted on by every member; the second one is where the holder is killed mid-vote.
  const proposals: Voted[] = [];
  const governance = (async () => {
    for (let n = 1; n <= 3 || !transfersOver; n++) {
      const action = n === 3 ? 'kobe' : 'parameters';
      proposals.push(await proposeAndVote(n, action, n === 2 ? () => killHolder('mid-vote') : undefined));
      await eventually(
        async () => {
          const r = await gql(pick(fed.cluster.mainchainUrls), 'query($id: String!) { proposal(id: $id) { status } }', { id: proposals.at(-1)!.id }).catch(
            () => undefined,
          );
          const status = (r?.data?.proposal as { status: string } | undefined)?.status;
          return status && status !== 'VOTING' ? status : undefined;
        },
        300_000,
        `proposal ${proposals.at(-1)!.id} decided`,
      );
    }
  })();

  // The other two kills: while settlements are crediting, and at a random moment later.
  const chaos = (async () => {
    await whenSent(0.3);
    await eventually(
      async () => {
        const counts = await fed.mongo
          .db(`${fed.prefix}_mainchain`)
          .collection<SettlementDoc>('settlements')
          .countDocuments({ status: 'CREDITING' })
          .catch(() => 0);
        return counts > 0 ? true : undefined;
      },
      300_000,
      'settlements crediting',
    );
    await killHolder('while crediting');
    await whenSent(0.6);
    await sleep(Math.random() * 3000);
    await killHolder('at random');
  })();

  await Promise.all([transfersDone, governance, chaos]);
  const { acknowledged } = traffic;
  expect(acknowledged.length).toBe(total);
  expect(kills).toHaveLength(3);

  const mainDb = fed.mongo.db(`${fed.prefix}_mainchain`);
  // Every acknowledged transfer settled, and final.
  const settlements = await eventually(
    async () => {
      const all = await mainDb.collection<SettlementDoc>('settlements').find().toArray();
      return all.length === total && all.every((s) => s.status === 'CREDITED' || s.status === 'REFUNDED') ? all : undefined;
    },
    600_000,
    'every settlement final',
  );
  expect(new Set(settlements.map((s) => s._id))).toEqual(new Set(acknowledged));

  // The main chain verifies, and seals each event once: one final step per settlement, one outcome per proposal.
  const mainKey = hexToBytes((await mainchainRead<{ mainChain: { sequencer: string } }>('{ mainChain { sequencer } }')).mainChain.sequencer);
  const blocks = await eventually(
    async () => {
      const all = await mainDb.collection<MainBlockDoc>('blocks').find().sort({ _id: 1 }).toArray();
      const sealed = new Set(all.flatMap((b) => b.events.map((e) => e.id)));
      const finals = all.flatMap((b) => b.events).filter((e) => e.kind === 'settlement' && (e.status === 'CREDITED' || e.status === 'REFUNDED'));
      const outcomes = await mainDb.collection<{ _id: string; outcomeId: string }>('outcomes').find().toArray();
      const governanceSealed = proposals.every(
        (p) => sealed.has(p.eventId) && p.acknowledged.every((v) => sealed.has(v)) && outcomes.some((o) => o._id === p.id && sealed.has(o.outcomeId)),
      );
      return finals.length >= total && governanceSealed ? all : undefined;
    },
    300_000,
    'every final step sealed',
  );
  expect(blockHash(blocks[0]!.header)).toBe(blocks[0]!.hash);
  expect(verify(hexToBytes(blocks[0]!.signature), hexToBytes(blocks[0]!.hash), mainKey)).toBe(true);
  const sealedOnce = new Map<string, number>();
  for (let i = 1; i < blocks.length; i++) {
    const block = blocks[i]!;
    expect(block.height, 'main-chain heights are contiguous').toBe(i);
    checkBlock(
      block.header,
      block.hash,
      block.signature,
      { header: blocks[i - 1]!.header, hash: blocks[i - 1]!.hash },
      block.events.map((e) => e.id),
      block.poh,
    );
    for (const e of block.events) sealedOnce.set(e.id, (sealedOnce.get(e.id) ?? 0) + 1);
  }
  expect(
    [...sealedOnce.entries()].filter(([, n]) => n > 1),
    'events sealed twice',
  ).toEqual([]);
  const finalSteps = new Map<string, number>();
  for (const e of blocks.flatMap((b) => b.events))
    if (e.kind === 'settlement' && (e.status === 'CREDITED' || e.status === 'REFUNDED')) finalSteps.set(e.settlement, (finalSteps.get(e.settlement) ?? 0) + 1);
  for (const s of settlements) {
    expect(finalSteps.get(s._id), `final steps sealed for ${s._id}`).toBe(1);
    const statuses = s.steps.map((x) => x.status);
    expect(
      statuses.filter((x) => x === 'CREDITED' || x === 'REFUNDED'),
      `final steps of ${s._id}`,
    ).toEqual([s.status]);
    expect(new Set(statuses).size, `a step twice in ${s._id}: ${statuses.join(',')}`).toBe(statuses.length);
  }

  // Every credit or refund written once, never both; every ledger verifies; money is conserved.
  await expectLedgersSettledOnce(
    fed.mongo,
    fed.prefix,
    mainKey,
    settlements.map((s) => ({ id: s._id, status: s.status, creditId: s.credit?.id ?? null, refundId: s.refund?.id ?? null })),
  );

  // Every acknowledged vote counted once; every proposal that passed carried out, its outcome sealed once and verifiable.
  for (const p of proposals) {
    const data = await mainchainRead<{ mainChain: { sequencer: string }; proposal: ProposalView & { status: string } }>(PROPOSAL_QUERY, { id: p.id });
    const view = data.proposal;
    expect(view.status, `proposal ${p.id}`).toBe('PASSED');
    const outcome = JSON.parse(view.outcome!) as { votes: string[]; tally: { yes: number } };
    expect(new Set(outcome.votes).size, `votes counted twice in ${p.id}`).toBe(outcome.votes.length);
    for (const vote of p.acknowledged) expect(outcome.votes, `vote ${vote} of ${p.id}`).toContain(vote);
    expect(outcome.tally.yes).toBe(outcome.votes.length);
    expect(sealedOnce.get(view.outcomeEventId!), `outcome of ${p.id} sealed once`).toBe(1);
    expect(verifyProposal(view, data.mainChain.sequencer).filter((c) => !c.ok)).toEqual([]);
    expect(await mainDb.collection('outcomes').countDocuments({ _id: p.id as never })).toBe(1);
  }
  const kobe = proposals.find((p) => p.action === 'kobe')!;
  expect((await mainDb.collection<{ _id: string; proposal?: string }>('municipalities').findOne({ _id: 'kobe' }))?.proposal).toBe(kobe.id);
  const lastParameters = proposals.filter((p) => p.action === 'parameters').at(-1)!;
  for (const url of fed.cluster.mainchainUrls) {
    const params = await gql(url, '{ parameters { votingPeriodMs } }'); // either process: the holder's memory, the other's read
    expect(String((params.data?.parameters as { votingPeriodMs: number }).votingPeriodMs)).toBe(lastParameters.value);
  }

  const refunded = settlements.filter((s) => s.status === 'REFUNDED').length;
  console.log(`mainchain replicas chaos: kills ${kills.join(', ')}; ${total - refunded} credited, ${refunded} refunded; ${proposals.length} proposals passed`);
});
