/**
 * One GraphQL request over HTTP, as every Aiki client of a subgraph makes it: the shard router,
 * the ledger contract check, the gateway's registry reader, the cluster launcher and the CLI.
 */
import type { GraphQLFormattedError } from 'graphql';
import { signRequest } from './signing.ts';

export interface GraphQLReply<T = Record<string, any>> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface PostOptions {
  variables?: Record<string, unknown>;
  operationName?: string;
  headers?: Record<string, string>;
  /** Abort after this many ms (none by default). */
  timeoutMs?: number;
  /**
   * The federation's secret to sign with (runtime/signing.ts); undefined: unsigned. Always stated, so
   * no caller forgets it: services call through their federation client (runtime/federation.ts),
   * which gives it; tools give runtime/env.ts `subgraphSecret()`.
   */
  secret: string | undefined;
}

/**
 * POSTs `query` to `url` — signed with `opts.secret`, the federation's secret (runtime/signing.ts), when given —
 * and returns the parsed GraphQL reply, errors included. Throws
 * {@link GraphQLTransportError} when nothing GraphQL came back: no answer, a time-out, or a body
 * that is not JSON.
 */
export async function postGraphQL<T = Record<string, any>>(url: string, query: string, opts: PostOptions): Promise<GraphQLReply<T>> {
  const reply = await postOnce<T>(url, query, opts);
  // Refused before anything read it, and signed afresh by postOnce: resending is safe (runtime/signing.ts).
  return reply.errors?.[0]?.extensions?.code === 'SIGNATURE_EXPIRED' ? postOnce<T>(url, query, opts) : reply;
}

async function postOnce<T>(url: string, query: string, opts: PostOptions): Promise<GraphQLReply<T>> {
  let res: Response;
  const body = JSON.stringify({ query, variables: opts.variables, operationName: opts.operationName });
  const secret = opts.secret;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(secret ? signRequest(secret, 'POST', url, body) : {}), ...opts.headers },
      body,
      signal: opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual', // never followed: a signed request would carry its signature to wherever it points
    });
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    const within = opts.timeoutMs === undefined ? '' : ` within ${opts.timeoutMs} ms`;
    throw new GraphQLTransportError(`${url} did not answer${within}: ${reason}`, { cause: err });
  }
  if (res.status >= 300 && res.status < 400) {
    void res.body?.cancel().catch(() => {});
    throw new GraphQLTransportError(`${url} answered HTTP ${res.status}, a redirect: not followed`);
  }
  const text = await res.text();
  try {
    return JSON.parse(text) as GraphQLReply<T>;
  } catch {
    throw new GraphQLTransportError(`${url} answered HTTP ${res.status} with a body that is not GraphQL JSON`);
  }
}

/** No GraphQL reply at all (as opposed to a reply carrying errors). */
export class GraphQLTransportError extends Error {
  override name = 'GraphQLTransportError';
}
