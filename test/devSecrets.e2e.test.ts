/**
 * Development defaults nobody else can know: a main chain and a ledger started with no key, no
 * federation secret and no operator token make each of them at random in their data folder (0600)
 * — two data folders, two different sets — and use them: never a key derived from a published
 * constant (anyone could sign settlement orders with one).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { bytesToHex, hexToBytes, publicKeyOf, sha256, utf8 } from '../core/index.ts';
import { signRequest } from '../runtime/signing.ts';
import { dropDatabases, mongoUri, uniquePrefix, type GraphQLReply } from './support/helpers.ts';

const prefix = uniquePrefix('secrets');
const dirs: string[] = [];
const started: ServiceProcess[] = [];
/** The development keys these services had before: anyone could compute them. */
const PUBLISHED = [sha256(utf8('aiki/dev-mainchain-key/v1')), sha256(utf8('aiki/dev-sequencer-key/v1\nkyoto'))].map((k) => bytesToHex(publicKeyOf(k)));

afterAll(async () => {
  for (const p of started) await p.stop();
  await dropDatabases(mongoUri(), prefix);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function post(url: string, query: string, secret?: string, headers: Record<string, string> = {}): Promise<GraphQLReply> {
  const body = JSON.stringify({ query });
  const signed = secret ? signRequest(secret, 'POST', url, body) : {};
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed, ...headers }, body });
  return (await res.json()) as GraphQLReply;
}

const kept = (dir: string, name: string) => {
  const file = join(dir, name);
  expect(statSync(file).mode & 0o777, `${name} is readable by its owner only`).toBe(0o600);
  return readFileSync(file, 'utf8').trim();
};

/** A main chain and a kyoto ledger with nothing secret in their environment, in a new data folder. */
async function federationIn(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'aiki-secrets-'));
  dirs.push(dir);
  // Empty is unset; the test process may hold a cluster's secret, which must not leak in.
  const env = {
    MONGODB_URI: mongoUri(),
    AIKI_DATA_DIR: dir,
    AIKI_PORT: '0',
    AIKI_SUBGRAPH_SECRET: '',
    AIKI_OPERATOR_TOKEN: '',
    AIKI_MAINCHAIN_KEY: '',
    AIKI_SEQUENCER_KEY: '',
  };
  const mainchain = await spawnService(`mainchain-${n}`, 'mainchain', { env: { ...env, AIKI_DB_NAME: `${prefix}_main_${n}` } });
  started.push(mainchain);
  const ledger = await spawnService(`kyoto-${n}`, 'ledger', { env: { ...env, AIKI_MUNICIPALITY: 'kyoto', AIKI_DB_NAME: `${prefix}_kyoto_${n}` } });
  started.push(ledger);
  const secret = kept(dir, 'keys/subgraph-secret');
  const mainchainKey = kept(dir, 'keys/mainchain.key');
  const sequencerKey = kept(dir, 'keys/kyoto-sequencer.key');
  const token = kept(dir, 'operator-token');

  const chain = await post(mainchain.url, '{ mainChain { sequencer } }', secret);
  expect(chain.data).toEqual({ mainChain: { sequencer: bytesToHex(publicKeyOf(hexToBytes(mainchainKey))) } });
  const head = await post(
    ledger.url,
    '{ _entities(representations: [{ __typename: "Municipality", code: "kyoto" }]) { ... on Municipality { chain { head { sequencer } } } } }',
    secret,
  );
  expect(head.data).toEqual({ _entities: [{ chain: { head: { sequencer: bytesToHex(publicKeyOf(hexToBytes(sequencerKey))) } } }] });
  // The secret and the token are in force: unsigned calls and operator calls without the token are refused.
  expect((await post(mainchain.url, '{ mainChain { sequencer } }')).errors?.[0]?.extensions?.code).toBe('SIGNATURE_REQUIRED');
  const operatorCall = 'mutation { createOperatorToken(name: "x") { id } }';
  expect((await post(mainchain.url, operatorCall, secret)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  return { secret, token, mainchain: chain.data!.mainChain, sequencer: head.data!._entities };
}

describe('development keys and secrets', () => {
  it('are made at random per data folder, kept 0600, and used — never a published constant', async () => {
    const [a, b] = [await federationIn(1), await federationIn(2)];
    expect(a.secret).not.toBe(b.secret);
    expect(a.token).not.toBe(b.token);
    expect(a.mainchain).not.toEqual(b.mainchain);
    expect(a.sequencer).not.toEqual(b.sequencer);
    for (const f of [a, b]) {
      expect(PUBLISHED).not.toContain((f.mainchain as { sequencer: string }).sequencer);
      expect(PUBLISHED).not.toContain(JSON.stringify(f.sequencer).match(/[0-9a-f]{64}/)![0]);
    }
  }, 120_000);
});
