/**
 * The process-wide settings of the runtime below the services — HTTP limits, shutdown timings, how
 * sealed data is read — set once by each service's `main.ts` from its environment
 * (runtime/env.ts `envRuntimeSettings`, which refuses a bad value at start, naming it) and read here
 * by runtime/http.ts, runtime/process.ts, db/mongo.ts and the ledger's anchoring. Unset (tests in one
 * process, tools), the defaults below: the modules themselves never read the environment.
 */

export interface HttpLimits {
  /** AIKI_HTTP_HEADERS_TIMEOUT_MS: the most a request's headers may take to arrive. */
  headersTimeout: number;
  /** AIKI_HTTP_REQUEST_TIMEOUT_MS: the most a whole request may take to arrive. */
  requestTimeout: number;
  /** AIKI_HTTP_KEEPALIVE_MS: how long an idle kept-alive connection stays open. */
  keepAliveTimeout: number;
  /** AIKI_HTTP_MAX_CONNECTIONS: connections held at once; more are refused. */
  maxConnections: number;
}

export interface RuntimeSettings {
  http: HttpLimits;
  /** AIKI_SHUTDOWN_GRACE_MS: how long a stopping server lets the requests in flight finish. */
  shutdownGraceMs: number;
  /** AIKI_STOP_TIMEOUT_MS: a stop that takes longer ends the process anyway. */
  stopTimeoutMs: number;
  /** AIKI_SEALED_READS, AIKI_READ_MAX_STALENESS_S, AIKI_DB_LOOKUPS (db/mongo.ts). */
  db: { sealedReads: 'secondary' | 'primary'; readMaxStalenessS: number; lookups: 'batched' | 'per-key' | 'auto' };
}

export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  http: { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 10_000, maxConnections: 1000 },
  shutdownGraceMs: 1000,
  stopTimeoutMs: 5000,
  db: { sealedReads: 'secondary', readMaxStalenessS: 90, lookups: 'auto' },
};

let current: RuntimeSettings = DEFAULT_RUNTIME_SETTINGS;

/** Sets this process's runtime settings: once, by its main.ts, before it starts anything. */
export function configureRuntime(settings: RuntimeSettings): void {
  current = settings;
}

/** This process's runtime settings (the defaults until its main.ts sets them). */
export function runtimeSettings(): RuntimeSettings {
  return current;
}
