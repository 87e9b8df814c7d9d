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
 *
 * **Collapsed requests.** While a request that found nothing current is being executed, identical
 * requests wait for its answer instead of executing too, then check its labels as above, exactly as
 * if they had arrived just after it was kept: the same rule, so the same freshness. All current,
 * they are answered with it; a label changed meanwhile (or nothing was kept), each executes itself.
 * Under writes this is what matters: every block changes a label, and the requests arriving
 * together after it would otherwise each plan, fetch and merge the same answer.
 *
 * **On the wire.** Apollo Server's own path costs as much CPU per request as a full fetch by another
 * gateway (parsing its body, hashing its text, every plugin, serializing the kept answer again). So
 * the bytes a kept answer went out as are kept too, under the request's bytes (its body, its
 * Content-Type and Accept headers): a later request with the same bytes is answered with them by
 * runtime/http.ts before Apollo Server (its `Shortcut`), after the same label checks (`answerWire`). Only requests
 * without credentials are answered so — whatever an Authorization header could change (an operator's
 * field, a revoked token) is decided on Apollo's path every time — and only queries sent as text:
 * the text is checked (limits, the operation guard) on the path that kept it, and the same text
 * gives the same verdict.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import type { SentAnswer } from '../../runtime/http.ts';
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
  /** Of the hits, answered with the kept bytes before Apollo Server (`answerWire`). */
  wireHits: number;
  /** Of the hits, requests that waited for an identical request's answer being made ("Collapsed requests"). */
  collapsed: number;
}

/** A request waits at most this long for an identical one's answer before executing itself. */
const COLLAPSE_WAIT_MS = 10_000;

interface Entry {
  result: FormattedExecutionResult;
  dependencies: Dependency[];
  bytes: number;
}

/** The bytes of a kept answer, and the entry they are: used only while that entry is the one kept under its key. */
interface Wire {
  key: string;
  entry: Entry;
  answer: SentAnswer;
}

/**
 * Which kept entry a request was answered from or stored as: what its bytes on the wire stand for.
 * An object on the request's context from the start (Apollo Server gives plugins a shallow copy of
 * the context, so the plugin fills this object rather than setting a field).
 */
export interface WireNote {
  kept?: { key: string; entry: Entry };
}
const noteOf = (context: unknown): WireNote | undefined => (context as { wire?: WireNote } | undefined)?.wire;

export class ResponseCache {
  private readonly store: Lru<string, Entry>;
  private readonly wires: Lru<string, Wire>;
  private readonly counts = { hits: 0, misses: 0, stale: 0, stored: 0, wireHits: 0, collapsed: 0 };
  /** Per key, the answer being made by a request that found nothing current (undefined once made: nothing kept). */
  private readonly making = new Map<string, Promise<Entry | undefined>>();
  private readonly schemas = new WeakMap<GraphQLSchema, number>();
  private schemaCount = 0;

  constructor({ maxEntries = 10_000, maxBytes = 64 * 2 ** 20 }: { maxEntries?: number; maxBytes?: number } = {}) {
    // Half the bound each: the answers, and their bytes on the wire.
    this.store = new Lru<string, Entry>(maxEntries, { maxBytes: Math.floor(maxBytes / 2), sizeOf: (key, entry) => key.length * 2 + entry.bytes });
    this.wires = new Lru<string, Wire>(maxEntries, {
      maxBytes: Math.floor(maxBytes / 2),
      sizeOf: (key, wire) => (key.length + wire.key.length + wire.answer.body.length) * 2,
    });
  }

  /**
   * The request's key on the wire (runtime/http.ts `Shortcut`): its Content-Type, Accept and body;
   * undefined — never answered from the wire — for a request with credentials or not sent as JSON.
   */
  wireKey(headers: { authorization?: string; 'content-type'?: string; accept?: string }, body: string): string | undefined {
    if (headers.authorization !== undefined || !headers['content-type']?.includes('json')) return undefined;
    return JSON.stringify([headers['content-type'], headers.accept ?? '', body]);
  }

  /** The kept bytes for `wireKey`, when its entry's labels are all current (checked as on Apollo's path); undefined: go on to Apollo. */
  async answerWire(wireKey: string): Promise<SentAnswer | undefined> {
    const wire = this.wires.get(wireKey);
    if (!wire) return undefined;
    if (this.store.get(wire.key) !== wire.entry) return void this.wires.delete(wireKey); // replaced or evicted since
    const reads = new Reads();
    const current = await Promise.all(wire.entry.dependencies.map((d) => d.cache.check(d.scope, d.label, reads)));
    if (!current.every(Boolean)) {
      // Apollo's path would find the same: it finds nothing and executes.
      this.counts.stale++;
      this.store.delete(wire.key);
      this.wires.delete(wireKey);
      return undefined;
    }
    this.counts.hits++;
    this.counts.wireHits++;
    return wire.answer;
  }

  /** Keeps `answer`'s bytes under `wireKey` if the request was answered from, or stored as, a kept entry (`note`, from its context). */
  heardWire(wireKey: string, note: WireNote | undefined, answer: SentAnswer): void {
    if (note?.kept && answer.status === 200) this.wires.set(wireKey, { ...note.kept, answer });
  }

  plugin<TContext extends BaseContext & { authorization?: string }>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        const reads = new Reads();
        (contextValue as { [READS]?: Reads })[READS] = reads;
        let key: string | undefined;
        let served = false;
        /** Set when this request makes the answer identical requests wait for: called once with what it kept. */
        let made: ((entry: Entry | undefined) => void) | undefined;
        return {
          responseForOperation: async (rc) => {
            if (rc.operation.operation !== 'query') return null;
            key = this.keyOf(rc);
            let entry = this.store.get(key);
            const making = entry ? undefined : this.making.get(key);
            if (making) entry = await making;
            if (entry) {
              const current = await Promise.all(entry.dependencies.map((d) => d.cache.check(d.scope, d.label, reads)));
              if (current.every(Boolean)) {
                this.counts.hits++;
                if (making) this.counts.collapsed++;
                served = true;
                const note = noteOf(contextValue);
                if (note) note.kept = { key, entry };
                return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: entry.result } };
              }
              this.counts.stale++;
              if (this.store.get(key) === entry) this.store.delete(key);
            }
            this.counts.misses++;
            if (!this.making.has(key)) made = this.startMaking(key);
            return null;
          },
          willSendResponse: async ({ response }) => {
            let entry: Entry | undefined;
            try {
              if (served || key === undefined || !reads.keepable || response.body.kind !== 'single') return;
              const result = response.body.singleResult;
              if (result.errors?.length || !result.data) return;
              const text = JSON.stringify(result);
              // Frozen: the same object is given to every request it answers.
              const kept = deepFreeze(JSON.parse(text) as FormattedExecutionResult);
              entry = { result: kept, dependencies: [...reads.dependencies.values()], bytes: text.length * 2 };
              if (this.store.set(key, entry)) {
                this.counts.stored++;
                const note = noteOf(contextValue);
                if (note) note.kept = { key, entry };
              }
            } finally {
              made?.(entry);
            }
          },
        };
      },
    };
  }

  /** Marks `key`'s answer as being made; identical requests wait for it (at most {@link COLLAPSE_WAIT_MS}). */
  private startMaking(key: string): (entry: Entry | undefined) => void {
    let resolve!: (entry: Entry | undefined) => void;
    const making = new Promise<Entry | undefined>((r) => (resolve = r));
    const timer = setTimeout(() => done(undefined), COLLAPSE_WAIT_MS);
    timer.unref();
    const done = (entry: Entry | undefined) => {
      clearTimeout(timer);
      if (this.making.get(key) === making) this.making.delete(key);
      resolve(entry);
    };
    this.making.set(key, making);
    return done;
  }

  private keyOf(rc: GraphQLRequestContext<BaseContext & { authorization?: string }>): string {
    let schema = this.schemas.get(rc.schema);
    if (schema === undefined) this.schemas.set(rc.schema, (schema = ++this.schemaCount));
    return JSON.stringify([schema, rc.request.operationName ?? null, rc.source ?? '', rc.request.variables ?? {}, rc.contextValue.authorization ?? null]);
  }

  /** Entries, bytes and evictions: of the answers and their bytes on the wire together. */
  stats(): ResponseCacheStats {
    const [answers, wires] = [this.store.stats(), this.wires.stats()];
    return { ...this.counts, entries: answers.entries + wires.entries, bytes: answers.bytes + wires.bytes, evictions: answers.evictions + wires.evictions };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
