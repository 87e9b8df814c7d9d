/**
 * Clean stops (issue 16): every service exits soon after SIGTERM with clients connected — a ledger
 * and the main chain with the gateway attached (keep-alive connections, the registry's long poll),
 * the gateway with a client's keep-alive connection open — finishing what is in flight. The issue
 * asks for 2 s; a test on a shared machine asserts only a generous bound (10 s) and logs what it
 * measured (docs/OPERATIONS.md records the figures).
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../cluster/cluster.ts';
import type { ServiceProcess } from '../cluster/services.ts';
import { dropDatabases, eventually, gql, mongoUri, uniquePrefix } from './support/helpers.ts';

let cluster: Cluster;
let prefix: string;
const BOUND_MS = 10_000;
const measured: Record<string, number> = {};

beforeAll(async () => {
  prefix = uniquePrefix('stop');
  cluster = await startCluster({
    municipalities: [{ code: 'kyoto', name: 'Kyoto' }],
    db: { uri: mongoUri(), kind: 'external', stop: async () => {} },
    dbPrefix: prefix,
    operatorToken: 'stop-token',
    pollIntervalMs: 200,
  });
}, 120_000);

afterAll(async () => {
  console.log(`exit after SIGTERM (ms): ${JSON.stringify(measured)}`);
  await cluster?.stop();
  await dropDatabases(mongoUri(), prefix);
});

/** SIGTERM, and the time until the process has exited; it must also have logged its stop. */
async function stopTimed(service: ServiceProcess, logs: string[]): Promise<number> {
  const exited = new Promise<number | null>((r) => service.child.once('exit', (code) => r(code)));
  const t0 = Date.now();
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  const ms = Date.now() - t0;
  expect(code, `${service.name} exits cleanly (code 0): ${logs.slice(-5).join('\n')}`).toBe(0);
  return ms;
}

/** A client of the gateway keeping a keep-alive connection open. */
function keepAliveGet(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Queries sent one after another through the gateway until `stop()`: the gateway keeps its connections to the subgraphs busy. */
function traffic(query: string, stop: () => boolean): Promise<number> {
  return (async () => {
    let sent = 0;
    while (!stop()) {
      await gql(cluster.gateway.url, query).catch(() => undefined);
      sent++;
    }
    return sent;
  })();
}

it('a ledger, the main chain and the gateway each exit soon after SIGTERM with clients connected and requests flowing', async () => {
  const logs: string[] = [];
  const kyotoQuery = '{ municipality(code: "kyoto") { chain { height headHash head { txCount } } } }';
  await eventually(
    async () => ((await gql(cluster.gateway.url, kyotoQuery)).data?.municipality?.chain ? true : undefined),
    30_000,
    'kyoto through the gateway',
  );

  // The ledger, while the gateway sends it requests on kept-alive connections (and checks its labels).
  let stopped = false;
  let flowing = traffic(kyotoQuery, () => stopped);
  await eventually(async () => ((await gql(cluster.gateway.url, kyotoQuery)).data?.municipality?.chain ? true : undefined), 10_000, 'traffic');
  measured.ledger = await stopTimed(cluster.ledgers.get('kyoto')!, logs);
  stopped = true;
  expect(await flowing).toBeGreaterThan(0);
  expect(measured.ledger).toBeLessThan(BOUND_MS);

  // The main chain, with the gateway's long poll of the registry open and queries flowing.
  stopped = false;
  flowing = traffic('{ mainChain { height headHash } municipalities { code } }', () => stopped);
  await new Promise((r) => setTimeout(r, 300));
  measured.mainchain = await stopTimed(cluster.mainchain, logs);
  stopped = true;
  expect(await flowing).toBeGreaterThan(0);
  expect(measured.mainchain).toBeLessThan(BOUND_MS);

  // The gateway, with a client's kept-alive connection open and another client's requests flowing.
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
  const health = new URL('/health', cluster.gateway.url).toString();
  expect(await keepAliveGet(health, agent)).toBe(200);
  stopped = false;
  flowing = traffic('{ __typename }', () => stopped);
  await new Promise((r) => setTimeout(r, 300));
  measured.gateway = await stopTimed(cluster.gateway, logs);
  stopped = true;
  expect(await flowing).toBeGreaterThan(0);
  expect(measured.gateway).toBeLessThan(BOUND_MS);
  agent.destroy();
}, 120_000);
