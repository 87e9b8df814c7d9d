/**
 * Signed requests between the federation's services. Subgraphs answer only requests signed with
 * the federation's shared secret (AIKI_SUBGRAPH_SECRET, read by runtime/env.ts `subgraphSecret` and
 * handed to each service by its main.ts: runtime/federation.ts), so that nobody reaches a ledger or the
 * main chain except through the gateway — or as one of the services themselves (the main chain
 * ordering settlements, ledgers anchoring blocks, replicas forwarding to their lease holder), which
 * hold the secret too. The gateway's own endpoint is public and checks no signature.
 *
 *   x-aiki-signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path?query>.<hex SHA-256(body)>" + claims)>
 *
 * `claims` is empty unless the request carries one of the {@link SIGNED_HEADERS}: then it is, for
 * each of them present (in that list's order), `"\n<name>:<value>"`. So a request without claims
 * is signed exactly as before the claims existed, and a claim header added to a request signed
 * without it — or with another value — makes its signature fail: a subgraph trusts a claim only
 * when a holder of the secret (the gateway) put it there. The signed base has no newline (the
 * method is a token, the target is URL-encoded, the rest hex), so no claim can be confused with it.
 *
 * A signature is valid for {@link MAX_SKEW_MS} either side of its time: a captured request can be
 * replayed only within that window, and replaying a GraphQL request changes nothing here (writes
 * are signed transactions with nonces, orders with ids, anchors by height). A signature that
 * verifies but is older is refused with SIGNATURE_EXPIRED, not BAD_REQUEST_SIGNATURE: it comes
 * from a holder of the secret whose request was held up (a busy machine), and the sender signs
 * it again ({@link signRequest} at every attempt; runtime/graphql.ts resends once).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { aikiError, type AikiError } from '../core/errors.ts';

export const SIGNATURE_HEADER = 'x-aiki-signature';
export const MAX_SKEW_MS = 60_000;
/**
 * The operator the gateway verified for this request, `token=<token id>;name=<URI-encoded name>`
 * (gateway/edge/operatorAuth.ts). Trusted by a subgraph only under a valid signature.
 */
export const OPERATOR_HEADER = 'x-aiki-operator';
/** Where the main chain answers the gateway's question "which operator does this token prove?" (signed, POST, JSON). */
export const VERIFY_OPERATOR_PATH = '/operators/verify';
/** Claim headers covered by the signature when present, in the order they are signed. */
export const SIGNED_HEADERS: readonly string[] = [OPERATOR_HEADER];

/** Who an {@link OPERATOR_HEADER} claim names: the operator's name and the id of the token they used (`root` for the root token). */
export interface OperatorClaim {
  name: string;
  token: string;
}

/** The {@link OPERATOR_HEADER} value for `claim` (ASCII: the name is URI-encoded). */
export function operatorClaim(claim: OperatorClaim): string {
  return `token=${claim.token};name=${encodeURIComponent(claim.name)}`;
}

/** The claim an {@link OPERATOR_HEADER} value states, or null when it is not one. Trust it only under a valid signature. */
export function parseOperatorClaim(value: string): OperatorClaim | null {
  const match = /^token=([0-9a-z]{1,32});name=([^;]{1,600})$/.exec(value);
  if (!match) return null;
  try {
    return { token: match[1]!, name: decodeURIComponent(match[2]!) };
  } catch {
    return null; // malformed percent-encoding
  }
}

/** Header values as a request carries them (lower-case names; Node gives repeated ones as arrays). */
export type HeaderValues = Record<string, string | string[] | undefined>;

/** The signed claims of `headers`: `"\n<name>:<value>"` for each of {@link SIGNED_HEADERS} present. A repeated header is signed joined with ", ", as HTTP folds it. */
function claimsOf(headers: HeaderValues): string {
  let claims = '';
  for (const name of SIGNED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) claims += `\n${name}:${Array.isArray(value) ? value.join(', ') : value}`;
  }
  return claims;
}

function mac(secret: string, t: number, method: string, target: string, body: string, claims: string): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${t}.${method.toUpperCase()}.${target}.${digest}${claims}`).digest('hex');
}

/**
 * The signature header for a request to `url` (its path and query are signed with the body, and
 * the {@link SIGNED_HEADERS} among `headers`, the headers the request will carry; names lower-case).
 */
export function signRequest(secret: string, method: string, url: string, body: string, now = Date.now(), headers: HeaderValues = {}): Record<string, string> {
  const { pathname, search } = new URL(url);
  const lower: HeaderValues = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return { [SIGNATURE_HEADER]: `t=${now},v1=${mac(secret, now, method, pathname + search, body, claimsOf(lower))}` };
}

/**
 * Checks a request's signature, over its claim headers among `headers` too (names lower-case, as
 * node:http gives them); returns the coded refusal, or undefined when it is valid.
 */
export function checkSignature(
  secret: string,
  header: string | undefined,
  method: string,
  target: string,
  body: string,
  now = Date.now(),
  headers: HeaderValues = {},
): AikiError | undefined {
  if (!header) return aikiError('SIGNATURE_REQUIRED', 'this subgraph answers only requests signed by the federation (send them through the gateway)');
  const match = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return aikiError('BAD_REQUEST_SIGNATURE', `${SIGNATURE_HEADER} must be "t=<unix ms>,v1=<64 hex>"`);
  const t = Number(match[1]);
  const expected = Buffer.from(mac(secret, t, method, target, body, claimsOf(headers)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')))
    return aikiError('BAD_REQUEST_SIGNATURE', 'the request signature does not verify (over its body and claim headers)');
  // Checked after the MAC: a signature that verifies was made by a holder of the secret, so an
  // old one is a request held up on the way (or a replay), not a forgery — the sender signs it
  // again and resends; nothing of the request was read.
  const age = now - t;
  if (Math.abs(age) > MAX_SKEW_MS) {
    return aikiError(
      'SIGNATURE_EXPIRED',
      `the request was signed ${Math.round(age / 1000)} s before it arrived, over the ${MAX_SKEW_MS / 1000} s a signature is valid: sign it again and resend`,
      { signedAt: t, arrivedAt: now, maxSkewMs: MAX_SKEW_MS },
    );
  }
  return undefined;
}

/**
 * A `fetch` for @apollo/gateway's RemoteGraphQLDataSource (its `fetcher` option) that signs each
 * request with `secret` when there is one — its claim headers included (the data source gives
 * them lower-case). Node's own fetch (undici) also keeps connections to each subgraph alive, where
 * the data source's default (make-fetch-happen) adds a cache layer we do not want between the
 * gateway and a subgraph.
 */
export function federationFetcher(secret: string | undefined) {
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; signal?: unknown } = {}) => {
    const body = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const headers = secret ? { ...init.headers, ...signRequest(secret, init.method ?? 'POST', url, body, Date.now(), init.headers) } : init.headers;
    // No redirect is followed: it would carry the signature to wherever the subgraph points.
    return fetch(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : body,
      signal: init.signal as AbortSignal | undefined,
      redirect: 'manual',
    });
  };
}
