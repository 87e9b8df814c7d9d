/**
 * Clean stops (issue 16): every service exits soon after SIGTERM with clients connected — a ledger
 * and the main chain with the gateway attached (keep-alive connections, the registry's long poll),
 * the gateway with a client's keep-alive connection open — finishing what is in flight. The issue
 * asks for 2 s; a test on a shared machine asserts only a generous bound (10 s) and logs what it
 * measured (docs/OPERATIONS.md records the figures).
 */
import { Agent, request } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import type { ServiceProcess } from '../cluster/services.ts';
import { eventually, gql } from './support/helpers.ts';
import { KYOTO, useTestCluster } from './support/cluster.ts';

const BOUND_MS = 10_000;
const measured: Record<string, number> = {};

const fed = useTestCluster('stop', { municipalities: [KYOTO], pollIntervalMs: 200 });
afterAll(() => console.log(`exit after SIGTERM (ms): ${JSON.stringify(measured)}`));

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
      await gql(fed.cluster.gateway.url, query).catch(() => undefined);
      sent++;
    }
    return sent;
  })();
}

/**
 * Stops `service` ({@link stopTimed}, into `measured[name]`) while `query` is sent through the gateway
 * one after another from before `started()` until it has exited: requests were flowing, and it exited
 * within the bound.
 */
async function stopWithTraffic(name: string, service: ServiceProcess, logs: string[], query: string, started: () => Promise<unknown>): Promise<void> {
  let stopped = false;
  const flowing = traffic(query, () => stopped);
  await started();
  measured[name] = await stopTimed(service, logs);
  stopped = true;
  expect(await flowing).toBeGreaterThan(0);
  expect(measured[name]).toBeLessThan(BOUND_MS);
}

it('a ledger, the main chain and the gateway each exit soon after SIGTERM with clients connected and requests flowing', async () => {
  const logs: string[] = [];
  const kyotoQuery = '{ municipality(code: "kyoto") { chain { height headHash head { txCount } } } }';
  await eventually(
    async () => ((await gql(fed.cluster.gateway.url, kyotoQuery)).data?.municipality?.chain ? true : undefined),
    30_000,
    'kyoto through the gateway',
  );

  // The ledger, while the gateway sends it requests on kept-alive connections (and checks its labels).
  await stopWithTraffic('ledger', fed.cluster.ledgers.get('kyoto')!, logs, kyotoQuery, () =>
    eventually(async () => ((await gql(fed.cluster.gateway.url, kyotoQuery)).data?.municipality?.chain ? true : undefined), 10_000, 'traffic'),
  );

  // The main chain, with the gateway's long poll of the registry open and queries flowing.
  const pause = () => new Promise((r) => setTimeout(r, 300));
  await stopWithTraffic('mainchain', fed.cluster.mainchain, logs, '{ mainChain { height headHash } municipalities { code } }', pause);

  // The gateway, with a client's kept-alive connection open and another client's requests flowing.
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
  const health = new URL('/health', fed.cluster.gateway.url).toString();
  expect(await keepAliveGet(health, agent)).toBe(200);
  await stopWithTraffic('gateway', fed.cluster.gateway, logs, '{ __typename }', pause);
  agent.destroy();
}, 120_000);
