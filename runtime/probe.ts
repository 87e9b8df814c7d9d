/**
 * Probes: the GraphQL requests the federation sends to a URL an operator gave before trusting it —
 * the ledger contract check and genesis read (at registration, at proposal execution, and in the
 * gateway before a municipality joins its shard map) and an extension's SDL read.
 *
 * Such a URL may be hostile, so a probe:
 * - is **not signed**: a signature captured there could be replayed against the real subgraphs
 *   for its 60 s window (runtime/signing.ts). Ledgers and extensions built on runtime/http.ts
 *   answer exactly these documents unsigned ({@link isProbe}); they read only what the gateway
 *   serves anyone (an SDL, a municipality's code, height and genesis block);
 * - follows no redirect (a 3xx is refused: it could point anywhere, an internal address included);
 * - connects only where runtime/endpoint.ts allows, checked on the resolved address;
 * - has one deadline for the whole exchange, connection to last byte;
 * - reads at most {@link PROBE_MAX_BYTES} (refused from Content-Length when it says more, else as
 *   soon as more arrives), and clips any remote text it relays ({@link clip}).
 * Each failure is an AikiError with its code, so a proposal FAILS at once with the reason.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { aikiError, type AikiError, type ErrorCode } from '../core/errors.ts';
import { addressRefusal, EndpointRefused, guardedLookup } from './endpoint.ts';
import type { GraphQLReply } from './graphql.ts';

/** The probe documents, the only requests a subgraph answers unsigned. */
export const PROBES = {
  /** The schema a subgraph serves (ledger contract check, extension registration). */
  sdl: 'query AikiProbeSdl { _service { sdl } }',
  /** The ledger is this municipality's: `$r` is one Municipality representation. */
  identity: 'query AikiProbeIdentity($r: [_Any!]!) { _entities(representations: $r) { ... on Municipality { code chain { municipality height } } } }',
  /** Its genesis block, anchored at registration. */
  genesis: `query AikiProbeGenesis($r: [_Any!]!) { _entities(representations: $r) { ... on Municipality {
  chain { block(height: 0) { municipality height hash prevHash time txRoot txCount pohEnd pohCount sequencer signature } }
} } }`,
} as const;

/** 1 MiB: the ledger contract's SDL is 15 KB; an extension's larger than this is not read. */
export const PROBE_MAX_BYTES = 1 << 20;
/** Characters of a remote text (an error message, a value) relayed in our own messages. */
export const RELAYED_CHARS = 300;

const PROBE_TEXTS = new Set<string>(Object.values(PROBES));

/**
 * Whether a raw request body is exactly one probe: a probe document, no operation name but its
 * own, and (for those that take one) a single `Municipality` representation — so nothing a client
 * controls makes an unsigned request do more than a probe does.
 */
export function isProbe(raw: string): boolean {
  if (raw.length > 2048) return false;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return false;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof query !== 'string' || !PROBE_TEXTS.has(query)) return false;
  if (operationName != null && operationName !== /query (\w+)/.exec(query)![1]) return false;
  if (query === PROBES.sdl) return variables == null || (typeof variables === 'object' && Object.keys(variables).length === 0);
  const r = (variables as { r?: unknown } | null)?.r;
  if (!Array.isArray(r) || r.length !== 1 || Object.keys(variables as object).length !== 1) return false;
  const rep = r[0] as Record<string, unknown> | null;
  return (
    !!rep &&
    typeof rep === 'object' &&
    Object.keys(rep).length === 2 &&
    rep.__typename === 'Municipality' &&
    typeof rep.code === 'string' &&
    rep.code.length <= 64
  );
}

/** `text` cut to `max` characters, marked when cut, so that a remote text relayed is never larger than that. */
export function clip(text: string, max = RELAYED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Where probes may go and whom they trust, from the service's configuration (runtime/env.ts; the
 * federation client carries it: runtime/federation.ts).
 */
export interface ProbePolicy {
  /** Private and loopback addresses allowed (AIKI_ALLOW_PRIVATE_ENDPOINTS=1: development). */
  allowPrivateEndpoints: boolean;
  /** The federation's CA, trusted alone for HTTPS (AIKI_TLS_CA); none: the system's roots. */
  ca?: Buffer;
}

export interface ProbeOptions {
  policy: ProbePolicy;
  variables?: Record<string, unknown>;
  timeoutMs: number;
  maxBytes?: number;
  /** Added to every error's extensions (municipality, subgraph…). */
  details?: Record<string, unknown>;
}

/**
 * POSTs one of {@link PROBES} to an operator-given `url`, under the rules above. Resolves to the
 * GraphQL reply (errors included); rejects with SUBGRAPH_UNREACHABLE, SUBGRAPH_TIMEOUT,
 * RESPONSE_TOO_LARGE or ENDPOINT_REFUSED.
 */
export function probeGraphQL<T = Record<string, any>>(url: string, query: (typeof PROBES)[keyof typeof PROBES], opts: ProbeOptions): Promise<GraphQLReply<T>> {
  const { timeoutMs, maxBytes = PROBE_MAX_BYTES } = opts;
  const details = { endpoint: url, ...opts.details };
  const fail = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}): AikiError =>
    aikiError(code, `${url} ${message}`, { ...details, ...extra });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(fail('ENDPOINT_REFUSED', 'is not a URL'));
  }
  if ((target.protocol !== 'http:' && target.protocol !== 'https:') || target.username || target.password) {
    return Promise.reject(fail('ENDPOINT_REFUSED', 'is not an http(s) URL without credentials'));
  }
  const allowPrivate = opts.policy.allowPrivateEndpoints;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = addressRefusal(host, allowPrivate);
    if (why) return Promise.reject(fail('ENDPOINT_REFUSED', `is refused: ${why}`));
  }
  const body = JSON.stringify({ query, variables: opts.variables });
  return new Promise<GraphQLReply<T>>((resolve, reject) => {
    let finished = false;
    const finish = (err: AikiError | null, reply?: GraphQLReply<T>) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      req.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, {
      method: 'POST',
      agent: false, // a connection of its own, to the address just checked
      ...(opts.policy.ca ? { ca: opts.policy.ca } : {}), // AIKI_TLS_CA: the federation's CA alone
      lookup: guardedLookup(allowPrivate) as never,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const deadline = setTimeout(() => finish(fail('SUBGRAPH_TIMEOUT', `did not answer within ${timeoutMs} ms`, { timeoutMs })), timeoutMs);
    req.on('error', (err) => {
      if (err instanceof EndpointRefused) return finish(fail('ENDPOINT_REFUSED', `is refused: ${err.message}`));
      finish(fail('SUBGRAPH_UNREACHABLE', `did not answer: ${clip(err.message)}`));
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return finish(fail('ENDPOINT_REFUSED', `answered HTTP ${status}, a redirect: not followed`));
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes) return finish(fail('RESPONSE_TOO_LARGE', `answered ${declared} bytes, over the ${maxBytes} read`, { limit: maxBytes }));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(fail('RESPONSE_TOO_LARGE', `answered more than the ${maxBytes} bytes read`, { limit: maxBytes }));
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(fail('SUBGRAPH_UNREACHABLE', `broke off its answer: ${clip(err.message)}`)));
      res.on('end', () => {
        try {
          const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLReply<T>;
          if (reply && typeof reply === 'object' && !Array.isArray(reply)) return finish(null, reply);
        } catch {
          /* below */
        }
        finish(fail('SUBGRAPH_UNREACHABLE', `answered HTTP ${status} with a body that is not GraphQL JSON`));
      });
    });
    req.end(body);
  });
}

/** The first GraphQL error's message of a reply, clipped, or `fallback`. */
export function firstError(reply: GraphQLReply, fallback: string): string {
  const message = reply.errors?.[0]?.message;
  return typeof message === 'string' ? clip(message) : fallback;
}
