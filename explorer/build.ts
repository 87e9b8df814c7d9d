/**
 * Builds the explorer into dist/explorer/ when it is missing or older than its sources (explorer/,
 * core/): `npm start` on first use, the browser tests and the bench call it, so a clean clone works
 * without a separate `npm run build`. Vite runs in its own process (about 1.5 s).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXPLORER_DIST = join(ROOT, 'dist', 'explorer');
const BUILT = join(EXPLORER_DIST, 'index.html');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Whether the build is missing or older than a source file. */
export function explorerStale(): boolean {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  return newest(join(ROOT, 'explorer')) > built || newest(join(ROOT, 'core')) > built;
}

/** Builds it if {@link explorerStale}; returns whether it built. Throws with Vite's output if the build fails. */
export function ensureExplorerBuilt(): boolean {
  if (!explorerStale()) return false;
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'explorer', 'vite.config.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`building the explorer failed:\n${run.stdout}\n${run.stderr}`);
  return true;
}
