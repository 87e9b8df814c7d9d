/**
 * README.md's table of commands stays true, as its `sh` blocks do (readme.e2e.test.ts): every command
 * the table names is either run here exactly as written, or run by `.ci/run` (which CI runs on a
 * clean clone), or says why it is not run and is checked another way. A command added to the table
 * without a rule here fails this test.
 *
 * `npm run format` and `npm run codegen` write files, so they run in a copy of the repository's
 * tracked files (node_modules linked): the committed code must come out of them unchanged — formatted,
 * and its generated types current.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeCommands } from './support/readme.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CI = readFileSync(join(ROOT, '.ci/run'), 'utf8');
const run = promisify(execFile);
/** The commands of README.md's `sh` blocks (readme.e2e.test.ts runs each). */
const shCommands = readmeCommands(README).map((c) => c.command);

/** Every command in backticks in the rows of README.md's `## Commands` table. */
function tableCommands(): string[] {
  const section = README.slice(README.indexOf('\n## Commands\n'), README.indexOf('\n### The `aiki` CLI'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return [...new Set(rows.flatMap((row) => [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)).filter((c) => /^(npm |bash |[A-Z_]+=\S+ npm )/.test(c)))];
}

/** Runs `command` by bash in `cwd`, as a reader would type it. */
const sh = (command: string, cwd: string, timeout = 600_000) => run('bash', ['-c', command], { cwd, timeout, maxBuffer: 64 * 1024 * 1024 });

/** The files git tracks, copied to a new folder, with this checkout's node_modules linked; returns the folder. */
async function copyOfRepository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'aiki-readme-'));
  const { stdout } = await run('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Every file below `dir` (node_modules left out) with its contents. */
function snapshot(dir: string, sub = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const path = join(sub, entry.name);
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) for (const [p, text] of snapshot(dir, path)) files.set(p, text);
    else if (entry.isFile()) files.set(path, readFileSync(join(dir, path), 'utf8'));
  }
  return files;
}

/** The paths whose contents differ between two snapshots (added and removed ones included). */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
}

const inCi = (command: string) => () => expect(CI, `.ci/run runs ${command}`).toMatch(new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));

/** How each command of the table is kept true. */
const RULES: Record<string, { run?: (dir: string) => Promise<void>; elsewhere?: { why: string; check: () => void } }> = {
  'npm start': {
    elsewhere: {
      why: "the quick start's first command: readme.e2e.test.ts starts the federation with it",
      check: () => expect(shCommands).toContain('npm ci && npm start'),
    },
  },
  'npm test': { elsewhere: { why: 'this test is part of it; .ci/run runs it', check: () => expect(CI).toMatch(/^npm test\b/m) } },
  'npm run typecheck': { elsewhere: { why: '.ci/run runs it on a clean clone', check: inCi('npm run typecheck') } },
  'npm run lint': { elsewhere: { why: '.ci/run runs it on a clean clone', check: inCi('npm run lint') } },
  'npm run build': { elsewhere: { why: '.ci/run runs it on a clean clone', check: inCi('npm run build') } },
  'npm run build:cli': {
    elsewhere: {
      why: 'part of npm run build',
      check: () => expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toContain('npm run build:cli'),
    },
  },
  'npm run build:explorer': {
    elsewhere: {
      why: 'part of npm run build',
      check: () => expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toContain('npm run build:explorer'),
    },
  },
  'bash .ci/run': { elsewhere: { why: 'it is CI itself, which runs this test', check: () => expect(CI).toMatch(/^npm test\b/m) } },
  'npm run format': {
    run: async (dir) => {
      const before = snapshot(dir);
      await sh('npm run format', dir);
      expect(changed(before, snapshot(dir)), 'files npm run format changed: the committed code is not formatted').toEqual([]);
    },
  },
  'npm run codegen': {
    run: async (dir) => {
      const before = snapshot(dir);
      await sh('npm run codegen', dir);
      expect(changed(before, snapshot(dir)), 'files npm run codegen changed: the committed generated types are out of date').toEqual([]);
    },
  },
  'npm run bench -- ledger': {
    run: async (dir) => {
      const { stdout } = await sh('npm run bench -- ledger', dir);
      expect(stdout).toMatch(/through the gateway \(ours\) +[\d,]+ transfers\/s/);
      expect(stdout).toMatch(/CPU per transfer [\d.]+ ms/);
    },
  },
  'npm run bench': {
    elsewhere: {
      why: 'every benchmark takes about half an hour; `npm run bench -- ledger` runs one here, and each benchmark the table names is a bench/<name>.bench.ts that `-- <name>` selects',
      check: () => {
        const names = [...README.matchAll(/`-- ([a-z]+)`/g)].map((m) => m[1]!);
        expect(names.length).toBeGreaterThan(5);
        const files = readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts'));
        for (const name of names) expect(files, `bench/${name}.bench.ts`).toContain(`${name}.bench.ts`);
      },
    },
  },
  'BENCH_NOISE=1 npm run bench …': {
    elsewhere: {
      why: 'the whole set again, with one core kept busy; every benchmark loads the noise switch (bench/support/noise.ts)',
      check: () => {
        for (const file of readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts')))
          expect(readFileSync(join(ROOT, 'bench', file), 'utf8'), file).toMatch(/^import .*'\.\/support\/noise\.ts';/m);
      },
    },
  },
  'npm run aiki -- <command>': {
    elsewhere: {
      why: "a placeholder: the README's `sh` blocks run each aiki command (readme.e2e.test.ts)",
      check: () => expect(shCommands.filter((command) => command.startsWith('npm run aiki -- ')).length).toBeGreaterThan(20),
    },
  },
  'npm run aiki -- --help': {
    run: async (dir) => {
      const { stdout } = await sh('npm run aiki -- --help', dir);
      expect(stdout).toMatch(/Usage: aiki/);
    },
  },
};

describe("README.md's table of commands", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyOfRepository();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a rule here for every command it names, and no rule for a command it lost', () => {
    expect(tableCommands().sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const [command, rule] of Object.entries(RULES)) {
    if (rule.run) it(`runs ${command}`, () => rule.run!(dir), 900_000);
    else it(`${command}: not run here — ${rule.elsewhere!.why}`, () => rule.elsewhere!.check());
  }
});
