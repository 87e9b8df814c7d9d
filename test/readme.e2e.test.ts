/**
 * README.md stays true: every command in its `sh` code blocks is run here as written, in the order a
 * reader would run them, against a federation started by `npm start` (the first command), in a
 * project folder of its own — a temporary folder linking to this repository's files — so that
 * `.data/`, `alice.key` and `trace.json` are the README's relative paths and not this checkout's.
 *
 * A command is run by bash exactly as README.md has it, with three changes and nothing else:
 *  - the federation's ports are moved by one offset (4000 → BASE, 4001 → BASE + 1, …), so that it
 *    does not clash with one already running here; `npm start` is given AIKI_GATEWAY_PORT and
 *    the CLI AIKI_URL, the README's own ways to move them;
 *  - a placeholder (`<alice's address>`, `kyoto:<txid>`, `<hex>`, `<id>`) is filled with the value
 *    an earlier command printed, as a reader fills it; the list is in {@link STEPS};
 *  - an optional part (`[--wait]`) is run with, without, or both, as each step says.
 * The list of steps and README.md's commands must be the same set: a command added to or
 * changed in the README without a step here fails this test, as does a step the README lost.
 * The few commands not run (npm ci, npm test, docker compose up) say why, and each is checked
 * another way.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, publicKeyOf } from '../core/index.ts';
import { eventually, gql, mongoUri } from './support/helpers.ts';
import { readmeCommands } from './support/readme.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BASE = 20_000 + Math.floor(Math.random() * 20_000);
const GATEWAY = `http://127.0.0.1:${BASE}/graphql`;
const run = promisify(execFile);

/** The README's ports, moved by one offset. */
const PORTS = [4000, 4001, 4100, 4101, 4102, 4103, 4104, 4200];
const movePorts = (command: string) => command.replace(/\b(4\d{3})\b/g, (m) => (PORTS.includes(Number(m)) ? String(BASE + Number(m) - 4000) : m));

/** `[optional parts]` kept ('all') or dropped ('none'); brackets in quotes or `$(…)` are not options. */
function form(command: string, which: 'all' | 'none'): string {
  return command.replace(/ \[(--[^\]]+)\]/g, (_, inner: string) => (which === 'all' ? ` ${inner}` : ''));
}

// ---------------------------------------------------------------------------------------------
// the project folder and the shell

let project = '';
let gatewayUp = false;
const background: ChildProcess[] = [];
/** What `export` lines of each README block set, in the order they were run: a block is one shell session. */
const preludes = new Map<number, string[]>();

function env(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  // A reader's shell: none of this test run's settings (the suite's database, the federation's secret).
  for (const [k, v] of Object.entries(process.env)) if (!/^(AIKI_|OTEL_|MONGODB_URI$|VITEST|NODE_OPTIONS$)/.test(k)) clean[k] = v;
  return { ...clean, AIKI_GATEWAY_PORT: String(BASE), AIKI_URL: GATEWAY, FORCE_COLOR: '0', NO_COLOR: '1' };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function script(command: string, block: number): string {
  return ['set -e', ...(preludes.get(block) ?? []), command].join('\n');
}

/** Runs one command to its end in the project folder. */
function sh(command: string, block: number): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', ['-c', script(command, block)], { cwd: project, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts a command that keeps running (a server), as in a terminal of its own; stopped after the test. */
async function shInBackground(command: string, block: number, ready: (output: string) => Promise<boolean>): Promise<ChildProcess> {
  const child = spawn('bash', ['-c', script(command, block)], { cwd: project, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  background.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}:\n${output}`);
      return (await ready(output)) ? true : undefined;
    },
    240_000,
    `${command} to be up`,
  ).catch(async (err: Error) => {
    if (child.exitCode !== null) await exited;
    throw new Error(`${err.message}\n${output.slice(-4000)}`);
  });
  return child;
}

const answers = async (port: number) =>
  fetch(`http://127.0.0.1:${port}/health`).then(
    (r) => r.ok,
    () => false,
  );

/** stdout of `npm run …` without npm's own header lines (`> aiki-federation@… aiki`). */
const npmOutput = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => !l.startsWith('> '))
    .join('\n')
    .trim();
const lastLine = (stdout: string) => npmOutput(stdout).split('\n').at(-1)!.trim();
const jsonOf = (stdout: string) => JSON.parse(npmOutput(stdout)) as any;
const dataDir = () => join(project, '.data');
const publicKeyIn = (file: string) => bytesToHex(publicKeyOf(hexToBytes(readFileSync(join(dataDir(), 'keys', file), 'utf8').trim())));

// ---------------------------------------------------------------------------------------------
// the steps: every README command, in the order they are run

/** Values earlier commands printed, for the placeholders of later ones. */
const seen: Record<string, string> = {};

interface Step {
  /** The command as README.md has it (continuation lines joined, comment dropped). */
  readme: string;
  /** The forms run: with every `[optional part]`, without, or both in this order. Default: with. */
  forms?: Array<'all' | 'none'>;
  /** Placeholder → value, filled when the step runs. */
  fill?: () => Record<string, string>;
  /** Part of the command run, and why the rest is not (`npm ci && npm start`). */
  part?: { run: string; why: string };
  /** A server: started in the background, then `ready` is waited for. */
  server?: (output: string) => Promise<boolean>;
  /** An `export` line: it joins its block's shell session for the commands after it. */
  exports?: true;
  /** Not run here: why, and the check made instead. */
  notRun?: { why: string; check: () => Promise<void> | void };
  /** What its output must show (each form); a step without one must exit 0. */
  check?: (r: Result, form: 'all' | 'none') => void | Promise<void>;
  /** Run again until `check` passes (what it shows comes about a little later): at most this many ms. */
  retryMs?: number;
  /** What the next step needs done first (not a README command). */
  then?: () => Promise<void>;
}

const ok = (r: Result) => expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
/** The CLI printed its proof checks (cli/aiki.ts `printChecks`): at least one `ok`, no `FAIL`. */
const proofChecked = (r: Result) => {
  expect(r.stdout).toMatch(/^ok {3}\S/m);
  expect(r.stdout).not.toMatch(/^FAIL/m);
};
const vote = (proposal: number, code: string, passes: boolean): Step => ({
  readme: `npm run aiki -- vote ${proposal} yes --municipality ${code} --key .data/keys/${code}-sequencer.key`,
  check: (r) => {
    ok(r);
    // The deciding vote: the proposal is carried out (the new member probed) just after it; the step after checks the outcome.
    expect(lastLine(r.stdout)).toMatch(new RegExp(`^${code} voted YES on proposal ${proposal}: now ${passes ? '(VOTING|PASSED)' : 'VOTING'}`));
  },
});
/** `aiki key new`: the key file is its holder's alone (0600); the address it prints is kept as `seen[holder]`. */
const newKey = (municipality: string, holder: string): Step => ({
  readme: `npm run aiki -- key new --municipality ${municipality} --out ${holder}.key`,
  check: (r) => {
    ok(r);
    seen[holder] = lastLine(r.stdout);
    expect(seen[holder]).toMatch(new RegExp(`^${municipality}:[0-9a-f]{64}$`));
    expect(statSync(join(project, `${holder}.key`)).mode & 0o777).toBe(0o600);
  },
});

/** `aiki account` on alice's address (the README's `placeholder` for it): her balance and nonce. */
const aliceAccount = (readme: string, placeholder: string, balance: string, nonce: number): Step => ({
  readme,
  fill: () => ({ [placeholder]: seen.alice! }),
  check: (r) => {
    ok(r);
    expect(jsonOf(r.stdout)).toMatchObject({ id: seen.alice, balance, nonce });
  },
});

const STEPS: Step[] = [
  // Quick start
  {
    readme: 'npm ci && npm start',
    part: { run: 'npm start', why: 'npm ci reinstalls node_modules under the running suite; .ci/run runs it on a clean clone' },
    server: async (output) => output.includes('Aiki federation is up.'),
  },
  {
    readme: 'npm test',
    notRun: {
      why: 'this test is part of it; .ci/run runs it',
      check: () => expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test\b/m),
    },
  },
  {
    readme: `curl -s http://127.0.0.1:4000/graphql -H 'content-type: application/json' -d '{"query":"{ municipalities { code name chain { height headHash } } }"}'`,
    check: (r) => {
      ok(r);
      expect(JSON.parse(r.stdout).data.municipalities.map((m: { code: string }) => m.code)).toEqual(['kyoto', 'osaka', 'nara']);
    },
  },
  newKey('kyoto', 'alice'),
  {
    readme: "npm run aiki -- transfer --key .data/keys/kyoto-treasury.key --to <alice's address> --amount 1000 --wait",
    fill: () => ({ "<alice's address>": seen.alice! }),
    check: (r) => {
      ok(r);
      expect(r.stdout).toMatch(/CONFIRMED in block \d+/);
      proofChecked(r);
    },
  },
  aliceAccount("npm run aiki -- account <alice's address>", "<alice's address>", '1000', 0),
  // The aiki CLI: reads
  {
    readme: 'npm run aiki -- --version',
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    },
  },
  newKey('osaka', 'bob'),
  {
    readme: 'npm run aiki -- transfer --key alice.key --to osaka:<hex> --amount 25 [--memo text] [--nonce n] [--wait]',
    // Without the options first: alice's first transfer takes nonce 1 by itself; then nonce 2 given.
    forms: ['none', 'all'],
    fill: () => ({ 'osaka:<hex>': seen.bob!, '--nonce n': '--nonce 2' }),
    check: (r, f) => {
      ok(r);
      const id = npmOutput(r.stdout).split(/\s/)[0]!;
      expect(id).toMatch(/^kyoto:[0-9a-f]{64}$/);
      if (f === 'all') {
        seen.txid = id;
        expect(r.stdout).toMatch(/CONFIRMED in block \d+/);
        proofChecked(r);
      }
    },
  },
  {
    readme: 'npm run aiki -- tx show kyoto:<txid> [--verify]',
    forms: ['none', 'all'],
    fill: () => ({ 'kyoto:<txid>': seen.txid! }),
    check: (r, f) => {
      ok(r);
      if (f === 'none') expect(jsonOf(r.stdout)).toMatchObject({ id: seen.txid, status: 'CONFIRMED', memo: 'text', nonce: 2, to: seen.bob });
      else proofChecked(r);
    },
  },
  // 1000 − 25 − 25: nonce 2 is confirmed, so nonce 1 was before it.
  aliceAccount('npm run aiki -- account kyoto:<hex>', 'kyoto:<hex>', '950', 2),
  {
    readme: 'npm run -s aiki -- trace kyoto:<txid> [--depth 3] > trace.json',
    forms: ['none', 'all'],
    fill: () => ({ 'kyoto:<txid>': seen.txid! }),
    check: (r) => {
      ok(r);
      const trace = JSON.parse(readFileSync(join(project, 'trace.json'), 'utf8'));
      expect(trace.trace.hops[0].settlement).toMatchObject({ source: 'kyoto', destination: 'osaka', status: 'CREDITED' });
    },
  },
  {
    readme: 'npm run aiki -- verify kyoto:<txid> [--mainchain-key <hex>]',
    forms: ['none', 'all'],
    fill: () => ({ 'kyoto:<txid>': seen.txid!, '<hex>': seen.mainchainKey! }),
    check: (r) => {
      ok(r);
      expect(r.stdout).toMatch(/^verified: 1 hop\(s\)/m);
    },
  },
  {
    readme: 'npm run aiki -- verify --trace trace.json --mainchain-key <hex>',
    fill: () => ({ '<hex>': seen.mainchainKey! }),
    check: (r) => {
      ok(r);
      expect(r.stdout).toMatch(/^verified: 1 hop\(s\)/m);
    },
  },
  {
    readme: 'npm run aiki -- municipality list [--json]',
    forms: ['none', 'all'],
    check: (r, f) => {
      ok(r);
      if (f === 'none') expect(npmOutput(r.stdout)).toMatch(/^kyoto\s+ACTIVE\s+height \d+/m);
      else expect(jsonOf(r.stdout).map((m: { code: string }) => m.code)).toEqual(['kyoto', 'osaka', 'nara']);
    },
  },
  {
    readme: 'npm run aiki -- parameters',
    check: (r) => {
      ok(r);
      expect(jsonOf(r.stdout)).toMatchObject({ quorum: '0.334', threshold: '0.5' });
    },
  },
  // The aiki CLI: operators
  {
    readme: 'export AIKI_OPERATOR_TOKEN=$(cat .data/operator-token)',
    exports: true,
  },
  {
    readme: 'npm run aiki -- municipality register --code kyoto --name Kyoto --endpoint http://127.0.0.1:4101/graphql',
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toBe('kyoto is already registered');
    },
  },
  // One more municipality by hand
  {
    readme: 'AIKI_MUNICIPALITY=kobe AIKI_PORT=4104 npx tsx --env-file=.data/federation.env subgraphs/ledger/main.ts',
    server: () => answers(BASE + 104),
  },
  {
    readme: 'npm run aiki -- municipality propose --code kobe --name Kobe --endpoint http://127.0.0.1:4104/graphql [--governance-key <hex>]',
    // Its governance key is its sequencer key, the one it made in .data/keys/ (the default, named).
    fill: () => ({ '<hex>': publicKeyIn('kobe-sequencer.key') }),
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toMatch(/^proposal 1 VOTING until /);
    },
  },
  vote(1, 'kyoto', false),
  vote(1, 'osaka', true),
  newKey('kobe', 'carol'),
  {
    readme: 'npm run aiki -- transfer --key .data/keys/kyoto-treasury.key --to kobe:<hex> --amount 100 --wait',
    fill: () => ({ 'kobe:<hex>': seen.carol! }),
    // The gateway admits kobe within its long poll: until then a transfer to kobe is refused.
    retryMs: 60_000,
    check: (r) => {
      ok(r);
      expect(r.stdout).toMatch(/CONFIRMED in block \d+/);
    },
  },
  {
    readme: `curl -s http://127.0.0.1:4000/graphql -H 'content-type: application/json' -d '{"query":"{ municipality(code: \\"kobe\\") { status anchoredHeight } account(address: \\"kobe:<hex>\\") { balance } }"}'`,
    fill: () => ({ 'kobe:<hex>': seen.carol! }),
    // Settled (the main chain's signed order to kobe), then sealed and anchored by kobe (its signed call to the main chain).
    retryMs: 120_000,
    check: (r) => {
      ok(r);
      const { data } = JSON.parse(r.stdout);
      expect(data.municipality.status).toBe('ACTIVE');
      expect(data.account.balance).toBe('100');
      expect(data.municipality.anchoredHeight).toBeGreaterThanOrEqual(1);
    },
  },
  {
    readme: 'npm run aiki -- proposal list [--status VOTING]',
    forms: ['none', 'all'],
    check: (r, f) => {
      ok(r);
      if (f === 'none')
        expect(npmOutput(r.stdout)).toMatch(/^ *1 PASSED\s+REGISTER_MUNICIPALITY\s+yes 2 no 0 abstain 0 veto 0 pending 1\s+Register Kobe \(kobe\)$/m);
      else expect(npmOutput(r.stdout)).toBe('');
    },
  },
  {
    readme: 'npm run aiki -- proposal show 1',
    check: (r) => {
      ok(r);
      expect(jsonOf(r.stdout)).toMatchObject({
        id: '1',
        status: 'PASSED',
        votes: [
          { municipality: 'kyoto', option: 'YES' },
          { municipality: 'osaka', option: 'YES' },
        ],
      });
    },
  },
  {
    readme: 'npm run aiki -- proposal verify 1 [--mainchain-key <hex>]',
    forms: ['none', 'all'],
    fill: () => ({ '<hex>': seen.mainchainKey! }),
    // The votes are verified once sealed in a main-chain block (every second).
    retryMs: 30_000,
    check: (r) => {
      ok(r);
      expect(r.stdout).toMatch(/^verified: proposal 1 PASSED, 2 vote\(s\)/m);
    },
  },
  // An extension subgraph
  {
    readme: `AIKI_PORT=4200 AIKI_EVENTS_SEED='[{"id":"k1","municipality":"kyoto","title":"Gion Matsuri","startsAt":"2027-07-01T00:00:00.000Z"}]' npx tsx --env-file=.data/federation.env subgraphs/events/main.ts`,
    server: () => answers(BASE + 200),
  },
  {
    readme: 'npm run aiki -- subgraph register --name events --url http://127.0.0.1:4200/graphql',
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toMatch(/^proposal 2 VOTING until /);
    },
  },
  vote(2, 'kyoto', false),
  vote(2, 'osaka', false),
  vote(2, 'nara', true),
  {
    readme: `curl -s http://127.0.0.1:4000/graphql -H 'content-type: application/json' -d '{"query":"{ municipality(code: \\"kyoto\\") { name chain { height } events { title startsAt } } }"}'`,
    // The gateway recomposes when the registry's long poll tells it.
    retryMs: 60_000,
    check: (r) => {
      ok(r);
      const reply = JSON.parse(r.stdout);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.municipality.events).toEqual([{ title: 'Gion Matsuri', startsAt: '2027-07-01T00:00:00.000Z' }]);
    },
  },
  {
    readme: 'npm run aiki -- subgraph list',
    check: (r) => {
      ok(r);
      expect(npmOutput(r.stdout)).toMatch(new RegExp(`^events\\s+http://127\\.0\\.0\\.1:${BASE + 200}/graphql\\s+registered \\S+ by proposal 2$`, 'm'));
    },
  },
  // The rest of the operator commands: each a proposal (left to its vote, but the suspension: only a suspended member is resumed)
  ...[['npm run aiki -- municipality suspend nara --reason "…"', 3]].map(([readme, id]): Step => ({
    readme: readme as string,
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toMatch(new RegExp(`^proposal ${id} VOTING until `));
    },
    then: async () => {
      // Three of the four members pass it (with the CLI, as above).
      for (const code of ['kyoto', 'osaka', 'kobe'])
        ok(await sh(`npm run aiki -- vote 3 yes --municipality ${code} --key .data/keys/${code}-sequencer.key`, 0));
      await eventually(
        async () => ((await gql(GATEWAY, '{ municipality(code: "nara") { status } }')).data?.municipality?.status === 'SUSPENDED' ? true : undefined),
        60_000,
        'nara suspended',
      );
    },
  })),
  ...[
    ['npm run aiki -- municipality resume nara', 4],
    ['npm run aiki -- subgraph remove events', 5],
    ['npm run aiki -- parameters propose votingPeriodMs=86400000 quorum=0.4', 6],
  ].map(([readme, id]): Step => ({
    readme: readme as string,
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toMatch(new RegExp(`^proposal ${id} VOTING until `));
    },
  })),
  {
    readme: 'npm run aiki -- operator add alice',
    check: (r) => {
      ok(r);
      const [first, token] = npmOutput(r.stdout).split('\n');
      seen.operator = /^operator alice: id (\S+)$/.exec(first!)![1]!;
      expect(token).toMatch(/^\S{20,}$/);
    },
  },
  {
    readme: 'npm run aiki -- operator revoke <id>',
    fill: () => ({ '<id>': seen.operator! }),
    check: (r) => {
      ok(r);
      expect(lastLine(r.stdout)).toBe(`revoked ${seen.operator}`);
    },
  },
  // Backups, from npm start's database
  { readme: 'set -a && . .data/federation.env && set +a', exports: true },
  {
    readme: 'npm run aiki -- backup kyoto --out kyoto.aiki.gz [--follow]',
    // --follow runs until Ctrl-C: test/backup.e2e.test.ts follows a chain under load and stops it.
    forms: ['none'],
    check: (r) => {
      ok(r);
      expect(npmOutput(r.stdout)).toMatch(/^backed up kyoto: blocks 0–\d+/m);
      expect(statSync(join(project, 'kyoto.aiki.gz')).size).toBeGreaterThan(0);
    },
  },
  {
    readme: 'npm run aiki -- backup --mainchain --out mainchain.aiki.gz',
    check: (r) => {
      ok(r);
      expect(npmOutput(r.stdout)).toMatch(/^backed up the main chain: blocks 0–\d+/m);
    },
  },
  {
    readme: 'npm run aiki -- restore --in kyoto.aiki.gz --check-anchors --db aiki_restored_kyoto',
    check: (r) => {
      ok(r);
      expect(npmOutput(r.stdout)).toMatch(/^verified kyoto: blocks 0–\d+ .*, \d+ checked against their anchors/m);
      expect(npmOutput(r.stdout)).toMatch(/^restored kyoto into aiki_restored_kyoto: /m);
    },
  },
  // Running against real MongoDB replica sets: the command with the suite's database for the replica set
  {
    readme:
      "MONGODB_URI='mongodb://user:pass@m1:27017,m2:27017,m3:27017/?replicaSet=rs-kyoto&authSource=admin&w=majority&journal=true' AIKI_MUNICIPALITY=kyoto AIKI_PORT=4100 node dist/subgraphs/ledger/main.js",
    fill: () => ({ 'mongodb://user:pass@m1:27017,m2:27017,m3:27017/?replicaSet=rs-kyoto&authSource=admin&w=majority&journal=true': mongoUri() }),
    server: () => answers(BASE + 100),
  },
  // docker-compose: the environment it needs, made as the README makes it
  { readme: 'export AIKI_MONGO_ROOT_PASSWORD=$(openssl rand -hex 16) AIKI_MONGO_BACKUP_PASSWORD=$(openssl rand -hex 16)', exports: true },
  {
    readme:
      'export AIKI_MONGO_MAINCHAIN_PASSWORD=$(openssl rand -hex 16) AIKI_MONGO_KYOTO_PASSWORD=$(openssl rand -hex 16) AIKI_MONGO_OSAKA_PASSWORD=$(openssl rand -hex 16)',
    exports: true,
  },
  { readme: 'export AIKI_OPERATOR_TOKEN=$(openssl rand -hex 16) AIKI_SUBGRAPH_SECRET=$(openssl rand -hex 32)', exports: true },
  { readme: 'export AIKI_KYOTO_SEQUENCER_KEY=$(openssl rand -hex 32) AIKI_OSAKA_SEQUENCER_KEY=$(openssl rand -hex 32)', exports: true },
  newKey('main', 'main'),
  {
    readme: `export AIKI_MAINCHAIN_KEY=$(node -p 'JSON.parse(fs.readFileSync("main.key")).secretKey') AIKI_MAINCHAIN_PUBLIC_KEY=$(node -p 'JSON.parse(fs.readFileSync("main.key")).publicKey')`,
    exports: true,
  },
  {
    readme: 'docker compose up --build',
    notRun: {
      why: 'builds images and runs replica sets: not in a test; .ci/run validates docker-compose.yml with docker-compose config',
      // Every variable docker-compose.yml requires (`${NAME:?…}`) is set by the README's lines above.
      check: async () => {
        const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
        const required = [...new Set([...compose.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!))];
        expect(required.length).toBeGreaterThan(0);
        const block = blockOf('docker compose up --build');
        const r = await sh('env', block);
        ok(r);
        const set = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        for (const name of required) expect(set.get(name) ?? '', `${name}, which docker-compose.yml requires`).toMatch(/^\S+$/);
        expect(set.get('AIKI_MAINCHAIN_PUBLIC_KEY')).toMatch(/^[0-9a-f]{64}$/);
      },
    },
  },
];

let blocks: Map<string, number>;
const blockOf = (command: string) => blocks.get(command)!;

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'aiki-readme-'));
  for (const name of readdirSync(ROOT)) if (!['.data', '.git'].includes(name)) symlinkSync(join(ROOT, name), join(project, name));
  // dist/ may not exist yet (CI deletes it): the link points to where it will be.
  if (!existsSync(join(project, 'dist'))) symlinkSync(join(ROOT, 'dist'), join(project, 'dist'));
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  // `node dist/subgraphs/ledger/main.js`, the README's production command, runs the build.
  await run('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, timeout: 600_000 });
}, 660_000);

afterAll(async () => {
  // Ctrl-C in each terminal, then whatever is left killed.
  for (const child of background.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(-child.pid!, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  // The production command's ledger wrote to the suite's database under its default name.
  const client = new MongoClient(mongoUri());
  await client
    .db('aiki_ledger_kyoto')
    .dropDatabase()
    .finally(() => client.close());
  if (project) rmSync(project, { recursive: true, force: true });
}, 120_000);

describe('README.md', () => {
  it('has a step here for every command in its sh blocks, and no step for a command it does not have', () => {
    const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    blocks = new Map();
    for (const { block, command } of commands) if (!blocks.has(command)) blocks.set(command, block);
    expect(STEPS.map((s) => s.readme).sort()).toEqual([...blocks.keys()].sort());
  });

  it('runs every command as written, against a federation started by npm start', async () => {
    expect(blocks, 'the first test reads README.md').toBeDefined();
    for (const step of STEPS) {
      const block = blockOf(step.readme);
      if (step.notRun) {
        await step.notRun.check();
        continue;
      }
      if (step.exports) {
        const r = await sh(step.readme, block);
        ok(r);
        preludes.set(block, [...(preludes.get(block) ?? []), step.readme]);
        continue;
      }
      for (const f of step.forms ?? ['all']) {
        let command = movePorts(step.part ? step.part.run : form(step.readme, f));
        if (step.part) expect(step.readme).toContain(step.part.run);
        for (const [placeholder, value] of Object.entries(step.fill?.() ?? {})) {
          expect(step.readme, `the placeholder ${placeholder}`).toContain(placeholder);
          command = command.replaceAll(placeholder, value);
        }
        expect(command, 'no placeholder left').not.toMatch(/<[^<>]*>/);
        if (step.server) {
          await shInBackground(command, block, step.server);
          if (!gatewayUp) await npmStartIsUp();
          continue;
        }
        const deadline = Date.now() + (step.retryMs ?? 0);
        for (;;) {
          const r = await sh(command, block);
          try {
            await (step.check ?? ok)(r, f);
            break;
          } catch (err) {
            if (Date.now() > deadline) throw new Error(`${command}\n${(err as Error).message}`, { cause: err });
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
        // The transfer across municipalities is traced once it is settled (the credit written at osaka, every step sealed).
        if (step.readme.startsWith('npm run aiki -- account kyoto:')) await settled(seen.txid!);
      }
      await step.then?.();
    }
  }, 1_500_000);
});

/** After `npm start`: what it wrote for one more service to join, and the main chain's key for the placeholders. */
async function npmStartIsUp(): Promise<void> {
  gatewayUp = true;
  const file = join(dataDir(), 'federation.env');
  expect(statSync(file).mode & 0o777, '.data/federation.env is readable by its owner only').toBe(0o600);
  const joinEnv = new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const { data } = await gql(GATEWAY, '{ mainChain { sequencer } }');
  seen.mainchainKey = data!.mainChain.sequencer;
  expect(joinEnv.get('AIKI_MAINCHAIN_PUBLIC_KEY')).toBe(seen.mainchainKey);
  expect(joinEnv.get('AIKI_MAINCHAIN_URL')).toBe(`http://127.0.0.1:${BASE + 1}/graphql`);
  expect(joinEnv.get('AIKI_SUBGRAPH_SECRET')).toBe(readFileSync(join(dataDir(), 'keys', 'subgraph-secret'), 'utf8').trim());
  expect(joinEnv.get('MONGODB_URI')).toMatch(/^mongodb:\/\//);
}

async function settled(id: string): Promise<void> {
  await eventually(
    async () => {
      const r = await gql(GATEWAY, 'query($id: String!) { settlement(id: $id) { status steps { inclusion { index } } } }', { id });
      const s = r.data?.settlement as { status: string; steps: Array<{ inclusion: unknown }> } | null;
      return s?.status === 'CREDITED' && s.steps.every((step) => step.inclusion) ? true : undefined;
    },
    60_000,
    `settlement ${id} CREDITED`,
  );
}
