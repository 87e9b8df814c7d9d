/**
 * @apollo/gateway's query plan cache (its `queryPlannerConfig.cache`), with counters. The
 * gateway empties it whenever it installs a new supergraph (`updateWithSchemaAndNotify`), which
 * here happens only when the extension subgraphs change: a municipality joining, leaving or being
 * suspended changes the shard map, never the supergraph (docs/ARCHITECTURE.md), so its plans
 * stay. `clears` counts the emptyings — test/gateway.cache.e2e.test.ts checks that registering a
 * municipality causes none.
 *
 * Bounded by entries and by the approximate size of the plans (their JSON length, as the
 * gateway's own default cache measures them, 30 MiB there).
 */
import type { GatewayConfig } from '@apollo/gateway';

type QueryPlanCache = NonNullable<NonNullable<GatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

export interface PlanCacheStats {
  hits: number;
  misses: number;
  /** Times the gateway emptied it (a new supergraph). */
  clears: number;
  entries: number;
  bytes: number;
}

export class PlanCache implements QueryPlanCache {
  private readonly plans = new Map<string, { plan: QueryPlan; size: number }>();
  private size = 0;
  private counts = { hits: 0, misses: 0, clears: 0 };

  constructor(
    readonly maxEntries = 2_000,
    readonly maxBytes = 30 << 20,
  ) {}

  async get(key: string): Promise<QueryPlan | undefined> {
    const hit = this.plans.get(key);
    if (!hit) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    this.plans.delete(key);
    this.plans.set(key, hit);
    return hit.plan;
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    await this.delete(key);
    const size = JSON.stringify(plan)?.length ?? 0;
    if (size > this.maxBytes / 10) return;
    this.plans.set(key, { plan, size });
    this.size += size;
    while (this.plans.size > this.maxEntries || this.size > this.maxBytes) {
      const [oldest, entry] = this.plans.entries().next().value!;
      this.plans.delete(oldest);
      this.size -= entry.size;
    }
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.plans.get(key);
    if (!entry) return false;
    this.plans.delete(key);
    this.size -= entry.size;
    return true;
  }

  clear(): void {
    this.counts.clears++;
    this.plans.clear();
    this.size = 0;
  }

  stats(): PlanCacheStats {
    return { ...this.counts, entries: this.plans.size, bytes: this.size };
  }
}
