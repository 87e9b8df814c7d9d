/**
 * Governance: the proposals with their tallies, and a proposal with its votes, its tally recomputed
 * here from the votes sealed on the main chain (core/'s verifyProposal, as `aiki proposal verify`).
 */
import { useState } from 'preact/hooks';
import { PROPOSAL_QUERY, verifyProposal, type ProposalView } from '../../../core/governance.ts';
import { query } from '../api.ts';
import type { ProposalsQuery as ListData } from '../gql/graphql.ts';
import { t } from '../i18n.ts';
import { ProposalQuery, ProposalsQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Checks, Fields, Hex, NotFound, Show, Status, Table, Time, useLoad } from '../ui.tsx';
import { pinMainchainKey, pinnedMainchainKey, useDeferred } from '../verify.ts';

function Tally({ tally }: { tally: ListData['proposals'][number]['tally'] }) {
  return (
    <span class="tally" data-testid="tally">
      {t().yes} {tally.yes} · {t().no} {tally.no} · {t().abstain} {tally.abstain} · {t().veto} {tally.veto} · {t().pending} {tally.pending}
    </span>
  );
}

export function Governance() {
  const state = useLoad(() => query(ProposalsQuery), 'proposals');
  return (
    <Show state={state}>
      {({ proposals, parameters }) => (
        <>
          <h1>{t().governance}</h1>
          <p class="muted">
            {t().rules}: quorum {parameters.quorum}, threshold {parameters.threshold}, veto {parameters.veto}
          </p>
          {proposals.length === 0 ? (
            <p>{t().none}</p>
          ) : (
            <Table
              id="proposals"
              items={proposals}
              attrs={(p) => ({ 'data-proposal': p.id })}
              columns={[
                { head: '#', cell: (p) => <a href={href.proposal(p.id)}>{p.id}</a> },
                {
                  head: t().proposal,
                  cell: (p) => (
                    <>
                      <a href={href.proposal(p.id)}>{p.title}</a> <code>{p.action.kind}</code>
                    </>
                  ),
                },
                { head: t().status, cell: (p) => <Status value={p.status} /> },
                { head: t().tally, cell: (p) => <Tally tally={p.tally} /> },
                { head: t().time, cell: (p) => <Time iso={p.submittedAt} /> },
              ]}
            />
          )}
        </>
      )}
    </Show>
  );
}

type Both = Awaited<ReturnType<typeof loadProposal>>;

async function loadProposal(id: string) {
  const [shown, sealed] = await Promise.all([
    query(ProposalQuery, { id }),
    query<{ mainChain: { sequencer: string }; proposal: ProposalView | null }, { id: string }>(PROPOSAL_QUERY, { id }),
  ]);
  return { shown: shown.proposal, sealed };
}

export function Proposal({ id }: { id: string }) {
  const state = useLoad(() => loadProposal(id), id);
  return <Show state={state}>{(both) => (both.shown && both.sealed.proposal ? <View both={both} /> : <NotFound what={id} />)}</Show>;
}

function View({ both }: { both: Both }) {
  const p = both.shown!;
  const [pinned, setPinned] = useState(pinnedMainchainKey());
  const key = pinned ?? both.sealed.mainChain.sequencer;
  const checks = useDeferred(() => verifyProposal(both.sealed.proposal!, key), `${p.id}/${key}`);
  return (
    <>
      <h1>
        {t().proposal} {p.id}: {p.title}
      </h1>
      <Fields
        rows={[
          [t().status, <Status value={p.status} />],
          ['action', <code>{p.action.json}</code>],
          ['proposer', p.proposer],
          [t().time, <Time iso={p.submittedAt} />],
          ['voting ends', <Time iso={p.votingEndsAt} />],
          [t().rules, `quorum ${p.rules.quorum}, threshold ${p.rules.threshold}, veto ${p.rules.veto}`],
          [t().tally, <Tally tally={p.tally} />],
          ...(p.failure ? [['failure', `${p.failure.code}: ${p.failure.message}`] as [string, preact.ComponentChildren]] : []),
        ]}
      />
      {p.description && <p>{p.description}</p>}
      <h2>{t().votes}</h2>
      <Table
        id="votes"
        items={p.electorate.map((member) => ({ member, vote: p.votes.find((v) => v.municipality === member.code) }))}
        attrs={({ member }) => ({ 'data-member': member.code })}
        columns={[
          {
            head: t().municipality,
            cell: ({ member }) => (
              <>
                {member.code} <Hex value={member.governanceKey} />
              </>
            ),
          },
          { head: 'vote', cell: ({ vote }) => (vote ? vote.option : <span class="muted">{t().pending}</span>) },
          { head: t().time, cell: ({ vote }) => vote && <Time iso={vote.time} /> },
        ]}
      />
      <p>
        {t().trustedKey}: <Hex value={key} />{' '}
        {pinned ? (
          <span class="good">({t().pinned})</span>
        ) : (
          <button
            type="button"
            onClick={() => {
              pinMainchainKey(key);
              setPinned(key);
            }}
          >
            {t().pinKey}
          </button>
        )}
      </p>
      {checks ? <Checks checks={checks} title={t().recomputed} /> : <p class="muted">{t().verifying}</p>}
    </>
  );
}
