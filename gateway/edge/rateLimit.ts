/**
 * Per-client rate limiting: one token bucket per client, in memory, O(1) per request, at most
 * `maxClients` buckets (least recently used forgotten first; a bucket idle long enough to have
 * refilled is forgotten as soon as it is the oldest, since a new one would be the same).
 *
 * A client is its credential (a digest of `Authorization` or `x-api-key`) with its
 * `apollographql-client-name`, or else its remote address. The gateway does not verify
 * credentials (the main chain does, for operator mutations), so a credentialed request is also
 * charged to its address, at `addressFactor` times the client's rate: inventing tokens must not
 * buy fresh buckets. `X-Forwarded-For` is not trusted: anyone can write it.
 *
 * Run it where it is cheapest: {@link httpRateLimit} before the request body is even read
 * (runtime/http.ts), or {@link rateLimitPlugin} first thing in Apollo's pipeline.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { AikiError } from '../../core/errors.ts';
import { Lru } from '../../runtime/lru.ts';
import { refusal, refuseEarly } from './refusal.ts';

export interface RateLimitOptions {
  /** Requests per second a client may sustain. */
  ratePerSecond: number;
  /** Requests a client may make at once after a pause: the size of its bucket. */
  burst: number;
  /** The address of credentialed clients is limited at this many times their rate and burst. */
  addressFactor: number;
  /** Most buckets kept in memory. */
  maxClients: number;
  /** Milliseconds from a monotonic clock. */
  now: () => number;
}

/**
 * 50 requests/s sustained and bursts of 100 per client: well above an app, an analyst or the
 * `aiki` CLI (its busiest loop polls 10 times a second), far below what one client could
 * otherwise take of a ledger that seals 265–360 single transfers/s (docs/BENCHMARKS.md); batch
 * submissions (`submitTransactions`, up to 1,000) are one request. Benchmarks and load tests
 * from one address need it raised or off. 100,000 buckets are a few MB.
 */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = {
  ratePerSecond: 50,
  burst: 100,
  addressFactor: 4,
  maxClients: 100_000,
  now: () => performance.now(),
};

export type Decision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
  /** Tokens per millisecond. */
  rate: number;
  burst: number;
}

export class RateLimiter {
  private readonly opts: RateLimitOptions;
  private readonly buckets: Lru<string, Bucket>;

  constructor(opts: Partial<RateLimitOptions> = {}) {
    this.opts = { ...DEFAULT_RATE_LIMIT, ...opts };
    if (!(this.opts.ratePerSecond > 0 && this.opts.burst >= 1)) throw new RangeError('RateLimiter: ratePerSecond must be > 0 and burst >= 1');
    this.buckets = new Lru(this.opts.maxClients);
  }

  /** Buckets held now (bounded by `maxClients`). */
  get clients(): number {
    return this.buckets.size;
  }

  /**
   * Takes one request from each of `keys`' buckets (from {@link clientKeys}) if every one has
   * it; otherwise takes nothing and says how long until they all will.
   */
  take(keys: readonly string[]): Decision {
    const now = this.opts.now();
    this.forgetIdle(now);
    const buckets = keys.map((key) => this.bucket(key, now));
    let waitMs = 0;
    for (const b of buckets) if (b.tokens < 1) waitMs = Math.max(waitMs, (1 - b.tokens) / b.rate);
    // Rounded to the microsecond first: floating-point residue must not add a millisecond.
    if (waitMs > 0) return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(Math.round(waitMs * 1000) / 1000)) };
    for (const b of buckets) b.tokens -= 1;
    return { allowed: true };
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(b.burst, b.tokens + (now - b.at) * b.rate);
      b.at = now;
    } else {
      const factor = key.startsWith(ADDRESS_OF_CREDENTIALED) ? this.opts.addressFactor : 1;
      b = { tokens: this.opts.burst * factor, at: now, rate: (this.opts.ratePerSecond * factor) / 1000, burst: this.opts.burst * factor };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Forgets up to two oldest buckets that have refilled: as many as a request can add, so idle ones never pile up. */
  private forgetIdle(now: number): void {
    for (let i = 0; i < 2; i++) {
      const oldest = this.buckets.oldest();
      if (!oldest) return;
      const [key, b] = oldest;
      if (b.tokens + (now - b.at) * b.rate < b.burst) return;
      this.buckets.delete(key);
    }
  }
}

const ADDRESS_OF_CREDENTIALED = 'net:';

/**
 * The buckets a request is charged to, from its headers (lower-case names) and remote address:
 * `ip:<address>` for an anonymous client; `key:<digest>/<client name>` and `net:<address>` for a
 * credentialed one. Credentials are kept only as a 128-bit SHA-256 prefix.
 */
export function clientKeys(header: (name: string) => string | undefined, remoteAddress: string | undefined): string[] {
  const address = remoteAddress ?? 'unknown';
  const credential = header('authorization') ?? header('x-api-key');
  if (!credential) return [`ip:${address}`];
  const digest = createHash('sha256').update(credential).digest('hex').slice(0, 32);
  const name = (header('apollographql-client-name') ?? '').slice(0, 64);
  return [`key:${digest}/${name}`, `${ADDRESS_OF_CREDENTIALED}${address}`];
}

/** `Retry-After` is in whole seconds (RFC 9110 §10.2.3): rounded up, so a client that waits it is let in. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/** RATE_LIMITED, for HTTP 429 with `Retry-After`. */
export function rateLimited(retryAfterMs: number): AikiError {
  return refusal('RATE_LIMITED', `too many requests from this client; retry after ${retryAfterMs} ms`, { retryAfterMs }, 429, {
    'retry-after': String(retryAfterSeconds(retryAfterMs)),
  });
}

/** A complete HTTP answer, for a server to send as it is. */
export interface HttpRefusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The limiter as an HTTP-level check, for runtime/http.ts to call before it reads a request's
 * body: a 429 to send as it is, or undefined to go on.
 */
export function httpRateLimit(limiter: RateLimiter): (req: IncomingMessage) => HttpRefusal | undefined {
  return (req) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const decision = limiter.take(clientKeys(header, req.socket.remoteAddress));
    if (decision.allowed) return undefined;
    const { retryAfterMs } = decision;
    return {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds(retryAfterMs)) },
      body: JSON.stringify({ errors: [{ message: rateLimited(retryAfterMs).message, extensions: { code: 'RATE_LIMITED', retryAfterMs } }] }),
    };
  };
}

/**
 * The limiter as the first Apollo plugin hook (`requestDidStart`, before any persisted query
 * lookup or parsing), for a server whose HTTP layer has no check. `remoteAddress` reads the
 * client's address from the request's context (Apollo gives plugins only headers).
 */
export function rateLimitPlugin<TContext extends BaseContext>(
  limiter: RateLimiter,
  remoteAddress: (context: TContext) => string | undefined,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const decision = limiter.take(clientKeys((name) => request.http?.headers.get(name), remoteAddress(contextValue)));
      if (!decision.allowed) return refuseEarly(request, rateLimited(decision.retryAfterMs));
    },
  };
}
