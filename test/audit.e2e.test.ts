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
import { afterAll, describe, expect, it } from 'vitest';
import { blockKey } from '../db/mongo.ts';
import type { BlockDoc } from '../subgraphs/ledger/models.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_SETTLEMENT, funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';
import { AUDIT_CHECKS, checkConsistency, hexToBytes, sealNext, signTransfer, transactionId, type TransferBody } from '../core/index.ts';

const treasury = wallet('kyoto');
const run = promisify(execFile);
let nonce = 0;
const dir = mkdtempSync(join(tmpdir(), 'aiki-audit-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fed = useTestCluster('audit', {
  municipalities: [KYOTO, OSAKA],
  pollIntervalMs: 200,
  mainchainEnv: FAST_SETTLEMENT,
  // The gateway's caches off: the tests below change what a ledger's database holds behind its
  // back, or swap a whole rewritten chain in, and a gateway rightly keeps a sealed block it has
  // seen for good (by its id) — it would answer the old blocks. bench -- audit audits through the caches.
  gatewayEnv: { AIKI_ENTITY_CACHE: '0', AIKI_STATE_CACHE: '0' },
  ledgerEnv: FAST_LEDGERS,
  genesis: { kyoto: funds(1_000_000, treasury) },
});

/** Sends `n` transfers from the treasury (every other one to osaka), each waited for in its own block; returns the newest kyoto height. */
async function transfers(n: number): Promise<number> {
  let height = 0;
  for (let i = 0; i < n; i++) {
    const to = i % 2 ? wallet('osaka').address : wallet('kyoto').address;
    const r = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, to, 10, ++nonce) });
    expect(r.errors).toBeUndefined();
    const id = (r.data!.submitTransaction as { id: string }).id;
    height = await eventually(
      async () =>
        (
          (await gql(fed.cluster.gateway.url, 'query($id: String!) { transaction(id: $id) { height } }', { id })).data?.transaction as
            { height: number | null } | undefined
        )?.height ?? undefined,
      20_000,
      `${id} confirmed`,
    );
  }
  return height;
}

/** Waits until kyoto is anchored up to `height`. */
const anchored = (height: number) =>
  eventually(
    async () => {
      const r = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { anchoredHeight } }');
      return (r.data?.municipality as { anchoredHeight: number }).anchoredHeight >= height || undefined;
    },
    20_000,
    `kyoto anchored up to ${height}`,
  );

async function audit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, 'audit', 'kyoto', ...args]).then(
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
    // Every check core/audit.ts makes (test/unit/audit.test.ts fails each), and the new checkpoint's: passed, none failed.
    for (const name of [...AUDIT_CHECKS, 'checkpoint']) expect(r.stdout).toMatch(new RegExp(`✓ ${name} +\\d+ ok\\n`));
    expect(r.stdout).not.toMatch(/✗/);
    expect(r.stdout).toMatch(/verified: kyoto blocks 0–\d+; checkpoint at \d+ written/);
    expect(JSON.parse(readFileSync(checkpoint(), 'utf8'))).toMatchObject({ v: 1, municipality: 'kyoto' });
  });

  it('goes on from the kept checkpoint: only the new blocks, the chain proved to extend it', async () => {
    const before = JSON.parse(readFileSync(checkpoint(), 'utf8')) as { height: number; root: string };
    await anchored(await transfers(3));
    const r = await audit('--checkpoint', checkpoint());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`going on from the checkpoint kept at height ${before.height}\n`));
    expect(r.stdout).toMatch(new RegExp(`verified: kyoto blocks ${before.height + 1}–\\d+; checkpoint at \\d+ written`));
    expect(r.stdout).toMatch(/✓ consistency +1 ok/); // the API's proof that the chain now extends the kept checkpoint
    expect(r.stdout).toMatch(/✓ checkpoint +1 ok/); // the new checkpoint commits to exactly the blocks audited
    const after = JSON.parse(readFileSync(checkpoint(), 'utf8')) as { height: number; root: string; audit: { frontier: unknown[] } };
    expect(after.height).toBeGreaterThan(before.height);
    expect(after.audit.frontier.length).toBeGreaterThan(0);
  });

  it('checks the kept checkpoint at its height when the whole chain is audited again', async () => {
    const r = await audit('--checkpoint', checkpoint(), '--from', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ checkpoint +2 ok/); // the kept one at its height, and the new one at the end
    expect(r.stdout).toMatch(/✓ consistency +1 ok/);
  });

  it('serves consistency proofs between two heights of a chain and of the main chain, which core/ verifies', async () => {
    const CHAIN =
      'query($from: Int!, $to: Int) { municipality(code: "kyoto") { sequencerKey chain { height checkpoint(height: $from) { v municipality height root sequencer signature } consistency(from: $from, to: $to) { from path to { v municipality height root sequencer signature } } } } }';
    const r = await gql(fed.cluster.gateway.url, CHAIN, { from: 2, to: null });
    expect(r.errors).toBeUndefined();
    const m = r.data!.municipality;
    expect(m.chain.consistency.to.height).toBe(m.chain.height);
    expect(m.chain.consistency.path.length).toBeGreaterThan(0);
    expect(checkConsistency(m.chain.checkpoint, m.chain.consistency.to, m.chain.consistency.path, m.sequencerKey)).toBe(true);
    // One node of the path changed: refused.
    const bent = [...m.chain.consistency.path];
    bent[0] = bent[0].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    expect(checkConsistency(m.chain.checkpoint, m.chain.consistency.to, bent, m.sequencerKey)).toMatch(/rewritten/);

    const MAIN =
      'query($from: Int!) { mainChain { sequencer height checkpoint(height: $from) { v municipality height root sequencer signature } consistency(from: $from) { from path to { v municipality height root sequencer signature } } } }';
    const main = (await gql(fed.cluster.gateway.url, MAIN, { from: 3 })).data!.mainChain;
    expect(main.checkpoint.municipality).toBe('main');
    expect(checkConsistency(main.checkpoint, main.consistency.to, main.consistency.path, main.sequencer)).toBe(true);

    // Heights out of range: coded errors.
    const codes = async (query: string, variables: Record<string, unknown>) =>
      (await gql(fed.cluster.gateway.url, query, variables)).errors?.map((e) => e.extensions?.code);
    expect(await codes('{ municipality(code: "kyoto") { chain { consistency(from: 5, to: 2) { from } } } }', {})).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ municipality(code: "kyoto") { chain { consistency(from: 1, to: 100000) { from } } } }', {})).toEqual(['BLOCK_NOT_FOUND']);
    expect(await codes('{ mainChain { consistency(from: 100000) { from } } }', {})).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ mainChain { checkpoint(height: 100000) { root } } }', {})).toEqual(['BLOCK_NOT_FOUND']);
  });

  it('audits the main chain: every check ✓, a checkpoint kept, and the next run goes on from it', async () => {
    const file = join(dir, 'main.checkpoint.json');
    const r = await run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, 'audit', '--mainchain', '--checkpoint', file, '--page', '7']);
    for (const name of ['header', 'block hash', 'main-chain signature', 'parent', 'merkle root', 'proof of history', 'anchors', 'checkpoint']) {
      expect(r.stdout).toMatch(new RegExp(`✓ ${name} +\\d+ ok\n`));
    }
    expect(r.stdout).toMatch(/verified: the main chain blocks 0–\d+; checkpoint at \d+ written/);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { height: number };
    await anchored(await transfers(1));
    const next = await run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, 'audit', '--mainchain', '--checkpoint', file]);
    expect(next.stdout).toMatch(new RegExp(`verified: the main chain blocks ${kept.height + 1}–\\d+`));
    expect(next.stdout).toMatch(/✓ consistency +1 ok/);
  });

  it('refuses a history rebuilt from genesis with one transfer changed and every block re-signed with the real keys, against the kept checkpoint', async () => {
    const kept = JSON.parse(readFileSync(checkpoint(), 'utf8')) as { height: number };
    const stored = await fed.mongo.db(`${fed.prefix}_ledger_kyoto`).collection<BlockDoc>('blocks').find({}).toArray();
    stored.sort((a, b) => a.height - b.height);
    // The first transfer's amount + 1, signed again by its sender; that block and every one after
    // it sealed again by core/'s sealNext with kyoto's own sequencer key.
    const secretKey = hexToBytes(fed.cluster.keys.sequencer('kyoto'));
    const first = stored.findIndex((b) => b.txs.some((t) => t.body.type === 'transfer'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(kept.height);
    const rebuilt = stored.slice(0, first);
    for (const doc of stored.slice(first)) {
      let txs = doc.txs;
      if (doc.height === stored[first]!.height) {
        const i = txs.findIndex((t) => t.body.type === 'transfer');
        const body = { ...(txs[i]!.body as TransferBody), amount: String(Number(txs[i]!.body.amount) + 1) };
        txs = txs.map((t, j) => (j === i ? { ...t, body, id: transactionId(body), signature: signTransfer(body, treasury.secretKey).signature } : t));
      }
      const parent = rebuilt.at(-1)!;
      const sealed = sealNext(
        parent,
        txs.map((t) => t.id),
        { time: new Date(doc.header.time), ticksPerEvent: 1, secretKey, sequencer: doc.header.sequencer },
      );
      rebuilt.push({
        _id: doc._id,
        height: doc.height,
        header: sealed.header,
        hash: sealed.hash,
        signature: sealed.signature,
        txs: txs.map((t, j) => ({ ...t, poh: sealed.poh[j]! })),
      });
    }
    // kyoto's ledger started again, on the same port, over a database holding the rebuilt chain (the genesis is the same).
    const rebuiltDb = `${fed.prefix}_ledger_kyoto_rebuilt`;
    await fed.mongo.db(rebuiltDb).collection<BlockDoc>('blocks').insertMany(rebuilt.slice(1));
    const ledger = fed.cluster.ledgers.get('kyoto')!;
    const port = Number(new URL(ledger.url).port);
    await ledger.stop();
    await fed.cluster.startLedger(KYOTO, port, { AIKI_DB_NAME: rebuiltDb });
    try {
      const r = await audit('--checkpoint', checkpoint(), '--from', '0', '--to', String(rebuilt.at(-1)!.height));
      expect(r.code, r.stdout).toBe(1);
      // Every block of the rebuilt chain is well sealed and signed by the registered key …
      for (const name of ['block hash', 'sequencer signature', 'parent', 'transactions', 'merkle root', 'proof of history'])
        expect(r.stdout).toMatch(new RegExp(`✓ ${name} +\\d+ ok\n`));
      // … but it is not the chain the checkpoint was signed over, nor one that extends it (nor the one anchored).
      expect(r.stdout).toMatch(
        new RegExp(
          `✗ block ${kept.height} checkpoint: the root of blocks 0–${kept.height} is [0-9a-f]{64}, the checkpoint's [0-9a-f]{64}: the chain was rewritten`,
        ),
      );
      expect(r.stdout).toMatch(
        new RegExp(
          `✗ block \\d+ consistency: the chain at height \\d+ \\(root [0-9a-f]{64}\\) does not extend the checkpoint at height ${kept.height} \\(root [0-9a-f]{64}\\): its history was rewritten`,
        ),
      );
      expect(r.stdout).toMatch(
        new RegExp(`✗ block ${rebuilt[first]!.height} anchor: the main chain anchored [0-9a-f]{64} at height ${rebuilt[first]!.height}`),
      );
    } finally {
      await fed.cluster.ledgers.get('kyoto')!.stop();
      await fed.cluster.startLedger(KYOTO, port);
    }
  });

  it('fails, naming the block, when one stored block was changed in the database behind the ledger', async () => {
    const height = await transfers(2);
    await anchored(height);
    const db = fed.mongo.db(`${fed.prefix}_ledger_kyoto`);
    const target = height - 1;
    const doc = (await db.collection<BlockDoc>('blocks').findOne({ _id: blockKey(target) }))!;
    expect(doc.txs.length).toBeGreaterThan(0);
    // One amount changed; the stored id, hashes and signatures are left as they were.
    await db.collection<BlockDoc>('blocks').updateOne({ _id: blockKey(target) }, { $set: { 'txs.0.body.amount': '999999' } });
    // The ledger keeps sealed blocks in memory: restart it so that it reads the database.
    const ledger = fed.cluster.ledgers.get('kyoto')!;
    const port = Number(new URL(ledger.url).port);
    await ledger.kill();
    await fed.cluster.startLedger(KYOTO, port);
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
    expect(r.stderr).toMatch(/with --checkpoint, audit from 0 \(the whole chain\) or from \d+ \(the blocks after the kept checkpoint\), not from 2/);
  });
});
