/**
 * CORS for browser apps on other origins (Fetch standard, "CORS protocol"). Nothing is allowed
 * until configured (AIKI_CORS_ORIGINS): a browser then refuses a script on another origin the
 * gateway's answers, as before. An origin in the list gets its own origin back with credentials
 * (cookies, `Authorization` sent by the browser's own means); `*` in the list lets any origin read
 * answers, without credentials — the standard forbids `*` with them. Apollo's CSRF prevention stays
 * on behind this: a simple cross-site request (a form post, a `text/plain` fetch, a GET without a
 * preflight header) is refused by Apollo Server whatever its origin, because it is sent before any
 * CORS check could stop it.
 */
export interface CorsPolicy {
  /** The origins allowed, exactly (`https://app.example.jp`) or any port of one host (`http://localhost:*`). */
  origins: readonly string[];
  /** `*` was listed: any origin may read answers, without credentials. */
  anyOrigin: boolean;
}

/** Request headers a browser app may send: JSON bodies, tokens, Apollo's client and CSRF headers, W3C trace context. */
const ALLOWED_HEADERS =
  'content-type, authorization, x-api-key, apollographql-client-name, apollographql-client-version, apollo-require-preflight, x-apollo-operation-name, traceparent, tracestate';
/** Response headers a browser app may read besides the safelisted ones: the rate limit's. */
const EXPOSED_HEADERS = 'retry-after';
const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(?:\d{1,5}|\*))?$/;

/** Parses AIKI_CORS_ORIGINS: origins separated by commas; throws on anything that is not one (a path, a trailing slash, upper case). */
export function parseCorsOrigins(text: string | undefined): CorsPolicy {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const origins: string[] = [];
  let anyOrigin = false;
  for (const entry of entries) {
    if (entry === '*') anyOrigin = true;
    else if (ORIGIN.test(entry)) origins.push(entry);
    else
      throw new Error(
        `AIKI_CORS_ORIGINS: "${entry}" is not an origin such as https://app.example.jp or http://localhost:* (scheme, lower-case host, optional port; no path)`,
      );
  }
  return { origins, anyOrigin };
}

/** Whether `origin` is listed: exactly, or by its host with `:*` (any port, the default port included). */
export function listedOrigin(policy: CorsPolicy, origin: string): boolean {
  return policy.origins.some((allowed) => {
    if (!allowed.endsWith(':*')) return allowed === origin;
    const prefix = allowed.slice(0, -2);
    return origin === prefix || (origin.startsWith(prefix + ':') && /^\d{1,5}$/.test(origin.slice(prefix.length + 1)));
  });
}

export interface CorsAnswer {
  /** Headers to add to the response. */
  headers: Record<string, string>;
  /** A preflight is answered here and goes no further: its status. */
  preflight?: 204 | 403;
}

/** The CORS headers for a request with these `Origin`, method and `Access-Control-Request-Method` headers. */
export function corsAnswer(policy: CorsPolicy, origin: string | undefined, method: string, requestMethod: string | undefined): CorsAnswer {
  const isPreflight = method === 'OPTIONS' && requestMethod !== undefined;
  const headers: Record<string, string> = { vary: 'Origin' };
  if (origin === undefined) return { headers };
  if (listedOrigin(policy, origin)) Object.assign(headers, { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });
  else if (policy.anyOrigin) headers['access-control-allow-origin'] = '*';
  else return isPreflight ? { headers, preflight: 403 } : { headers };
  if (!isPreflight) return { headers: { ...headers, 'access-control-expose-headers': EXPOSED_HEADERS } };
  return {
    headers: { ...headers, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': ALLOWED_HEADERS, 'access-control-max-age': '600' },
    preflight: 204,
  };
}
