/**
 * Compiles the `aiki` CLI — cli/aiki.ts and everything it imports, dependencies included — into
 * dist/cli/aiki.js, so that a call starts without compiling TypeScript (tsx took about 2 s a call).
 * What a command loads only when it runs (backup and restore: the database driver, the archive) is
 * split into dist/cli/chunks/, and the mongodb driver is left in node_modules. Beside it,
 * dist/cli/aiki.inputs.json lists the files it was built from, so that cli/bin.js can tell when a
 * source changed since. `npm run build:cli` (part of `npm run build`); cli/bin.js runs it by itself
 * when the bundle is missing or stale. Plain JavaScript: it runs before anything is compiled.
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
export const BUNDLE = 'dist/cli/aiki.js';
export const INPUTS = 'dist/cli/aiki.inputs.json';

/** Builds the bundle; every file is written aside and renamed into place, so a concurrent call never runs half of one. */
export async function buildCli() {
  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['cli/aiki.ts'],
    outdir: 'dist/cli',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    external: ['mongodb'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ES modules first: graphql's (core/errors.ts needs one class of it) shake down to that class.
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    // commander is CommonJS and requires Node's modules: give the bundle a require.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __aikiRequire } from 'node:module'; const require = __aikiRequire(import.meta.url);" },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const aside = (path) => `${path}.${process.pid}.tmp`;
  // Chunks first (new names: a running older CLI keeps its own), the entry last.
  const files = result.outputFiles.sort((a, b) => Number(basename(a.path).startsWith('aiki.')) - Number(basename(b.path).startsWith('aiki.')));
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(aside(file.path), file.contents, { mode: 0o755 });
    renameSync(aside(file.path), file.path);
  }
  // Chunks no build uses any more, once no CLI started before could still load them.
  const chunks = `${root}dist/cli/chunks`;
  const current = new Set(files.map((f) => f.path));
  for (const name of readdirSync(chunks)) {
    const path = `${chunks}/${name}`;
    if (!current.has(path) && Date.now() - statSync(path).mtimeMs > 600_000) rmSync(path, { force: true });
  }
  const inputs = { started, inputs: Object.keys(result.metafile.inputs).sort() };
  writeFileSync(aside(`${root}${INPUTS}`), `${JSON.stringify(inputs, null, 1)}\n`);
  renameSync(aside(`${root}${INPUTS}`), `${root}${INPUTS}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
