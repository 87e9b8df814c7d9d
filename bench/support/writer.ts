/**
 * The background writes of bench/gateway.bench.ts: while a target is measured, a transfer from the
 * kyoto treasury is submitted through our gateway every `everyMs` (`writes`), and in `fresh` also
 * one from kyoto to another municipality, in the same request. In `fresh` the writer also watches
 * what became of them — straight at the subgraphs (kyoto's ledger and the main chain, every
 * WATCH_MS), never through a gateway, so that no target's cache is warmed by it — and keeps, in
 * {@link Recent}, kyoto's head height and the transfers most recently seen confirmed in kyoto and
 * credited at their destination: what the readers of `fresh` ask for.
 */
import { signTransfer, type SignedTransaction } from '../../core/index.ts';
import { gql, sleep, SUBMIT_MANY } from './kyoto.ts';

const WATCH_MS = 100;
/** A transfer still waiting is given up after this long (it is then neither confirmed nor credited in the lists). */
const GIVE_UP_MS = 60_000;

export interface Seen {
  /** `<municipality>:<txid>` */
  id: string;
  /** A credited transfer's credit entry at the destination (hex txid). */
  creditId?: string;
  /** performance.now() when the writer saw it confirmed / credited. */
  at: number;
}

/** What the writer has seen most recently, shared with the readers of `fresh`. */
export class Recent {
  /** kyoto's sealed head height, as last seen at its ledger. */
  head = 0;
  confirmed: Seen[] = [];
  credited: Seen[] = [];
  /** How long before each pick its item had been seen (ms), since the last {@link takeAges}. */
  private ages: { confirmed: number[]; credited: number[] } = { confirmed: [], credited: [] };

  add(list: 'confirmed' | 'credited', seen: Seen): void {
    this[list].push(seen);
    if (this[list].length > 32) this[list].shift();
  }

  /** One of the items seen within the last second, at random (the newest if none is that recent); undefined before the first. */
  pick(list: 'confirmed' | 'credited'): Seen | undefined {
    const items = this[list];
    const now = performance.now();
    const recent = items.filter((s) => now - s.at <= 1000);
    const seen = recent.length ? recent[Math.floor(Math.random() * recent.length)] : items.at(-1);
    if (seen) this.ages[list].push(now - seen.at);
    return seen;
  }

  /** `tx confirmed p50 … ms before the request (max …)` for the lists picked from since the last call. */
  takeAges(): string {
    const parts: string[] = [];
    for (const [list, what] of [
      ['confirmed', 'transfer confirmed'],
      ['credited', 'transfer credited'],
    ] as const) {
      const ages = this.ages[list].sort((a, b) => a - b);
      if (ages.length)
        parts.push(
          `${what} p50 ${ages[Math.floor(ages.length / 2)]!.toFixed(0)} ms before the request (max ${ages.at(-1)!.toFixed(0)} ms, ${ages.filter((a) => a > 1000).length} of ${ages.length} older than 1 s)`,
        );
      this.ages[list] = [];
    }
    return parts.join('; ');
  }
}

export interface WriterOptions {
  /** Where transfers are submitted: our gateway. */
  gateway: string;
  /** kyoto's ledger, watched straight. */
  ledger: string;
  everyMs: number;
  sender: { address: string; secretKey: Uint8Array };
  /** The sender's last nonce used; the writer advances it. */
  nonce: { last: number };
  /** Recipients within kyoto, taken in turn. */
  local: string[];
  /** `fresh`: recipients in other municipalities, taken in turn; the main chain, watched straight; what was seen. */
  fresh?: { remote: string[]; mainchain: string; recent: Recent };
}

export interface Writer {
  /** Stops writing; resolves once every transfer submitted is sealed, so that all targets see the same data after. */
  stop(): Promise<void>;
  /** Transfers submitted so far, and (in `fresh`) refunded or rejected ones. */
  counts(): { submitted: number; failed: number };
}

/** kyoto's head, the status of each txid, and (when `address`) that account's nonce, straight from kyoto's ledger. */
async function atLedger(ledger: string, txids: string[], address?: string): Promise<{ height: number; status: Map<string, string>; nonce?: number }> {
  const fields = txids.map((t, i) => `t${i}: transaction(txid: "${t}") { status }`).join(' ');
  const nonce = address ? 'account(address: $a) { nonce }' : '';
  const data = await gql<{ _entities: Array<{ chain: Record<string, { status: string } | { nonce: number } | number | null> }> }>(
    ledger,
    `query($r: [_Any!]!${address ? ', $a: String!' : ''}) { _entities(representations: $r) { ... on Municipality { chain { height ${fields} ${nonce} } } } }`,
    { r: [{ __typename: 'Municipality', code: 'kyoto' }], ...(address ? { a: address } : {}) },
  );
  const chain = data._entities[0]!.chain;
  const status = new Map(txids.map((t, i) => [t, (chain[`t${i}`] as { status: string } | null)?.status ?? 'UNKNOWN']));
  return { height: chain.height as number, status, nonce: (chain.account as { nonce: number } | undefined)?.nonce };
}

export function startWriter({ gateway, ledger, everyMs, sender, nonce, local, fresh }: WriterOptions): Writer {
  let running = true;
  let submitted = 0;
  let failed = 0;
  let turn = 0;
  const pendingLocal = new Map<string, number>(); // txid → when submitted
  const pendingRemote = new Map<string, number>();
  const transfer = (to: string): SignedTransaction =>
    signTransfer(
      { v: 1, type: 'transfer', from: sender.address, to, amount: '1', nonce: ++nonce.last, memo: 'bench write', time: new Date().toISOString() },
      sender.secretKey,
    );

  // A failure stops the writer and is thrown by stop(), not left unhandled.
  let failure: unknown;
  const writing = (async () => {
    while (running) {
      const ts = [transfer(local[turn % local.length]!)];
      if (fresh) ts.push(transfer(fresh.remote[turn % fresh.remote.length]!));
      turn++;
      const { submitTransactions } = await gql<{ submitTransactions: Array<{ txid: string }> }>(gateway, SUBMIT_MANY, { m: 'kyoto', ts });
      submitted += ts.length;
      const now = performance.now();
      pendingLocal.set(submitTransactions[0]!.txid, now);
      if (fresh) pendingRemote.set(submitTransactions[1]!.txid, now);
      await sleep(everyMs);
    }
  })().catch((err: unknown) => {
    failure ??= err;
    running = false;
  });

  const watching = (async () => {
    while (fresh && running) {
      const giveUp = (pending: Map<string, number>) => {
        for (const [t, at] of pending) if (performance.now() - at > GIVE_UP_MS && pending.delete(t)) failed++;
      };
      const local = [...pendingLocal.keys()];
      const remote = [...pendingRemote.keys()];
      const [seen, main] = await Promise.all([
        atLedger(ledger, local),
        remote.length
          ? gql<Record<string, { status: string; creditId: string | null } | null>>(
              fresh.mainchain,
              `{ ${remote.map((t, i) => `s${i}: settlement(id: "kyoto:${t}") { status creditId }`).join(' ')} }`,
            )
          : Promise.resolve({}),
      ]);
      const now = performance.now();
      fresh.recent.head = Math.max(fresh.recent.head, seen.height);
      for (const [t, status] of seen.status) {
        if (status === 'CONFIRMED') fresh.recent.add('confirmed', { id: `kyoto:${t}`, at: now });
        if (status === 'CONFIRMED' || status === 'REJECTED') pendingLocal.delete(t);
        if (status === 'REJECTED') failed++;
      }
      for (const [i, t] of remote.entries()) {
        const s = (main as Record<string, { status: string; creditId: string | null } | null>)[`s${i}`];
        if (s?.status === 'CREDITED') fresh.recent.add('credited', { id: `kyoto:${t}`, creditId: s.creditId!, at: now });
        if (s?.status === 'CREDITED' || s?.status === 'REFUNDED') pendingRemote.delete(t);
        if (s?.status === 'REFUNDED') failed++;
      }
      giveUp(pendingLocal);
      giveUp(pendingRemote);
      await sleep(WATCH_MS);
    }
  })().catch((err: unknown) => {
    failure ??= err;
    running = false;
  });

  return {
    async stop() {
      running = false;
      await Promise.all([writing, watching]);
      if (failure) throw failure;
      while ((await atLedger(ledger, [], sender.address)).nonce! < nonce.last) await sleep(50);
    },
    counts: () => ({ submitted, failed }),
  };
}
