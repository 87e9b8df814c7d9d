/**
 * The shard map: municipality code → where its ledger subgraph answers. The registry watcher
 * writes it; the shard router reads it on every request. Changing it is a map update, never a
 * recomposition (docs/ARCHITECTURE.md, "Why the gateway shards one subgraph schema").
 */
import type { AikiError } from '../../core/errors.ts';

export type Shard = ShardAdmission & {
  /**
   * As governance set it on the main chain; absent means ACTIVE. A suspended municipality stays
   * in the map, its data readable, but the router refuses writes to it.
   */
  status?: 'ACTIVE' | 'SUSPENDED';
};

type ShardAdmission =
  /** Admitted: at least one endpoint passed the ledger contract check. */
  | { code: string; admission: 'serving'; endpoints: string[]; registered: string[] }
  /** Registered on the main chain but not admitted (yet): no endpoint passed the check. */
  | { code: string; admission: 'pending'; registered: string[]; reason: AikiError };

export class ShardMap {
  private readonly shards = new Map<string, Shard>();

  get(code: string): Shard | undefined {
    return this.shards.get(code);
  }

  set(shard: Shard): void {
    this.shards.set(shard.code, shard);
  }

  delete(code: string): boolean {
    return this.shards.delete(code);
  }

  codes(): string[] {
    return [...this.shards.keys()];
  }

  /** Codes of the admitted shards. */
  serving(): string[] {
    return [...this.shards.values()].filter((s) => s.admission === 'serving').map((s) => s.code);
  }
}
