/**
 * Where the gateway's supergraph and shard map come from: the main-chain registry.
 *
 * The supergraph is composed once from the main chain's SDL and the ledger contract
 * (schema/ledger.graphql) — the ledger is one subgraph however many municipalities there are.
 * Then a watch loop keeps the shard map in step with the registry: a newly registered
 * municipality joins once one of its endpoints passes the ledger contract check; a failing one is
 * re-checked on every poll; a deregistered one leaves. None of this recomposes or restarts.
 */
import type { SupergraphManager } from '@apollo/gateway';
import { aikiError } from '../../core/errors.ts';
import { checkLedgerEndpoint, composeFederation } from '../../schema/index.ts';
import type { Logger } from '../../runtime/log.ts';
import type { ShardMap } from '../router/ShardMap.ts';
import type { RegisteredMunicipality, RegistryClient } from './RegistryClient.ts';


export interface RegistrySupergraphManagerOptions {
  registry: RegistryClient;
  shards: ShardMap;
  log: Logger;
  /** How often the registry is read, in ms. */
  pollIntervalMs?: number;
  /** How long the main chain may take to answer at start-up, in ms. */
  startTimeoutMs?: number;
  probeTimeoutMs?: number;
}

export class RegistrySupergraphManager implements SupergraphManager {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: RegistrySupergraphManagerOptions) {}

  async initialize(): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    const mainchainSdl = await this.waitForMainchain();
    const supergraphSdl = composeSupergraph(this.opts.registry.url, mainchainSdl);
    await this.syncShards();
    this.scheduleSync();
    return {
      supergraphSdl,
      cleanup: async () => {
        this.stopped = true;
        clearTimeout(this.timer);
      },
    };
  }

  /** Brings the shard map in step with the registry once. Exposed for tests and the ready probe. */
  async syncShards(): Promise<void> {
    const { shards, log } = this.opts;
    let registered: RegisteredMunicipality[];
    try {
      registered = await this.opts.registry.municipalities();
    } catch (err) {
      log.warn('registry unreachable; keeping the shard map as it is', { reason: (err as Error).message });
      return;
    }
    const seen = new Set<string>();
    await Promise.all(
      registered.map(async (m) => {
        seen.add(m.code);
        const current = shards.get(m.code);
        if (current?.state === 'serving' && sameList(current.registered, m.endpoints)) return;
        const checks = await Promise.all(m.endpoints.map((url) => checkLedgerEndpoint(url, m.code, { timeoutMs: this.opts.probeTimeoutMs })));
        const endpoints = m.endpoints.filter((_, i) => checks[i]!.ok);
        if (endpoints.length > 0) {
          shards.set({ code: m.code, state: 'serving', endpoints, registered: m.endpoints });
          log.info('municipality joined the shard map', { municipality: m.code, endpoints });
        } else {
          const failed = checks.find((c) => !c.ok);
          const reason = failed && !failed.ok ? failed.error : aikiError('SHARD_UNAVAILABLE', `${m.code} has no endpoints`);
          if (current?.state !== 'pending' || current.reason.message !== reason.message) {
            log.warn('municipality refused by the ledger contract check', { municipality: m.code, code: reason.extensions.code, reason: reason.message });
          }
          shards.set({ code: m.code, state: 'pending', registered: m.endpoints, reason });
        }
      }),
    );
    for (const code of shards.codes()) {
      if (!seen.has(code)) {
        shards.delete(code);
        log.info('municipality left the shard map', { municipality: code });
      }
    }
  }

  private scheduleSync(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.syncShards().finally(() => this.scheduleSync());
    }, this.opts.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  private async waitForMainchain(): Promise<string> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    for (;;) {
      try {
        return await this.opts.registry.serviceSdl();
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the main chain at ${this.opts.registry.url} did not answer: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

/** Composes the main chain and the ledger contract; a composition error is fatal, with its messages. */
export function composeSupergraph(mainchainUrl: string, mainchainSdl: string): string {
  const result = composeFederation({ url: mainchainUrl, sdl: mainchainSdl });
  if (!result.ok) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e}`).join('\n')}`);
  return result.supergraphSdl;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
