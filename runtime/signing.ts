/**
 * Signed requests between the federation's services. Subgraphs answer only requests signed with
 * the federation's shared secret (AIKI_SUBGRAPH_SECRET), so that nobody reaches a ledger or the
 * main chain except through the gateway — or as one of the services themselves (the main chain
 * ordering settlements, ledgers anchoring blocks, replicas forwarding to their lease holder), which
 * hold the secret too. The gateway's own endpoint is public and checks no signature.
 *
 *   x-aiki-signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path?query>.<hex SHA-256(body)>")>
 *
 * A signature is valid for {@link MAX_SKEW_MS} either side of its time: a captured request can be
 * replayed only within that window, and replaying a GraphQL request changes nothing here (writes
 * are signed transactions with nonces, orders with ids, anchors by height).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { aikiError, type AikiError } from '../core/errors.ts';

export const SIGNATURE_HEADER = 'x-aiki-signature';
export const MAX_SKEW_MS = 60_000;

/** The shared secret from the environment, or undefined (development: nothing signed or checked). */
export function subgraphSecret(): string | undefined {
  return process.env.AIKI_SUBGRAPH_SECRET || undefined;
}

function mac(secret: string, t: number, method: string, target: string, body: string): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${t}.${method.toUpperCase()}.${target}.${digest}`).digest('hex');
}

/** The signature header for a request to `url` (its path and query are signed with the body). */
export function signRequest(secret: string, method: string, url: string, body: string, now = Date.now()): Record<string, string> {
  const { pathname, search } = new URL(url);
  return { [SIGNATURE_HEADER]: `t=${now},v1=${mac(secret, now, method, pathname + search, body)}` };
}

/** Checks a request's signature; returns the coded refusal, or undefined when it is valid. */
export function checkSignature(secret: string, header: string | undefined, method: string, target: string, body: string, now = Date.now()): AikiError | undefined {
  if (!header) return aikiError('SIGNATURE_REQUIRED', 'this subgraph answers only requests signed by the federation (send them through the gateway)');
  const match = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return aikiError('BAD_REQUEST_SIGNATURE', `${SIGNATURE_HEADER} must be "t=<unix ms>,v1=<64 hex>"`);
  const t = Number(match[1]);
  if (Math.abs(now - t) > MAX_SKEW_MS) return aikiError('BAD_REQUEST_SIGNATURE', `the signature's time is more than ${MAX_SKEW_MS / 1000} s from this server's clock`);
  const expected = Buffer.from(mac(secret, t, method, target, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))) return aikiError('BAD_REQUEST_SIGNATURE', 'the request signature does not verify');
  return undefined;
}

/**
 * A `fetch` for @apollo/gateway's RemoteGraphQLDataSource (its `fetcher` option) that signs each
 * request when this process holds the secret. Node's own fetch (undici) also keeps connections
 * to each subgraph alive, where the data source's default (make-fetch-happen) adds a cache layer
 * we do not want between the gateway and a subgraph.
 */
export function federationFetcher(secret = subgraphSecret()) {
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; signal?: unknown } = {}) => {
    const body = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const headers = secret ? { ...init.headers, ...signRequest(secret, init.method ?? 'POST', url, body) } : init.headers;
    return fetch(url, { method: init.method, headers, body: init.body === undefined ? undefined : body, signal: init.signal as AbortSignal | undefined });
  };
}
