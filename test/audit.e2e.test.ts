/**
 * `aiki audit` against a real cluster: a municipality's whole chain walked through the gateway
 * page by page, every block checked against its parent and its anchor; a checkpoint kept from one
 * run holds at the next; a block changed in the database behind the ledger's back is caught,
 * with its height named.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster, type MunicipalitySpec } from '../cluster/cluster.ts';
import { blockKey } from '../db/mongo.ts';
import type { BlockDoc } from '../subgraphs/ledger/models.ts';
import { dropDatabases, eventually, gql, mongoUri, uniquePrefix } from './support/helpers.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const KYOTO: MunicipalitySpec = { code: 'kyoto', name: 'Kyoto' };
const OSAKA: MunicipalitySpec = { code: 'osaka', name: 'Osaka' };
const treasury = wallet('kyoto');
const run = promisify(execFile);
let cluster: Cluster;
let prefix: string;
let mongo: MongoClient;
let dir: string;
let nonce = 0;

beforeAll(async () => {
  prefix = uniquePrefix('audit');
  dir = mkdtempSync(join(tmpdir(), 'aiki-audit-'));
  cluster = await startCluster({
    municipalities: [KYOTO, OSAKA],
    db: { uri: mongoUri(), kind: 'external', stop: async () => {} },
    dbPrefix: prefix,
    operatorToken: 'audit-token',
    pollIntervalMs: 200,
    mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '100', AIKI_SETTLE_INTERVAL_MS: '100' },
    ledgerEnv: (spec) => ({
      AIKI_BLOCK_INTERVAL_MS: '50',
      AIKI_ANCHOR_INTERVAL_MS: '50',
      ...(spec.code === 'kyoto' ? { AIKI_GENESIS: JSON.stringify([{ address: treasury.address, amount: '1000000' }]) } : {}),
    }),
  });
  mongo = new MongoClient(mongoUri());
});

afterAll(async () => {
  await mongo?.close();
  await cluster?.stop();
  await dropDatabases(mongoUri(), prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `n` transfers from the treasury (every other one to osaka), each waited for in its own block; returns the newest kyoto height. */
async function transfers(n: number): Promise<number> {
  let height = 0;
  for (let i = 0; i < n; i++) {
    const to = i % 2 ? wallet('osaka').address : wallet('kyoto').address;
    const r = await gql(cluster.gateway.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, to, 10, ++nonce) });
    expect(r.errors).toBeUndefined();
    const id = (r.data!.submitTransaction as { id: string }).id;
    height = await eventually(async () => ((await gql(cluster.gateway.url, 'query($id: String!) { transaction(id: $id) { height } }', { id })).data?.transaction as { height: number | null } | undefined)?.height ?? undefined, 20_000, `${id} confirmed`);
  }
  return height;
}

/** Waits until kyoto is anchored up to `height`. */
const anchored = (height: number) =>
  eventually(async () => {
    const r = await gql(cluster.gateway.url, '{ municipality(code: "kyoto") { anchoredHeight } }');
    return ((r.data?.municipality as { anchoredHeight: number }).anchoredHeight >= height) || undefined;
  }, 20_000, `kyoto anchored up to ${height}`);

async function audit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'cli/aiki.ts', '--url', cluster.gateway.url, 'audit', 'kyoto', ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

describe('aiki audit', () => {
  const checkpoint = () => join(dir, 'kyoto.checkpoint.json');

  it('passes on a whole chain, every check ✓, and keeps a checkpoint', async () => {
    await anchored(await transfers(6));
    const r = await audit('--checkpoint', checkpoint(), '--page', '3');
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['header', 'block hash', 'sequencer signature', 'parent', 'transactions', 'merkle root', 'proof of history', 'genesis allocations', 'anchor', 'checkpoint']) {
      expect(r.stdout).toMatch(new RegExp(`✓ ${name} +\\d+ ok\\n`));
    }
    expect(r.stdout).toMatch(/verified: kyoto blocks 0–\d+; checkpoint at \d+ written/);
    expect(JSON.parse(readFileSync(checkpoint(), 'utf8'))).toMatchObject({ v: 1, municipality: 'kyoto' });
  });

  it('finds the chain grown from the kept checkpoint', async () => {
    const before = JSON.parse(readFileSync(checkpoint(), 'utf8')) as { height: number; root: string };
    await anchored(await transfers(3));
    const r = await audit('--checkpoint', checkpoint());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ checkpoint +2 ok/); // the kept one at its height, and the new one at the end
    const after = JSON.parse(readFileSync(checkpoint(), 'utf8')) as { height: number; root: string };
    expect(after.height).toBeGreaterThan(before.height);
  });

  it('fails, naming the block, when one stored block was changed in the database behind the ledger', async () => {
    const height = await transfers(2);
    await anchored(height);
    const db = mongo.db(`${prefix}_ledger_kyoto`);
    const target = height - 1;
    const doc = (await db.collection<BlockDoc>('blocks').findOne({ _id: blockKey(target) }))!;
    expect(doc.txs.length).toBeGreaterThan(0);
    // One amount changed; the stored id, hashes and signatures are left as they were.
    await db.collection<BlockDoc>('blocks').updateOne({ _id: blockKey(target) }, { $set: { 'txs.0.body.amount': '999999' } });
    // The ledger keeps sealed blocks in memory: restart it so that it reads the database.
    const ledger = cluster.ledgers.get('kyoto')!;
    const port = Number(new URL(ledger.url).port);
    await ledger.kill();
    await cluster.startLedger(KYOTO, port);
    await anchored(await transfers(1));
    const r = await audit('--checkpoint', join(dir, 'none.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`✗ block ${target} transactions: signature does not verify against the public key of kyoto:`)); // the amount changed, the sender's signature no longer holds
    expect(r.stdout).toMatch(/✗ transactions +\d+ ok, 1 failed/);
    expect(r.stderr).toMatch(new RegExp(`audit failed: block ${target}, check transactions`));
    expect(existsSync(join(dir, 'none.json'))).toBe(false); // no checkpoint is written for a chain that fails
  });

  it('refuses bad arguments with a clear error', async () => {
    const r = await audit('--from', '2', '--checkpoint', checkpoint());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--checkpoint needs the whole chain: audit from height 0/);
  });
});
