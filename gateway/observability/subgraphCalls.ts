/**
 * One span and one observation per call from the gateway to a subgraph: the shard router's call to
 * one municipality's ledger ({@link traceSubgraphCall} around `postGraphQL`), and the main chain's
 * and extension subgraphs' `RemoteGraphQLDataSource` ({@link observeDataSource}). The call carries
 * its span's `traceparent`, so the subgraph's server span is its child.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { tracer, traceHeaders, withSpan } from '../../runtime/observability/index.ts';
import type { GatewayMetrics, SubgraphOutcome } from './gatewayMetrics.ts';

export interface SubgraphCall {
  subgraph: string;
  /** The municipality of a ledger shard. */
  municipality?: string;
  /** The endpoint called (a span attribute, never a label). */
  url?: string;
}

/**
 * Runs `call` — one HTTP request to a subgraph, sending `headers` — in a client span, and records
 * its duration and outcome: `unavailable` if it throws (rethrown: no GraphQL answer), `error` if
 * the reply carries GraphQL errors, else `ok`.
 */
export async function traceSubgraphCall<R extends { errors?: readonly unknown[] | null }>(
  metrics: GatewayMetrics | undefined,
  target: SubgraphCall,
  call: (headers: Record<string, string>) => Promise<R>,
): Promise<R> {
  const { subgraph, municipality, url } = target;
  const span = tracer().startSpan(municipality ? `${subgraph} ${municipality}` : subgraph, {
    kind: 'client',
    attributes: { 'aiki.subgraph': subgraph, ...(municipality ? { 'aiki.municipality': municipality } : {}), ...(url ? { 'url.full': url } : {}) },
  });
  const start = performance.now();
  let outcome: SubgraphOutcome = 'unavailable';
  try {
    const reply = await withSpan(span, () => call(traceHeaders(span)));
    const errors = reply.errors?.length ?? 0;
    outcome = errors > 0 ? 'error' : 'ok';
    if (errors > 0) span.setAttribute('aiki.errors', errors);
    return reply;
  } catch (err) {
    span.setStatus('error', err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    const durationMs = performance.now() - start;
    span.setAttribute('aiki.outcome', outcome).end();
    metrics?.observeSubgraphCall({ subgraph, municipality, durationMs, outcome });
  }
}

/**
 * Observes every operation `source` sends to `subgraph` (health checks and schema loads pass
 * through): a client span, `traceparent` added to the request's headers — which
 * RemoteGraphQLDataSource copies onto its HTTP request before `willSendRequest` — and
 * {@link GatewayMetrics.observeSubgraphCall}. Patches `source.process` and returns `source`, so it
 * stays a RemoteGraphQLDataSource for @apollo/gateway.
 */
export function observeDataSource<T extends GraphQLDataSource<any>>(source: T, subgraph: string, metrics?: GatewayMetrics): T {
  const process = source.process.bind(source);
  source.process = (options) => {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION; the enum is not exported from the package's entry.
    if ((options.kind as string) !== 'incoming operation') return process(options);
    return traceSubgraphCall(metrics, { subgraph }, async (headers) => {
      const merged = new Headers();
      for (const [name, value] of options.request.http?.headers ?? []) merged.append(name, value);
      for (const [name, value] of Object.entries(headers)) merged.set(name, value);
      options.request.http = { method: options.request.http?.method ?? 'POST', url: options.request.http?.url ?? '', headers: merged };
      return process(options);
    });
  };
  return source;
}
