/**
 * Where the gateway's supergraph and shard map come from: the main-chain registry.
 *
 * The supergraph is the main chain's SDL, the ledger contract (schema/ledger.graphql: one
 * subgraph however many municipalities there are) and the extension subgraphs governance approved,
 * each with the SDL stored with it. The registry is watched two ways: a long poll on its revision
 * (`registryRevision`), which answers as soon as something is registered, suspended, resumed or
 * removed, and a complete read every `pollIntervalMs`, which catches what the revision cannot
 * tell (a write behind the main chain's back). Either starts a sync; syncs run one at a time.
 *
 * A sync brings the shard map in step — never a recomposition. It asks the registry what changed
 * since the revision the map reflects (`registryChanges`), so each change costs one municipality's
 * read and contract check however many are registered; the whole registry is read only at start
 * or when the main chain cannot tell (it restarted). A municipality joins once one of its endpoints
 * passes the ledger contract check; a failing one is re-checked on every sync; a suspended one
 * stays, marked; one gone from a complete read leaves. Only a changed extension set is recomposed and
 * handed to @apollo/gateway through its `update` callback; if that fails the gateway keeps
 * serving the supergraph it has.
 */
import type { SupergraphManager, SupergraphSdlHook, SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { aikiError } from '../../core/errors.ts';
import { checkLedgerEndpoint, composeFederation } from '../../schema/index.ts';
import type { Logger } from '../../runtime/log.ts';
import { pool } from '../../runtime/pool.ts';
import type { ShardMap } from '../router/ShardMap.ts';
import type { RegisteredMunicipality, RegisteredSubgraph, RegistryClient } from './RegistryClient.ts';
import type { ProbePolicy } from '../../runtime/probe.ts';

/**
 * How many municipalities are admitted (their endpoints checked against the ledger contract) at
 * once. A complete read at national scale admits 1,741 at start: all at once, that was 1,741
 * connections and SDL parses together — a peak of memory the process kept — and checks timing
 * out on a busy machine (docs/BENCHMARKS.md, "The gateway at national scale").
 */
const ADMISSION_WIDTH = 16;

export interface RegistrySupergraphManagerOptions {
  registry: RegistryClient;
  shards: ShardMap;
  log: Logger;
  /** How often the registry is read whatever its revision says, in ms. */
  pollIntervalMs?: number;
  /** How long one revision long poll waits on the main chain, in ms (it allows at most 30,000). */
  longPollMs?: number;
  /** How long the main chain may take to answer at start-up, in ms. */
  startTimeoutMs?: number;
  probeTimeoutMs?: number;
  /** Where the ledger contract check may go and whom it trusts (the federation client: runtime/federation.ts). */
  probes: ProbePolicy;
}

export class RegistrySupergraphManager implements SupergraphManager {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Ends the long poll in flight (and its retry pause) at cleanup. */
  private readonly abort = new AbortController();
  private update: SupergraphSdlUpdateFunction | undefined;
  private revision: string | undefined;
  /** The registry revision the shard map reflects; undefined until the first complete read. */
  private applied: string | undefined;
  /** The extension set the served supergraph was composed from, as {@link extensionKey}. */
  private composed = extensionKey([]);
  /** The last extension set that did not compose: not retried until the registry changes it. */
  private refused: string | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** A complete read was asked for while a sync ran. */
  private wantComplete = false;

  constructor(private readonly opts: RegistrySupergraphManagerOptions) {}

  async initialize({ update }: Parameters<SupergraphSdlHook>[0]): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    const { registry, log } = this.opts;
    const mainchainSdl = await this.waitForMainchain();
    this.revision = await registry.revision(undefined, 0).catch(() => undefined);
    const extensions = await registry.subgraphs().catch((err: unknown) => {
      log.warn('extension subgraphs unreadable; starting without them', { reason: (err as Error).message });
      return [];
    });
    let supergraphSdl: string;
    const composed = composeFederation({ url: registry.url, sdl: mainchainSdl }, extensions);
    if (composed.ok) {
      supergraphSdl = composed.supergraphSdl;
      this.composed = extensionKey(extensions);
    } else {
      // Governance checked these compose; if they do not now, serve the federation without them.
      log.error('extension subgraphs do not compose; serving without them', {
        subgraphs: extensions.map((s) => s.name),
        code: composed.code,
        errors: composed.errors,
      });
      this.refused = extensionKey(extensions);
      supergraphSdl = composeSupergraph(registry.url, mainchainSdl);
    }
    if (extensions.length > 0 && composed.ok) log.info('extension subgraphs composed', { subgraphs: extensions.map((s) => s.name) });
    await this.syncShards();
    this.update = update;
    this.scheduleSync();
    void this.watchRevision();
    return {
      supergraphSdl,
      cleanup: async () => {
        this.stopped = true;
        clearTimeout(this.timer);
        this.abort.abort();
      },
    };
  }

  /**
   * Brings the shard map and the extension set in step with the registry. Never two at once: a
   * call during a sync waits for one more sync after it, however many calls there were.
   */
  sync(complete = false): Promise<void> {
    this.wantComplete ||= complete;
    if (!this.running) {
      const whole = this.wantComplete;
      this.wantComplete = false;
      this.running = this.syncOnce(whole).finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.sync();
    });
    return this.queued;
  }

  private async syncOnce(complete: boolean): Promise<void> {
    await Promise.all([this.syncShards(complete), this.syncExtensions()]);
  }

  /**
   * Brings the shard map in step with the registry once: what changed since the last sync (or,
   * when `complete`, the whole registry), and the shards still pending.
   */
  private async syncShards(complete = false): Promise<void> {
    const { shards, log, registry } = this.opts;
    let changed: { revision: string; complete: boolean; municipalities: RegisteredMunicipality[] };
    try {
      changed =
        this.applied && !complete
          ? await registry.changes(this.applied)
          : { revision: await registry.revision(undefined, 0), complete: true, municipalities: await registry.municipalities() };
    } catch (err) {
      log.warn('registry unreachable; keeping the shard map as it is', { reason: (err as Error).message });
      return;
    }
    const seen = new Set(changed.municipalities.map((m) => m.code));
    const pending = shards
      .codes()
      .map((code) => shards.get(code)!)
      .filter((s) => s.admission === 'pending' && !seen.has(s.code));
    await pool(
      [...changed.municipalities, ...pending.map((s) => ({ code: s.code, status: s.status ?? 'ACTIVE', endpoints: s.registered }))],
      ADMISSION_WIDTH,
      (m) => this.admit(m),
    );
    if (changed.complete) {
      for (const code of shards.codes()) {
        if (!seen.has(code)) {
          shards.delete(code);
          log.info('municipality left the shard map', { municipality: code });
        }
      }
    }
    this.applied = changed.revision;
  }

  /** Puts one registered municipality in the shard map: serving if an endpoint passes the contract check, else pending. */
  private async admit(m: RegisteredMunicipality): Promise<void> {
    const { shards, log } = this.opts;
    const current = shards.get(m.code);
    if (current && (current.status ?? 'ACTIVE') !== m.status) log.info('municipality status changed', { municipality: m.code, status: m.status });
    if (current?.admission === 'serving' && sameList(current.registered, m.endpoints)) {
      if (current.status !== m.status) shards.set({ ...current, status: m.status });
      return;
    }
    const checks = await Promise.all(
      m.endpoints.map((url) => checkLedgerEndpoint(url, m.code, { timeoutMs: this.opts.probeTimeoutMs, policy: this.opts.probes })),
    );
    const endpoints = m.endpoints.filter((_, i) => checks[i]!.ok);
    if (endpoints.length > 0) {
      shards.set({ code: m.code, admission: 'serving', endpoints, registered: m.endpoints, status: m.status });
      log.info('municipality joined the shard map', { municipality: m.code, endpoints });
    } else {
      const failed = checks.find((c) => !c.ok);
      const reason = failed && !failed.ok ? failed.error : aikiError('SHARD_UNAVAILABLE', `${m.code} has no endpoints`);
      if (current?.admission !== 'pending' || current.reason.message !== reason.message) {
        log.warn('municipality refused by the ledger contract check', { municipality: m.code, code: reason.extensions.code, reason: reason.message });
      }
      shards.set({ code: m.code, admission: 'pending', registered: m.endpoints, reason, status: m.status });
    }
  }

  /** Recomposes when the registry's extension set differs from the one served; on failure keeps the served supergraph. */
  private async syncExtensions(): Promise<void> {
    const { registry, log } = this.opts;
    let extensions: RegisteredSubgraph[];
    let mainchainSdl: string;
    try {
      extensions = await registry.subgraphs();
      const key = extensionKey(extensions);
      if (key === this.composed || key === this.refused) return;
      mainchainSdl = await registry.serviceSdl();
    } catch (err) {
      log.warn('registry unreachable; keeping the supergraph as it is', { reason: (err as Error).message });
      return;
    }
    const key = extensionKey(extensions);
    const names = extensions.map((s) => s.name);
    const composed = composeFederation({ url: registry.url, sdl: mainchainSdl }, extensions);
    if (!composed.ok) {
      this.refused = key;
      log.error('extension subgraphs do not compose; keeping the previous supergraph', { subgraphs: names, code: composed.code, errors: composed.errors });
      return;
    }
    if (this.stopped || !this.update) return;
    try {
      this.update(composed.supergraphSdl);
    } catch (err) {
      this.refused = key;
      log.error('the gateway refused the new supergraph; keeping the previous one', { subgraphs: names, reason: (err as Error).message });
      return;
    }
    this.composed = key;
    this.refused = undefined;
    log.info('supergraph recomposed', { subgraphs: names });
  }

  private scheduleSync(): void {
    if (this.stopped) return;
    // The periodic read is complete: it catches what the revision cannot tell (a write behind the main chain's back).
    this.timer = setTimeout(() => {
      this.sync(true).finally(() => this.scheduleSync());
    }, this.opts.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Long-polls the registry's revision and syncs as soon as it changes, until cleanup. */
  private async watchRevision(): Promise<void> {
    const { registry, log } = this.opts;
    const waitMs = this.opts.longPollMs ?? 20_000;
    while (!this.stopped) {
      try {
        const revision = await registry.revision(this.revision, waitMs, this.abort.signal);
        if (revision === this.revision) continue;
        // Taken before the read, so a change during the sync is seen by the next long poll.
        this.revision = revision;
        await this.sync();
      } catch (err) {
        if (this.stopped) return;
        // The periodic read still runs; retry the long poll after one poll interval.
        log.debug('registry revision long poll failed', { reason: (err as Error).message });
        await sleep(this.opts.pollIntervalMs ?? 1000, this.abort.signal);
      }
    }
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

/** Composes the main chain and the ledger contract alone; a composition error is fatal, with its messages. */
export function composeSupergraph(mainchainUrl: string, mainchainSdl: string): string {
  const result = composeFederation({ url: mainchainUrl, sdl: mainchainSdl });
  if (!result.ok) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e}`).join('\n')}`);
  return result.supergraphSdl;
}

/** What identifies an extension set for recomposition: each subgraph's name, URL and SDL, in name order. */
function extensionKey(extensions: RegisteredSubgraph[]): string {
  return JSON.stringify(extensions.map(({ name, url, sdl }) => [name, url, sdl]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Resolves after `ms`, or at once when `signal` aborts; never keeps the process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
