/**
 * Label grants: a subgraph's word that its state label will not change before it has told the
 * gateway — so the gateway uses a kept answer without asking the label first (docs/GATEWAY.md,
 * "Granted labels"). The check before use (runtime/stateLabel.ts `fetchLabel`) costs a round
 * trip per wave of requests; under a grant a kept answer costs nothing but the gateway's own work.
 *
 * The protocol, on `POST /state` with `{"grant": {"holder": id, "holding": label | null}}`:
 * - the gateway (the holder) always has one such request out per scope, saying which label it
 *   holds now (null: none);
 * - the subgraph answers `{label, ms}` when it can promise the label: no change to it before `ms`
 *   have passed since it received the request, unless it revokes the grant first and the holder
 *   has acknowledged. A request holding the current label is kept open up to a quarter of that
 *   time and then answered again (the renewal): the holder trusts each answer only from when it
 *   reads it, so a renewal must come back within the grant before — a quarter each way leaves
 *   room for slow round trips on a busy machine;
 * - before a write that changes the label, the subgraph answers every held request
 *   `{revoked: true}` and waits until each holder has acknowledged — its next request, holding
 *   null — or its grant has run out. Only then does it write;
 * - the holder trusts a granted label from the moment it reads the answer until `ms` after it
 *   *sent* the request (never later than the subgraph's promise), and drops it on reading a
 *   revocation, before acknowledging.
 *
 * So once a write is visible anywhere — a client saw its transfer CONFIRMED — no holder still
 * trusts the label from before it: freshness is the same as when every use asked the label.
 * Nothing else may write what the label stands for (a ledger's lease holder seals every block;
 * a writer behind its back, such as a block planted by a test, is seen at the holder's next
 * round and grants are then refused, but one granted before it may stand until it runs out).
 */
import { isLabel, postState, type StateLabel } from './stateLabel.ts';

export interface GrantRequest {
  holder: string;
  holding: StateLabel | null;
}

export interface GrantAnswer {
  /** The label granted, or null: none (revoked, or none can be promised now). */
  label: StateLabel | null;
  /** How long the grant lasts, from when the holder sent its request. */
  ms?: number;
  /** The label held is revoked: acknowledge with a request holding null before anything else. */
  revoked?: boolean;
}

/** The longest grant a subgraph gives: how long a write may wait for a holder that does not acknowledge. */
export const LABEL_GRANT_MS = 1000;

/** Whether a `POST /state` body asks for a grant (else it asks for the label now). */
export function isGrantRequest(body: unknown): body is { grant: GrantRequest } {
  const grant = (body as { grant?: Partial<GrantRequest> } | null)?.grant;
  return typeof grant?.holder === 'string' && grant.holder.length > 0 && grant.holder.length <= 64 && (grant.holding === null || isLabel(grant.holding));
}

/** A grant asked of the subgraph serving GraphQL at `graphqlUrl` (the holder's side), signed with `secret`; undefined when it does not answer one. */
export async function askGrant(
  secret: string | undefined,
  graphqlUrl: string,
  body: { grant: GrantRequest; scope?: string },
  signal: AbortSignal,
): Promise<GrantAnswer | undefined> {
  const answer = (await postState(secret, graphqlUrl, body, signal)) as Partial<GrantAnswer> | undefined;
  if (answer?.revoked === true) return { label: null, revoked: true };
  return isLabel(answer?.label) && typeof answer.ms === 'number' && answer.ms > 0 ? { label: answer.label, ms: answer.ms } : undefined;
}

interface Grant {
  label: StateLabel;
  /** When it runs out (Date.now()), from when its request was received. */
  expires: number;
  /** A renewal kept open: answer it early to revoke. */
  held?: { answer: (a: GrantAnswer) => void; timer: ReturnType<typeof setTimeout> };
  /** A write is waiting for this grant to be acknowledged (or to run out). */
  cleared?: () => void;
}

export interface GrantCounts {
  granted: number;
  revoked: number;
  /** Writes that waited for a grant to run out, its holder silent. */
  ranOut: number;
}

const sameLabel = (a: StateLabel, b: StateLabel) => a.height === b.height && a.hash === b.hash && a.scope === b.scope;

export class LabelGrants {
  private readonly grants = new Map<string, Grant>();
  /** Writes in progress (begun, not ended): no grant meanwhile. */
  private writes = 0;
  /** Requests holding nothing, waiting for the writes in progress to end. */
  private waiting: Array<() => void> = [];
  readonly counts: GrantCounts = { granted: 0, revoked: 0, ranOut: 0 };

  constructor(
    private readonly opts: {
      /** Longest grant. */
      windowMs: number;
      /** The label now and for how long it can be promised at most; undefined: none can be. */
      current: () => { label: StateLabel; forMs: number } | undefined;
    },
  ) {}

  /** Answers a holder's request (see above); may keep it open for a while. */
  async request({ holder, holding }: GrantRequest): Promise<GrantAnswer> {
    const received = Date.now();
    const grant = this.grants.get(holder);
    if (grant?.held) this.answerHeld(grant, { label: null }); // an older request the holder gave up on
    if (holding === null && grant) this.clear(holder, grant); // acknowledged, or given up
    if (holding !== null && (this.writes > 0 || grant?.cleared)) return this.revoke();
    if (holding === null && this.writes > 0) await this.writesEnded(this.opts.windowMs / 2);
    const now = this.opts.current();
    if (!now || this.writes > 0) return holding === null ? { label: null } : this.revoke();
    if (holding !== null && !sameLabel(holding, now.label)) return this.revoke();
    const ms = Math.min(this.opts.windowMs, now.forMs - (Date.now() - received));
    if (ms <= 0) return holding === null ? { label: null } : this.revoke();
    const granted: Grant = { label: now.label, expires: received + ms };
    this.grants.set(holder, granted);
    this.counts.granted++;
    if (holding === null) return { label: now.label, ms };
    // A renewal: kept open, answered at a quarter of its time or to revoke it.
    return new Promise((answer) => {
      granted.held = { answer, timer: setTimeout(() => this.answerHeld(granted, { label: now.label, ms }), ms / 4) };
    });
  }

  /**
   * Before a write that changes the label: revokes every grant and resolves once each is
   * acknowledged or has run out. Pair with {@link endWrite}.
   */
  async beginWrite(): Promise<void> {
    this.writes++;
    const now = Date.now();
    const open: Array<Promise<void>> = [];
    for (const [holder, grant] of this.grants) {
      if (grant.expires <= now) {
        this.clear(holder, grant);
        continue;
      }
      open.push(
        new Promise<void>((resolve) => {
          const ranOut = setTimeout(() => {
            this.counts.ranOut++;
            this.clear(holder, grant);
          }, grant.expires - now);
          const previous = grant.cleared;
          grant.cleared = () => {
            clearTimeout(ranOut);
            previous?.();
            resolve();
          };
        }),
      );
      if (grant.held) {
        this.counts.revoked++;
        this.answerHeld(grant, { label: null, revoked: true });
      }
    }
    await Promise.all(open);
  }

  /** After the write (and whatever makes the label current again) is done. */
  endWrite(): void {
    this.writes = Math.max(0, this.writes - 1);
    if (this.writes > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }

  private revoke(): GrantAnswer {
    this.counts.revoked++;
    return { label: null, revoked: true };
  }

  private answerHeld(grant: Grant, answer: GrantAnswer): void {
    if (!grant.held) return;
    clearTimeout(grant.held.timer);
    const { answer: send } = grant.held;
    grant.held = undefined;
    send(answer);
  }

  private clear(holder: string, grant: Grant): void {
    if (this.grants.get(holder) === grant) this.grants.delete(holder);
    this.answerHeld(grant, { label: null });
    const cleared = grant.cleared;
    grant.cleared = undefined;
    cleared?.();
  }

  private writesEnded(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiting.push(() => (clearTimeout(timer), resolve()));
    });
  }
}
