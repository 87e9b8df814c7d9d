/**
 * `npm start`, the README's first command, as a user runs it: it serves the federation, stops on
 * Ctrl-C, and keeps its data across a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gql } from './support/helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'aiki-start-'));
const base = 20_000 + Math.floor(Math.random() * 20_000);
const gateway = `http://127.0.0.1:${base}/graphql`;
let running: ChildProcess | undefined;

afterAll(() => {
  if (running && running.exitCode === null && running.signalCode === null) process.kill(-running.pid!, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function npmStart(): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, AIKI_DATA_DIR: dataDir, AIKI_GATEWAY_PORT: String(base) };
  delete env.MONGODB_URI; // the embedded default
  const child = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 90_000);
    child.stdout!.on('data', () => out.includes('Aiki federation is up.') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`npm start exited ${code}:\n${out}`))));
  });
  return { child, output: () => out };
}

/**
 * Ctrl-C in a terminal: SIGINT to the whole process group. Resolves once npm has exited (npm
 * re-raises the signal, as a shell expects) with all it printed read, and none of the federation's
 * ports answers any more. It waits for 'close', not 'exit': at 'exit' the pipes may still hold
 * output not yet read (a clean-clone CI on a busy machine missed "Stopping" so).
 */
async function ctrlC(child: ChildProcess, output: () => string): Promise<void> {
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  process.kill(-child.pid!, 'SIGINT');
  await closed;
  expect(output()).toContain('Stopping');
  expect(output()).not.toMatch(/"level":"error"/);
  for (const port of [base, base + 1, base + 101, base + 102, base + 103]) {
    await expect(fetch(`http://127.0.0.1:${port}/health`), `port ${port}`).rejects.toThrow();
  }
}

const QUERY = '{ municipalities { code name registeredAt chain { municipality height headHash } } }';

describe('npm start', () => {
  it('serves three municipalities through the gateway, stops on Ctrl-C, and keeps its data', async () => {
    const first = await npmStart();
    const token = readFileSync(join(dataDir, 'operator-token'), 'utf8').trim();
    expect(first.output()).toContain(gateway);
    const before = await gql(gateway, QUERY);
    expect(before.errors).toBeUndefined();
    const list = before.data!.municipalities as Array<{ code: string; chain: { municipality: string } }>;
    expect(list.map((m) => m.code)).toEqual(['kyoto', 'osaka', 'nara']);
    for (const m of list) expect(m.chain.municipality).toBe(m.code);
    // Safe to expose by mistake: no metrics and no /ready details on the public port unless asked for.
    expect((await fetch(gateway.replace('/graphql', '/metrics'))).status).toBe(404);
    expect(await (await fetch(gateway.replace('/graphql', '/ready'))).json()).toEqual({ status: 'ready' });

    await ctrlC(first.child, first.output);

    const second = await npmStart();
    expect(await gql(gateway, QUERY)).toEqual(before); // same registrations, same chains
    expect(readFileSync(join(dataDir, 'operator-token'), 'utf8').trim()).toBe(token);
    await ctrlC(second.child, second.output);
  }, 240_000);
});
