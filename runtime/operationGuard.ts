/**
 * Refuses, with 400 and OPERATION_RESOLUTION_FAILURE, a request that names no operation this API
 * runs: several operations and no or an unknown `operationName`, or a subscription (no Aiki
 * service serves any). Apollo Server resolves the operation only at execution, after the plugins'
 * `responseForOperation` hooks, which then met no operation (HTTP 500 at the gateway), and the
 * gateway's executor threw on a subscription (500); a subgraph answered 200 with an internal error.
 * Used by the gateway and by every subgraph.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';

function refuse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
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
      },
    }),
  };
}
