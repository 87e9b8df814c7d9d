/**
 * One span and one observation per call from the gateway to a subgraph: the shard router's call to
 * one municipality's ledger ({@link traceSubgraphCall} around `postGraphQL`), and the main chain's
 * and extension subgraphs' `RemoteGraphQLDataSource` ({@link observeDataSource}). The span (named
 * `ledger kyoto`, `mainchain`…) is a child of @apollo/gateway's `gateway.fetch` and says which
 * municipality was called and how it answered; the HTTP call under it is the fetch
 * instrumentation's client span, whose `traceparent` the subgraph's server span continues
 * (runtime/observability/tracing.ts).
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '../../runtime/observability/index.ts';
import type { GatewayMetrics, SubgraphOutcome } from './gatewayMetrics.ts';

export interface SubgraphCall {
  subgraph: string;
  /** The municipality of a ledger shard. */
  municipality?: string;
  /** The endpoint called (a span attribute, never a label). */
  url?: string;
}

/**
 * Runs `call` — one HTTP request to a subgraph — in a span, and records its duration and outcome:
 * `unavailable` if it throws (rethrown: no GraphQL answer), `error` if the reply carries GraphQL
 * errors, else `ok`.
 */
export async function traceSubgraphCall<R extends { errors?: readonly unknown[] | null }>(
  metrics: GatewayMetrics | undefined,
  target: SubgraphCall,
  call: () => Promise<R>,
): Promise<R> {
  const { subgraph, municipality, url } = target;
  const attributes = { 'aiki.subgraph': subgraph, ...(municipality ? { 'aiki.municipality': municipality } : {}), ...(url ? { 'url.full': url } : {}) };
  const start = performance.now();
  let outcome: SubgraphOutcome = 'unavailable';
  return inSpan(municipality ? `${subgraph} ${municipality}` : subgraph, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      const reply = await call();
      const errors = reply.errors?.length ?? 0;
      outcome = errors > 0 ? 'error' : 'ok';
      if (errors > 0) span.setAttribute('aiki.errors', errors);
      return reply;
    } finally {
      span.setAttribute('aiki.outcome', outcome);
      metrics?.observeSubgraphCall({ subgraph, municipality, durationMs: performance.now() - start, outcome });
    }
  });
}

/**
 * Observes every operation `source` sends to `subgraph` (health checks and schema loads pass
 * through): a span and {@link GatewayMetrics.observeSubgraphCall}. Patches `source.process` and
 * returns `source`, so it stays a RemoteGraphQLDataSource for @apollo/gateway.
 */
export function observeDataSource<T extends GraphQLDataSource<any>>(source: T, subgraph: string, metrics?: GatewayMetrics): T {
  const process = source.process.bind(source);
  source.process = (options) => {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION; the enum is not exported from the package's entry.
    if ((options.kind as string) !== 'incoming operation') return process(options);
    return traceSubgraphCall(metrics, { subgraph }, () => process(options));
  };
  return source;
}
