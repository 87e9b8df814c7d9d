/**
 * The gateway's request metrics as an Apollo Server plugin (envelop's usePrometheus shape): each
 * request counted by operation type, outcome and the code of its first error, and timed from
 * `requestDidStart` to `willSendResponse`. The outcome:
 *
 * - `ok`: no error;
 * - `refused`: errors before execution began — an edge refusal (rate limit, persisted query,
 *   limits), a parse or validation error: the gateway planned nothing and called no subgraph;
 * - `error`: errors from execution (a subgraph's code, SHARD_UNAVAILABLE, …), data possibly partial.
 *
 * The code is the one the client sees (after `formatError`'s masking), bounded by
 * {@link codeLabel}. The request's server span, when tracing is on (the HTTP instrumentation made
 * it current: runtime/observability/tracing.ts), is named after the operation and given its outcome.
 */
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import { activeSpan } from '../../runtime/observability/index.ts';
import { wasRefused } from '../edge/refusal.ts';
import { codeLabel, type GatewayMetrics, type OperationType, type RequestOutcome } from './gatewayMetrics.ts';

export function metricsPlugin<TContext extends BaseContext>(metrics: GatewayMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const start = performance.now();
      const span = activeSpan();
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse(ctx) {
          const durationMs = performance.now() - start;
          const code = codeLabel(firstErrorCode(ctx)); // '' exactly when there was no error
          const outcome: RequestOutcome = code === '' ? 'ok' : executed ? 'error' : 'refused';
          // A request refused before parsing carries a stand-in document (edge/refusal.ts): its type is not the client's.
          const operationType: OperationType = (!wasRefused(request) && ctx.operation?.operation) || 'unknown';
          metrics.observeRequest({ operationType, outcome, code, durationMs });
          if (span) {
            const name = wasRefused(request) ? undefined : (ctx.operationName ?? undefined);
            if (operationType !== 'unknown') span.updateName(name ? `${operationType} ${name}` : operationType);
            span.setAttributes({
              'graphql.operation.type': operationType,
              'graphql.operation.name': name,
              'aiki.outcome': outcome,
              'aiki.error.code': code || undefined,
            });
            if (code === 'INTERNAL_SERVER_ERROR') span.setStatus({ code: SpanStatusCode.ERROR, message: 'INTERNAL_SERVER_ERROR' });
          }
        },
      };
    },
  };
}

/** `extensions.code` of the first error the client is sent, or of the first error met when the body has none. */
function firstErrorCode(ctx: GraphQLRequestContextWillSendResponse<BaseContext>): unknown {
  const body = ctx.response.body;
  const sent = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  const first = sent?.[0] ?? ctx.errors?.[0];
  if (!first) return undefined;
  return first.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
}

/**
 * Counts what runtime/http.ts's `admit` check refuses before Apollo sees the request (the HTTP
 * rate limit's 429) as `refused` requests with the refusal's code. Wraps the check as it is given.
 */
export function observeAdmit<R extends { body: string } | undefined>(metrics: GatewayMetrics, admit: (req: IncomingMessage) => R): (req: IncomingMessage) => R {
  return (req) => {
    const start = performance.now();
    const refused = admit(req);
    if (refused) {
      let code: unknown = 'INTERNAL_SERVER_ERROR';
      try {
        code = (JSON.parse(refused.body) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors?.[0]?.extensions?.code;
      } catch {
        // not JSON: counted as an internal error
      }
      metrics.observeRequest({ operationType: 'unknown', outcome: 'refused', code: String(code ?? ''), durationMs: performance.now() - start });
    }
    return refused;
  };
}
