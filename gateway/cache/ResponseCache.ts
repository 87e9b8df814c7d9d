/**
 * The response cache: a whole answer of the gateway, kept with the state label of every subgraph
 * answer it was made of (StateCache.ts), and given again — without planning, fetching or merging
 * anything — while each of those labels is still current.
 *
 * While a request runs, the data sources report into its {@link Reads}: for each subgraph answer,
 * the label it was read at (a state-cache hit, or a labelled answer just fetched), or that it had
 * none (a mutation, an extension subgraph, a pending transaction's lookup, …). Entities answered by
 * the entity cache are immutable and report nothing. An answer is kept only if it is a query, has
 * no errors, and every subgraph answer in it was labelled.
 *
 * Before a kept answer is used, each of its labels is checked the way the state cache checks one
 * (the subgraph's label now, asked once for every request waiting on it, by a call sent after each
 * arrived): all current, the answer is what executing the request would give now. The key holds
 * the query text, operation name, variables, the caller's Authorization and the supergraph it was
 * planned on.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import { Lru, type LruStats } from '../../runtime/lru.ts';
import { READS, Reads, type Dependency } from './Reads.ts';

export interface ResponseCacheStats extends LruStats {
  hits: number;
  /** Looked up and executed: nothing kept, or a label changed. */
  misses: number;
  /** Of the misses, a kept answer with a label no longer current. */
  stale: number;
  /** Answers kept. */
  stored: number;
}

interface Entry {
  result: FormattedExecutionResult;
  dependencies: Dependency[];
  bytes: number;
}

export class ResponseCache {
  private readonly store: Lru<string, Entry>;
  private readonly counts = { hits: 0, misses: 0, stale: 0, stored: 0 };
  private readonly schemas = new WeakMap<GraphQLSchema, number>();
  private schemaCount = 0;

  constructor({ maxEntries = 10_000, maxBytes = 64 * 2 ** 20 }: { maxEntries?: number; maxBytes?: number } = {}) {
    this.store = new Lru<string, Entry>(maxEntries, { maxBytes, sizeOf: (key, entry) => key.length * 2 + entry.bytes });
  }

  plugin<TContext extends BaseContext & { authorization?: string }>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        const reads = new Reads();
        (contextValue as { [READS]?: Reads })[READS] = reads;
        let key: string | undefined;
        let served = false;
        return {
          responseForOperation: async (rc) => {
            if (rc.operation.operation !== 'query') return null;
            key = this.keyOf(rc);
            const entry = this.store.get(key);
            if (entry) {
              const current = await Promise.all(entry.dependencies.map((d) => d.cache.check(d.scope, d.label, reads)));
              if (current.every(Boolean)) {
                this.counts.hits++;
                served = true;
                return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: entry.result } };
              }
              this.counts.stale++;
              this.store.delete(key);
            }
            this.counts.misses++;
            return null;
          },
          willSendResponse: async ({ response }) => {
            if (served || key === undefined || !reads.keepable || response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            if (result.errors?.length || !result.data) return;
            const text = JSON.stringify(result);
            // Frozen: the same object is given to every request it answers.
            const kept = deepFreeze(JSON.parse(text) as FormattedExecutionResult);
            if (this.store.set(key, { result: kept, dependencies: [...reads.dependencies.values()], bytes: text.length * 2 })) this.counts.stored++;
          },
        };
      },
    };
  }

  private keyOf(rc: GraphQLRequestContext<BaseContext & { authorization?: string }>): string {
    let schema = this.schemas.get(rc.schema);
    if (schema === undefined) this.schemas.set(rc.schema, (schema = ++this.schemaCount));
    return JSON.stringify([schema, rc.request.operationName ?? null, rc.source ?? '', rc.request.variables ?? {}, rc.contextValue.authorization ?? null]);
  }

  stats(): ResponseCacheStats {
    return { ...this.counts, ...this.store.stats() };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
