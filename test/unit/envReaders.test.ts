/**
 * Nothing below a service's `main.ts` reads the environment (issue 18, point 4): each main.ts reads
 * its configuration through the config readers and hands the values down — the federation's secret
 * in a federation client (runtime/federation.ts). This test reads the source tree as
 * `grep -rn "process.env" --include=*.ts gateway subgraphs runtime db core` does and fails on any
 * other file that reads `process.env`, or that imports runtime/env.ts's readers.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['gateway', 'subgraphs', 'runtime', 'db', 'core'];

/**
 * The files allowed to read `process.env`, besides every `main.ts`: the config readers — modules
 * whose one job is reading and checking configuration — and two command-line tools.
 */
const READERS = new Set([
  'runtime/env.ts', // the readers every main.ts uses: envInt, envChoice, envUrl, envTls, subgraphSecret…
  'gateway/cache/config.ts', // the gateway caches' settings
  'runtime/observability/config.ts', // the OTEL_* variables
  'db/launcher.ts', // the test database launcher (`tsx db/launcher.ts build`, test/support/globalSetup.ts): MONGODB_URI, AIKI_CACHE_DIR, AIKI_FERRETDB_*
  'db/indexes.ts', // `tsx db/indexes.ts --check`: MONGODB_URI when --mongo-uri is not given
]);

const READS_ENV = /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])/;

/** The `.ts` files under `folders` of `root` that read `process.env` and are neither a main.ts nor an allowed reader, as paths from `root`. */
function unexpectedReaders(root: string, folders: readonly string[], allowed: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
        continue;
      }
      if (!entry.name.endsWith('.ts')) continue;
      const name = relative(root, path).split(sep).join('/');
      if (entry.name === 'main.ts' || allowed.has(name)) continue;
      if (READS_ENV.test(readFileSync(path, 'utf8'))) found.push(name);
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return found.sort();
}

describe('reading the environment', () => {
  it('happens only in main.ts files and the config readers', () => {
    expect(unexpectedReaders(ROOT, FOLDERS, READERS)).toEqual([]);
  });

  it('nor through runtime/env.ts: only main.ts files and the config readers import it', () => {
    const importers = new Set(['gateway/edge/config.ts', 'gateway/cache/config.ts', 'runtime/prepareService.ts']);
    const IMPORTS_ENV = /from '(\.\.?\/)+(runtime\/)?env\.ts'/;
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const name = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(name);
        else if (
          entry.name.endsWith('.ts') &&
          entry.name !== 'main.ts' &&
          !importers.has(name) &&
          !READERS.has(name) &&
          IMPORTS_ENV.test(readFileSync(join(ROOT, name), 'utf8'))
        )
          found.push(name);
      }
    };
    for (const folder of [...FOLDERS, 'schema']) walk(folder);
    expect(found).toEqual([]);
  });

  it('every allowed reader exists and reads it (a stale entry is a hole)', () => {
    for (const file of READERS) expect(READS_ENV.test(readFileSync(join(ROOT, file), 'utf8')), file).toBe(true);
  });

  it('catches a new file that reads process.env, in any of its spellings', () => {
    const root = mkdtempSync(join(tmpdir(), 'aiki-env-readers-'));
    try {
      mkdirSync(join(root, 'runtime', 'deep'), { recursive: true });
      mkdirSync(join(root, 'gateway'), { recursive: true });
      writeFileSync(join(root, 'runtime', 'env.ts'), 'export const a = process.env.A;\n');
      writeFileSync(join(root, 'runtime', 'deep', 'sneaky.ts'), 'export const port = Number(process.env.AIKI_PORT);\n');
      writeFileSync(join(root, 'runtime', 'bracket.ts'), "export const e = process['env'];\n");
      writeFileSync(join(root, 'runtime', 'clean.ts'), 'export const env = { process: 1 };\n');
      writeFileSync(join(root, 'gateway', 'main.ts'), 'export const b = process.env.B;\n');
      expect(unexpectedReaders(root, ['runtime', 'gateway'], new Set(['runtime/env.ts']))).toEqual(['runtime/bracket.ts', 'runtime/deep/sneaky.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
