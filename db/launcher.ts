/**
 * Hands out a MongoDB URI, in this order (docs/DATABASE.md):
 *  1. `MONGODB_URI`, when set: a real deployment (a replica set in production);
 *  2. a `mongod` on PATH, started on loopback with a data folder;
 *  3. FerretDB v1 embedded in our small Go program (`db/ferretdb/`), with its SQLite backend —
 *     built with `go build` on first use and cached under `.cache/ferretdb/` (AIKI_CACHE_DIR) by
 *     source hash.
 * When none can be had, the error says what is missing and how to fix it.
 *
 * `tsx db/launcher.ts build` builds the FerretDB server ahead of time (CI does, to time it).
 *
 * A tool of the tests and of `npm start`, not part of a service: it reads its settings from the
 * environment itself (MONGODB_URI, AIKI_CACHE_DIR, AIKI_FERRETDB_LOG_LEVEL, AIKI_FERRETDB_PPROF,
 * AIKI_FERRETDB_LOG), one of the readers test/unit/envReaders.test.ts allows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { aikiError } from '../core/errors.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FERRET_SRC = join(ROOT, 'db', 'ferretdb');

export interface Database {
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** The server process, when this launcher started one (for fault tests that kill it). */
  process?: ChildProcess;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Where a started server keeps its files; a fresh temporary folder when omitted. */
  dataDir?: string;
  /** Port to listen on; any free port when omitted. */
  port?: number;
  /** Ignore MONGODB_URI and mongod and start FerretDB (tests that kill the database need their own). */
  forceFerretDB?: boolean;
}

export async function startDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  if (!opts.forceFerretDB) {
    const external = process.env.MONGODB_URI;
    if (external) return { uri: external, kind: 'external', stop: async () => {} };
    if (onPath('mongod')) return startMongod(opts);
  }
  return startFerretDB(opts);
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function startMongod(opts: DatabaseOptions): Promise<Database> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'aiki-mongod-'));
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const child = spawn('mongod', ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  await waitForPort(port, child, 30_000, 'mongod');
  return { uri, kind: 'mongod', process: child, stop: () => stopChild(child) };
}

/** Builds the FerretDB server if needed and returns the path of the cached binary. */
export function buildFerretDB(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(FERRET_SRC, f)));
  const dir = join(process.env.AIKI_CACHE_DIR || join(ROOT, '.cache'), 'ferretdb', hash.digest('hex').slice(0, 16));
  const bin = join(dir, 'aiki-ferretdb');
  if (existsSync(bin)) return bin;

  if (!onPath('go')) {
    throw aikiError(
      'DATABASE_UNAVAILABLE',
      'No database: MONGODB_URI is not set, no mongod is on PATH, and Go is not installed to build the embedded FerretDB. ' +
        'Fix one of: export MONGODB_URI=mongodb://…; put mongod on PATH; install Go >= 1.24 (https://go.dev/dl) and retry.',
    );
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  // Builds from the Go module proxy on first use (about a minute on 2 cores), then never again.
  const out = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: FERRET_SRC, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });
  if (out.status !== 0) {
    rmSync(tmp, { force: true });
    throw aikiError(
      'DATABASE_UNAVAILABLE',
      `Building the embedded FerretDB failed (go build in db/ferretdb exited ${out.status}). ` +
        `It needs the Go module proxy reachable once, or set MONGODB_URI to a MongoDB you run.\n${out.stderr.trim()}`,
    );
  }
  renameSync(tmp, bin); // atomic: concurrent builders race harmlessly
  return bin;
}

async function startFerretDB(opts: DatabaseOptions): Promise<Database> {
  const bin = buildFerretDB();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'aiki-ferretdb-'));
  const listen = `127.0.0.1:${opts.port ?? 0}`;
  // stdin is a pipe we never close: the server exits when this process dies (-exit-on-stdin-close).
  const logLevel = process.env.AIKI_FERRETDB_LOG_LEVEL ?? 'warn';
  // AIKI_FERRETDB_PPROF=127.0.0.1:6060 serves the server's Go profiles (diagnosis).
  const pprof = process.env.AIKI_FERRETDB_PPROF ? ['-pprof', process.env.AIKI_FERRETDB_PPROF] : [];
  const child = spawn(bin, ['-listen', listen, '-sqlite-dir', dataDir, '-log-level', logLevel, ...pprof], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  // AIKI_FERRETDB_LOG names a file that receives the server's JSON log (for diagnosis).
  const logFile = process.env.AIKI_FERRETDB_LOG;
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    if (logFile) appendFileSync(logFile, d);
  });
  const line = await firstLine(child, 30_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw aikiError('DATABASE_UNAVAILABLE', `FerretDB did not start: ${err.message}\n${stderr.trim()}`);
  });
  const { uri } = JSON.parse(line) as { uri: string };
  child.stdout!.resume();
  return { uri, kind: 'ferretdb', process: child, stop: () => stopChild(child) };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
    rl.once('line', (l) => {
      clearTimeout(timer);
      rl.close();
      resolvePromise(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
  });
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePromise(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw aikiError('DATABASE_UNAVAILABLE', `${what} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const sock = connect(port, '127.0.0.1', () => (sock.end(), r(true)));
      sock.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw aikiError('DATABASE_UNAVAILABLE', `${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'build') {
  const started = Date.now();
  const bin = buildFerretDB();
  console.log(`FerretDB server ready at ${bin.slice(ROOT.length + 1)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
