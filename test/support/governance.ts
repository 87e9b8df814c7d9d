/** Governance from a test: propose as an operator through the gateway, vote YES as members, wait for the outcome. */
import { expect } from 'vitest';
import { canonicalJson, hexToBytes, signVote, type VoteBody } from '../../core/index.ts';
import type { Cluster } from '../../cluster/cluster.ts';
import { eventually, gql } from './helpers.ts';

export interface Decided {
  id: string;
  status: string;
  failure: { code: string; message: string; errors: string[] } | null;
}

/** A member's governance secret key in a test cluster: by default its ledger's sequencer key, which the cluster made. */
export function governanceKey(cluster: Cluster, code: string): Uint8Array {
  return hexToBytes(cluster.keys.sequencer(code));
}

/** Submits `action` through the gateway, has `voters` vote YES, and waits (up to `waitMs`) for it to be decided. */
export async function decide(
  cluster: Cluster,
  token: string,
  title: string,
  action: Record<string, unknown>,
  voters: string[],
  waitMs = 20_000,
): Promise<Decided> {
  const proposed = await gql(
    cluster.gateway.url,
    'mutation($input: ProposalInput!) { propose(input: $input) { id eventId } }',
    { input: { title, ...action } },
    { authorization: `Bearer ${token}` },
  );
  expect(proposed.errors).toBeUndefined();
  const { id, eventId } = proposed.data!.propose as { id: string; eventId: string };
  for (const code of voters) {
    const body: VoteBody = { v: 1, type: 'vote', proposal: id, proposalHash: eventId, municipality: code, option: 'YES', time: new Date().toISOString() };
    const { signature } = signVote(body, governanceKey(cluster, code));
    const voted = await gql(cluster.gateway.url, 'mutation($input: VoteInput!) { vote(input: $input) { option } }', {
      input: { body: canonicalJson(body), signature },
    });
    expect(voted.errors).toBeUndefined();
  }
  return eventually(
    async () => {
      const r = await gql(cluster.gateway.url, 'query($id: String!) { proposal(id: $id) { id status failure { code message errors } } }', { id });
      const p = r.data?.proposal as Decided | undefined;
      return p && p.status !== 'VOTING' ? p : undefined;
    },
    waitMs,
    `proposal "${title}" to be decided`,
  );
}
