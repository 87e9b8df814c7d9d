/**
 * Masking at the edge (envelop's `useMaskedErrors`): expected errors — a code from the catalogue
 * in core/errors.ts or one of Apollo's request errors — reach the client as they are; anything
 * else becomes a generic INTERNAL_SERVER_ERROR, its details only in the logs.
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
    if (isErrorCode(code) || (typeof code === 'string' && APOLLO_REQUEST_ERRORS.has(code))) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    log.error('unexpected error', { err: unwrapResolverError(error), path: formatted.path });
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
