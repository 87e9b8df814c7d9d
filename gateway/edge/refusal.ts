/**
 * How the edge refuses a request: an {@link AikiError} whose `extensions.http` sets the HTTP status
 * and headers. Apollo Server reads `extensions.http` off a GraphQLError thrown from
 * `didResolveOperation` (or a resolver, or the context function), applies it to the response and
 * removes it from the error the client sees (`@apollo/server` errorNormalize.ts, apollo-server#6857).
 */
import { HeaderMap, type BaseContext, type GraphQLRequest, type GraphQLRequestListener } from '@apollo/server';
import { AikiError, type ErrorCode } from '../../core/errors.ts';

export function refusal(code: ErrorCode, message: string, details: Record<string, unknown>, status: number, headers: Record<string, string> = {}): AikiError {
  return new AikiError(code, message, { ...details, http: { status, headers: new HeaderMap(Object.entries(headers)) } });
}

/** Parsed and validated in microseconds against any schema, then served from Apollo's document cache. */
const STAND_IN = '{ __typename }';
const refusedEarly = new WeakSet<GraphQLRequest>();

/**
 * Refuses a request from `requestDidStart`, before its text is looked up or parsed. Apollo Server
 * turns anything thrown from `requestDidStart` or `didResolveSource` into a bare 500 "Internal
 * server error" (ApolloServer.ts, internalExecuteOperation); `didResolveOperation` is where
 * throwing is documented. So the request's text is replaced by a trivial stand-in, and the
 * refusal is thrown from the returned listener's `didResolveOperation`: the refused text is never
 * parsed, and the client gets the code, status and headers of `error`.
 */
export function refuseEarly<TContext extends BaseContext>(request: GraphQLRequest, error: AikiError): GraphQLRequestListener<TContext> {
  refusedEarly.add(request);
  request.query = STAND_IN;
  request.operationName = undefined;
  if (request.extensions?.persistedQuery !== undefined) {
    const { persistedQuery: _dropped, ...extensions } = request.extensions;
    request.extensions = extensions;
  }
  return {
    async didResolveOperation() {
      throw error;
    },
  };
}

/** Whether an earlier hook already refused this request (its first refusal is the one the client gets). */
export function wasRefused(request: GraphQLRequest): boolean {
  return refusedEarly.has(request);
}
