/** AIKI_METRICS_PORT on a ledger: /metrics and /ready on a listener of their own (plain HTTP), no /metrics on the GraphQL port. */
import { afterAll, expect, it } from 'vitest';
import type { RunningLedger } from '../subgraphs/ledger/server.ts';
import { dropDatabases, mongoUri, uniquePrefix } from './support/helpers.ts';
import { startTestLedger } from './support/ledger.ts';

const prefix = uniquePrefix('metricsport');
let ledger: (RunningLedger & { metricsUrl?: string }) | undefined;

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

it('serves /metrics and /ready on the metrics listener and not /metrics on the GraphQL port', async () => {
  ledger = await startTestLedger(prefix, 'metrics port test', {
    metricsListener: { port: 0 },
  });
  expect(ledger.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const metrics = await fetch(ledger.metricsUrl!);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(/aiki_ledger_sealed_cache_bytes/);
  const ready = await fetch(ledger.metricsUrl!.replace(/metrics$/, 'ready'));
  expect(await ready.json()).toMatchObject({ status: 'ready', municipality: 'kyoto', height: 0 });
  expect((await fetch(ledger.url.replace(/graphql$/, 'metrics'))).status).toBe(404);
});
