/**
 * Representations one `_entities` call may carry. A subgraph looks each one up; the gateway asks
 * for at most a few thousand (1,000 settlements, each with a few entities on one ledger), under its
 * cost limit. Above this the call is refused before any lookup.
 */
export const MAX_REPRESENTATIONS = 10_000;

/**
 * Refuses, with 400 and OPERATION_RESOLUTION_FAILURE, a request that names no operation this API
 * runs: several operations and no or an unknown `operationName`, or a subscription (no Aiki
 * service serves any). Apollo Server resolves the operation only at execution, after the plugins'
 * `responseForOperation` hooks, which then met no operation (HTTP 500 at the gateway), and the
 * gateway's executor threw on a subscription (500); a subgraph answered 200 with an internal error.
 * Also refuses (400, BAD_USER_INPUT) an `_entities` call with more than MAX_REPRESENTATIONS
 * representations, before any is looked up. Used by the gateway and by every subgraph.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

function refuse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/** The most representations any root `_entities` field of `operation` is given (a literal list or a variable), fragments at the root included. */
function representationCount(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet]),
  );
  const seen = new Set<string>();
  let most = 0;
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (frag && !seen.has(sel.name.value)) {
          seen.add(sel.name.value);
          walk(frag);
        }
      } else if (sel.name.value === '_entities') {
        const value = sel.arguments?.find((a) => a.name.value === 'representations')?.value;
        const given = value?.kind === Kind.VARIABLE ? variables[value.name.value] : value?.kind === Kind.LIST ? value.values : undefined;
        if (Array.isArray(given)) most = Math.max(most, given.length);
      }
    }
  };
  walk(operation.selectionSet);
  return most;
}

export function operationGuardPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, document, request }) => {
        if (!operation) {
          const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
          throw refuse(
            request.operationName
              ? `the document has no operation named ${JSON.stringify(request.operationName)}`
              : `the document has ${count} operations: name the one to run in operationName`,
          );
        }
        if (operation.operation === 'subscription') throw refuse('subscriptions are not served: send a query or a mutation');
        const count = representationCount(document, operation, request.variables ?? {});
        if (count > MAX_REPRESENTATIONS) {
          throw new GraphQLError(`at most ${MAX_REPRESENTATIONS} representations per _entities call (got ${count})`, {
            extensions: { code: 'BAD_USER_INPUT', field: 'representations', http: { status: 400 } },
          });
        }
      },
    }),
  };
}
