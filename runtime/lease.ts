/**
 * A lease over one database, held by one process of several at a time, that rests on unique-key
 * inserts alone (docs/ARCHITECTURE.md, "Leases"). FerretDB runs an update as a read and then a
 * write, so a lease kept in one document and taken by a conditional update is only advisory there
 * (docs/LEDGER.md, "What is atomic"); an insert under a unique `_id` is atomic on every engine.
 *
 * Time is cut into terms of `termMs`. Term `n` (from `n·termMs` to `(n+1)·termMs`, by the clock)
 * belongs to whoever inserted the document `_id = <n>`: one process at most, whatever the
 * database. The holder of term `n` inserts term `n + 1` early in term `n`; a process that holds
 * nothing tries the current term (free at a first start, or after a release) and, in the last
 * quarter of a term, the next one — which the holder would have taken already if it were alive.
 * So a killed holder's successor acts from the start of the second term after the kill at most
 * (the kill's term and the next, which the dead holder had taken). A holder acts only while it
 * holds the current term with {@link LeaseOptions.marginMs} left, or holds the next one too.
 *
 * The lease is as good as the clocks of the processes agree (as any lease with a time-out is);
 * written with the client's write concern (`majority`), a term survives a primary change.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { Rounds } from './rounds.ts';
import { isDuplicateKey } from '../db/writeErrors.ts';

export interface LeaseDoc {
  /** The term's number, 16 digits (so that `_id` order is term order). */
  _id: string;
  holder: string;
  /** Where the holder answers (other processes forward what needs the holder there). */
  url: string;
  at: Date;
}

export interface LeaseOptions {
  termMs: number;
  /** A holder stops acting this long before its last term ends (default a fifth of a term, at most 1 s). */
  marginMs?: number;
}

const termKey = (n: number) => String(n).padStart(16, '0');
/** Terms older than this many are deleted by the holder. */
const KEEP_TERMS = 8;

export class Lease {
  /** This process's id in the lease documents. */
  readonly holder = randomUUID();
  /** Recorded with each term taken: where other processes reach this one. */
  url = '';
  /** Terms this process inserted (recent ones). */
  private readonly owned = new Set<number>();
  /** Terms another process holds, as learnt from a failed insert. */
  private readonly others = new Set<number>();
  private readonly marginMs: number;

  constructor(
    private readonly terms: Collection<LeaseDoc>,
    private readonly opts: LeaseOptions,
  ) {
    this.marginMs = opts.marginMs ?? Math.min(1000, opts.termMs / 5);
  }

  get termMs(): number {
    return this.opts.termMs;
  }

  term(now = Date.now()): number {
    return Math.floor(now / this.opts.termMs);
  }

  /** Whether this process holds the lease now, with time to act before it may pass to another. */
  valid(now = Date.now()): boolean {
    const n = this.term(now);
    if (!this.owned.has(n)) return false;
    return this.owned.has(n + 1) || now < (n + 1) * this.opts.termMs - this.marginMs;
  }

  /**
   * One round: keeps the next term when holding this one, else tries to take the lease. Call it at
   * least four times a term. `from`: when this round took a term whose predecessor another
   * process held (it stopped renewing, likely killed), that process's id.
   */
  async renew(now = Date.now()): Promise<{ held: boolean; from?: string }> {
    const n = this.term(now);
    let from: string | undefined;
    if (this.owned.has(n)) {
      if (!this.owned.has(n + 1) && !this.others.has(n + 1)) await this.take(n + 1);
    } else if (!this.others.has(n)) {
      if (await this.take(n)) from = await this.previousHolder(n);
    }
    if (!this.owned.has(n) && !this.owned.has(n + 1) && !this.others.has(n + 1) && now >= (n + 0.75) * this.opts.termMs) {
      // The holder of term n takes n + 1 early in term n: still free this late, nobody is renewing.
      if (await this.take(n + 1)) from = await this.previousHolder(n + 1);
    }
    this.forgetBefore(n - 2);
    return { held: this.valid(), from };
  }

  /** The URL of the process holding the current term (or, if nobody does yet, the next), undefined if neither is held. */
  async holderUrl(now = Date.now()): Promise<{ holder: string; url: string } | undefined> {
    const n = this.term(now);
    const doc = (await this.terms.findOne({ _id: termKey(n) })) ?? (await this.terms.findOne({ _id: termKey(n + 1) }));
    return doc ? { holder: doc.holder, url: doc.url } : undefined;
  }

  /** Gives up the terms held from now on (a clean stop): another process takes the lease at once, with no dead holder's commands to wait for. */
  async release(now = Date.now()): Promise<void> {
    const n = this.term(now);
    for (const t of [n + 1, n]) if (this.owned.has(t)) await this.terms.deleteOne({ _id: termKey(t), holder: this.holder });
    this.owned.clear();
  }

  private async take(n: number): Promise<boolean> {
    try {
      await this.terms.insertOne({ _id: termKey(n), holder: this.holder, url: this.url, at: new Date() });
      this.owned.add(n);
      void this.terms.deleteOne({ _id: termKey(n - KEEP_TERMS) }).catch(() => {}); // old terms, one per term taken
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Ours already if an insert of ours reached the database before a failure we were told of.
      const doc = await this.terms.findOne({ _id: termKey(n) });
      if (doc?.holder === this.holder) this.owned.add(n);
      else this.others.add(n);
      return doc?.holder === this.holder;
    }
  }

  /** Who held the term before `n`, when it was another process (undefined: nobody, or this one). */
  private async previousHolder(n: number): Promise<string | undefined> {
    const doc = await this.terms.findOne({ _id: termKey(n - 1) });
    return doc && doc.holder !== this.holder ? doc.holder : undefined;
  }

  private forgetBefore(n: number): void {
    for (const t of this.owned) if (t < n) this.owned.delete(t);
    for (const t of this.others) if (t < n) this.others.delete(t);
  }
}

export interface KeeperOptions {
  /** Loads what the holder keeps in memory from the database and starts its work; a throw is retried next round. */
  activate: () => Promise<void>;
  /** Stops the holder's work and drops what it kept in memory. */
  deactivate: () => Promise<void>;
  /** Reads the holder's state again, its work paused, this long after each activation (a dead holder's late writes); none when absent. */
  reload?: { afterMs: number; run: () => Promise<void> };
  log: {
    info(msg: string, fields?: Record<string, unknown>): void;
    warn(msg: string, fields?: Record<string, unknown>): void;
    error(msg: string, fields?: Record<string, unknown>): void;
  };
  /** What the lease is for, in log lines. */
  name: string;
}

/**
 * Runs a {@link Lease}: renews it a few times a term; when this process takes it, waits — if it took
 * it over from a holder that stopped renewing — one more term before it activates, so that the
 * old holder's last commands, which a database may still be running (FerretDB finishes a killed
 * client's command as a read then a write), land before the new holder reads the state it loads
 * (docs/LEDGER.md, "What is atomic"); deactivates when the lease is lost. Activations, reloads and
 * deactivations run one after the other (never two at once), while the renewals go on beside them.
 */
export class LeaseKeeper {
  private readonly rounds = new Rounds(() => this.round());
  private active = false;
  /** The holder this process took the lease over from, until it takes it up. */
  private from: string | undefined;
  private waiters: Array<() => void> = [];
  /** Counts activations: a label or an answer of one holder's term is never taken for another's. */
  private activations = 0;
  /** Activations, reloads and deactivations, one after the other. */
  private work: Promise<void> = Promise.resolve();
  private takingUp = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly lease: Lease,
    private readonly opts: KeeperOptions,
  ) {}

  /** Whether this process holds the lease and has loaded its state: it may decide. */
  get holding(): boolean {
    return this.active && this.lease.valid();
  }

  /** Changes with every activation (this process's id and the activation's number). */
  get epoch(): string {
    return `${this.lease.holder}.${this.activations}`;
  }

  /** Starts renewing; resolves after the first round. */
  start(): Promise<void> {
    return this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    this.dropLease();
    await this.work;
    await this.lease.release().catch(() => {});
  }

  /** Resolves once this process holds the lease and is active, or after `timeoutMs` (false). */
  async waitHolding(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.holding && this.rounds.running && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now())));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.holding;
  }

  private serial(what: string, fn: () => Promise<void>): Promise<void> {
    this.work = this.work.then(fn).catch((err: unknown) => this.opts.log.error(`${what} failed`, { err }));
    return this.work;
  }

  /** The lease is lost (or given up): no decision from now on, and the holder's work stopped and dropped after whatever runs now. */
  private dropLease(): void {
    clearTimeout(this.reloadTimer);
    if (!this.active) return;
    this.active = false;
    void this.serial(`stopping the ${this.opts.name} holder's work`, () => this.opts.deactivate());
  }

  /** Waits (after a takeover) and activates, while the loop goes on renewing the lease. */
  private takeUp(from: string | undefined): void {
    const { log, name } = this.opts;
    this.takingUp = true;
    void this.serial(`taking up the ${name} lease`, async () => {
      try {
        if (from) {
          log.info(`took the ${name} lease over from a holder that stopped renewing; waiting a term before acting`, { from });
          await new Promise((r) => setTimeout(r, this.lease.termMs));
        }
        if (!this.rounds.running || !this.lease.valid()) return;
        this.activations++;
        try {
          await this.opts.activate();
        } catch (err) {
          log.error(`loading the ${name} holder's state failed; retrying`, { err });
          await this.opts.deactivate().catch(() => {}); // nothing half-loaded stays
          return;
        }
        if (!this.rounds.running || !this.lease.valid()) return void (await this.opts.deactivate().catch(() => {}));
        this.active = true;
        log.info(`holding the ${name} lease`, { holder: this.lease.holder });
        for (const w of this.waiters.splice(0)) w();
        const reload = this.opts.reload;
        if (reload) {
          const activation = this.activations;
          this.reloadTimer = setTimeout(() => {
            void this.serial(`reading the ${name} holder's state again`, async () => {
              if (this.active && activation === this.activations) await reload.run();
            });
          }, reload.afterMs);
        }
      } finally {
        this.takingUp = false;
      }
    });
  }

  /** One renewal; the next comes a fifth of a term later (20 to 500 ms). */
  private async round(): Promise<number> {
    const { log, name } = this.opts;
    try {
      const renewed = await this.lease.renew();
      this.from ??= renewed.from;
      if (renewed.held && !this.active && !this.takingUp) {
        const took = this.from;
        this.from = undefined;
        this.takeUp(took);
      } else if (!renewed.held && this.active) {
        log.warn(`lost the ${name} lease`, { holder: this.lease.holder });
        this.dropLease();
      }
    } catch (err) {
      log.error(`${name} lease round failed`, { err });
      if (this.active && !this.lease.valid()) this.dropLease();
    }
    return Math.max(20, Math.min(this.lease.termMs / 5, 500));
  }
}
