/**
 * The `aiki` CLI's promises, run as users run it — compiled, through cli/bin.js — against a real
 * federation: exit code 2 for a wrong command line (and nothing asked of any server), 1 for a
 * failure, with a message on stderr; `--version`; `--json` on every command, one JSON document on
 * stdout; key files of both kinds (the JSON of `aiki key new`, the bare hex of npm start), and the
 * global `--gateway` beside a command's own `--url`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { bytesToHex } from '../core/index.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { wallet, type Wallet } from './support/ledger.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = `cli-test-${Math.random().toString(36).slice(2)}`;
let events: ServiceProcess | undefined;
let dir: string;
/** A server that counts every request: usage errors must not reach one. */
let counter: Server;
let counted = 0;
let counterUrl = '';
const treasury: Record<string, Wallet> = { kyoto: wallet('kyoto'), osaka: wallet('osaka') };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiki-cli-'));
  counter = createServer((_req, res) => {
    counted++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
  counterUrl = `http://127.0.0.1:${(counter.address() as { port: number }).port}/graphql`;
});
afterAll(() => {
  counter?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fed = useTestCluster('cli', {
  municipalities: [KYOTO, OSAKA],
  operatorToken: TOKEN,
  pollIntervalMs: 200,
  mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '200' },
  ledgerEnv: { AIKI_BLOCK_INTERVAL_MS: '50' },
  genesis: { kyoto: funds(1_000_000, treasury.kyoto!), osaka: funds(1_000_000, treasury.osaka!) },
});
afterAll(() => events?.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `aiki …` as installed: node cli/bin.js, which runs the compiled CLI. */
function aiki(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env, AIKI_URL: fed.cluster.gateway.url, AIKI_OPERATOR_TOKEN: TOKEN, MONGODB_URI: mongoUri(), ...env };
  for (const [k, v] of Object.entries(base)) if (v === undefined) delete base[k];
  return new Promise((r) =>
    execFile(process.execPath, [join(ROOT, 'cli/bin.js'), ...args], { cwd: dir, env: base, timeout: 120_000 }, (err, stdout, stderr) =>
      r({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    ),
  );
}

/** Runs with --json and returns the one JSON document it printed (exit 0 required). */
async function json(args: string[], env: Record<string, string | undefined> = {}): Promise<any> {
  const r = await aiki([...args, '--json'], env);
  expect(r.code, `aiki ${args.join(' ')} --json\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

/** The leaf commands, read from `--help` as a user would find them. */
async function commands(path: string[] = []): Promise<string[]> {
  const help = (await aiki([...path, '--help'])).stdout;
  const section = help.split(/\n(?=\S)/).find((s) => s.startsWith('Commands:'));
  if (!section) return [path.join(' ')];
  const names = section
    .split('\n')
    .slice(1)
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
  return (await Promise.all(names.map((n) => commands([...path, n])))).flat();
}

const proposalId = (out: { id: string }) => out.id;

describe('aiki', () => {
  it('exits 2 for a wrong command line, saying what is wrong on stderr, and asks no server', async () => {
    const key = join(dir, 'none.key');
    const wrong: Array<[string[], RegExp, Record<string, string>?]> = [
      [[], /Usage: aiki/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['account'], /missing required argument 'address'/],
      [['account', 'kyoto:00', '--bogus'], /unknown option '--bogus'/],
      [['transfer', '--to', 'kyoto:00', '--amount', '1'], /required option '--key <file>' not specified/],
      [['vote', '1', 'maybe', '--municipality', 'kyoto', '--key', key], /'maybe' is invalid .* expected yes, no, abstain or veto/],
      [['trace', 'kyoto:00', '--depth', '9'], /expected 0–5/],
      [['transfer', '--key', key, '--to', 'kyoto:00', '--amount', '1', '--nonce', '0'], /expected a positive integer/],
      [['audit', 'kyoto', '--page', '0'], /expected a positive integer/],
      [['verify'], /give a transaction id/],
      [['parameters', 'propose', 'quorum'], /expected name=value, got quorum/],
      [['backup', '--out', join(dir, 'x.aiki')], /name a municipality or give --mainchain/],
      [['--gateway', 'not-a-url', 'parameters'], /'--gateway <url>' argument 'not-a-url' is invalid/],
      [['parameters'], /from env 'AIKI_URL' is invalid/, { AIKI_URL: 'ftp://x' }],
    ];
    for (const [args, message, env] of wrong) {
      // The counting server as the gateway, unless the test is of AIKI_URL itself (--gateway would win over it).
      const r = await aiki(env ? args : ['--gateway', counterUrl, ...args], env);
      expect(r.code, `aiki ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(counted, 'requests a usage error sent').toBe(0);
  });

  it('exits 0 for --help and --version, which prints the package version', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    for (const args of [['--version'], ['-V']]) expect(await aiki(args)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    for (const args of [['--help'], ['help', 'vote'], ['vote', '--help']]) {
      const r = await aiki(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: aiki/);
    }
    // Global options are listed with each command's.
    expect((await aiki(['municipality', 'list', '--help'])).stdout).toMatch(/Global Options:[\s\S]*--gateway <url>[\s\S]*--json/);
  });

  it('exits 1 for a failure, with the reason on stderr and nothing on stdout', async () => {
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, '{"secretKey": "not hex"}');
    const bare = join(dir, 'bare.key');
    writeFileSync(bare, `${fed.cluster.keys.sequencer('kyoto')}\n`);
    const mismatched = join(dir, 'mismatched.key');
    const w = wallet('kyoto');
    writeFileSync(mismatched, JSON.stringify({ address: w.address, publicKey: '11'.repeat(32), secretKey: bytesToHex(w.secretKey) }));
    const failures: Array<[string[], RegExp, Record<string, string | undefined>?]> = [
      [['--gateway', 'http://127.0.0.1:1/graphql', 'municipality', 'list'], /http:\/\/127\.0\.0\.1:1\/graphql did not answer/],
      [['account', 'nowhere'], /^BAD_ADDRESS|^BAD_USER_INPUT/m],
      [['tx', 'show', `kyoto:${'00'.repeat(32)}`], /TRANSACTION_NOT_FOUND|no transaction kyoto:0{64}/],
      [['proposal', 'show', '999'], /no proposal 999/],
      [['operator', 'revoke', 'nobody'], /no operator token nobody/],
      [['municipality', 'suspend', 'osaka', '--reason', 'r'], /UNAUTHENTICATED/, { AIKI_OPERATOR_TOKEN: undefined }],
      [['transfer', '--key', join(dir, 'missing.key'), '--to', treasury.osaka!.address, '--amount', '1'], /cannot read the key file .*missing\.key: ENOENT/],
      [['transfer', '--key', bad, '--to', treasury.osaka!.address, '--amount', '1'], /bad\.key is not a key file .*aiki key new.*64 hex characters/],
      [['transfer', '--key', mismatched, '--to', treasury.osaka!.address, '--amount', '1'], /mismatched\.key: the public key does not match the secret key/],
      [['transfer', '--key', bare, '--to', treasury.osaka!.address, '--amount', '1'], /bare\.key holds a bare secret key, which names no account/],
      [['vote', '1', 'yes', '--municipality', 'kyoto', '--key', join(dir, 'missing.key')], /cannot read the key file .*missing\.key/],
      [['restore', '--in', join(dir, 'missing.aiki')], /missing\.aiki does not exist/],
    ];
    for (const [args, message, env] of failures) {
      const r = await aiki(args, env);
      expect(r.code, `aiki ${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('prints one JSON document with --json, for every command', async () => {
    const seen = new Set<string>();
    const run = async (command: string, args: string[], env?: Record<string, string | undefined>) => {
      seen.add(command);
      return json([...command.split(' '), ...args], env);
    };
    const treasuryFile = join(dir, 'treasury.key');
    writeFileSync(
      treasuryFile,
      JSON.stringify({ address: treasury.kyoto!.address, publicKey: bytesToHex(treasury.kyoto!.publicKey), secretKey: bytesToHex(treasury.kyoto!.secretKey) }),
    );

    const alice = await run('key new', ['--municipality', 'kyoto', '--out', join(dir, 'alice.key')]);
    expect(alice).toEqual({ address: expect.stringMatching(/^kyoto:[0-9a-f]{64}$/), publicKey: alice.address.slice(6), file: join(dir, 'alice.key') });
    const bob = (await json(['key', 'new', '--municipality', 'osaka', '--out', join(dir, 'bob.key')])).address as string;

    const pending = await run('transfer', ['--key', treasuryFile, '--to', alice.address, '--amount', '500']);
    expect(pending).toEqual({ id: expect.stringMatching(/^kyoto:[0-9a-f]{64}$/), status: expect.any(String) });
    const funded = await json(['transfer', '--key', treasuryFile, '--to', alice.address, '--amount', '500', '--wait']);
    expect(funded).toMatchObject({ status: 'CONFIRMED', verified: true, block: { height: expect.any(Number) } });
    expect(funded.checks.length).toBeGreaterThan(0);
    const across = await json(['transfer', '--key', join(dir, 'alice.key'), '--to', bob, '--amount', '300', '--wait']);

    expect(await run('tx show', [across.id])).toMatchObject({ id: across.id, status: 'CONFIRMED', to: bob, amount: '300' });
    expect(await json(['tx', 'show', across.id, '--verify'])).toMatchObject({ transaction: { id: across.id }, verified: true });
    expect(await run('account', [alice.address])).toMatchObject({ id: alice.address, balance: '700', nonce: 1 });

    await eventually(
      async () =>
        (
          (await gql(fed.cluster.gateway.url, 'query($id: String!) { settlement(id: $id) { status steps { inclusion { index } } } }', { id: across.id })).data
            ?.settlement as { status: string; steps: Array<{ inclusion: unknown }> } | null
        )?.status === 'CREDITED' || undefined,
      60_000,
      'the credit at osaka',
    );
    await eventually(
      async () =>
        (
          (await gql(fed.cluster.gateway.url, 'query($id: String!) { settlement(id: $id) { steps { inclusion { index } } } }', { id: across.id })).data
            ?.settlement as { steps: Array<{ inclusion: unknown }> }
        ).steps.every((s) => s.inclusion) || undefined,
      60_000,
      'every step sealed',
    );
    const trace = await run('trace', [across.id]);
    expect(trace.trace.hops[0].settlement).toMatchObject({ source: 'kyoto', destination: 'osaka', status: 'CREDITED' });
    const verified = await run('verify', [across.id]);
    expect(verified).toMatchObject({ transactionId: across.id, hops: 1, verified: true, mainchainKey: trace.mainChain.sequencer });
    writeFileSync(join(dir, 'trace.json'), JSON.stringify(trace));
    expect(await json(['verify', '--trace', join(dir, 'trace.json'), '--mainchain-key', trace.mainChain.sequencer])).toMatchObject({ verified: true });
    // A failed check: exit 1, and the document still says which.
    trace.trace.hops[0].transfer.amount = '301';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(trace));
    const tampered = await aiki(['verify', '--trace', join(dir, 'tampered.json'), '--json']);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ verified: false });

    const audited = await eventually(
      async () => {
        const a = await run('audit', ['kyoto']);
        return a.to >= 2 ? a : undefined;
      },
      60_000,
      'kyoto anchored',
    );
    expect(audited).toMatchObject({
      chain: 'kyoto',
      from: 0,
      verified: true,
      failure: null,
      checks: { 'sequencer signature': { failed: 0 }, anchor: { failed: 0 } },
    });
    expect(await json(['audit', '--mainchain'])).toMatchObject({ chain: 'main', from: 0, verified: true, failure: null });

    expect((await run('municipality list', [])).map((m: { code: string }) => m.code)).toEqual(['kyoto', 'osaka']);
    expect(await run('municipality register', ['--code', 'kyoto', '--name', 'Kyoto', '--endpoint', fed.cluster.ledgers.get('kyoto')!.url])).toEqual({
      code: 'kyoto',
      registered: false,
      reason: 'MUNICIPALITY_EXISTS',
    });
    expect(await run('parameters show', [])).toMatchObject({ quorum: expect.any(String), threshold: expect.any(String) });
    expect(await run('subgraph list', [])).toEqual([]);

    // An extension to register, and remove: its proposal passes with both members' votes.
    events = await spawnService('events', 'events', {
      env: { MONGODB_URI: mongoUri(), AIKI_DB_NAME: `${fed.prefix}_events`, AIKI_PORT: '0', AIKI_EVENTS_SEED: '[]' },
    });
    // The global --gateway and the older --url before the command; the command's own --url after it.
    const registered = await json(['--url', fed.cluster.gateway.url, 'subgraph', 'register', '--name', 'events', '--url', events.url]);
    seen.add('subgraph register');
    expect(registered).toMatchObject({ status: 'VOTING', action: { kind: 'REGISTER_SUBGRAPH', subgraph: 'events' } });
    const shown = await run('proposal show', [proposalId(registered)]);
    expect(JSON.parse(shown.action.json)).toMatchObject({ name: 'events', url: events.url });
    // Votes: kyoto's with npm start's kind of key file (bare hex), osaka's with aiki key new's (JSON).
    const kyotoKey = join(dir, 'kyoto-sequencer.key');
    writeFileSync(kyotoKey, `${fed.cluster.keys.sequencer('kyoto')}\n`, { mode: 0o600 });
    expect(await run('vote', [registered.id, 'yes', '--municipality', 'kyoto', '--key', kyotoKey])).toMatchObject({
      proposal: registered.id,
      municipality: 'kyoto',
      option: 'YES',
      tally: { yes: 1 },
    });
    const osakaKey = join(dir, 'osaka.key');
    const { publicKeyOf, hexToBytes } = await import('../core/index.ts');
    const osakaSecret = fed.cluster.keys.sequencer('osaka');
    writeFileSync(
      osakaKey,
      JSON.stringify({
        address: `osaka:${bytesToHex(publicKeyOf(hexToBytes(osakaSecret)))}`,
        publicKey: bytesToHex(publicKeyOf(hexToBytes(osakaSecret))),
        secretKey: osakaSecret,
      }),
    );
    await json(['vote', registered.id, 'yes', '--municipality', 'osaka', '--key', osakaKey]);
    await eventually(async () => ((await json(['subgraph', 'list'])) as unknown[]).length === 1 || undefined, 60_000, 'events registered');
    expect((await run('proposal list', ['--status', 'PASSED'])).map((p: { id: string }) => p.id)).toContain(registered.id);
    const proposalVerified = await eventually(
      async () => {
        const r = await aiki(['proposal', 'verify', registered.id, '--json']);
        return r.code === 0 ? JSON.parse(r.stdout) : undefined;
      },
      30_000,
      'the votes sealed',
    );
    seen.add('proposal verify');
    expect(proposalVerified).toMatchObject({ proposal: registered.id, status: 'PASSED', votes: 2, verified: true });

    for (const [command, args, kind] of [
      ['subgraph remove', ['events'], 'REMOVE_SUBGRAPH'],
      ['municipality propose', ['--code', 'kobe', '--name', 'Kobe', '--endpoint', 'http://127.0.0.1:1/graphql'], 'REGISTER_MUNICIPALITY'],
      ['parameters propose', ['quorum=0.4'], 'CHANGE_PARAMETERS'],
    ] as const) {
      expect(await run(command, [...args]), command).toMatchObject({ id: expect.any(String), status: 'VOTING', action: { kind }, tally: { pending: 2 } });
    }
    // Only a suspended member can be resumed: osaka is suspended first, by both votes.
    const suspend = await run('municipality suspend', ['osaka', '--reason', 'test']);
    expect(suspend).toMatchObject({ status: 'VOTING', action: { kind: 'SUSPEND_MUNICIPALITY', municipality: 'osaka' } });
    await json(['vote', suspend.id, 'yes', '--municipality', 'kyoto', '--key', kyotoKey]);
    await json(['vote', suspend.id, 'yes', '--municipality', 'osaka', '--key', osakaKey]);
    await eventually(
      async () => (await json(['municipality', 'list'])).find((m: { code: string }) => m.code === 'osaka').status === 'SUSPENDED' || undefined,
      60_000,
      'osaka suspended',
    );
    expect(await run('municipality resume', ['osaka'])).toMatchObject({ status: 'VOTING', action: { kind: 'RESUME_MUNICIPALITY', municipality: 'osaka' } });

    const minted = await run('operator add', ['carol']);
    expect(minted).toEqual({ name: 'carol', id: expect.any(String), token: expect.any(String) });
    expect(await run('operator revoke', [minted.id])).toEqual({ id: minted.id, revoked: true });

    const archive = join(dir, 'kyoto.aiki');
    const backup = await run('backup', ['kyoto', '--out', archive, '--db', `${fed.prefix}_ledger_kyoto`]);
    expect(backup).toMatchObject({
      chain: 'ledger',
      municipality: 'kyoto',
      head: { height: expect.any(Number) },
      archive: { file: archive, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(await run('restore', ['--in', archive, '--db', `${fed.prefix}_restored_kyoto`])).toMatchObject({
      chain: 'ledger',
      municipality: 'kyoto',
      database: `${fed.prefix}_restored_kyoto`,
      head: backup.head,
    });

    // Every command the CLI lists has been run with --json here.
    expect([...seen].sort()).toEqual((await commands()).sort());
  }, 600_000);
});
