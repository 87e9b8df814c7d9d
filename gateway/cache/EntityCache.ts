/**
 * The entity cache: ledger entities that can never change, kept without expiry and answered
 * without calling their ledger (docs/GATEWAY.md).
 *
 * It stands between the shard router and the ledgers for `_entities` requests — every ledger read
 * the query planner makes. For each representation:
 *
 * - a sealed block or a confirmed transaction asked with a selection that reaches only immutable
 *   fields (immutable.ts) is looked up under (type, id, selection, the variables it uses, the
 *   municipality's epoch); a hit is answered here, the misses go to the ledger together;
 * - what comes back is kept only if it is provably immutable *from the answer*: a block that
 *   resolved, a transaction whose status is CONFIRMED (asked under an alias of ours when the
 *   selection did not ask for it), with no error anywhere in it;
 * - a mutable entity (an account, a municipality's chain) is always fetched; but the sealed
 *   blocks and confirmed transactions inside it with a deep selection (proofs, transaction pages)
 *   are cut out of the request (entityQuery.ts) and answered as entities of their own — from the
 *   cache when they are there. The account's balance, nonce and which transactions are its newest
 *   come fresh from its ledger on every request; only what those transactions *are* is cached.
 *
 * Whenever the reshaped request does not go through cleanly (any error, a cut-out that does not
 * resolve), the original request is sent as it was and its answer returned untouched, uncached:
 * the client sees exactly what it would without the cache.
 */
import type { GraphQLFormattedError } from 'graphql';
import { entityQuery, REF_PREFIX, STATUS_ALIAS, type EntityQuery } from './entityQuery.ts';
import { immutableAnswer } from './immutable.ts';
import { Lru } from '../../runtime/lru.ts';

export interface EntitiesReply {
  data?: { _entities: unknown[] } | Record<string, any> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Sends an `_entities` request for `representations` (the shard router); errors at `["_entities", i, …]`. */
export type FetchEntities = (query: string, variables: Record<string, unknown>, representations: unknown[], operationName?: string) => Promise<EntitiesReply>;

export interface EntityCacheOptions {
  /** Bounds of the store. */
  maxEntries?: number;
  maxBytes?: number;
  /**
   * The cache scope of a representation: its municipality and the generation of that
   * municipality's registration (a municipality registered anew may be a different chain), or
   * undefined when it cannot be routed (then it is not cached).
   */
  scope: (representation: unknown) => string | undefined;
}

export interface EntityCacheStats {
  /** Entities answered from the cache. */
  hits: number;
  /** Cacheable entities (type and selection) not in the cache: fetched. */
  misses: number;
  /** Entities passed through without looking: a mutable type or a selection reaching mutable data. */
  bypasses: number;
  /** Fetched cacheable entities kept. */
  stored: number;
  /** Fetched cacheable entities not kept: PENDING, REJECTED, not found, or with an error. */
  notStored: number;
  /** Sealed blocks and confirmed transactions cut out of mutable answers and fetched on their own. */
  cutOuts: number;
  /** Reshaped requests that did not go through cleanly and were sent again as they were. */
  fallbacks: number;
  entries: number;
  bytes: number;
  evictions: number;
}

type Counters = Omit<EntityCacheStats, 'entries' | 'bytes' | 'evictions'>;

export class EntityCache {
  private readonly store: Lru<string, string>;
  private readonly scope: EntityCacheOptions['scope'];
  private readonly counters: Counters = { hits: 0, misses: 0, bypasses: 0, stored: 0, notStored: 0, cutOuts: 0, fallbacks: 0 };

  constructor({ maxEntries = 100_000, maxBytes = 64 << 20, scope }: EntityCacheOptions) {
    this.store = Lru.strings(maxEntries, maxBytes);
    this.scope = scope;
  }

  stats(): EntityCacheStats {
    return { ...this.counters, ...this.store.stats() };
  }

  clear(): void {
    this.store.clear();
  }

  /** The `_entities` answer for `representations`, from the cache where it can be and from `fetch` otherwise. */
  async resolve(
    query: string,
    variables: Record<string, unknown>,
    representations: unknown[],
    operationName: string | undefined,
    fetch: FetchEntities,
  ): Promise<EntitiesReply> {
    const plan = entityQuery(query);
    if (!plan) {
      this.counters.bypasses += representations.length;
      return fetch(query, variables, representations, operationName);
    }
    const entities: unknown[] = new Array(representations.length).fill(null);
    const keys = representations.map((rep) => this.keyOf(plan, rep, variables));
    const missing: number[] = [];
    keys.forEach((key, i) => {
      if (key === undefined) {
        this.counters.bypasses++;
        missing.push(i);
        return;
      }
      const hit = this.store.get(key);
      if (hit === undefined) {
        this.counters.misses++;
        missing.push(i);
      } else {
        this.counters.hits++;
        entities[i] = JSON.parse(hit);
      }
    });
    if (missing.length === 0) return { data: { _entities: entities } };

    const reps = missing.map((i) => representations[i]);
    let reply = await fetch(plan.send, variables, reps, operationName);
    let got = entitiesOf(reply, reps.length);
    // An error in the reshaped answer is outside the cut-outs (they select an id only), at the
    // path where the original would have it; an error inside a cut-out shows when filling it.
    if (got && plan.cutOuts.length > 0 && !(await this.fillCutOuts(plan, variables, got, fetch))) got = null;
    let fromPlan = true;
    if (!got) {
      // Sent again as it came: its answer (errors and all) is what the client gets, uncached.
      this.counters.fallbacks++;
      reply = await fetch(query, variables, reps, operationName);
      got = entitiesOf(reply, reps.length) ?? new Array(reps.length).fill(null);
      fromPlan = false;
    }

    const erred = new Set<number>();
    const errors: GraphQLFormattedError[] = [];
    for (const error of reply.errors ?? []) {
      const [head, j, ...rest] = error.path ?? [];
      if (head === '_entities' && typeof j === 'number' && missing[j] !== undefined) {
        erred.add(j);
        errors.push({ ...error, path: ['_entities', missing[j]!, ...rest] });
      } else {
        missing.forEach((_, j) => erred.add(j));
        errors.push(error);
      }
    }
    got.forEach((entity, j) => {
      const i = missing[j]!;
      let status: unknown;
      if (fromPlan && plan.asksStatus && entity !== null && typeof entity === 'object' && STATUS_ALIAS in entity) {
        status = (entity as Record<string, unknown>)[STATUS_ALIAS];
        delete (entity as Record<string, unknown>)[STATUS_ALIAS];
      }
      entities[i] = entity;
      const key = keys[i];
      if (key === undefined) return;
      const typename = (representations[i] as { __typename: string }).__typename;
      if (
        fromPlan &&
        !erred.has(j) &&
        immutableAnswer(typename, entity, typename === 'Transaction' ? status : undefined) &&
        this.store.set(key, JSON.stringify(entity))
      ) {
        this.counters.stored++;
      } else {
        this.counters.notStored++;
      }
    });
    return errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } };
  }

  /**
   * The cache key of one representation under `plan`, or undefined when it is not cacheable:
   * a type or selection that is not, or a representation that is not a plain `{__typename, id}`.
   */
  private keyOf(plan: EntityQuery, rep: unknown, variables: Record<string, unknown>): string | undefined {
    if (rep === null || typeof rep !== 'object') return undefined;
    const { __typename, id, ...rest } = rep as Record<string, unknown>;
    if (typeof __typename !== 'string' || typeof id !== 'string' || Object.keys(rest).length > 0) return undefined;
    const cached = plan.cached.get(__typename);
    const scope = cached && this.scope(rep);
    if (!cached || scope === undefined) return undefined;
    // Absent and null differ (a default applies to the first): [] against [null].
    const vars = cached.variables.length === 0 ? '' : JSON.stringify(cached.variables.map((v) => (v in variables ? [variables[v]] : [])));
    return `${cached.keyPrefix}${scope}:${id}${vars}`;
  }

  /**
   * Replaces every cut-out id in `entities` by the entity it stands for, fetched through
   * {@link resolve} (so from the cache when it is there). False when any of them did not resolve
   * cleanly.
   */
  private async fillCutOuts(plan: EntityQuery, variables: Record<string, unknown>, entities: unknown[], fetch: FetchEntities): Promise<boolean> {
    const holes: Array<{ parent: Record<string | number, unknown>; key: string | number; point: number; id: unknown }> = [];
    const walk = (parent: Record<string | number, unknown>, key: string | number, value: unknown): void => {
      if (value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) return value.forEach((v, i) => walk(value as unknown as Record<number, unknown>, i, v));
      for (const k in value) {
        if (k.startsWith(REF_PREFIX))
          return void holes.push({ parent, key, point: Number(k.slice(REF_PREFIX.length)), id: (value as Record<string, unknown>)[k] });
      }
      for (const k in value) walk(value as Record<string, unknown>, k, (value as Record<string, unknown>)[k]);
    };
    walk(entities as unknown as Record<number, unknown>, -1, entities);
    if (holes.length === 0) return true;
    this.counters.cutOuts += holes.length;

    const byPoint = new Map<number, typeof holes>();
    for (const hole of holes) byPoint.set(hole.point, [...(byPoint.get(hole.point) ?? []), hole]);
    const results = await Promise.all(
      [...byPoint].map(async ([point, inPoint]) => {
        const cut = plan.cutOuts[point];
        if (!cut) return false;
        const ids = [...new Set(inPoint.map((h) => h.id))];
        if (!ids.every((id) => typeof id === 'string')) return false;
        const vars = Object.fromEntries(cut.variables.filter((v) => v in variables).map((v) => [v, variables[v]]));
        const reply = await this.resolve(
          cut.query,
          vars,
          ids.map((id) => ({ __typename: cut.typename, id })),
          undefined,
          fetch,
        );
        const got = entitiesOf(reply, ids.length);
        if (!got || reply.errors?.length || got.some((e) => e === null || typeof e !== 'object')) return false;
        const byId = new Map<unknown, unknown>(ids.map((id, k) => [id, got[k]]));
        const used = new Set<unknown>();
        for (const hole of inPoint) {
          const entity = byId.get(hole.id);
          // The same entity twice gets two objects: the gateway merges into what it is given.
          hole.parent[hole.key] = used.has(entity) ? JSON.parse(JSON.stringify(entity)) : entity;
          used.add(entity);
        }
        return true;
      }),
    );
    return results.every(Boolean);
  }
}

function entitiesOf(reply: EntitiesReply, length: number): unknown[] | null {
  const got = (reply.data as { _entities?: unknown } | null | undefined)?._entities;
  return Array.isArray(got) && got.length === length ? got : null;
}
