/**
 * Starting the federation's processes: each service runs as its own Node process (as in
 * production), announces `{"event":"ready","url":…}` on stdout, and logs JSON on stderr.
 * Used by `npm start` and by the end-to-end tests, which kill these processes for real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../db/launcher.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRIES = {
  gateway: 'gateway/main.ts',
  mainchain: 'subgraphs/mainchain/main.ts',
  ledger: 'subgraphs/ledger/main.ts',
  events: 'subgraphs/events/main.ts',
} as const;

/**
 * Node's own flags per service, wherever it is started (here; the Dockerfile and docker-compose.yml
 * repeat them for the images). The gateway keeps its heap small without slowing down: a young
 * generation of 2 × 2 MB semi-spaces (Node's default grows to 16 MB each) and an old generation
 * grown by 15 % after each full collection (V8's default grows it up to several times) — measured
 * with `npm run bench -- national` (resident memory with 1,744 municipalities) and `npm run bench
 * -- gateway` (docs/BENCHMARKS.md, "The gateway's heap flags"). `--optimize-for-size`, used before,
 * kept it smaller still but cost the gateway 5–10× its CPU per request where answers are fetched.
 */
export const SERVICE_FLAGS: Partial<Record<keyof typeof ENTRIES, string[]>> = {
  gateway: ['--max-semi-space-size=2', '--heap-growing-percent=15'],
};

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>;
  /** `kill -9`: no clean-up runs in the process. Resolves when it has exited. */
  kill(): Promise<void>;
}

/**
 * A liveness bound, not a speed target: a service that has not said it is ready by then is taken
 * for hung. A start costs a few seconds of CPU (tsx compiles the TypeScript it loads); on a machine
 * at load 40 a process gets a twentieth of a core, and a ledger once took over 60 s — the chaos
 * test's failure on a busy machine (issue 18). A service that crashes fails at once, whatever this is.
 */
export const START_TIMEOUT_MS = 180_000;

export interface SpawnOptions {
  env: Record<string, string>;
  /** Called with each stderr line (JSON logs); by default they are kept for error messages only. */
  onLog?: (line: string) => void;
  /** How long a start may take before it counts as hung (default {@link START_TIMEOUT_MS}); a service that exits fails at once. */
  timeoutMs?: number;
  /** Run the built JavaScript (dist/, `npm run build:server`) with plain node, as the images do, and not the TypeScript through tsx. */
  compiled?: boolean;
}

/**
 * Node flags for every service, from `AIKI_NODE_FLAGS` (diagnosis, off by default): split on
 * whitespace, `{name}` replaced by the service's name, e.g. `--cpu-prof --cpu-prof-dir=prof/{name}`
 * (a folder each: Node writes one profile per thread, and tsx's module loader runs in a second
 * one). Profiles are written when the process exits, which a service does on SIGTERM
 * (runtime/process.ts), so `cluster.stop()` leaves them.
 */
export function nodeFlags(name: string, flags = process.env.AIKI_NODE_FLAGS ?? ''): string[] {
  const file = name.replace(/[^A-Za-z0-9_.-]/g, '-');
  return flags
    .split(/\s+/)
    .filter(Boolean)
    .map((flag) => flag.replaceAll('{name}', file));
}

export async function spawnService(name: string, entry: keyof typeof ENTRIES, opts: SpawnOptions): Promise<ServiceProcess> {
  const script = opts.compiled ? [join(ROOT, 'dist', ENTRIES[entry].replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(ROOT, ENTRIES[entry])];
  const child = spawn(process.execPath, [...(SERVICE_FLAGS[entry] ?? []), ...nodeFlags(name), ...script], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    opts.onLog?.(line);
  });
  const timeoutMs = opts.timeoutMs ?? START_TIMEOUT_MS;
  const url = await new Promise<string>((resolveUrl, reject) => {
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start: ${why}\n${recent.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; url?: string };
        if (msg.event === 'ready' && msg.url) {
          clearTimeout(timer);
          resolveUrl(msg.url);
        }
      } catch {
        /* not ours: ignore */
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`exited (${signal ?? code})`);
    });
  });
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  return {
    name,
    url,
    child,
    stop: () => stopChild(child),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
