/**
 * Single-flight: identical subgraph requests made together share one HTTP call.
 *
 * Which requests may share. A request that joins a call already on the wire could get an answer
 * the subgraph read *before* the request arrived: a balance read just after a client saw its
 * transfer CONFIRMED could join a read sent a moment before the block was sealed, and show the
 * old balance. So a call stays open to joiners only until it is sent: every request that shares
 * it arrived before it left, and its answer is one each of them could have got alone.
 *
 * When it is sent. At the end of the current turn of the event loop (setImmediate) — unless an
 * identical call is already on the wire: then when that one is answered, or after `queueMs`
 * (20 ms), whichever comes first. A subgraph busy answering a question gains nothing from being
 * asked it again meanwhile by every new request; asked once more for all of them, it answers
 * sooner (figures in docs/GATEWAY.md). A request with no identical call on the wire is never held.
 *
 * `window: 'flight'` (AIKI_SINGLE_FLIGHT=flight) also lets requests join a call on the wire — the
 * usual "in-flight de-duplication", Hive Gateway's default — with the staleness above, bounded by
 * one round trip. Not the default.
 *
 * Each caller gets its own copy of a shared answer: @apollo/gateway merges fetched data into the
 * objects it is given (`deepMerge`), so sharing one object would mix requests' results.
 */
export type SingleFlightWindow = 'tick' | 'flight';

export interface SingleFlightOptions {
  window?: SingleFlightWindow;
  /** With an identical call on the wire, hold a new one at most this long for it to be answered (0: never hold). */
  queueMs?: number;
}

export interface SingleFlightStats {
  /** Calls made (one per flight). */
  calls: number;
  /** Requests answered by another request's call. */
  shared: number;
  /** Calls held behind an identical call on the wire. */
  queued: number;
}

interface Flight<T> {
  promise: Promise<T>;
  joiners: number;
}

export class SingleFlight {
  /** Per key, the call not sent yet: open to joiners. */
  private readonly open = new Map<string, Flight<unknown>>();
  /** Per key, the latest call sent and not answered yet. */
  private readonly onWire = new Map<string, Promise<unknown>>();
  private readonly window: SingleFlightWindow;
  private readonly queueMs: number;
  private readonly counts: SingleFlightStats = { calls: 0, shared: 0, queued: 0 };

  constructor({ window = 'tick', queueMs = 20 }: SingleFlightOptions = {}) {
    this.window = window;
    this.queueMs = queueMs;
  }

  /**
   * `call()`'s answer, made once for every `run` with the same `key` while the call is open.
   * `copy` makes each caller's own copy of a shared answer (an unshared one is handed over as is).
   */
  run<T>(key: string, call: () => Promise<T>, copy: (value: T) => T): Promise<T> {
    const open = this.open.get(key) as Flight<T> | undefined;
    if (open) {
      open.joiners++;
      this.counts.shared++;
      return open.promise.then(copy);
    }
    this.counts.calls++;
    const flight: Flight<T> = { promise: undefined as unknown as Promise<T>, joiners: 0 };
    const send = (): Promise<T> => {
      if (this.open.get(key) === flight) this.open.delete(key);
      const sent = call();
      this.onWire.set(key, sent);
      const answered = () => {
        if (this.onWire.get(key) === sent) this.onWire.delete(key);
      };
      sent.then(answered, answered);
      return sent;
    };
    if (this.window === 'flight') {
      // Open until answered: `send` closes it, so reopen it for the call's lifetime.
      flight.promise = send();
      this.open.set(key, flight as Flight<unknown>);
      const close = () => {
        if (this.open.get(key) === flight) this.open.delete(key);
      };
      flight.promise.then(close, close);
    } else {
      const ahead = this.onWire.get(key);
      flight.promise = new Promise<T>((resolve, reject) => {
        let gone = false;
        const go = () => {
          if (gone) return;
          gone = true;
          send().then(resolve, reject);
        };
        if (ahead && this.queueMs > 0) {
          this.counts.queued++;
          ahead.then(go, go);
          setTimeout(go, this.queueMs).unref();
        } else {
          setImmediate(go);
        }
      });
      this.open.set(key, flight as Flight<unknown>);
    }
    // Shared, the original is copied by nobody's hands: the first caller gets a copy too.
    return flight.promise.then((value) => (flight.joiners > 0 ? copy(value) : value));
  }

  stats(): SingleFlightStats {
    return { ...this.counts };
  }
}

const serialized = new WeakMap<object, string>();

/** A deep copy of a JSON value (what a GraphQL reply is); serialised once however many copies are made. */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  let text = serialized.get(value);
  if (text === undefined) serialized.set(value, (text = JSON.stringify(value)));
  return JSON.parse(text) as T;
}
