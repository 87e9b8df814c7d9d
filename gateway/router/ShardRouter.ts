/**
 * The gateway's data source for the `ledger` subgraph. The query planner sees one subgraph; this
 * router splits each request by municipality, calls each municipality's own subgraph over HTTP in
 * parallel, and reassembles one response: entities in the original order, error paths re-indexed,
 * and every error from or about a shard naming its municipality in `extensions.municipality`.
 *
 * Reads pass through three optional layers (gateway/cache/, docs/GATEWAY.md): the entity cache
 * answers sealed blocks and confirmed transactions without calling their ledger, the state cache
 * answers what is exactly a ledger's state at its head while the head has not moved, and
 * single-flight makes identical reads issued together one call. Writes (root mutations) never do.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import { AikiError, aikiError } from '../../core/errors.ts';
import { routeRootFields } from './rootFields.ts';
import { GraphQLTransportError } from '../../runtime/graphql.ts';
import type { FederationClient } from '../../runtime/federation.ts';
import { pool } from '../../runtime/pool.ts';
import type { Logger } from '../../runtime/log.ts';
import { municipalityOf } from './shardKey.ts';
import type { ShardMap } from './ShardMap.ts';
import { copyJson, readsOf, readThrough, StateCache, type EntityCache, type GrantedLabels, type Reads, type SingleFlight } from '../cache/index.ts';
import { STATE_HEADER, type StateLabel } from '../../runtime/stateLabel.ts';
import { traceSubgraphCall, type GatewayMetrics } from '../observability/index.ts';

export interface ShardRouterOptions {
  /** Per-call time-out to a municipality's subgraph, in ms. */
  timeoutMs?: number;
  /**
   * The most ledger calls one request has in flight at once (default {@link FAN_OUT}). A request
   * touching every municipality — `municipalities { chain { height } }` at national scale, 1,741
   * ledgers — then holds that many sockets and answers at a time, not 1,741.
   */
  fanOut?: number;
  /** Calls the ledgers signed with the federation's secret (runtime/federation.ts), and logs. */
  federation: FederationClient;
  /** Answers immutable ledger entities without calling their ledger; none: every read is sent. */
  cache?: (scope: (representation: unknown) => string | undefined) => EntityCache;
  /** Shares one call among identical reads issued together; none: each is sent. */
  singleFlight?: SingleFlight;
  /** Counts and times each call per municipality, in a span that sends `traceparent`. */
  metrics?: GatewayMetrics;
  /** Keeps ledger answers that are a municipality's state at its head, while it is (StateCache.ts); none: not kept. */
  stateCache?: { maxBytes?: number; maxEntries?: number };
  /** Heads held under the ledgers' grants, used without asking (GrantedLabels.ts); none: always asked. */
  grants?: GrantedLabels;
}

/**
 * {@link ShardRouterOptions.fanOut}'s default. Measured with `npm run bench -- national`
 * (docs/BENCHMARKS.md): a whole-federation read of 1,744 municipalities took about as long at 16 as
 * unbounded, while unbounded it held 1,744 connections and raised the gateway's peak memory by
 * some 150 MB that it never gave back. A request naming a few municipalities (a block page: one) is
 * not affected.
 */
export const FAN_OUT = 64;

/**
 * How long, in shard time-outs, a request may go on starting calls. Unbounded, every call started
 * at once and ended within one time-out; bounded, the calls of a read touching every
 * municipality take turns, and on a busy machine (load 20–40 on 2 cores) 1,744 of them took 4–14 s
 * in all — more than one time-out — with every ledger answering.
 */
const TURNS = 3;

type Reply = { data?: Record<string, any> | null; errors?: Errors; extensions?: Record<string, any> };

type Errors = GraphQLFormattedError[];

export class ShardRouter implements GraphQLDataSource {
  private readonly timeoutMs: number;
  private readonly fanOut: number;
  private readonly log: Logger;
  private readonly federation: FederationClient;
  readonly cache?: EntityCache;
  readonly singleFlight?: SingleFlight;
  readonly state?: StateCache<Reply>;
  private readonly metrics?: GatewayMetrics;
  /** Per municipality, its registered endpoints as last seen and the generation they started. */
  private readonly generations = new Map<string, { endpoints: string; generation: number }>();

  constructor(
    private readonly shards: ShardMap,
    { timeoutMs = 10_000, fanOut = FAN_OUT, federation, cache, singleFlight, metrics, stateCache, grants }: ShardRouterOptions,
  ) {
    if (!(Number.isInteger(fanOut) && fanOut > 0)) throw new RangeError(`ShardRouter: fanOut must be a positive integer, got ${fanOut}`);
    this.timeoutMs = timeoutMs;
    this.fanOut = fanOut;
    this.metrics = metrics;
    this.federation = federation;
    this.log = federation.log;
    this.cache = cache?.((rep) => this.cacheScope(rep));
    this.singleFlight = singleFlight;
    if (stateCache)
      this.state = new StateCache<Reply>({
        ...stateCache,
        singleFlight,
        head: (code) => this.head(code),
        granted: grants && ((code) => this.grantedHead(grants, code)),
      });
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const representations = request.variables?.representations;
    const reads = readsOf(context);
    if (Array.isArray(representations)) {
      let routed = false;
      const route = (query: string, variables: Record<string, unknown>, reps: unknown[], operationName?: string) => {
        routed = true;
        return this.routeEntities(query, variables, reps, operationName, reads);
      };
      if (!this.cache) return route(request.query ?? '', request.variables ?? {}, representations, request.operationName);
      const reply = await this.cache.resolve(request.query ?? '', request.variables ?? {}, representations, request.operationName, route);
      if (!routed) reads?.immutable(); // every entity from the entity cache: immutable, so vouched for
      return reply as GatewayGraphQLResponse;
    }
    return this.routeRoot(request.query ?? '', request.variables ?? {}, request.operationName); // mutations: never vouched for
  }

  /**
   * Where a representation's cached answers belong: its municipality, in the generation of its
   * registration. Registered endpoints that change may serve another chain under the same code
   * (a municipality removed and registered anew): its earlier entries are then never read again,
   * and age out of the cache. Undefined (not cached) for a municipality not in the shard map.
   */
  private cacheScope(rep: unknown): string | undefined {
    const code = municipalityOf(rep);
    if (typeof code !== 'string') return undefined;
    const shard = this.shards.get(code);
    if (!shard) return undefined;
    const endpoints = shard.registered.join(' ');
    let seen = this.generations.get(code);
    if (!seen) this.generations.set(code, (seen = { endpoints, generation: 0 }));
    else if (seen.endpoints !== endpoints) this.generations.set(code, (seen = { endpoints, generation: seen.generation + 1 }));
    return `${code}.${seen.generation}`;
  }

  /**
   * Root fields (the ledger's mutations) go to the municipality each names: whole when they all
   * name one, else one request per field — in order for mutations, in parallel otherwise.
   */
  private async routeRoot(query: string, variables: Record<string, unknown>, operationName?: string): Promise<GatewayGraphQLResponse> {
    let route;
    try {
      route = routeRootFields(query, variables);
    } catch (err) {
      return { errors: [format(err instanceof AikiError ? err : aikiError('UNROUTABLE_REQUEST', (err as Error).message))] };
    }
    const write = route.operation === 'mutation';
    const codes = new Set(route.fields.map((f) => f.municipality));
    const [only] = codes;
    if (codes.size === 1 && typeof only === 'string') return this.callShard(only, query, variables, { operationName, write });

    const data: Record<string, unknown> = {};
    const errors: Errors = [];
    const one = async (field: (typeof route.fields)[number]) => {
      if (typeof field.municipality !== 'string') {
        data[field.key] = null;
        errors.push(format(field.municipality, [field.key]));
        return;
      }
      const reply = await this.callShard(field.municipality, field.query, variables, { write });
      data[field.key] = (reply.data as Record<string, unknown> | null | undefined)?.[field.key] ?? null;
      for (const error of reply.errors ?? [])
        errors.push({
          ...error,
          path: error.path ?? [field.key],
          extensions: { ...error.extensions, municipality: error.extensions?.municipality ?? field.municipality },
        });
    };
    if (route.operation === 'mutation') for (const field of route.fields) await one(field);
    else await pool(route.fields, this.fanOut, one);
    // Keep the response keys in the order of the request.
    const ordered = Object.fromEntries(route.fields.map((f) => [f.key, data[f.key] ?? null]));
    return errors.length > 0 ? { data: ordered, errors } : { data: ordered };
  }

  /** Splits an `_entities` request by municipality and reassembles it in the original order. */
  private async routeEntities(
    query: string,
    variables: Record<string, unknown>,
    reps: unknown[],
    operationName?: string,
    reads?: Reads,
  ): Promise<GatewayGraphQLResponse> {
    const entities: unknown[] = new Array(reps.length).fill(null);
    const errors: Errors = [];
    const groups = new Map<string, number[]>();
    reps.forEach((rep, i) => {
      const code = municipalityOf(rep);
      if (typeof code !== 'string') return void errors.push(format(code, ['_entities', i]));
      const group = groups.get(code);
      if (group) group.push(i);
      else groups.set(code, [i]);
    });

    // At most `fanOut` shards at a time. A shard whose turn comes after TURNS time-outs is not
    // asked, so a whole-federation read answers within TURNS + 1 time-outs however many ledgers hang.
    const budgetMs = TURNS * this.timeoutMs;
    const deadline = performance.now() + budgetMs;
    await pool([...groups], this.fanOut, async ([code, indices]) => {
      const reply: Reply =
        performance.now() >= deadline
          ? {
              errors: [
                format(
                  aikiError(
                    'SHARD_UNAVAILABLE',
                    `the ledger of ${code} was not asked: this request's ${groups.size} ledgers were not all reached within ${budgetMs} ms`,
                    { municipality: code },
                  ),
                ),
              ],
            }
          : await this.callShard(code, query, { ...variables, representations: indices.map((i) => reps[i]) }, { operationName, write: false, reads });
      const got = reply.data?._entities;
      if (Array.isArray(got) && got.length === indices.length) got.forEach((entity, j) => (entities[indices[j]!] = entity));
      for (const error of reply.errors ?? []) {
        const extensions = { ...error.extensions, municipality: error.extensions?.municipality ?? code };
        const [head, index, ...rest] = error.path ?? [];
        if (head === '_entities' && typeof index === 'number' && indices[index] !== undefined) {
          errors.push({ ...error, path: ['_entities', indices[index], ...rest], extensions });
        } else {
          // An error about the whole shard request: it concerns each of its entities.
          for (const i of indices) errors.push({ ...error, path: ['_entities', i], extensions });
        }
      }
    });
    return errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } };
  }

  /**
   * One request to one municipality: the first endpoint that answers wins. Never throws. A `write`
   * (a root mutation) to a suspended municipality is refused here, at the edge: its ledger does not
   * know of the suspension, the main chain's registry does.
   */
  private async callShard(
    code: string,
    query: string,
    variables: Record<string, unknown>,
    { operationName, write, reads }: { operationName?: string; write: boolean; reads?: Reads },
  ): Promise<Reply> {
    // A shard not serving answers with an error, which no response is kept with; said here all the same.
    if (reads && this.shards.get(code)?.admission !== 'serving') reads.unlabelled = true;
    const shard = this.shards.get(code);
    if (!shard) return { errors: [format(aikiError('UNKNOWN_MUNICIPALITY', `no municipality "${code}" is registered`, { municipality: code }))] };
    if (write && shard.status === 'SUSPENDED') {
      return {
        errors: [format(aikiError('MUNICIPALITY_SUSPENDED', `${code} is suspended by governance: its ledger takes no writes`, { municipality: code }))],
      };
    }
    if (shard.admission === 'pending') {
      // The reason's text names endpoints and schema fingerprints: the gateway logged it when it checked; clients get its code.
      return {
        errors: [
          format(
            aikiError('SHARD_UNAVAILABLE', `the ledger of ${code} is not admitted (${String(shard.reason.extensions.code)}); retry later`, {
              municipality: code,
              reason: shard.reason.extensions.code,
            }),
          ),
        ],
      };
    }
    const endpoints = shard.endpoints;
    if (write) return this.post(code, endpoints, query, variables, operationName);
    const ask = this.state ? { [STATE_HEADER]: '1' } : undefined;
    return readThrough<Reply>({
      scope: code,
      key: `${operationName ?? ''}\n${query}\n${JSON.stringify(variables)}`,
      send: () => this.post(code, endpoints, query, variables, operationName, ask),
      copy: copyJson,
      reads,
      state: this.state,
      singleFlight: this.singleFlight,
    });
  }

  /** The label of `code`'s ledger now (its head, when every committed block is applied), from the first endpoint that says; or undefined. */
  private async head(code: string): Promise<StateLabel | undefined> {
    const shard = this.shards.get(code);
    if (!shard || shard.admission === 'pending') return undefined;
    for (const endpoint of shard.endpoints) {
      const label = await this.federation.label(endpoint, this.timeoutMs);
      if (label) return label;
    }
    return undefined;
  }

  /** The head of `code`'s ledger as granted by one of its endpoints (its lease holder's), or undefined. */
  private grantedHead(grants: GrantedLabels, code: string): StateLabel | undefined {
    const shard = this.shards.get(code);
    if (!shard || shard.admission === 'pending') return undefined;
    for (const endpoint of shard.endpoints) {
      const label = grants.current(endpoint);
      if (label) return label;
    }
    return undefined;
  }

  /** POSTs to the first of `endpoints` that answers. Never throws. */
  private async post(
    code: string,
    endpoints: string[],
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    extraHeaders?: Record<string, string>,
  ): Promise<Reply> {
    for (const endpoint of endpoints) {
      try {
        return await traceSubgraphCall(this.metrics, { subgraph: 'ledger', municipality: code, url: endpoint }, () =>
          this.federation.graphql(endpoint, query, { variables, operationName, timeoutMs: this.timeoutMs, headers: extraHeaders }),
        );
      } catch (err) {
        if (!(err instanceof GraphQLTransportError)) throw err;
        this.log.warn('shard call failed', { municipality: code, endpoint, reason: err.message });
      }
    }
    return {
      // Which endpoint failed and how is in the log above (the federation's internal addresses), not in the answer.
      errors: [
        format(
          aikiError(
            'SHARD_UNAVAILABLE',
            `the ledger of ${code} did not answer (${endpoints.length} ${endpoints.length === 1 ? 'replica' : 'replicas'} tried); retry later`,
            { municipality: code },
          ),
        ),
      ],
    };
  }
}

function format(error: AikiError, path?: Array<string | number>): GraphQLFormattedError {
  return path ? { ...error.toJSON(), path } : error.toJSON();
}
