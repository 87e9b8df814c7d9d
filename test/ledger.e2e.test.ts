/**
 * A municipal ledger through the gateway, as users meet it: the CLI makes keys and transfers, the
 * gateway answers balances and proofs, and bad input is refused with a code and nothing written.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, INCLUSION_PROOF_FIELDS, verifyInclusionProof, type InclusionProofInput } from '../core/index.ts';
import { eventually, gql } from './support/helpers.ts';
import { funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, verifyStoredChain, wallet, type Wallet } from './support/ledger.ts';
import type { GraphQLReply } from '../runtime/graphql.ts';

const run = promisify(execFile);
const SUPPLY = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'aiki-cli-'));
const treasury: Record<string, Wallet> = { kyoto: wallet('kyoto'), osaka: wallet('osaka') };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fed = useTestCluster('ledger', {
  municipalities: [KYOTO, OSAKA],
  pollIntervalMs: 200,
  ledgerEnv: { AIKI_BLOCK_INTERVAL_MS: '50' },
  genesis: { kyoto: funds(SUPPLY, treasury.kyoto!), osaka: funds(SUPPLY, treasury.osaka!) },
});

const kyotoDb = () => fed.mongo.db(`${fed.prefix}_ledger_kyoto`);
const aiki = (...args: string[]) => run(process.execPath, ['cli/bin.js', '--url', fed.cluster.gateway.url, ...args]);

function keyFile(name: string, w: Wallet): string {
  const path = join(dir, `${name}.key`);
  writeFileSync(path, JSON.stringify({ address: w.address, publicKey: bytesToHex(w.publicKey), secretKey: bytesToHex(w.secretKey) }));
  return path;
}

async function account(address: string) {
  const r = await gql(fed.cluster.gateway.url, 'query($a: String!) { account(address: $a) { balance nonce } }', { a: address });
  expect(r.errors).toBeUndefined();
  return r.data!.account as { balance: string; nonce: number };
}

describe('transfers through the gateway', () => {
  it('makes keys with the CLI, funds one from genesis, transfers, and proves the transfer with core/ alone', async () => {
    const alice = (await aiki('key', 'new', '--municipality', 'kyoto', '--out', join(dir, 'alice.key'))).stdout.trim();
    const bob = (await aiki('key', 'new', '--municipality', 'kyoto', '--out', join(dir, 'bob.key'))).stdout.trim();
    expect(alice).toMatch(/^kyoto:[0-9a-f]{64}$/);

    const funded = await aiki('transfer', '--key', keyFile('treasury', treasury.kyoto!), '--to', alice, '--amount', '5000', '--wait');
    expect(funded.stdout).toMatch(/CONFIRMED in block \d+/);
    const paid = await aiki('transfer', '--key', join(dir, 'alice.key'), '--to', bob, '--amount', '1200', '--memo', 'rent', '--wait');
    expect(paid.stdout).toMatch(/ok {3}merkle inclusion/);
    const id = paid.stdout.split(' ')[0]!;

    expect(await account(bob)).toEqual({ balance: '1200', nonce: 0 });
    expect(await account(alice)).toEqual({ balance: '3800', nonce: 1 });

    const { data } = await gql(
      fed.cluster.gateway.url,
      `query($id: String!) { transaction(id: $id) { status memo block { height hash }
        proof { ${INCLUSION_PROOF_FIELDS} } } }`,
      { id },
    );
    const tx = data!.transaction as { status: string; memo: string; block: { hash: string }; proof: InclusionProofInput };
    expect(tx.status).toBe('CONFIRMED');
    expect(tx.memo).toBe('rent');
    expect(tx.proof.header.hash).toBe(tx.block.hash);
    expect(verifyInclusionProof(tx.proof).every((c) => c.ok)).toBe(true);

    // Any changed byte breaks it, and the check says where.
    const tampered = structuredClone(tx.proof);
    tampered.header.time = tampered.header.time.replace(/.$/, (c) => (c === 'Z' ? 'z' : 'Z'));
    expect(
      verifyInclusionProof(tampered)
        .filter((c) => !c.ok)
        .map((c) => c.name),
    ).toContain('block hash');

    const shown = await aiki('tx', 'show', id, '--verify');
    expect(shown.stdout).toContain('ok   sequencer signature');
  });

  it('returns the same transaction when the same signed transaction is submitted again', async () => {
    const carol = wallet('kyoto');
    const tx = transfer(treasury.kyoto!, carol.address, 10, (await account(treasury.kyoto!.address)).nonce + 1);
    const first = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: tx });
    const again = await Promise.all([1, 2, 3].map(() => gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: tx })));
    for (const r of again) expect((r.data!.submitTransaction as { id: string }).id).toBe((first.data!.submitTransaction as { id: string }).id);
    await eventually(async () => ((await account(carol.address)).balance === '10' ? true : undefined), 10_000, 'the transfer to confirm');
    const later = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: tx });
    expect(later.data!.submitTransaction).toMatchObject({ status: 'CONFIRMED' });
    expect(await account(carol.address)).toEqual({ balance: '10', nonce: 0 });
  });

  it('submits a batch, refusing bad items at their index and admitting the rest', async () => {
    const dave = wallet('kyoto');
    const n = (await account(treasury.kyoto!.address)).nonce;
    const batch = [
      transfer(treasury.kyoto!, dave.address, 1, n + 1),
      transfer(treasury.kyoto!, dave.address, 0, n + 2),
      transfer(treasury.kyoto!, dave.address, 2, n + 2),
    ];
    const r = await gql(
      fed.cluster.gateway.url,
      'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { status } }',
      { m: 'kyoto', ts: batch },
    );
    expect(r.data!.submitTransactions).toEqual([{ status: 'PENDING' }, null, { status: 'PENDING' }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({ path: ['submitTransactions', 1], extensions: { code: 'BAD_AMOUNT' } });
    await eventually(async () => ((await account(dave.address)).balance === '3' ? true : undefined), 10_000, 'the batch to confirm');
  });

  it("pages through an account's history, newest first, across transactions in one block and in several", async () => {
    const erin = wallet('kyoto');
    const n = (await account(treasury.kyoto!.address)).nonce;
    // Two batches of 5, confirmed one after the other: several transfers per block, two blocks at least.
    for (const start of [0, 5]) {
      const batch = Array.from({ length: 5 }, (_, i) => transfer(treasury.kyoto!, erin.address, start + i + 1, n + start + i + 1));
      const r = await gql(
        fed.cluster.gateway.url,
        'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { status } }',
        { m: 'kyoto', ts: batch },
      );
      expect(r.errors).toBeUndefined();
      await eventually(
        async () =>
          (await account(erin.address)).nonce === 0 && (await account(erin.address)).balance === String(((start + 5) * (start + 6)) / 2) ? true : undefined,
        10_000,
        'the batch to confirm',
      );
    }
    const HISTORY = `query($a: String!, $n: Int!, $after: String) { account(address: $a) { transactions(first: $n, after: $after) {
      edges { cursor node { amount block { height } } } pageInfo { hasNextPage endCursor } } } }`;
    const amounts: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      type Page = { account: { transactions: { edges: Array<{ node: { amount: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
      const r: GraphQLReply<Page> = await gql<Page>(fed.cluster.gateway.url, HISTORY, { a: erin.address, n: 3, after });
      expect(r.errors).toBeUndefined();
      const { edges, pageInfo } = r.data!.account.transactions;
      amounts.push(...edges.map((e) => e.node.amount));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(amounts).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
    const bad = await gql(fed.cluster.gateway.url, HISTORY, { a: erin.address, n: 3, after: `${treasury.kyoto!.address}|000000000001|0` });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('bad transactions: a coded error and nothing written', () => {
  const counts = async () => {
    const db = kyotoDb();
    const [mempool, rejected, blocks, accounts] = await Promise.all(
      ['mempool', 'rejected', 'blocks', 'accounts'].map((c) => db.collection(c).countDocuments()),
    );
    return { mempool, rejected, blocks, accounts };
  };
  const submit = (t: unknown, m = 'kyoto') => gql(fed.cluster.gateway.url, SUBMIT, { m, t });
  let eve: Wallet;
  let nonce: number;

  beforeAll(async () => {
    // eve has 100 units and one confirmed transaction (nonce 1).
    eve = wallet('kyoto');
    const fund = await gql(fed.cluster.gateway.url, SUBMIT, {
      m: 'kyoto',
      t: transfer(treasury.kyoto!, eve.address, 150, (await account(treasury.kyoto!.address)).nonce + 1),
    });
    expect(fund.errors).toBeUndefined();
    await eventually(async () => ((await account(eve.address)).balance === '150' ? true : undefined), 10_000, 'eve funded');
    await submit(transfer(eve, treasury.kyoto!.address, 50, 1));
    await eventually(async () => ((await account(eve.address)).nonce === 1 ? true : undefined), 10_000, 'eve nonce 1');
    nonce = 2;
  });

  const other = wallet('kyoto').address;
  /** `tx` with its nonce changed after signing (a nonce no signer can encode). */
  const withNonce = (tx: ReturnType<typeof transfer>, n: number) => ({ ...tx, body: { ...tx.body, nonce: n } });
  const cases: Array<[string, () => unknown, string, string?]> = [
    ['a bad signature', () => ({ ...transfer(eve, other, 1, nonce), signature: 'ab'.repeat(64) }), 'BAD_SIGNATURE'],
    [
      'a signature over another body',
      () => ({ body: transfer(eve, other, 2, nonce).body, signature: transfer(eve, other, 1, nonce).signature }),
      'BAD_SIGNATURE',
    ],
    [
      'a signature by another key',
      () => ({ body: transfer(eve, other, 1, nonce).body, signature: transfer(wallet('kyoto'), other, 1, nonce).signature }),
      'BAD_SIGNATURE',
    ],
    ['a malformed signature', () => ({ ...transfer(eve, other, 1, nonce), signature: 'xyz' }), 'BAD_SIGNATURE'],
    ['a replayed nonce', () => transfer(eve, other, 1, 1), 'NONCE_REUSED'],
    ['a nonce gap', () => transfer(eve, other, 1, nonce + 1), 'NONCE_GAP'],
    // Nonces go to 2^53 − 1 (docs/PROTOCOL.md §3): past GraphQL's Int, the ledger decides, not the schema.
    ['a nonce past 2^31 − 1 (a gap)', () => transfer(eve, other, 1, 2 ** 31), 'NONCE_GAP'],
    ['the largest nonce, 2^53 − 1 (a gap)', () => transfer(eve, other, 1, Number.MAX_SAFE_INTEGER), 'NONCE_GAP'],
    ['a nonce of 2^53', () => withNonce(transfer(eve, other, 1, nonce), 2 ** 53), 'BAD_NONCE'],
    ['a fractional nonce', () => withNonce(transfer(eve, other, 1, nonce), 2.5), 'BAD_NONCE'],
    ['insufficient funds', () => transfer(eve, other, 101, nonce), 'INSUFFICIENT_FUNDS'],
    ['a zero amount', () => transfer(eve, other, 0, nonce), 'BAD_AMOUNT'],
    ['a negative amount', () => transfer(eve, other, -5, nonce), 'BAD_AMOUNT'],
    ['a fractional amount', () => transfer(eve, other, '1.5', nonce), 'BAD_AMOUNT'],
    ['an exponent amount', () => transfer(eve, other, '1e3', nonce), 'BAD_AMOUNT'],
    ['an over-limit amount', () => transfer(eve, other, '9007199254740992', nonce), 'BAD_AMOUNT'],
    ['a huge amount', () => transfer(eve, other, '9'.repeat(400), nonce), 'BAD_AMOUNT'],
    ['an oversized memo', () => transfer(eve, other, 1, nonce, { memo: 'あ'.repeat(100) }), 'MEMO_TOO_LONG'],
    ['a malformed recipient', () => transfer(eve, 'kyoto:not-hex', 1, nonce), 'BAD_ADDRESS'],
    ['a recipient without municipality', () => transfer(eve, 'ab'.repeat(32), 1, nonce), 'BAD_ADDRESS'],
    ['a transfer to oneself', () => transfer(eve, eve.address, 1, nonce), 'SELF_TRANSFER'],
    // Money credited there could never be spent: refused as a credit from another municipality is.
    ['a local recipient nobody can sign for (a small-order key)', () => transfer(eve, `kyoto:${'00'.repeat(32)}`, 1, nonce), 'BAD_ADDRESS'],
    ['a local recipient nobody can sign for (the identity)', () => transfer(eve, `kyoto:01${'00'.repeat(31)}`, 1, nonce), 'BAD_ADDRESS'],
    ['a stale time', () => transfer(eve, other, 1, nonce, { time: '2001-01-01T00:00:00.000Z' }), 'BAD_TRANSACTION'],
    ['an unknown version', () => transfer(eve, other, 1, nonce, { v: 2 as 1 }), 'BAD_TRANSACTION'],
    ['a sender of another municipality', () => transfer(wallet('osaka'), other, 1, 1), 'WRONG_MUNICIPALITY'],
    ['an unknown municipality', () => transfer(eve, other, 1, nonce), 'UNKNOWN_MUNICIPALITY', 'atlantis'],
  ];
  it.each(cases)('refuses %s', async (_what, make, code, municipality) => {
    const before = await counts();
    const r = await submit(make(), municipality);
    expect(r.errors?.[0]?.extensions?.code).toBe(code);
    expect(r.data?.submitTransaction ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it.each(['from', 'to', 'amount', 'memo', 'time', 'type', 'signature'])('refuses a MongoDB operator in %s', async (field) => {
    const before = await counts();
    const tx = transfer(eve, other, 1, nonce);
    const t = field === 'signature' ? { ...tx, signature: { $gt: '' } } : { ...tx, body: { ...tx.body, [field]: { $gt: '' } } };
    const r = await submit(t);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });

  it('leaves a chain that verifies end to end', async () => {
    await eventually(async () => ((await kyotoDb().collection('mempool').countDocuments()) === 0 ? true : undefined), 10_000, 'an empty mempool');
    const confirmed = await verifyStoredChain(kyotoDb());
    expect(confirmed.size).toBeGreaterThan(3);
  });
});
