/**
 * HTTPS between the gateway and the subgraphs (runtime/tls.ts), with real processes and a test CA
 * made here with openssl: every service serves HTTPS with a certificate the CA signed
 * (AIKI_TLS_CERT, AIKI_TLS_KEY) and trusts that CA alone (AIKI_TLS_CA); the gateway answers
 * through ledger and main chain, and the ledger anchors on the main chain, all over HTTPS. A
 * ledger whose certificate another CA signed is refused: by the main chain at registration, and
 * by the gateway when it is written into the registry behind the main chain's back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installTlsTrust } from '../runtime/tls.ts';
import { envTls } from '../runtime/env.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_MAINCHAIN, funds, KYOTO, registeredBehindMainchain, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const dir = mkdtempSync(join(tmpdir(), 'aiki-tls-'));
const treasury = wallet('kyoto');
const saved = { ...process.env };

/** Runs openssl in `dir`: `line`'s words, then `more` (words with spaces in them). */
const openssl = (line: string, ...more: string[]) => execFileSync('openssl', [...line.split(' '), ...more], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** A CA (`<name>-ca.pem`) and a certificate it signed for 127.0.0.1 and localhost (`<name>.pem`, `<name>.key`). */
function makeCa(name: string): { ca: string; cert: string; key: string } {
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
  const ca = '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign';
  openssl(`req -x509 ${ec} -keyout ${name}-ca.key -out ${name}-ca.pem -days 2 ${ca} -subj`, `/CN=Aiki ${name} test CA`);
  openssl(`req ${ec} -keyout ${name}.key -out ${name}.csr -subj /CN=127.0.0.1`);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(`x509 -req -in ${name}.csr -CA ${name}-ca.pem -CAkey ${name}-ca.key -CAcreateserial -out ${name}.pem -days 2 -extfile ${name}.ext`);
  return { ca: join(dir, `${name}-ca.pem`), cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

const federation = makeCa('federation');
const rogue = makeCa('rogue');

beforeAll(() => {
  // Every service of the cluster inherits these; this process trusts the federation's CA alone too.
  Object.assign(process.env, { AIKI_TLS_CERT: federation.cert, AIKI_TLS_KEY: federation.key, AIKI_TLS_CA: federation.ca });
  installTlsTrust(envTls().ca);
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});
const fed = useTestCluster('tls', {
  municipalities: [KYOTO],
  pollIntervalMs: 200,
  mainchainEnv: FAST_MAINCHAIN,
  ledgerEnv: FAST_LEDGERS,
  genesis: { kyoto: funds(1000, treasury) },
});

it('the gateway answers through the ledger and the main chain, and the ledger anchors, all over HTTPS', async () => {
  for (const url of [fed.cluster.gateway.url, fed.cluster.mainchain.url, fed.cluster.ledgers.get('kyoto')!.url])
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  const r = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, wallet('kyoto').address, 10, 1) });
  expect(r.errors).toBeUndefined();
  await eventually(
    async () => {
      const q = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { anchoredHeight chain { height } } }');
      const m = q.data?.municipality;
      return m?.chain?.height >= 1 && m.anchoredHeight >= 1 ? true : undefined;
    },
    30_000,
    'a block sealed on kyoto and anchored on the main chain, over HTTPS',
  );
  // Plain HTTP is not served on those ports.
  await expect(fetch(fed.cluster.ledgers.get('kyoto')!.url.replace('https:', 'http:'), { method: 'POST', body: '{}' })).rejects.toThrow();
});

it("refuses a ledger whose certificate the federation's CA did not sign", async () => {
  const osaka = { code: 'osaka', name: 'Osaka' };
  const impostor = await fed.cluster.startLedger(osaka, 0, { AIKI_TLS_CERT: rogue.cert, AIKI_TLS_KEY: rogue.key });
  expect(impostor.url).toMatch(/^https:/);
  // This process trusts the federation's CA alone: the impostor's certificate does not verify.
  await expect(fetch(new URL('/health', impostor.url))).rejects.toThrow();

  // The main chain refuses to register it: its probe does not get past the TLS handshake.
  const registered = await fed.cluster.register(osaka, [impostor.url]);
  expect(registered.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNREACHABLE');
  expect(registered.errors?.[0]?.message).toMatch(/certificate|self.signed|issuer/i);

  // Written into the registry behind the main chain's back, the gateway keeps it out of its shard map.
  const refused = await registeredBehindMainchain(
    fed.cluster,
    { code: 'osaka', name: 'Osaka', endpoints: [impostor.url], sequencerKey: '00'.repeat(32), anchoredHeight: 0 },
    20_000,
  );
  expect(refused.data).toEqual({ municipality: { name: 'Osaka', chain: null } });
  expect(refused.errors![0]!.extensions).toMatchObject({ code: 'SHARD_UNAVAILABLE', municipality: 'osaka', reason: 'SUBGRAPH_UNREACHABLE' });
  // Kyoto, with the federation's certificate, still answers.
  const kyoto = await gql(fed.cluster.gateway.url, '{ municipality(code: "kyoto") { chain { height } } }');
  expect(kyoto.errors).toBeUndefined();
});
