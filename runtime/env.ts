/**
 * Reading configuration from environment variables, with errors that name the variable and what
 * it accepts. With gateway/cache/config.ts and runtime/observability/config.ts (and the tools
 * db/launcher.ts and db/indexes.ts), the one place below the services' `main.ts` files that reads
 * `process.env`: each main.ts reads its configuration through these and hands the values down
 * (test/unit/envReaders.test.ts keeps it so; docs/ARCHITECTURE.md, "Processes and HTTP").
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hexToBytes } from '../core/index.ts';
import { keptSecret } from './devSecrets.ts';
import type { Logger } from './log.ts';
import { LOG_LEVELS, type LogLevel } from './logLevels.ts';
import { DEFAULT_RUNTIME_SETTINGS, type RuntimeSettings } from './settings.ts';

export function envString(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`${name} is required (see README.md, "Configuration")`);
}

export function envInt(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${name} must be an integer ${range} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** One of `choices` from `name` (unset: `fallback`); anything else is refused, naming the variable and the accepted values. */
export function envChoice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new Error(`${name} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** An http(s) URL from `name` (unset: `fallback`, or undefined when there is none); anything else is refused, naming the variable. */
export function envUrl(name: string, fallback: string): string;
export function envUrl(name: string): string | undefined;
export function envUrl(name: string, fallback?: string): string | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!isHttpUrl(raw)) throw new Error(`${name} must be an http:// or https:// URL, like http://127.0.0.1:4001/graphql (got ${JSON.stringify(raw)})`);
  return raw;
}

/** Whether `text` parses as an http:// or https:// URL. */
function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A comma-separated list of http(s) URLs from `name` (the main chain's processes: runtime/failover.ts), each checked; `fallback` when unset. */
export function envUrls(name: string, fallback: string): string[];
export function envUrls(name: string): string[] | undefined;
export function envUrls(name: string, fallback?: string): string[] | undefined {
  const raw = process.env[name] || fallback;
  if (raw === undefined || raw === '') return undefined;
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of urls) {
    if (!isHttpUrl(u)) {
      throw new Error(
        `${name} must be one or more http:// or https:// URLs, comma-separated, like http://127.0.0.1:4001/graphql,http://127.0.0.1:4002/graphql (got ${JSON.stringify(u)})`,
      );
    }
  }
  if (urls.length === 0) throw new Error(`${name} names no URL (got ${JSON.stringify(raw)})`);
  return urls;
}

/**
 * An Ed25519 secret key from `name` (64 lower-case hex characters). Unset, the development key
 * of this data folder (`<AIKI_DATA_DIR>/keys/<devFile>`, made at random on first use), with a
 * warning: nobody else can know it, but it is a file on this machine, not a managed secret.
 */
export function envSecretKey(name: string, devFile: string, log: Logger): Uint8Array {
  const hex = process.env[name];
  if (hex) {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 secret key)`);
    return hexToBytes(hex);
  }
  const file = devSecretFile(devFile);
  log.warn(`${name} is not set: using the development key of this data folder, ${file} (set ${name} in production)`);
  return hexToBytes(keptSecret(file));
}

/** The federation's shared secret (AIKI_SUBGRAPH_SECRET, runtime/signing.ts), or undefined (development: nothing signed or checked). */
export function subgraphSecret(): string | undefined {
  return process.env.AIKI_SUBGRAPH_SECRET || undefined;
}

/**
 * The federation's shared secret (runtime/signing.ts) for this service to sign and check with:
 * AIKI_SUBGRAPH_SECRET, or unset, the development secret of this data folder
 * (`<AIKI_DATA_DIR>/keys/subgraph-secret`), so that the services started from one folder sign for
 * each other and nobody else can. Each main.ts hands it to its service (runtime/federation.ts).
 */
export function readSubgraphSecret(log: Logger): string {
  const secret = subgraphSecret();
  if (secret && !/^[\x21-\x7e]{16,1024}$/.test(secret))
    throw new Error('AIKI_SUBGRAPH_SECRET must be 16 to 1024 visible ASCII characters without spaces, like the output of openssl rand -hex 32');
  if (secret) return secret;
  const file = devSecretFile('subgraph-secret');
  log.warn(`AIKI_SUBGRAPH_SECRET is not set: using the development secret of this data folder, ${file}`);
  return keptSecret(file);
}

/** An Ed25519 public key from `name` (64 lower-case hex characters). */
export function envPublicKey(name: string): Uint8Array {
  const hex = envString(name);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 public key)`);
  return hexToBytes(hex);
}

/** The data folder: `AIKI_DATA_DIR`, by default `.data` (where `npm start` keeps its data). */
export function dataDir(): string {
  return resolve(process.env.AIKI_DATA_DIR || '.data');
}

/** A development key or secret of this data folder: `<data folder>/keys/<name>` (runtime/devSecrets.ts). */
export function devSecretFile(name: string): string {
  return join(dataDir(), 'keys', name);
}

/**
 * AIKI_LOG_LEVEL: debug, info (default), warn or error. An unknown level (say "verbose") is refused
 * at start, naming the variable and the accepted values, rather than quietly logging at info.
 */
export function envLogLevel(): LogLevel {
  return envChoice('AIKI_LOG_LEVEL', LOG_LEVELS, 'info');
}

/** A flag from `name`: `1` on, `0` off, unset `fallback`; anything else is refused, naming the variable and the accepted values. */
export function envFlag(name: string, fallback = false): boolean {
  return envChoice(name, ['0', '1'], fallback ? '1' : '0') === '1';
}

/**
 * Introspection (and field suggestions in validation errors: runtime/apollo.ts `schemaDisclosure`):
 * on unless NODE_ENV=production, as in the Docker image. NODE_ENV is the Node ecosystem's, not
 * ours: any other value means "not production".
 */
export function envIntrospection(): boolean {
  return process.env.NODE_ENV !== 'production';
}

/** AIKI_ALLOW_PRIVATE_ENDPOINTS=1: probes may call private and loopback addresses (development: runtime/endpoint.ts). */
export function envAllowPrivateEndpoints(): boolean {
  return envFlag('AIKI_ALLOW_PRIVATE_ENDPOINTS');
}

/**
 * AIKI_METRICS_PORT (0 = any free port) and AIKI_METRICS_HOST (default loopback): `GET /metrics` and
 * `GET /ready` on a listener of their own, for scrapers and health checks on the private network
 * (runtime/http.ts `serveMetrics`); unset, none.
 */
export function envMetricsListener(): { port: number; host: string } | undefined {
  if (!process.env.AIKI_METRICS_PORT) return undefined;
  return { port: envInt('AIKI_METRICS_PORT', 0, { max: 65535 }), host: envHost('AIKI_METRICS_HOST', '127.0.0.1') };
}

/** The PEM file named by `name`, read; unset: undefined. One that cannot be read or is not PEM is refused, naming the variable. */
export function envPemFile(name: string): Buffer | undefined {
  const file = process.env[name];
  if (!file) return undefined;
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as Error).message})`, { cause: err });
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${name}: ${file} is not a PEM file`);
  return text;
}

export interface TlsConfig {
  /** The listener's certificate and key (AIKI_TLS_CERT, AIKI_TLS_KEY): HTTPS. None: plain HTTP. */
  server?: { cert: Buffer; key: Buffer };
  /** AIKI_TLS_CA: the certificate authorities every outbound HTTPS call trusts alone (runtime/tls.ts). */
  ca?: Buffer;
}

/** HTTPS between the federation's services (runtime/tls.ts, docs/OPERATIONS.md): AIKI_TLS_CERT and AIKI_TLS_KEY together or neither, AIKI_TLS_CA. */
export function envTls(): TlsConfig {
  const cert = envPemFile('AIKI_TLS_CERT');
  const key = envPemFile('AIKI_TLS_KEY');
  if (Boolean(cert) !== Boolean(key)) throw new Error('AIKI_TLS_CERT and AIKI_TLS_KEY go together: set both (HTTPS) or neither (HTTP)');
  const ca = envPemFile('AIKI_TLS_CA');
  return { ...(cert && key ? { server: { cert, key } } : {}), ...(ca ? { ca } : {}) };
}

/** A host name or IP address to listen on from `name` (unset: `fallback`); anything else is refused, naming the variable. */
export function envHost(name: string, fallback: string): string {
  const host = envString(name, fallback);
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(host) && !/^[0-9A-Fa-f:.]{2,45}$/.test(host)) {
    throw new Error(`${name} must be a host name or an IP address, like 127.0.0.1, 0.0.0.0 or ::1 (got ${JSON.stringify(host)})`);
  }
  return host;
}

/** A database name from `name` (unset: `fallback`): 1–63 letters, digits, `_` or `-`, as FerretDB and MongoDB both take it. */
export function envDbName(name: string, fallback: string): string {
  const db = envString(name, fallback);
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(db)) throw new Error(`${name} must be 1 to 63 letters, digits, _ or - (a database name; got ${JSON.stringify(db)})`);
  return db;
}

/** MONGODB_URI (required): a `mongodb://` or `mongodb+srv://` connection string. */
export function envMongoUri(name = 'MONGODB_URI'): string {
  const uri = envString(name);
  if (!/^mongodb(\+srv)?:\/\/[^\s]+$/.test(uri))
    throw new Error(
      `${name} must be a mongodb:// or mongodb+srv:// connection string, like mongodb://127.0.0.1:27017 (got a value starting ${JSON.stringify(uri.slice(0, 12))})`,
    );
  return uri;
}

/** A point in time from `name` (unset: `fallback`), ISO 8601 with its zone, like 2026-01-01T00:00:00.000Z; kept as written. */
export function envTime(name: string, fallback: string): string {
  const time = envString(name, fallback);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(time) || Number.isNaN(Date.parse(time))) {
    throw new Error(`${name} must be an ISO 8601 time with its zone, like 2026-01-01T00:00:00.000Z (got ${JSON.stringify(time)})`);
  }
  return time;
}

/** JSON from `name`, checked by `valid`; unset: `fallback`. Text that is not JSON, or JSON that `valid` refuses, is refused with `shape`, naming the variable. */
export function envJson<T>(name: string, fallback: T, valid: (value: unknown) => value is T, shape: string): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${name} must be ${shape} (it is not JSON: ${(err as Error).message})`, { cause: err });
  }
  if (!valid(value)) throw new Error(`${name} must be ${shape}`);
  return value;
}

/** A bearer token from `name`, or undefined when unset: one word of visible characters (it is sent as `Authorization: Bearer <token>`). */
export function envToken(name: string): string | undefined {
  const token = process.env[name];
  if (token === undefined || token === '') return undefined;
  if (!/^[\x21-\x7e]{8,512}$/.test(token))
    throw new Error(`${name} must be 8 to 512 visible ASCII characters without spaces, like the output of openssl rand -hex 16`);
  return token;
}

/**
 * The runtime's settings (runtime/settings.ts), each checked now: AIKI_HTTP_HEADERS_TIMEOUT_MS,
 * AIKI_HTTP_REQUEST_TIMEOUT_MS, AIKI_HTTP_KEEPALIVE_MS (kept above the 4 s idle time of Node's fetch
 * agent the services call each other with, docs/GATEWAY.md), AIKI_HTTP_MAX_CONNECTIONS,
 * AIKI_SHUTDOWN_GRACE_MS, AIKI_STOP_TIMEOUT_MS, AIKI_SEALED_READS (`secondary`: secondaryPreferred on a
 * replica set; `primary`), AIKI_READ_MAX_STALENESS_S (90, MongoDB's least), AIKI_DB_LOOKUPS.
 */
export function envRuntimeSettings(): RuntimeSettings {
  const d = DEFAULT_RUNTIME_SETTINGS;
  return {
    http: {
      headersTimeout: envInt('AIKI_HTTP_HEADERS_TIMEOUT_MS', d.http.headersTimeout, { min: 100 }),
      requestTimeout: envInt('AIKI_HTTP_REQUEST_TIMEOUT_MS', d.http.requestTimeout, { min: 100 }),
      keepAliveTimeout: envInt('AIKI_HTTP_KEEPALIVE_MS', d.http.keepAliveTimeout, { min: 100 }),
      maxConnections: envInt('AIKI_HTTP_MAX_CONNECTIONS', d.http.maxConnections, { min: 1 }),
    },
    shutdownGraceMs: envInt('AIKI_SHUTDOWN_GRACE_MS', d.shutdownGraceMs, { min: 0, max: 60_000 }),
    stopTimeoutMs: envInt('AIKI_STOP_TIMEOUT_MS', d.stopTimeoutMs, { min: 100, max: 60_000 }),
    db: {
      sealedReads: envChoice('AIKI_SEALED_READS', ['secondary', 'primary'], d.db.sealedReads),
      readMaxStalenessS: envInt('AIKI_READ_MAX_STALENESS_S', d.db.readMaxStalenessS, { min: 90, max: 86_400 }),
      lookups: envChoice('AIKI_DB_LOOKUPS', ['batched', 'per-key', 'auto'], d.db.lookups),
    },
  };
}
