/**
 * Serves an Apollo Server on node:http, with the two probes every Aiki service answers:
 * `GET /health` (the process is up) and `GET /ready` (it can serve: its database and peers answer).
 * No web framework: the whole HTTP surface is this file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './log.ts';
import type { MetricsText } from './metrics.ts';
import { AikiError } from '../core/errors.ts';
import { checkSignature, SIGNATURE_HEADER } from './signing.ts';
import { isProbe } from './probe.ts';
import { runtimeSettings, type HttpLimits } from './settings.ts';

/**
 * Limits of every listener, so that a client that sends slowly or opens many sockets cannot keep
 * them (Node's defaults: 60 s for headers, 300 s for a request, no cap on connections). Each is a
 * runtime setting (runtime/settings.ts: AIKI_HTTP_*, read by each main.ts; README, Configuration). The keep-alive time stays above the 4 s idle
 * time of Node's fetch agent that the services call each other with (docs/GATEWAY.md), so a
 * kept connection is never closed under a request being sent on it.
 */
export function httpLimits(): HttpLimits {
  return runtimeSettings().http;
}

/**
 * How long a stopping server lets the requests in flight finish before it closes every connection
 * (AIKI_SHUTDOWN_GRACE_MS, 1 s): a service exits within about this after SIGTERM with clients
 * connected (a gateway's kept-alive connections, a long poll), well inside the 10 s a container
 * gets before SIGKILL.
 */
export const shutdownGraceMs = (): number => runtimeSettings().shutdownGraceMs;

/** A listener that can stop cleanly: see {@link limitedServer}. */
interface Stoppable {
  server: Server;
  /** Serves HTTPS. */
  secure: boolean;
  /** Stops accepting, refuses new requests, lets those in flight finish (each connection closed after its answer), closes the rest after the grace. */
  stop(): Promise<void>;
}

/**
 * A node:http server with {@link httpLimits}; time-outs are checked every second (Node's default:
 * every 30 s). Stopping it (`stop`) does what `server.close()` alone does not: a kept-alive
 * connection busy when the stop begins is closed once its answer is sent (closed alone, Node
 * keeps it until the client leaves it idle for the keep-alive time — a gateway sending
 * requests never does), a request arriving meanwhile on a kept connection is refused with 503
 * and the connection closed, and whatever is still open after {@link shutdownGraceMs} is closed.
 */
function limitedServer(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: { cert: Buffer; key: Buffer }): Stoppable {
  const { headersTimeout, requestTimeout, keepAliveTimeout, maxConnections } = httpLimits();
  let stopping = false;
  const inFlight = new Set<ServerResponse>();
  const options = { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (stopping) {
      res.shouldKeepAlive = false;
      return send(res, 503, { error: 'shutting down' });
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // The connection is idle once its answer is out: close it now rather than at the keep-alive time.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
    handler(req, res);
  };
  // HTTPS with AIKI_TLS_CERT/AIKI_TLS_KEY (runtime/tls.ts): an https.Server is an http.Server over TLS.
  const server: Server = tls ? (createHttpsServer({ ...options, ...tls }, onRequest) as unknown as Server) : createServer(options, onRequest);
  server.maxConnections = maxConnections;
  return {
    server,
    secure: Boolean(tls),
    async stop() {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), shutdownGraceMs());
      await closed;
      clearTimeout(timer);
    },
  };
}

/** A request its client gave up on while sending it (an aborted upload): the client's doing, not a failure of ours. */
function clientAborted(req: IncomingMessage, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | undefined)?.message === 'aborted';
}

export interface ServeOptions<TContext extends BaseContext> {
  port: number;
  /** Loopback by default; set AIKI_HOST=0.0.0.0 in a container. */
  host?: string;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Readiness: resolves to details when the service can serve, throws when it cannot. */
  ready?: () => Promise<Record<string, unknown>>;
  /** `GET /metrics` (Prometheus text format) on this port when given; {@link serveMetrics} serves it on a port of its own. */
  metrics?: () => Promise<MetricsText>;
  /** `metrics` and `ready` on a listener of their own (plain HTTP, {@link serveMetrics}) instead of this port's `/metrics`: AIKI_METRICS_PORT, runtime/env.ts `envMetricsListener`. */
  metricsListener?: { port: number; host?: string };
  /**
   * Internal JSON endpoints besides /graphql, by path: `POST <path>` with a JSON body, answered with
   * what the handler returns (the main chain's operator check). Signed like /graphql when
   * `requireSignature` is set; a handler's AikiError is answered 400 with its code.
   */
  routes?: Record<string, (body: unknown) => Promise<unknown>>;
  /** Largest request body accepted, in bytes (413 above). */
  maxBodyBytes?: number;
  /** The federation's secret: every /graphql request must be signed with it (runtime/signing.ts). Subgraphs set it; the gateway does not. */
  requireSignature?: string;
  /** Answer the probe documents unsigned (runtime/probe.ts): the federation checks an operator-given URL without handing it a signature. */
  answerProbes?: boolean;
  /** A check before the body is read (the gateway's rate limit): a refusal to send, or undefined to go on. */
  admit?: (req: IncomingMessage) => { status: number; headers: Record<string, string>; body: string } | undefined;
  /** The listener's certificate and key: HTTPS (AIKI_TLS_CERT and AIKI_TLS_KEY, read by runtime/env.ts `envTls`); none, HTTP. */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * A look at a GraphQL request once its signature is checked and its body parsed: a reply to send
   * instead of executing it here (the main chain's processes hand a write to the lease holder), or
   * undefined to execute it.
   */
  relay?: (req: IncomingMessage, raw: string, body: unknown) => Promise<{ status: number; body: string } | undefined>;
  /** What browsers get before anything else (the gateway's gateway/front.ts: CORS, the explorer, GraphiQL): true when it answered. */
  front?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /** Answers a POST /graphql with bytes kept from an earlier answer, before Apollo Server (the gateway's response cache). */
  shortcut?: Shortcut<TContext>;
  log: Logger;
}

/** An answer as sent: status, headers, body. */
export interface SentAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * Answers kept as sent (gateway/cache/ResponseCache.ts, "On the wire"): `key` names a request by
 * its headers and body (undefined: never answered so), `answer` gives what to send or undefined to
 * go on to Apollo Server, `heard` is told what Apollo Server answered a keyed request with.
 */
export interface Shortcut<TContext> {
  key(req: IncomingMessage, body: string): string | undefined;
  answer(key: string): Promise<SentAnswer | undefined>;
  heard(key: string, context: TContext, answer: SentAnswer): void;
}

export interface Served {
  url: string;
  /** Where `GET /metrics` is served on a listener of its own, if it is. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function serve<TContext extends BaseContext>(apollo: ApolloServer<TContext>, opts: ServeOptions<TContext>): Promise<Served> {
  const { log, maxBodyBytes = 1 << 20 } = opts;
  await apollo.start();

  const listener = limitedServer((req, res) => {
    arrivals.set(req, Date.now());
    handle(req, res).catch((err: unknown) => {
      if (clientAborted(req, err)) {
        // Quietly, and without a stack: any client can do this at will, as often as it likes.
        log.debug('request aborted by its client', { method: req.method, path: req.url?.split('?')[0], reason: (err as Error | undefined)?.message });
        return void res.destroy();
      }
      log.error('request failed', { err });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  }, opts.tls);
  /** When each request's head arrived: its signature's age is measured there, not after its body was read on a busy event loop. */
  const arrivals = new WeakMap<IncomingMessage, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (opts.front?.(req, res, url)) return;
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/ready') {
      try {
        return send(res, 200, { status: 'ready', ...(await opts.ready?.()) });
      } catch (err) {
        return send(res, 503, { status: 'not ready', reason: err instanceof Error ? err.message : String(err) });
      }
    }
    if (req.method === 'GET' && url.pathname === '/metrics' && opts.metrics && !opts.metricsListener) return sendMetrics(res, await opts.metrics());
    const route = opts.routes?.[url.pathname];
    if (route) return internal(req, res, url, route);
    if (url.pathname !== '/graphql') return send(res, 404, { error: 'not found: GraphQL is served at /graphql' });
    // Traced, when tracing is on, by the HTTP instrumentation (runtime/observability/tracing.ts).
    return graphql(req, res, url);
  }

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const refused = opts.admit?.(req);
    if (refused) {
      res.writeHead(refused.status, refused.headers);
      return void res.end(refused.body);
    }

    let body: unknown = undefined;
    const raw = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    if (raw === null) return tooLarge(res, maxBodyBytes);
    // A GET carries its JSON in the query string (variables, extensions).
    if ([raw, url.searchParams.get('variables') ?? '', url.searchParams.get('extensions') ?? ''].some((json) => nestedDeeper(json, MAX_JSON_DEPTH))) {
      return send(res, 400, { errors: [{ message: `request JSON nested deeper than ${MAX_JSON_DEPTH} levels`, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    const refusedSignature = opts.answerProbes && req.method === 'POST' && isProbe(raw) ? undefined : unsigned(req, url, raw);
    if (refusedSignature) return send(res, 401, { errors: [refusedSignature.toJSON()] });
    const shortcut = req.method === 'POST' ? opts.shortcut : undefined;
    const key = shortcut?.key(req, raw);
    if (key !== undefined) {
      const kept = await shortcut!.answer(key);
      if (kept) return sendAnswer(res, kept);
    }
    if (req.method === 'POST') {
      if ((req.headers['content-type'] ?? '').includes('json') && raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          return send(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
        }
      } else {
        body = raw;
      }
    }
    const relayed = opts.relay && (await opts.relay(req, raw, body));
    if (relayed) {
      res.writeHead(relayed.status, { 'content-type': 'application/json' });
      return void res.end(relayed.body);
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);

    let context: TContext | undefined;
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => (context = await opts.context(req)),
    });
    if (result.body.kind === 'complete') {
      const answer = { status: result.status ?? 200, headers: [...result.headers], body: result.body.string };
      if (key !== undefined && context) shortcut!.heard(key, context, answer);
      sendAnswer(res, answer);
    } else {
      res.statusCode = result.status ?? 200;
      for (const [k, v] of result.headers) res.setHeader(k, v);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  /** The refusal of a request the federation did not sign (its claim headers included), or undefined. Checked before anything reads what it says. */
  function unsigned(req: IncomingMessage, url: URL, raw: string): AikiError | undefined {
    if (!opts.requireSignature) return undefined;
    const header = req.headers[SIGNATURE_HEADER];
    const arrived = arrivals.get(req) ?? Date.now();
    const refused = checkSignature(
      opts.requireSignature,
      Array.isArray(header) ? header[0] : header,
      req.method ?? 'GET',
      url.pathname + url.search,
      raw,
      arrived,
      req.headers,
    );
    // Where the time went, should it happen again: signed → arrived (client, network, accept) and arrived → checked (body read here).
    if (refused?.code === 'SIGNATURE_EXPIRED')
      log.warn('refused a request signed too long ago', { path: url.pathname, ...refused.extensions, checkedAt: Date.now() });
    return refused;
  }

  async function internal(req: IncomingMessage, res: ServerResponse, url: URL, route: (body: unknown) => Promise<unknown>): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, { error: `${url.pathname} takes POST` });
    const raw = await readBody(req, maxBodyBytes);
    if (raw === null) return tooLarge(res, maxBodyBytes);
    if (nestedDeeper(raw, MAX_JSON_DEPTH))
      return send(res, 400, { errors: [{ message: `request JSON nested deeper than ${MAX_JSON_DEPTH} levels`, extensions: { code: 'BAD_USER_INPUT' } }] });
    const refused = unsigned(req, url, raw);
    if (refused) return send(res, 401, { errors: [refused.toJSON()] });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    try {
      return send(res, 200, await route(body));
    } catch (err) {
      if (err instanceof AikiError) return send(res, 400, { errors: [err.toJSON()] });
      throw err;
    }
  }

  const { url, close } = await listen(listener, opts.port, opts.host);
  let scrape: Served | undefined;
  if (opts.metricsListener && opts.metrics) {
    try {
      scrape = await serveMetrics({ ...opts.metricsListener, metrics: opts.metrics, ready: opts.ready ?? (async () => ({})), log });
    } catch (err) {
      await close();
      throw err;
    }
  }
  return {
    url: `${url}/graphql`,
    metricsUrl: scrape?.url,
    async close() {
      await scrape?.close();
      await close();
      await apollo.stop();
    },
  };
}

/**
 * `GET /metrics` alone, on a listener of its own (the gateway's AIKI_METRICS_PORT): scrapers reach
 * it on an internal address while the public port answers 404 for it. Nothing else is served.
 */
export async function serveMetrics(opts: {
  port: number;
  host?: string;
  metrics: () => Promise<MetricsText>;
  ready?: () => Promise<Record<string, unknown>>;
  log: Logger;
}): Promise<Served> {
  const listener = limitedServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/ready' && opts.ready) {
      opts.ready().then(
        (details) => send(res, 200, { status: 'ready', ...details }),
        (err: unknown) => send(res, 503, { status: 'not ready', reason: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      opts.metrics().then(
        (text) => sendMetrics(res, text),
        (err: unknown) => {
          opts.log.error('metrics failed', { err });
          send(res, 500, { error: 'internal error' });
        },
      );
      return;
    }
    return send(res, 404, { error: 'not found: this port serves GET /metrics and GET /ready only' });
  });
  const { url, close } = await listen(listener, opts.port, opts.host);
  return { url: `${url}/metrics`, close };
}

/** Listens (loopback unless told otherwise) and answers the origin it got, e.g. `http://127.0.0.1:4000`. */
async function listen({ server, stop, secure }: Stoppable, port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `${secure ? 'https' : 'http'}://${shown}:${bound}`,
    close: stop,
  };
}

function sendMetrics(res: ServerResponse, { contentType, body }: MetricsText): void {
  res.writeHead(200, { 'content-type': contentType });
  res.end(body);
}

/**
 * 413 for a body over the limit, and the connection closed after it: the rest of the body was not
 * read, so the connection cannot carry another request — kept alive, the client's next request on
 * it waited forever.
 */
function tooLarge(res: ServerResponse, limit: number): void {
  res.shouldKeepAlive = false;
  send(res, 413, { errors: [{ message: `request body over ${limit} bytes`, extensions: { code: 'BAD_USER_INPUT' } }] });
}

function sendAnswer(res: ServerResponse, { status, headers, body }: SentAnswer): void {
  res.statusCode = status;
  for (const [k, v] of headers) res.setHeader(k, v);
  res.end(body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * How deep a request's JSON may nest (objects and arrays). The deepest the API takes is about 8
 * (`{variables:{blocks:[{outbound:[{path:[…]}]}]}}`); a body nested 100,000 deep made the
 * gateway's recursive walks over variables overflow the stack (HTTP 500).
 */
export const MAX_JSON_DEPTH = 32;

/** Whether the JSON text `raw` nests objects and arrays deeper than `limit`: one pass, before it is parsed. Brackets inside strings do not count. */
export function nestedDeeper(raw: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The body as text, or null when it exceeds `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
