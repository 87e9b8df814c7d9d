/**
 * Extension subgraphs and suspensions, decided by governance and followed by the running gateway:
 * a real events subgraph is registered by a vote and joins the supergraph without a restart; one
 * that does not compose fails and changes nothing; a removed one leaves; a suspended municipality
 * is refused writes at the edge but stays readable. Real processes over real HTTP.
 */
import { MongoClient } from 'mongodb';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { transactionId } from '../core/index.ts';
import { createSubgraphServer } from '../runtime/apollo.ts';
import { serve, type Served } from '../runtime/http.ts';
import { createLogger } from '../runtime/log.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { funds, KYOTO, OSAKA, NARA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';
import { decide as decideProposal } from './support/governance.ts';

const TOKEN = 'extension-operator-token';
const MUNICIPALITIES = [KYOTO, OSAKA, NARA];
const SEED = [
  { id: 'gion', municipality: 'kyoto', title: 'Gion Matsuri', startsAt: '2026-07-17T09:00:00.000Z' },
  { id: 'jidai', municipality: 'kyoto', title: 'Jidai Matsuri', startsAt: '2026-10-22T12:00:00.000Z' },
  { id: 'tenjin', municipality: 'osaka', title: 'Tenjin Matsuri', startsAt: '2026-07-24T10:00:00.000Z' },
];
/** `Municipality.events` as a String: within what an extension may do, but it cannot compose with the events subgraph's list. */
const CONFLICTING_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query { weather(municipality: Int!): String }
type Municipality @key(fields: "code") { code: String! weather: String events: String }
`;
/** Takes `Municipality.name` over from the main chain: composition alone accepts it, the contract rule does not (schema/checkExtension.ts). */
const TAKEOVER_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@override"])
type Query { weather(municipality: Int!): String }
type Municipality @key(fields: "code") { code: String! name: String! @override(from: "mainchain") }
`;
const JOINED = '{ municipality(code: "kyoto") { name status chain { height } events { title } } }';
const CORE = '{ municipality(code: "kyoto") { name status chain { height } } }';
/** Long enough to tell the gateway's revision long poll (which must bring every change here) from its periodic read. */
const POLL_MS = 120_000;
/** How long the gateway may take to follow the registry. */
const FOLLOW_MS = 15_000;

const osakaTreasury = wallet('osaka');
const log = createLogger('test', 'error');
let events: ServiceProcess;
let conflicting: Served;
let gatewayPid: number | undefined;
const gatewayLog: string[] = [];

const fed = useTestCluster('ext', {
  municipalities: MUNICIPALITIES,
  operatorToken: TOKEN,
  pollIntervalMs: POLL_MS,
  mainchainEnv: { AIKI_VOTING_PERIOD_MS: '60000', AIKI_MAIN_BLOCK_INTERVAL_MS: '200' },
  ledgerEnv: { AIKI_BLOCK_INTERVAL_MS: '50' },
  genesis: { osaka: funds(1000, osakaTreasury) },
  onLog: (service, line) => void (service === 'gateway' && gatewayLog.push(line)),
});
beforeAll(async () => {
  gatewayPid = fed.cluster.gateway.child.pid;
  events = await spawnService('events', 'events', {
    env: { MONGODB_URI: mongoUri(), AIKI_DB_NAME: `${fed.prefix}_events`, AIKI_PORT: '0', AIKI_EVENTS_SEED: JSON.stringify(SEED) },
  });
  conflicting = await serve(
    createSubgraphServer(parse(CONFLICTING_SDL), { Query: { weather: () => 'sunny' }, Municipality: { weather: () => 'sunny', events: () => 'none' } }, log, {
      introspection: true,
    }),
    { port: 0, log, context: async () => ({}) },
  );
});

afterAll(async () => {
  await conflicting?.close();
  await events?.stop();
});

/** Proposes through the gateway (as an operator), has `voters` vote YES, and waits for the outcome. */
const decide = (title: string, action: Record<string, unknown>, voters: string[]) => decideProposal(fed.cluster, TOKEN, title, action, voters);

function expectSameGateway(): void {
  expect(fed.cluster.gateway.child.pid).toBe(gatewayPid);
  expect(fed.cluster.gateway.child.exitCode).toBeNull();
}

describe('extension subgraphs registered by governance', () => {
  it('joins an approved extension to main-chain and ledger data, in the running gateway', async () => {
    const before = await gql(fed.cluster.gateway.url, JOINED);
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const proposal = await decide('Local events', { registerSubgraph: { name: 'events', url: events.url } }, ['kyoto', 'osaka']);
    expect(proposal).toMatchObject({ status: 'PASSED', failure: null });

    const joined = await eventually(
      async () => {
        const r = await gql(fed.cluster.gateway.url, JOINED);
        return r.errors ? undefined : r;
      },
      FOLLOW_MS,
      'the gateway to serve the events subgraph',
    );
    expect(joined.data).toEqual({
      municipality: { name: 'Kyoto', status: 'ACTIVE', chain: { height: expect.any(Number) }, events: [{ title: 'Gion Matsuri' }, { title: 'Jidai Matsuri' }] },
    });
    const all = await gql(fed.cluster.gateway.url, '{ municipalities { code chain { municipality } events { title } } }');
    expect(all.errors).toBeUndefined();
    expect(all.data!.municipalities).toEqual([
      { code: 'kyoto', chain: { municipality: 'kyoto' }, events: [{ title: 'Gion Matsuri' }, { title: 'Jidai Matsuri' }] },
      { code: 'osaka', chain: { municipality: 'osaka' }, events: [{ title: 'Tenjin Matsuri' }] },
      { code: 'nara', chain: { municipality: 'nara' }, events: [] },
    ]);
    expectSameGateway();
  });

  it('fails an extension that does not compose, with every composition error, and keeps the supergraph', async () => {
    const proposal = await decide('Weather', { registerSubgraph: { name: 'weather', url: conflicting.url } }, ['kyoto', 'osaka']);
    expect(proposal.status).toBe('FAILED');
    expect(proposal.failure?.code).toBe('COMPOSITION_FAILED');
    expect(proposal.failure?.errors.length).toBeGreaterThan(0);
    expect(proposal.failure?.errors.join('\n')).toContain('Municipality.events');

    const registered = await gql(fed.cluster.gateway.url, '{ subgraphs { name } }');
    expect(registered.data).toEqual({ subgraphs: [{ name: 'events' }] });
    const joined = await gql(fed.cluster.gateway.url, JOINED);
    expect(joined.errors).toBeUndefined();
    expect((joined.data!.municipality as { events: unknown[] }).events).toHaveLength(2);
    const weather = await gql(fed.cluster.gateway.url, '{ weather(municipality: 1) }');
    expect(weather.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expectSameGateway();
  });

  it('drops a removed extension from the supergraph; everything else answers', async () => {
    const proposal = await decide('No more events', { removeSubgraph: { name: 'events' } }, ['kyoto', 'osaka']);
    expect(proposal).toMatchObject({ status: 'PASSED', failure: null });

    await eventually(
      async () => {
        const r = await gql(fed.cluster.gateway.url, JOINED);
        return r.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' ? r : undefined;
      },
      FOLLOW_MS,
      'the gateway to drop the events subgraph',
    );
    const local = await gql(fed.cluster.gateway.url, '{ localEvents(municipality: "kyoto") { title } }');
    expect(local.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const core = await gql(fed.cluster.gateway.url, CORE);
    expect(core.errors).toBeUndefined();
    expect(core.data).toEqual({ municipality: { name: 'Kyoto', status: 'ACTIVE', chain: { height: expect.any(Number) } } });
    expectSameGateway();
  });
});

describe('a municipality suspended by governance', () => {
  const recipient = wallet('osaka').address;
  let nonce = 1;
  let pay = transfer(osakaTreasury, recipient, 10, nonce);

  it('is refused writes at the gateway, MUNICIPALITY_SUSPENDED, and stays readable', async () => {
    const proposal = await decide('Suspend Osaka', { suspendMunicipality: { code: 'osaka', reason: 'audit' } }, ['kyoto', 'nara']);
    expect(proposal).toMatchObject({ status: 'PASSED', failure: null });

    const refused = await eventually(
      async () => {
        const r = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'osaka', t: pay });
        if (!r.errors) {
          // Taken before the gateway followed the registry: try again with the next transfer.
          pay = transfer(osakaTreasury, recipient, 10, ++nonce);
          return undefined;
        }
        return r;
      },
      FOLLOW_MS,
      'the gateway to refuse transfers to osaka',
    );
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'MUNICIPALITY_SUSPENDED', municipality: 'osaka' });

    const read = await gql(
      fed.cluster.gateway.url,
      `{ municipality(code: "osaka") { status chain { municipality } } account(address: "${osakaTreasury.address}") { id nonce } }`,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      municipality: { status: 'SUSPENDED', chain: { municipality: 'osaka' } },
      account: { id: osakaTreasury.address, nonce: expect.any(Number) },
    });
    // Osaka's ledger answers reads, and never saw the refused transfer.
    const lookup = await gql(fed.cluster.gateway.url, 'query($tx: String!) { transaction(id: $tx) { status } }', { tx: `osaka:${transactionId(pay.body)}` });
    expect(lookup.errors?.[0]?.extensions).toMatchObject({ code: 'TRANSACTION_NOT_FOUND', municipality: 'osaka' });
    expectSameGateway();
  });

  it('takes writes again once resumed, even while the registry holds an extension that does not compose', async () => {
    // An extension written straight into the main chain's database, skipping governance's
    // checks, that takes Municipality.name over: the gateway must refuse it (CONTRACT_TAKEOVER) and
    // keep both its supergraph and its shard map current.
    const mongo = new MongoClient(mongoUri());
    const subgraphs = mongo
      .db(`${fed.prefix}_mainchain`)
      .collection<{ _id: string; name: string; url: string; sdl: string; registeredAt: Date; proposal: string }>('subgraphs');
    try {
      await subgraphs.insertOne({ _id: 'weather', name: 'weather', url: conflicting.url, sdl: TAKEOVER_SDL, registeredAt: new Date(), proposal: 'none' });
      // Osaka is suspended: the electorate is kyoto and nara.
      const proposal = await decide('Resume Osaka', { resumeMunicipality: { code: 'osaka' } }, ['kyoto', 'nara']);
      expect(proposal).toMatchObject({ status: 'PASSED', failure: null });

      const accepted = await eventually(
        async () => {
          const r = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'osaka', t: pay });
          return r.errors ? undefined : r;
        },
        FOLLOW_MS,
        'the gateway to take transfers to osaka again',
      );
      expect(accepted.data!.submitTransaction).toMatchObject({ status: expect.stringMatching(/^(PENDING|CONFIRMED)$/) });
      await eventually(
        async () =>
          gatewayLog.some((l) => l.includes('extension subgraphs do not compose') && l.includes('CONTRACT_TAKEOVER') && l.includes('weather'))
            ? true
            : undefined,
        FOLLOW_MS,
        'the gateway to log the composition errors',
      );
      const weather = await gql(fed.cluster.gateway.url, '{ weather(municipality: 1) }');
      expect(weather.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const core = await gql(fed.cluster.gateway.url, CORE);
      expect(core.errors).toBeUndefined();
      expect(core.data).toMatchObject({ municipality: { name: 'Kyoto' } }); // the main chain's, not the planted extension's
      expectSameGateway();
    } finally {
      await subgraphs.deleteOne({ _id: 'weather' });
      await mongo.close();
    }
  });
});
