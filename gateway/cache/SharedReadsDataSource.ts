/**
 * @apollo/gateway's RemoteGraphQLDataSource for the subgraphs called over plain HTTP (the main
 * chain, the extension subgraphs), with single-flight for reads: identical queries issued
 * together — same URL, query, operation name, variables, and the same forwarded headers (the
 * caller's Authorization: an operator's answer is never shared with anyone else) — make one
 * call (SingleFlight.ts). Answers the main chain labels with its state are kept while that state
 * stays (StateCache.ts). Mutations are always sent one by one.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { SingleFlight } from './SingleFlight.ts';
import type { StateCache } from './StateCache.ts';
import { readThrough } from './readThrough.ts';
import { readsOf } from './Reads.ts';
import { STATE_HEADER } from '../../runtime/stateLabel.ts';

export interface SharedReadsOptions<TContext> {
  /** Shares identical reads issued together; none: each is sent. */
  singleFlight?: SingleFlight;
  /** Headers passed on from the caller (they may change the answer, so they are part of what must be identical). */
  forward?: (context: TContext) => Record<string, string>;
  /** Keeps labelled answers while the subgraph's state stays (StateCache.ts, checked with runtime/stateLabel.ts `fetchLabel`); none: not kept. */
  state?: StateCache<SubgraphAnswer>;
}

/** A subgraph's answer as the state cache keeps it: without its HTTP details. */
export type SubgraphAnswer = Omit<GatewayGraphQLResponse, 'http'>;

export class SharedReadsDataSource<TContext extends Record<string, any> = Record<string, any>> extends RemoteGraphQLDataSource<TContext> {
  private readonly shared: SharedReadsOptions<TContext>;

  constructor(config: ConstructorParameters<typeof RemoteGraphQLDataSource<TContext>>[0], shared: SharedReadsOptions<TContext>) {
    super(config);
    this.shared = shared;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<TContext>): void {
    for (const [name, value] of Object.entries(this.shared.forward?.(context as TContext) ?? {})) request.http?.headers.set(name, value);
    if (this.shared.state) request.http?.headers.set(STATE_HEADER, '1');
  }

  override async process(options: GraphQLDataSourceProcessOptions<TContext>): Promise<GatewayGraphQLResponse> {
    const { singleFlight, forward } = this.shared;
    const { request } = options;
    const isQuery = Boolean(request.query) && operationOf(request.query!) === 'query';
    if (!isQuery) return super.process(options); // a write: never shared, never vouched for
    const headers = forward?.(options.context as TContext) ?? {};
    const key = [JSON.stringify(headers), request.operationName ?? '', request.query, JSON.stringify(request.variables ?? {})].join('\n');
    return readThrough<GatewayGraphQLResponse>({
      scope: this.url!,
      key,
      // Kept without its HTTP details (the state cache keeps what is given).
      send: async () => withoutHttp(await super.process(options)),
      copy: copyResponse,
      reads: readsOf(options.context),
      state: this.shared.state as StateCache<GatewayGraphQLResponse> | undefined,
      singleFlight,
    });
  }
}

/** An answer without its HTTP response (read by nobody once it is kept or shared). */
function withoutHttp(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  const { http: _http, ...body } = response;
  return body;
}

const serialized = new WeakMap<GatewayGraphQLResponse, string>();

/** Each caller's own data and errors (the gateway merges into them); the HTTP response is only read. */
function copyResponse(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  let text = serialized.get(response);
  if (text === undefined) {
    const { http: _http, ...body } = response;
    serialized.set(response, (text = JSON.stringify(body)));
  }
  return { ...(JSON.parse(text) as GatewayGraphQLResponse), http: response.http };
}

const OPERATIONS_LIMIT = 1000;
const operations = new Map<string, string>();

/** The operation type of a subgraph request ('query', 'mutation', …), memoised; '' when it does not parse. */
function operationOf(query: string): string {
  let kind = operations.get(query);
  if (kind === undefined) {
    try {
      const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      kind = ops.length === 1 ? ops[0]!.operation : '';
    } catch {
      kind = '';
    }
    if (operations.size >= OPERATIONS_LIMIT) operations.delete(operations.keys().next().value!);
    operations.set(query, kind);
  }
  return kind;
}
