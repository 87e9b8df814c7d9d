/**
 * The explorer, GraphiQL and CORS in real Chromium against a real cluster (three municipalities,
 * the main chain, the gateway serving dist/explorer/, built here if missing or stale). Every page
 * shows the cluster's real data; proofs are verified in the page with core/, and a byte changed in
 * flight shows ✗ on the check it breaks; the trace's download passes `aiki verify --trace`; no
 * request leaves the gateway's origin and no page logs an error. Pages on two other origins — one
 * listed in AIKI_CORS_ORIGINS, one not — call the gateway.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, canonicalJson, hexToBytes, signVote } from '../core/index.ts';
import { ensureExplorerBuilt } from '../explorer/build.ts';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_SETTLEMENT, funds, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet, type Wallet } from './support/ledger.ts';
import { send as sendTransfer, threeHops } from './support/threeHops.ts';

const TOKEN = 'explorer-token';
const treasury = wallet('kyoto');
/** A member's governance key: by default its ledger's sequencer key, which the cluster made. */
const devKey = (code: string) => hexToBytes(fed.cluster.keys.sequencer(code));
const run = promisify(execFile);
let browser: Browser;
/** Chromium, launched while the cluster starts. */
let chromium: Promise<Browser> | undefined;
let origin: string;
let gateway: string;
let listed: { server: Server; origin: string };
let unlisted: { server: Server; origin: string };
let dir: string;
const nonces = new Map<string, number>();
/** The first transfer of kyoto → osaka → nara → kyoto, each hop credited. */
let traced = '';
let hops: Wallet[] = [];
let proposalId = '';
const open: WatchedPage[] = [];

/** A page on another origin: what a third-party web app would be. */
async function otherOrigin(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another app</title><p>another app</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const send = (from: Wallet, to: string, amount: number) => sendTransfer(gateway, nonces, from, to, amount);

beforeAll(async () => {
  ensureExplorerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'aiki-explorer-'));
  [listed, unlisted] = await Promise.all([otherOrigin(), otherOrigin()]);
  chromium = launchChromium();
  chromium.catch(() => undefined); // awaited once the cluster is up, and failing there
});
afterAll(() => {
  listed?.server.close();
  unlisted?.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fed = useTestCluster('explorer', () => ({
  municipalities: [
    { code: 'kyoto', name: '京都市 Kyoto' },
    { code: 'osaka', name: '大阪市 Osaka' },
    { code: 'nara', name: '奈良市 Nara' },
  ],
  operatorToken: TOKEN,
  pollIntervalMs: 500,
  gatewayEnv: { AIKI_CORS_ORIGINS: listed.origin },
  mainchainEnv: { ...FAST_SETTLEMENT, AIKI_SETTLEMENT_TIMEOUT_MS: '60000', AIKI_VOTING_PERIOD_MS: '600000' },
  ledgerEnv: FAST_LEDGERS,
  genesis: { kyoto: funds(1_000_000, treasury) },
}));
afterAll(async () => (await chromium?.catch(() => undefined))?.close());

beforeAll(async () => {
  browser = (await chromium)!;
  gateway = fed.cluster.gateway.url;
  origin = new URL(gateway).origin;

  ({ traced, hops } = await threeHops(gateway, nonces, treasury));

  // A proposal two of the three members vote yes on (which decides it), so its tally can be recomputed from sealed votes.
  const p = await gql(
    gateway,
    'mutation($input: ProposalInput!) { propose(input: $input) { id eventId } }',
    { input: { title: 'Quorum one third', changeParameters: [{ name: 'quorum', value: '0.334' }] } },
    { authorization: `Bearer ${TOKEN}` },
  );
  expect(p.errors).toBeUndefined();
  proposalId = p.data!.propose.id;
  for (const code of ['kyoto', 'osaka']) {
    const signed = signVote(
      { v: 1, type: 'vote', proposal: proposalId, proposalHash: p.data!.propose.eventId, municipality: code, option: 'YES', time: new Date().toISOString() },
      devKey(code),
    );
    const v = await gql(gateway, 'mutation($input: VoteInput!) { vote(input: $input) { eventId } }', {
      input: { body: canonicalJson(signed.body), signature: signed.signature },
    });
    expect(v.errors).toBeUndefined();
  }
  await eventually(
    async () => {
      const r = await gql(gateway, 'query($id: String!) { proposal(id: $id) { status outcomeInclusion { index } votes { inclusion { index } } } }', {
        id: proposalId,
      });
      const q = r.data?.proposal;
      return q?.status === 'PASSED' && q.outcomeInclusion && q.votes.every((v: { inclusion: unknown }) => v.inclusion) ? true : undefined;
    },
    60_000,
    'the proposal passed and sealed',
  );
}, 300_000);

/** An explorer page at `hash`; after the test, no request may have left the origin and nothing may have logged an error. */
async function explorer(hash: string, locale?: string): Promise<WatchedPage> {
  const w = await watchedPage(browser, origin, { locale });
  open.push(w);
  await w.page.goto(`${origin}/${hash}`);
  return w;
}

afterEach(async () => {
  for (const w of open.splice(0)) {
    expect(w.elsewhere, 'requests to another origin').toEqual([]);
    expect(w.errors, 'console errors').toEqual([]);
    await w.close();
  }
});

const T = 30_000; // generous: the machine is shared

describe('the explorer, in Chromium', () => {
  it('shows the federation, and a transfer made now appears without a reload', async () => {
    const { page } = await explorer('');
    const heights = (await gql(gateway, '{ municipalities { code chain { height } } mainChain { height } }')).data!;
    for (const m of heights.municipalities as Array<{ code: string; chain: { height: number } }>) {
      const shown = Number(await page.locator(`tr[data-municipality="${m.code}"] [data-testid="height"]`).textContent({ timeout: T }));
      expect(shown).toBeGreaterThanOrEqual(m.chain.height);
    }
    expect(Number(await page.getByTestId('main-height').textContent())).toBeGreaterThanOrEqual(heights.mainChain.height);
    await expect.poll(() => page.locator('tr[data-municipality]').count()).toBe(3);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const id = await send(treasury, wallet('kyoto').address, 7);
    await page.locator(`[data-testid="latest-transactions"] tr[data-tx="${id}"]`).waitFor({ timeout: T });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 'the page was not reloaded').toBe(42);
  });

  it("pages a municipality's chain, and shows a block with its hash and signature checked", async () => {
    const { page } = await explorer('#/m/kyoto');
    const height = (await gql(gateway, '{ municipality(code: "kyoto") { chain { height } } }')).data!.municipality.chain.height as number;
    await page.locator(`[data-testid="blocks"] tr[data-height="${height}"]`).waitFor({ timeout: T });
    const rows = await page.locator('[data-testid="blocks"] tbody tr').count();
    expect(rows).toBe(Math.min(20, height + 1));
    if (height >= 20) {
      await page.getByTestId('older').click();
      await page.locator(`[data-testid="blocks"] tr[data-height="${height - 20}"]`).waitFor({ timeout: T });
    }
    await page.goto(`${origin}/#/block/kyoto/1`);
    await page.locator('[data-testid="checks"][data-ok="true"]').waitFor({ timeout: T });
    expect(await page.locator('[data-check]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')} ${e.getAttribute('data-ok')}`))).toEqual([
      'block hash true',
      'sequencer signature true',
    ]);
    expect(await page.locator('[data-testid="transactions"] tbody tr').count()).toBeGreaterThan(0);
  });

  it('verifies a transaction in the page: every check ✓, as core/ lists them', async () => {
    const { page } = await explorer(`#/tx/${traced}`);
    await page.locator('[data-testid="checks"]').waitFor({ timeout: T });
    const shown = await page
      .locator('[data-check]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok'), e.textContent?.trim().slice(0, 1)]));
    expect(shown).toEqual(
      ['transaction id', 'merkle inclusion', 'block hash', 'sequencer signature', 'parent block', 'proof of history'].map((name) => [name, 'true', '✓']),
    );
    expect(await page.getByTestId('tx-status').textContent()).toBe('CONFIRMED');
  });

  it('shows ✗ on the sequencer signature when one byte of the proof is changed in flight, and ✓ on the rest', async () => {
    const w = await watchedPage(browser, origin);
    open.push(w);
    let changed = false;
    await w.page.route(`${origin}/graphql`, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      const header = json.data?.transaction?.proof?.header;
      if (header) {
        // One byte of the signature: its first two hex digits, bit 0 flipped.
        header.signature = (parseInt(header.signature.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + header.signature.slice(2);
        changed = true;
      }
      await route.fulfill({ response, json });
    });
    await w.page.goto(`${origin}/#/tx/${traced}`);
    await w.page.locator('[data-testid="checks"][data-ok="false"]').waitFor({ timeout: T });
    expect(changed).toBe(true);
    const verdicts = Object.fromEntries(
      await w.page.locator('[data-check]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok')])),
    );
    expect(verdicts).toEqual({
      'transaction id': 'true',
      'merkle inclusion': 'true',
      'block hash': 'true',
      'sequencer signature': 'false',
      'parent block': 'true',
      'proof of history': 'true',
    });
    expect(await w.page.locator('[data-check="sequencer signature"]').textContent()).toMatch(/^✗ sequencer signature: the signature does not verify/);
  });

  it("shows an account's balance and history, and one key's accounts in every municipality", async () => {
    const bob = hops[0]!;
    const api = (
      await gql(gateway, 'query($a: String!) { account(address: $a) { balance transactions(first: 20) { edges { node { id } } } } }', { a: bob.address })
    ).data!.account;
    const { page } = await explorer(`#/account/${bob.address}`);
    expect(await page.getByTestId('balance').textContent({ timeout: T })).toBe(api.balance);
    const ids = await page.locator('[data-testid="history"] tr[data-tx]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tx')));
    expect(ids).toEqual(api.transactions.edges.map((e: { node: { id: string } }) => e.node.id));
    await page.goto(`${origin}/#/key/${bytesToHex(bob.publicKey)}`);
    await page.locator('[data-testid="key-accounts"] tr[data-municipality="nara"]').waitFor({ timeout: T });
    expect(
      await page.locator('[data-testid="key-accounts"] tr[data-municipality]').evaluateAll((els) => els.map((e) => e.getAttribute('data-municipality'))),
    ).toEqual(['kyoto', 'osaka', 'nara']);
  });

  it('draws every hop of a 3-hop trace, verifies it, and downloads a file aiki verify --trace accepts', async () => {
    const { page } = await explorer(`#/trace/${traced}`);
    await page.locator('[data-testid="trace-verified"] [data-testid="checks"]').waitFor({ timeout: T });
    expect(await page.locator('[data-testid="trace-verified"] [data-testid="checks"]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-testid="hop"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ok')))).toEqual(['true', 'true', 'true']);
    expect(await page.locator('[data-lane]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')))).toEqual(['kyoto', 'osaka', 'nara']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(dir, 'trace.json');
    await download.saveAs(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).trace.hops).toHaveLength(3);
    const key = (await gql(gateway, '{ mainChain { sequencer } }')).data!.mainChain.sequencer as string;
    const { stdout } = await run(process.execPath, ['cli/bin.js', 'verify', '--trace', file, '--mainchain-key', key]);
    expect(stdout).toMatch(/verified: 3 hop\(s\)/);
    expect(stdout).not.toMatch(/FAIL/);
  });

  it('lists proposals with their tallies, and recomputes a tally from the sealed votes', async () => {
    const { page } = await explorer('#/governance');
    await page.locator(`[data-testid="proposals"] tr[data-proposal="${proposalId}"]`).waitFor({ timeout: T });
    expect(await page.locator(`tr[data-proposal="${proposalId}"] [data-testid="tally"]`).textContent()).toContain('Yes 2');
    await page.goto(`${origin}/#/proposal/${proposalId}`);
    await page.locator('[data-testid="checks"][data-ok="true"]').waitFor({ timeout: T });
    expect(await page.locator('[data-check="tally"]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-testid="votes"] tr[data-member]').count()).toBe(3);
  });

  it('finds a transaction id, a bare txid, an address, a block hash and municipality/height from the search box', async () => {
    const { page } = await explorer('');
    const block = (await gql(gateway, '{ block(id: "kyoto:1") { hash } }')).data!.block.hash as string;
    const search = async (text: string, hash: RegExp) => {
      await page.getByRole('searchbox').fill(text);
      await page.getByRole('search').getByRole('button').click();
      await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash)), { timeout: T }).toMatch(hash);
    };
    await search(traced, new RegExp(`^#/tx/${traced}$`));
    await search(traced.split(':')[1]!, new RegExp(`^#/tx/${traced}$`));
    await search(hops[0]!.address, new RegExp(`^#/account/${hops[0]!.address}$`));
    await search(block, /^#\/block\/kyoto\/1$/);
    await search('osaka/0', /^#\/block\/osaka\/0$/);
    await page.getByRole('searchbox').fill('no such thing');
    await page.getByRole('search').getByRole('button').click();
    await page.getByTestId('not-found').waitFor({ timeout: T });
  });

  it('speaks Japanese to a Japanese browser, and English after the switch', async () => {
    const { page } = await explorer('', 'ja-JP');
    await page.getByRole('heading', { name: '連合' }).waitFor({ timeout: T });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    await page.getByTestId('lang').selectOption('en');
    await page.getByRole('heading', { name: 'Federation' }).waitFor({ timeout: T });
    await page.reload();
    await page.getByRole('heading', { name: 'Federation' }).waitFor({ timeout: T }); // the choice is kept
  });

  it('GraphiQL loads from the gateway alone and runs a query', async () => {
    const w = await watchedPage(browser, origin);
    open.push(w);
    await w.page.goto(gateway); // a browser asks for text/html
    // The first example (README's query) is in the editor once GraphiQL has loaded the schema.
    await expect.poll(() => w.page.locator('.graphiql-query-editor').textContent(), { timeout: T }).toContain('municipalities');
    await expect
      .poll(
        async () => {
          await w.page.locator('.graphiql-execute-button').click();
          return w.page.locator('.result-window').textContent();
        },
        { timeout: T, interval: 1000 },
      )
      .toContain('"municipalities"');
  });
});

describe('CORS, from pages on other origins', () => {
  const QUERY = JSON.stringify({ query: '{ mainChain { height } }' });
  const call = (page: WatchedPage['page'], credentials: RequestCredentials) =>
    page.evaluate(
      async ({ url, body, credentials }) => {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, credentials });
          return { status: res.status, body: await res.json() };
        } catch (err) {
          return { refused: String(err) };
        }
      },
      { url: gateway, body: QUERY, credentials },
    );

  it('a listed origin may query the gateway, with credentials', async () => {
    const w = await watchedPage(browser, listed.origin);
    await w.page.goto(listed.origin);
    for (const credentials of ['omit', 'include'] as const) {
      const r = await call(w.page, credentials);
      expect(r).toMatchObject({ status: 200, body: { data: { mainChain: { height: expect.any(Number) } } } });
    }
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('an origin not listed may not', async () => {
    const w = await watchedPage(browser, unlisted.origin);
    await w.page.goto(unlisted.origin);
    expect(await call(w.page, 'omit')).toEqual({ refused: expect.stringContaining('Failed to fetch') });
    expect(w.errors.join('\n')).toMatch(/CORS policy/);
    await w.close();
  });

  it("a simple cross-site request (no preflight) is refused by Apollo's CSRF prevention and runs nothing", async () => {
    const before = (await gql(gateway, 'query($a: String!) { account(address: $a) { nonce } }', { a: treasury.address })).data!.account.nonce;
    const n = (nonces.get(treasury.address) ?? 0) + 1;
    const body = JSON.stringify({ query: SUBMIT, variables: { m: 'kyoto', t: transfer(treasury, wallet('kyoto').address, 1, n) } });
    for (const origin of [listed.origin, unlisted.origin]) {
      const res = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Cross-Site Request Forgery');
    }
    await new Promise((r) => setTimeout(r, 500)); // a block interval or more: had it been admitted, it would be sealed
    expect((await gql(gateway, 'query($a: String!) { account(address: $a) { nonce } }', { a: treasury.address })).data!.account.nonce).toBe(before);
  });
});

describe('what the gateway serves browsers', () => {
  it('the explorer: HTML revalidated with a strict CSP, hashed assets immutable and gzipped, nothing else', async () => {
    const html = await fetch(`${origin}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const page = await html.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const js = await fetch(`${origin}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const again = await fetch(`${origin}/`, { headers: { 'if-none-match': html.headers.get('etag')! } });
    expect(again.status).toBe(304);
    for (const path of [
      '/nope.js',
      '/assets/',
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/index.html/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await fetch(`${origin}${path}`);
      expect([404], path).toContain(res.status);
      expect(await res.text(), path).not.toContain('"name": "aiki-federation"');
    }
    expect((await fetch(`${origin}/`, { method: 'POST' })).status).toBe(404);
  });

  it("GraphiQL at GET /graphql for a browser, never Apollo's CDN landing page; GraphQL clients are answered as before", async () => {
    const page = await fetch(gateway, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('GraphiQL');
    expect(text).not.toMatch(/apollographql\.com|embeddable-sandbox|cdn\./);
    const get = await fetch(`${gateway}?query=${encodeURIComponent('{ mainChain { height } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect((await get.json()).data.mainChain.height).toEqual(expect.any(Number));
  });
});
