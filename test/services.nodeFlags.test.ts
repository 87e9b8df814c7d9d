/**
 * AIKI_NODE_FLAGS: extra Node flags for every service the launcher starts (README), e.g. CPU
 * profiles for benchmarks. A profile is written only when the process exits by itself, so this
 * also checks that a subgraph stops on SIGTERM rather than waiting for the launcher's SIGKILL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { nodeFlags, spawnService } from '../cluster/services.ts';
import { dropDatabases, mongoUri, uniquePrefix } from './support/helpers.ts';

const prefix = uniquePrefix('flags');
const dir = mkdtempSync(join(tmpdir(), 'aiki-flags-'));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropDatabases(mongoUri(), prefix);
});

it('splits the flags on whitespace and names each service in them', () => {
  expect(nodeFlags('ledger:kyoto', '  --cpu-prof   --cpu-prof-dir=prof/{name}\n--max-old-space-size=512 ')).toEqual([
    '--cpu-prof',
    '--cpu-prof-dir=prof/ledger-kyoto',
    '--max-old-space-size=512',
  ]);
  expect(nodeFlags('gateway', '')).toEqual([]);
  expect(nodeFlags('../x', '--cpu-prof-dir={name}')).toEqual(['--cpu-prof-dir=..-x']);
});

it('starts the main chain with them; it stops on SIGTERM and leaves its CPU profile', { timeout: 120_000 }, async () => {
  const before = process.env.AIKI_NODE_FLAGS;
  process.env.AIKI_NODE_FLAGS = `--cpu-prof --cpu-prof-dir=${join(dir, '{name}')}`;
  try {
    const mainchain = await spawnService('mainchain:flags', 'mainchain', {
      env: {
        MONGODB_URI: mongoUri(),
        AIKI_DB_NAME: `${prefix}_main`,
        AIKI_PORT: '0',
        AIKI_DATA_DIR: dir,
        AIKI_SUBGRAPH_SECRET: randomBytes(32).toString('hex'),
        AIKI_MAINCHAIN_KEY: randomBytes(32).toString('hex'),
      },
    });
    // Answering a request means it is past start-up: its SIGTERM handler is installed (a signal
    // that comes before it takes the default action, and no profile is written).
    expect((await fetch(new URL('/health', mainchain.url))).status).toBe(200);
    await mainchain.stop();
    expect({ code: mainchain.child.exitCode, signal: mainchain.child.signalCode }).toEqual({ code: 0, signal: null });
    expect(readdirSync(join(dir, 'mainchain-flags')).filter((f) => f.endsWith('.cpuprofile')).length).toBeGreaterThanOrEqual(1);
  } finally {
    if (before === undefined) delete process.env.AIKI_NODE_FLAGS;
    else process.env.AIKI_NODE_FLAGS = before;
  }
});
