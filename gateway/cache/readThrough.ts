/**
 * The one way a subgraph read passes the gateway's caches (docs/GATEWAY.md): single-flight makes
 * identical reads issued together one call, the state cache keeps an answer its subgraph labelled
 * while the label holds, and the request's {@link Reads} hears what the answer stands on.
 *
 * Freshness rests on one rule, kept here and in the response cache: **no label, not kept**. The
 * gateway counts every call it makes to a data source (`countedCalls`); a response is kept only when
 * each call was vouched for — by a label heard here, or by the entity cache (immutable entities) —
 * so a data source or a path that forgets to say anything makes the response unkept, never stale.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { readsOf, type Reads } from './Reads.ts';
import type { SingleFlight } from './SingleFlight.ts';
import { takeLabel, type StateCache } from './StateCache.ts';

export interface Read<R> {
  /** Whose state the answer is: a municipality, or a subgraph's URL. */
  scope: string;
  /** The read within the scope: query, operation name, variables, forwarded headers. */
  key: string;
  send: () => Promise<R>;
  /** Each caller's own copy of a shared answer. */
  copy: (reply: R) => R;
  reads?: Reads;
  state?: StateCache<R>;
  singleFlight?: SingleFlight;
}

export function readThrough<R extends { extensions?: Record<string, unknown> }>({ scope, key, send, copy, reads, state, singleFlight }: Read<R>): Promise<R> {
  const shared = singleFlight ? () => singleFlight.run(`${scope}\n${key}`, send, copy) : send;
  if (!state) return shared(); // heard by nobody: the response is not kept
  return state.read(scope, key, async () => takeLabel(await shared()), reads);
}

/** `source`, with each call it serves counted in the request's {@link Reads}: what must be vouched for. */
export function countedCalls<T extends GraphQLDataSource<any>>(source: T): T {
  const process = source.process.bind(source);
  source.process = (options) => {
    readsOf(options.context)?.called();
    return process(options);
  };
  return source;
}
