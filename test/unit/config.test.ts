/** Configuration from the environment: a bad value is refused at start, with the variable's name and what it accepts (issue 18, point 9). */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envChoice, envLogLevel, envUrl } from '../../runtime/env.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['AIKI_TEST_URL', 'AIKI_TEST_CHOICE']) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('configuration', () => {
  it('refuses AIKI_LOG_LEVEL=verbose, naming the variable and the levels', () => {
    process.env.AIKI_LOG_LEVEL = 'verbose';
    expect(() => envLogLevel()).toThrow('AIKI_LOG_LEVEL must be one of debug, info, warn, error (got "verbose")');
    process.env.AIKI_LOG_LEVEL = 'warn';
    expect(envLogLevel()).toBe('warn');
    delete process.env.AIKI_LOG_LEVEL;
    expect(envLogLevel()).toBe('info');
  });

  it('refuses a URL that is not http(s), naming the variable', () => {
    process.env.AIKI_TEST_URL = 'localhost:4001';
    expect(() => envUrl('AIKI_TEST_URL')).toThrow('AIKI_TEST_URL must be an http:// or https:// URL');
    process.env.AIKI_TEST_URL = 'not a url';
    expect(() => envUrl('AIKI_TEST_URL', 'http://x')).toThrow(/AIKI_TEST_URL .*got "not a url"/);
    process.env.AIKI_TEST_URL = 'https://main.example/graphql';
    expect(envUrl('AIKI_TEST_URL')).toBe('https://main.example/graphql');
    delete process.env.AIKI_TEST_URL;
    expect(envUrl('AIKI_TEST_URL')).toBeUndefined();
    expect(envUrl('AIKI_TEST_URL', 'http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/graphql');
  });

  it('refuses a value outside a list, naming the accepted ones', () => {
    process.env.AIKI_TEST_CHOICE = 'sometimes';
    expect(() => envChoice('AIKI_TEST_CHOICE', ['0', '1', 'flight'], '1')).toThrow('AIKI_TEST_CHOICE must be one of 0, 1, flight (got "sometimes")');
    process.env.AIKI_TEST_CHOICE = 'flight';
    expect(envChoice('AIKI_TEST_CHOICE', ['0', '1', 'flight'], '1')).toBe('flight');
  });

  // A real service process: the bad value stops it before it touches anything.
  it.each([
    ['AIKI_MAINCHAIN_URL', 'mainchain:4001'],
    ['AIKI_LOG_LEVEL', 'verbose'],
  ])('a ledger started with %s=%s exits, naming the variable', (name, value) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aiki-config-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/ledger/main.ts'], {
      env: { ...process.env, AIKI_MUNICIPALITY: 'kyoto', MONGODB_URI: 'mongodb://127.0.0.1:1', AIKI_DATA_DIR: dataDir, [name]: value },
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`${name} must be`);
  });
});

/**
 * Every variable a service reads, given a bad value: the service stops at start, and its error names
 * the variable and what it accepts (issue 18, point 9). One row per variable, run by a service that
 * reads it (the shared ones — AIKI_PORT, AIKI_HOST, the runtime's — are read by every main.ts through
 * the same reader). The database is unreachable: a service that took the bad value would hang on it
 * and fail later with another message.
 */
type Service = 'ledger' | 'mainchain' | 'gateway' | 'events';
const MAIN: Record<Service, string> = {
  ledger: 'subgraphs/ledger/main.ts',
  mainchain: 'subgraphs/mainchain/main.ts',
  gateway: 'gateway/main.ts',
  events: 'subgraphs/events/main.ts',
};
const int = (name: string, range: string) =>
  range.endsWith(', ') ? `${name} must be an integer of at least ${range.slice(0, -2)} (got` : `${name} must be an integer in [${range}] (got`;
const BAD: Array<[Service, string, string, string, Record<string, string>?]> = [
  // Every service (the shared readers: runtime/env.ts)
  ['ledger', 'AIKI_LOG_LEVEL', 'verbose', 'AIKI_LOG_LEVEL must be one of debug, info, warn, error'],
  ['ledger', 'AIKI_PORT', '70000', int('AIKI_PORT', '0, 65535')],
  ['gateway', 'AIKI_HOST', 'local host', 'AIKI_HOST must be a host name or an IP address'],
  ['ledger', 'AIKI_METRICS_PORT', 'nine', int('AIKI_METRICS_PORT', '0, 65535')],
  ['ledger', 'AIKI_METRICS_HOST', 'a/b', 'AIKI_METRICS_HOST must be a host name or an IP address', { AIKI_METRICS_PORT: '0' }],
  ['ledger', 'AIKI_SUBGRAPH_SECRET', 'short', 'AIKI_SUBGRAPH_SECRET must be 16 to 1024 visible ASCII characters'],
  ['mainchain', 'AIKI_ALLOW_PRIVATE_ENDPOINTS', 'yes', 'AIKI_ALLOW_PRIVATE_ENDPOINTS must be one of 0, 1'],
  ['ledger', 'AIKI_TLS_CERT', '/nonexistent/cert.pem', 'AIKI_TLS_CERT: cannot read /nonexistent/cert.pem'],
  ['ledger', 'AIKI_TLS_KEY', '/nonexistent/key.pem', 'AIKI_TLS_KEY: cannot read /nonexistent/key.pem'],
  ['gateway', 'AIKI_TLS_CA', '/nonexistent/ca.pem', 'AIKI_TLS_CA: cannot read /nonexistent/ca.pem'],
  ['ledger', 'MONGODB_URI', 'localhost:27017', 'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string'],
  ['mainchain', 'AIKI_DB_NAME', 'aiki.main', 'AIKI_DB_NAME must be 1 to 63 letters, digits, _ or -'],
  ['events', 'AIKI_DB_NAME', 'a b', 'AIKI_DB_NAME must be 1 to 63 letters, digits, _ or -'],
  ['ledger', 'AIKI_HTTP_HEADERS_TIMEOUT_MS', '5', int('AIKI_HTTP_HEADERS_TIMEOUT_MS', '100, ')],
  ['gateway', 'AIKI_HTTP_REQUEST_TIMEOUT_MS', 'x', int('AIKI_HTTP_REQUEST_TIMEOUT_MS', '100, ')],
  ['mainchain', 'AIKI_HTTP_KEEPALIVE_MS', '1', int('AIKI_HTTP_KEEPALIVE_MS', '100, ')],
  ['events', 'AIKI_HTTP_MAX_CONNECTIONS', '0', int('AIKI_HTTP_MAX_CONNECTIONS', '1, ')],
  ['ledger', 'AIKI_SHUTDOWN_GRACE_MS', '-1', int('AIKI_SHUTDOWN_GRACE_MS', '0, 60000')],
  ['gateway', 'AIKI_STOP_TIMEOUT_MS', '100000', int('AIKI_STOP_TIMEOUT_MS', '100, 60000')],
  ['ledger', 'AIKI_SEALED_READS', 'nearest', 'AIKI_SEALED_READS must be one of secondary, primary'],
  ['mainchain', 'AIKI_READ_MAX_STALENESS_S', '30', int('AIKI_READ_MAX_STALENESS_S', '90, 86400')],
  ['ledger', 'AIKI_DB_LOOKUPS', 'sometimes', 'AIKI_DB_LOOKUPS must be one of batched, per-key, auto'],
  // The ledger (subgraphs/ledger/main.ts)
  ['ledger', 'AIKI_MUNICIPALITY', 'Kyoto!', 'AIKI_MUNICIPALITY must match /^[a-z][a-z0-9-]{1,31}$/'],
  ['ledger', 'AIKI_SEQUENCER_KEY', 'abc', 'AIKI_SEQUENCER_KEY must be 64 lower-case hex characters'],
  [
    'ledger',
    'AIKI_GENESIS',
    '[{"address": 1',
    'AIKI_GENESIS must be a JSON array of {"address": "<municipality>:<hex>", "amount": "<integer>"} (it is not JSON',
  ],
  ['ledger', 'AIKI_GENESIS_TIME', 'yesterday', 'AIKI_GENESIS_TIME must be an ISO 8601 time with its zone, like 2026-01-01T00:00:00.000Z'],
  ['ledger', 'AIKI_SEQUENCE', 'no', 'AIKI_SEQUENCE must be one of 0, 1'],
  ['ledger', 'AIKI_BLOCK_INTERVAL_MS', '0', int('AIKI_BLOCK_INTERVAL_MS', '1, ')],
  ['ledger', 'AIKI_MAX_TX_PER_BLOCK', '20000', int('AIKI_MAX_TX_PER_BLOCK', '1, 10000')],
  ['ledger', 'AIKI_LEASE_MS', '10', int('AIKI_LEASE_MS', '100, ')],
  ['ledger', 'AIKI_POH_TICKS_PER_MS', '1.5', int('AIKI_POH_TICKS_PER_MS', '0, 10000')],
  ['ledger', 'AIKI_PUBLIC_URL', 'ledger:4100', 'AIKI_PUBLIC_URL must be an http:// or https:// URL'],
  ['ledger', 'AIKI_MAINCHAIN_URL', 'mainchain:4001', 'AIKI_MAINCHAIN_URL must be one or more http:// or https:// URLs'],
  ['ledger', 'AIKI_MAINCHAIN_PUBLIC_KEY', 'xyz', 'AIKI_MAINCHAIN_PUBLIC_KEY must be 64 lower-case hex characters'],
  ['ledger', 'AIKI_ANCHOR_INTERVAL_MS', '1', int('AIKI_ANCHOR_INTERVAL_MS', '10, ')],
  ['ledger', 'AIKI_SEALED_CACHE_MB', '0', int('AIKI_SEALED_CACHE_MB', '1, 65536')],
  // The main chain (subgraphs/mainchain/main.ts)
  ['mainchain', 'AIKI_OPERATOR_TOKEN', 'has a space', 'AIKI_OPERATOR_TOKEN must be 8 to 512 visible ASCII characters without spaces'],
  ['mainchain', 'AIKI_MAINCHAIN_KEY', 'zz', 'AIKI_MAINCHAIN_KEY must be 64 lower-case hex characters'],
  ['mainchain', 'AIKI_PROBE_TIMEOUT_MS', '5', int('AIKI_PROBE_TIMEOUT_MS', '100, ')],
  ['mainchain', 'AIKI_MAIN_BLOCK_INTERVAL_MS', '0', int('AIKI_MAIN_BLOCK_INTERVAL_MS', '1, ')],
  ['mainchain', 'AIKI_SETTLEMENT_TIMEOUT_MS', '1', int('AIKI_SETTLEMENT_TIMEOUT_MS', '100, ')],
  ['mainchain', 'AIKI_SETTLE_INTERVAL_MS', '1', int('AIKI_SETTLE_INTERVAL_MS', '10, ')],
  ['mainchain', 'AIKI_VOTING_PERIOD_MS', '1', int('AIKI_VOTING_PERIOD_MS', '1000, ')],
  ['mainchain', 'AIKI_LEASE_MS', '100', int('AIKI_LEASE_MS', '200, ')],
  ['mainchain', 'AIKI_SEALED_CACHE_MB', 'lots', int('AIKI_SEALED_CACHE_MB', '1, 65536')],
  ['mainchain', 'AIKI_PUBLIC_URL', 'main', 'AIKI_PUBLIC_URL must be an http:// or https:// URL'],
  // The gateway (gateway/main.ts, gateway/edge/config.ts, gateway/cache/config.ts)
  ['gateway', 'AIKI_MAINCHAIN_URL', 'http://ok/graphql,nope', 'AIKI_MAINCHAIN_URL must be one or more http:// or https:// URLs'],
  ['gateway', 'AIKI_REGISTRY_POLL_MS', '1', int('AIKI_REGISTRY_POLL_MS', '50, ')],
  ['gateway', 'AIKI_SHARD_TIMEOUT_MS', '1', int('AIKI_SHARD_TIMEOUT_MS', '100, ')],
  ['gateway', 'AIKI_SHARD_FANOUT', '0', int('AIKI_SHARD_FANOUT', '1, 10000')],
  ['gateway', 'AIKI_EXTENSION_TIMEOUT_MS', '1', int('AIKI_EXTENSION_TIMEOUT_MS', '100, ')],
  ['gateway', 'AIKI_EXTENSION_MAX_BYTES', '1', int('AIKI_EXTENSION_MAX_BYTES', '1024, ')],
  ['gateway', 'AIKI_METRICS_PUBLIC', 'true', 'AIKI_METRICS_PUBLIC must be one of 0, 1'],
  ['gateway', 'AIKI_CORS_ORIGINS', 'example.com', 'AIKI_CORS_ORIGINS: "example.com" is not an origin such as https://app.example.jp'],
  ['gateway', 'AIKI_SAFELIST', '/nonexistent/manifest.json', 'AIKI_SAFELIST: ENOENT'],
  ['gateway', 'AIKI_APQ_ENTRIES', '-1', int('AIKI_APQ_ENTRIES', '0, ')],
  ['gateway', 'AIKI_RATE_LIMIT_RPS', 'fast', int('AIKI_RATE_LIMIT_RPS', '0, ')],
  ['gateway', 'AIKI_RATE_LIMIT_BURST', '0', int('AIKI_RATE_LIMIT_BURST', '1, ')],
  ['gateway', 'AIKI_MAX_QUERY_DEPTH', '0', int('AIKI_MAX_QUERY_DEPTH', '1, ')],
  ['gateway', 'AIKI_MAX_QUERY_COST', '0', int('AIKI_MAX_QUERY_COST', '1, ')],
  ['gateway', 'AIKI_MAX_QUERY_TOKENS', '0', int('AIKI_MAX_QUERY_TOKENS', '1, ')],
  ['gateway', 'AIKI_ENTITY_CACHE', '2', int('AIKI_ENTITY_CACHE', '0, 1')],
  ['gateway', 'AIKI_STATE_CACHE', 'yes', int('AIKI_STATE_CACHE', '0, 1')],
  ['gateway', 'AIKI_CACHE_MB', '0', int('AIKI_CACHE_MB', '1, 65536')],
  ['gateway', 'AIKI_ENTITY_CACHE_ENTRIES', '0', int('AIKI_ENTITY_CACHE_ENTRIES', '1, ')],
  ['gateway', 'AIKI_SINGLE_FLIGHT', 'sometimes', 'AIKI_SINGLE_FLIGHT must be one of 0, 1, flight'],
  ['gateway', 'AIKI_SINGLE_FLIGHT_QUEUE_MS', '-5', int('AIKI_SINGLE_FLIGHT_QUEUE_MS', '0, 10000')],
  ['gateway', 'AIKI_ENTITY_CACHE_MB', '64', 'AIKI_ENTITY_CACHE_MB is no longer read: set AIKI_CACHE_MB'],
  // The example extension (subgraphs/events/main.ts)
  ['events', 'AIKI_EVENTS_SEED', '{"id": "x"}', 'AIKI_EVENTS_SEED must be a JSON array of { id, municipality, title, startsAt }'],
  ['events', 'AIKI_PORT', '-1', int('AIKI_PORT', '0, 65535')],
];

describe('every variable a service reads, given a bad value', () => {
  let dataDir: string;
  beforeAll(() => void (dataDir = mkdtempSync(join(tmpdir(), 'aiki-config-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // Several at once (each process is about a second of CPU, mostly compiling TypeScript): vitest runs up to 5.
  it.concurrent.for(BAD)('%s refuses %s=%j, naming it and what it accepts', async ([service, name, value, message, extra = {}], { expect }) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AIKI_MUNICIPALITY: 'kyoto',
      MONGODB_URI: 'mongodb://127.0.0.1:1',
      AIKI_MAINCHAIN_URL: 'http://127.0.0.1:1/graphql',
      AIKI_DATA_DIR: dataDir,
      AIKI_PORT: '0',
      ...extra,
      [name]: value,
    };
    for (const unset of ['AIKI_DB_NAME', 'AIKI_SAFELIST', 'AIKI_CORS_ORIGINS', 'AIKI_ENTITY_CACHE_MB', 'AIKI_TLS_CERT', 'AIKI_TLS_KEY', 'AIKI_TLS_CA'] as const)
      if (unset !== name) delete env[unset];
    const run = await runService(MAIN[service], env);
    expect(run.code, run.stderr).not.toBe(0);
    expect(errorsOf(run.stderr)).toContain(message);
  });

  it('covers every AIKI_ variable the services read', () => {
    const read = new Set<string>();
    for (const file of [...Object.values(MAIN), 'runtime/env.ts', 'gateway/edge/config.ts', 'gateway/cache/config.ts']) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/['.](AIKI_[A-Z_]+|MONGODB_URI)\b/g)) read.add(name!);
    }
    // AIKI_DATA_DIR is a folder (any path); AIKI_EXPLORER_DIR a folder served when it exists.
    for (const free of ['AIKI_DATA_DIR', 'AIKI_EXPLORER_DIR']) read.delete(free);
    expect([...read].filter((name) => !BAD.some(([, n]) => n === name)).sort()).toEqual([]);
  });
});

/** What a service said went wrong: each JSON log line's error message, and any other line (an error thrown before the logger existed) as it is. */
function errorsOf(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => {
      try {
        return (JSON.parse(line) as { err?: { message?: string } }).err?.message ?? '';
      } catch {
        return line;
      }
    })
    .join('\n');
}

/** Runs a service's main.ts until it exits (a generous bound: the machine may be busy). */
function runService(main: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
