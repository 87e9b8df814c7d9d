/**
 * Two main-chain processes behind one gateway: writes through the process without the lease reach
 * the holder, and what the gateway keeps of the main chain is refreshed after them — a registry
 * answer after a registration, a database answer after an anchor, both sent to the non-holder. Then
 * the holder is killed: the gateway and a ledger move to the other process, which takes the lease.
 * Last, a proposal whose answer was lost is submitted again after a kill: still one proposal.
 */
import { MongoClient } from 'mongodb';
import { subgraphSecret } from '../runtime/env.ts';
import { signRequest } from '../runtime/signing.ts';
import { beforeAll, expect, it } from 'vitest';
import type { ServiceProcess } from '../cluster/services.ts';
import type { GatewayCacheStats } from '../gateway/cache/index.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_MAINCHAIN, funds, KYOTO, NARA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const TOKEN = 'replicas-token';
const narai = wallet('nara');
const kyotoan = wallet('kyoto');
let holder: ServiceProcess;
let other: ServiceProcess;

const fed = useTestCluster(
  'mcrepl',
  {
    municipalities: [KYOTO],
    operatorToken: TOKEN,
    pollIntervalMs: 60_000, // changes reach the gateway by its long poll and its labels, not this
    mainchainReplicas: 2,
    mainchainEnv: { ...FAST_MAINCHAIN, AIKI_LEASE_MS: '2000' },
    ledgerEnv: FAST_LEDGERS,
    genesis: { kyoto: funds(1000, kyotoan) },
  },
  600_000,
);
beforeAll(async () => {
  holder = await eventually(() => fed.cluster.mainchainHolder(), 120_000, 'a lease holder');
  other = fed.cluster.mainchains.find((m) => m !== holder)!;
}, 600_000);

async function stats(): Promise<GatewayCacheStats> {
  return ((await (await fetch(fed.cluster.gateway.url.replace(/\/graphql$/, '/ready'))).json()) as { cache: GatewayCacheStats }).cache;
}

/** Reads `query` through the gateway until an answer comes from its response cache; returns that answer. */
async function cached(query: string): Promise<unknown> {
  return eventually(
    async () => {
      await gql(fed.cluster.gateway.url, query);
      const before = (await stats()).responses!.hits;
      const reply = await gql(fed.cluster.gateway.url, query);
      return (await stats()).responses!.hits > before ? reply.data : undefined;
    },
    240_000,
    `${query} answered from the gateway's cache`,
  );
}

it('has one lease holder; the other process answers reads and says it does not hold the lease', async () => {
  const ready = await Promise.all(
    fed.cluster.mainchains.map(async (m) => ((await (await fetch(new URL('/ready', m.url))).json()) as { lease: boolean }).lease),
  );
  expect(ready.filter(Boolean)).toHaveLength(1);
  const fromOther = await gql(other.url, '{ municipalities { code } mainChain { sequencer } }');
  expect(fromOther.errors).toBeUndefined();
  expect(fromOther.data!.municipalities).toEqual([{ code: 'kyoto' }]);
});

it('refreshes a cached registry answer at the gateway after a registration sent to the process without the lease', { timeout: 600_000 }, async () => {
  const LIST = '{ municipalities { code name } }';
  expect(await cached(LIST)).toEqual({ municipalities: [KYOTO] });
  // Nara's ledger pushes its blocks to the non-holder alone.
  const nara = await fed.cluster.startLedger(NARA, 0, {
    AIKI_MAINCHAIN_URL: other.url,
    AIKI_GENESIS: JSON.stringify([{ address: narai.address, amount: '1000' }]),
  });
  const registered = await gql(
    other.url,
    'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }',
    { input: { ...NARA, endpoints: [nara.url] } },
    { authorization: `Bearer ${TOKEN}` },
  );
  expect(registered.errors).toBeUndefined();
  // The very next read through the gateway lists it, though the list before was kept.
  expect((await gql(fed.cluster.gateway.url, LIST)).data).toEqual({
    municipalities: [
      { code: 'kyoto', name: 'Kyoto' },
      { code: 'nara', name: 'Nara' },
    ],
  });
});

it('refreshes a cached database answer at the gateway after an anchor sent to the process without the lease', { timeout: 600_000 }, async () => {
  const ANCHORS = '{ anchors(municipality: "nara", from: 0, first: 100) { height hash } }';
  const heights = (data: unknown) => (data as { anchors: Array<{ height: number }> }).anchors.map((a) => a.height);
  const before = heights(await cached(ANCHORS));
  const sent = await gql(nara().url, SUBMIT, { m: 'nara', t: transfer(narai, wallet('nara').address, 1, 1) });
  expect(sent.errors).toBeUndefined();
  // Nara pushes the block to the non-holder, which hands it to the holder; once the holder has it…
  const top = Math.max(...before);
  await eventually(
    async () => {
      const direct = await gql(holder.url, ANCHORS);
      return Math.max(...heights(direct.data)) > top ? true : undefined;
    },
    240_000,
    "nara's new block anchored",
  );
  // …the gateway's next read has it too: the kept answer was not used.
  expect(Math.max(...heights((await gql(fed.cluster.gateway.url, ANCHORS)).data))).toBeGreaterThan(top);
});

it('moves the gateway and the ledgers to the other process when the holder is killed, which takes the lease and decides', { timeout: 600_000 }, async () => {
  await holder.kill(); // kill -9
  const next = await eventually(() => fed.cluster.mainchainHolder(), 240_000, 'the other process to take the lease');
  expect(next).toBe(other);
  // Reads and an operator's write through the gateway, which called the killed process before.
  const sakai = await fed.cluster.startLedger({ code: 'sakai', name: 'Sakai' });
  const registered = await eventually(
    async () => {
      const r = await gql(
        fed.cluster.gateway.url,
        'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }',
        { input: { code: 'sakai', name: 'Sakai', endpoints: [sakai.url] } },
        { authorization: `Bearer ${TOKEN}` },
      );
      return r.errors?.[0]?.extensions?.code === 'MUNICIPALITY_EXISTS' || !r.errors ? r : undefined;
    },
    240_000,
    'sakai registered through the gateway',
  );
  expect(registered.errors ?? []).toEqual([]);
  expect(((await gql(fed.cluster.gateway.url, '{ municipalities { code } }')).data!.municipalities as Array<{ code: string }>).map((m) => m.code)).toEqual([
    'kyoto',
    'nara',
    'sakai',
  ]);
  // Kyoto's ledger (given both URLs, the killed one among them) anchors its next block at the new holder.
  const kyotoTop = async () =>
    ((await gql(other.url, '{ municipality(code: "kyoto") { anchoredHeight } }')).data!.municipality as { anchoredHeight: number }).anchoredHeight;
  const before = await kyotoTop();
  const sent = await gql(fed.cluster.ledgers.get('kyoto')!.url, SUBMIT, { m: 'kyoto', t: transfer(kyotoan, wallet('kyoto').address, 1, 1) });
  expect(sent.errors).toBeUndefined();
  await eventually(async () => ((await kyotoTop()) > before ? true : undefined), 240_000, "kyoto's next block anchored at the process left");
});

it(
  'answers a proposal submitted again after its answer was lost and the holder kill -9ed with the same proposal, not a second',
  { timeout: 600_000 },
  async () => {
    // Two processes again: the one killed above starts anew (without the lease), the other holds it.
    const index = fed.cluster.mainchains.indexOf(holder);
    const restarted = await fed.cluster.restartMainchain(index);
    const current = await eventually(() => fed.cluster.mainchainHolder(), 240_000, 'a lease holder');
    expect(current).not.toBe(restarted);
    const PROPOSE = 'mutation($input: ProposalInput!) { propose(input: $input) { id eventId } }';
    const input = { title: 'voting period, submitted twice', changeParameters: [{ name: 'votingPeriodMs', value: '700000' }] };
    const mongo = new MongoClient(mongoUri());
    try {
      const proposals = mongo.db(`${fed.prefix}_mainchain`).collection<{ _id: string; body: { title: string } }>('proposals');
      const stored = () => proposals.find({ 'body.title': input.title }).toArray();
      // Sent to the process without the lease, which hands it to the holder; the client stops
      // listening once the proposal is stored, so its answer is lost, as when a connection breaks.
      const lost = new AbortController();
      const body = JSON.stringify({ query: PROPOSE, variables: { input } });
      const secret = subgraphSecret();
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
        ...(secret ? signRequest(secret, 'POST', restarted.url, body) : {}),
      };
      const first = fetch(restarted.url, { method: 'POST', headers, body, signal: lost.signal }).catch(() => undefined);
      const [doc] = await eventually(async () => ((await stored()).length > 0 ? stored() : undefined), 240_000, 'the proposal stored');
      lost.abort();
      await first;
      await current!.kill(); // kill -9: the restarted process takes the lease
      await eventually(
        async () => ((await fed.cluster.mainchainHolder()) === restarted ? true : undefined),
        240_000,
        'the restarted process to take the lease',
      );
      // The caller sends it again (to either process, as a client that got no answer would), until answered.
      const again = await eventually(
        async () => {
          const r = await gql(restarted.url, PROPOSE, { input }, { authorization: `Bearer ${TOKEN}` });
          return r.errors?.[0]?.extensions?.code === 'MAINCHAIN_UNAVAILABLE' ? undefined : r;
        },
        240_000,
        'the proposal submitted again',
      );
      expect(again.errors).toBeUndefined();
      expect((again.data!.propose as { id: string }).id).toBe(doc!._id);
      expect((await stored()).map((p) => p._id)).toEqual([doc!._id]);
      // The same submission once more, at the holder: the same open proposal again.
      expect(((await gql(restarted.url, PROPOSE, { input }, { authorization: `Bearer ${TOKEN}` })).data!.propose as { id: string }).id).toBe(doc!._id);
      expect(await stored()).toHaveLength(1);
    } finally {
      await mongo.close();
    }
  },
);

function nara(): ServiceProcess {
  return fed.cluster.ledgers.get('nara')!;
}
