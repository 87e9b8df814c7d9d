#!/usr/bin/env node
/**
 * The `aiki` command (`npm run aiki -- …`, the package's bin): runs the compiled CLI,
 * dist/cli/aiki.js, compiling it first (cli/build.js) when it is missing or a file it was built
 * from changed since — so a checkout being edited never runs an old CLI. The check is one stat
 * per input file. Plain JavaScript: it runs before anything is compiled.
 */
import { readFileSync, statSync } from 'node:fs';
import { URL } from 'node:url';

const root = new URL('../', import.meta.url);

function fresh() {
  let built;
  try {
    built = JSON.parse(readFileSync(new URL('dist/cli/aiki.inputs.json', root), 'utf8'));
    statSync(new URL('dist/cli/aiki.js', root));
    // Anything changed after the build began, or gone (the sources moved): build again.
    return built.inputs.every((file) => statSync(new URL(file, root)).mtimeMs < built.started);
  } catch {
    return false;
  }
}

if (!fresh()) await (await import('./build.js')).buildCli();
await import(new URL('dist/cli/aiki.js', root).href);
