/**
 * Masking at the edge (envelop's `useMaskedErrors`): expected errors — a code from the catalogue
 * in core/errors.ts or one of Apollo's request errors — reach the client as they are; anything
 * else becomes a generic INTERNAL_SERVER_ERROR, its details only in the logs.
 *
 * INTERNAL_SERVER_ERROR is in the catalogue (clients see it) but never passes: Apollo gives that
 * code to every exception nobody coded, so passing it passed their raw text (issue 19: a lone
 * surrogate's TypeError reached the client). A subgraph's masked one relayed by the gateway is
 * masked again, to the same generic message.
 */
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isErrorCode } from '../core/errors.ts';
import type { Logger } from './log.ts';

const APOLLO_REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function maskErrors(log: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    if ((isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') || (typeof code === 'string' && APOLLO_REQUEST_ERRORS.has(code))) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    log.error('unexpected error', { err: unwrapResolverError(error), path: formatted.path });
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
