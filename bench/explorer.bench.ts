/**
 * The explorer in real Chromium against a real cluster (three municipalities, a 3-hop transfer):
 *
 * - its JavaScript, gzipped: what the explorer page loads (entry and the chunks it imports), and
 *   GraphiQL's page beside it;
 * - time to first render of the federation page: navigation start to the municipalities' rows on
 *   screen (performance.now() in the page), a fresh browser context each round (cold cache);
 * - time to verify the 3-hop trace in the page (core/'s verifyTrace with noble, as the page
 *   reports it), beside the same verifyTrace in Node (OpenSSL paths) on the same trace.
 *
 *   npm run bench -- explorer        (BENCH_ROUNDS=10; BENCH_SCREENSHOTS=docs writes the README's screenshots)
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startCluster } from '../cluster/cluster.ts';
import { TRACE_QUERY, verifyTrace, type TraceInput } from '../core/index.ts';
import { EXPLORER_DIST, ensureExplorerBuilt } from '../explorer/build.ts';
import { launchChromium } from '../test/support/browser.ts';
import { gql } from '../test/support/helpers.ts';
import { wallet } from '../test/support/ledger.ts';
import { threeHops } from '../test/support/threeHops.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SCREENSHOTS = process.env.BENCH_SCREENSHOTS;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The gzipped size (level 9, as the gateway serves them) of the scripts a page loads: its entry and every chunk it preloads. */
function pageScripts(page: string): { files: number; raw: number; gzip: number } {
  const html = readFileSync(join(EXPLORER_DIST, page), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => readFileSync(join(EXPLORER_DIST, m[1]!)));
  return { files: files.length, raw: files.reduce((n, f) => n + f.length, 0), gzip: files.reduce((n, f) => n + gzipSync(f, { level: 9 }).length, 0) };
}

ensureExplorerBuilt();
const explorer = pageScripts('index.html');
const graphiql = pageScripts('graphiql.html');
console.log(
  `explorer JavaScript: ${kb(explorer.gzip)} gzipped (${kb(explorer.raw)} raw, ${explorer.files} files); GraphiQL's page: ${kb(graphiql.gzip)} gzipped (${kb(graphiql.raw)} raw)`,
);

const treasury = wallet('kyoto');
const loadBefore = loadavg()[0]!;
const [cluster, browser] = await Promise.all([
  startCluster({
    municipalities: [
      { code: 'kyoto', name: '京都市 Kyoto' },
      { code: 'osaka', name: '大阪市 Osaka' },
      { code: 'nara', name: '奈良市 Nara' },
    ],
    dbPrefix: `bench_explorer_${Date.now()}`,
    operatorToken: 'bench-explorer',
    mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '100', AIKI_SETTLE_INTERVAL_MS: '100' },
    ledgerEnv: (spec) => ({
      AIKI_BLOCK_INTERVAL_MS: '50',
      AIKI_ANCHOR_INTERVAL_MS: '50',
      ...(spec.code === 'kyoto' ? { AIKI_GENESIS: JSON.stringify([{ address: treasury.address, amount: '1000000' }]) } : {}),
    }),
  }),
  launchChromium(),
]);
try {
  const gateway = cluster.gateway.url;
  const origin = new URL(gateway).origin;
  const { traced } = await threeHops(gateway, new Map(), treasury);

  const firstRender: number[] = [];
  const inBrowser: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1200, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    await page.locator('tr[data-municipality]').nth(2).waitFor();
    firstRender.push(await page.evaluate(() => performance.now()));
    if (SCREENSHOTS && i === 0) await page.screenshot({ path: join(SCREENSHOTS, 'explorer-federation.png') });
    await page.goto(`${origin}/#/trace/${traced}`);
    await page.reload(); // a fresh page: the trace fetched and verified from the start
    const verified = page.getByTestId('trace-verified');
    await verified.waitFor();
    inBrowser.push(Number(await verified.getAttribute('data-ms')));
    if (SCREENSHOTS && i === 0) await page.screenshot({ path: join(SCREENSHOTS, 'explorer-trace.png'), clip: { x: 0, y: 0, width: 1200, height: 640 } });
    await context.close();
  }

  const file = (await gql(gateway, TRACE_QUERY, { id: traced, depth: 3 })).data as { mainChain: { sequencer: string }; trace: TraceInput };
  const inNode: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const checks = verifyTrace(file.trace, file.mainChain.sequencer);
    inNode.push(performance.now() - started);
    if (!checks.every((c) => c.ok)) throw new Error('the trace does not verify in Node');
  }
  console.log(
    `federation page, first render (navigation start to the municipalities' rows, cold cache): median ${median(firstRender).toFixed(0)} ms over ${ROUNDS} (min ${Math.min(...firstRender).toFixed(0)}, max ${Math.max(...firstRender).toFixed(0)})`,
  );
  console.log(
    `verify a 3-hop trace (${file.trace.hops.length} hops): in Chromium (noble) median ${median(inBrowser).toFixed(1)} ms; peer, aiki verify's verifyTrace in Node (OpenSSL) median ${median(inNode).toFixed(1)} ms`,
  );
  console.log(`load average ${loadBefore.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`);
} finally {
  await browser.close();
  await cluster.stop();
}
