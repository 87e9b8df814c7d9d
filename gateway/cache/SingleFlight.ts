/**
 * Single-flight: identical subgraph requests made together share one HTTP call.
 *
 * Which requests may share. A request that joins a call already on the wire could get an answer
 * the subgraph read *before* the request arrived: a balance read just after a client saw its
 * transfer CONFIRMED could join a read sent a moment before the block was sealed, and show the
 * old balance. So, by default (`window: 'tick'`), a call stays open to joiners only until it is
 * sent, at the end of the current turn of the event loop (setImmediate): every request that shares
 * it arrived before it left, and its answer is one an unshared request could have got. Under load
 * many identical requests reach this point in the same turn — the gateway is busy, their bodies
 * arrive together — so this still collapses a burst into one call.
 *
 * `window: 'flight'` also lets requests join a call on the wire (the usual "in-flight
 * de-duplication"), with the staleness above, bounded by one round trip. It exists to measure the
 * difference; the gateway does not use it.
 *
 * Each caller gets its own copy of the answer: @apollo/gateway merges fetched data into the
 * objects it is given (`deepMerge`), so sharing one object would mix requests' results.
 */
export type SingleFlightWindow = 'tick' | 'flight';

export interface SingleFlightStats {
  /** Calls made (one per flight). */
  calls: number;
  /** Requests answered by another request's call. */
  shared: number;
}

interface Flight<T> {
  promise: Promise<T>;
  joiners: number;
}

export class SingleFlight {
  private readonly open = new Map<string, Flight<unknown>>();
  private calls = 0;
  private sharedCount = 0;

  constructor(private readonly window: SingleFlightWindow = 'tick') {}

  /**
   * `call()`'s answer, made once for every `run` with the same `key` while the call is open.
   * `copy` makes each caller's own copy of a shared answer (an unshared one is handed over as is).
   */
  run<T>(key: string, call: () => Promise<T>, copy: (value: T) => T): Promise<T> {
    const open = this.open.get(key) as Flight<T> | undefined;
    if (open) {
      open.joiners++;
      this.sharedCount++;
      return open.promise.then(copy);
    }
    this.calls++;
    const flight: Flight<T> = { promise: undefined as unknown as Promise<T>, joiners: 0 };
    const close = () => {
      if (this.open.get(key) === flight) this.open.delete(key);
    };
    flight.promise =
      this.window === 'tick'
        ? new Promise<T>((resolve, reject) =>
            setImmediate(() => {
              close();
              call().then(resolve, reject);
            }),
          )
        : call().finally(close);
    this.open.set(key, flight as Flight<unknown>);
    // Shared, the original is copied by nobody's hands: the first caller gets a copy too.
    return flight.promise.then((value) => (flight.joiners > 0 ? copy(value) : value));
  }

  stats(): SingleFlightStats {
    return { calls: this.calls, shared: this.sharedCount };
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
