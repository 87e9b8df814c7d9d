/**
 * The federation client: how a service calls the federation's other services. Made once by the
 * service's `main.ts` from its configuration (the federation's secret, AIKI_SUBGRAPH_SECRET, read by
 * runtime/env.ts) and handed down, so no module below `main.ts` reads the environment: every
 * outgoing call between services — GraphQL, label checks and grants, the gateway's data sources —
 * is signed with the secret this object carries, as incoming calls are checked with it — and probes of
 * operator-given URLs (runtime/probe.ts) follow its policy: private addresses, the federation's CA.
 */
import { postGraphQL, type GraphQLReply, type PostOptions } from './graphql.ts';
import { askGrant, type GrantAnswer, type GrantRequest } from './labelGrants.ts';
import type { Logger } from './log.ts';
import type { ProbePolicy } from './probe.ts';
import { federationFetcher } from './signing.ts';
import { fetchLabel, postState, type StateLabel } from './stateLabel.ts';

export interface FederationClient extends ProbePolicy {
  /** The federation's shared secret (runtime/signing.ts): signs outgoing calls and checks incoming ones. Undefined: nothing signed or checked (development). */
  readonly secret: string | undefined;
  readonly log: Logger;
  /** A `fetch` for @apollo/gateway's data sources that signs each request (runtime/signing.ts `federationFetcher`). */
  readonly fetch: ReturnType<typeof federationFetcher>;
  /** One GraphQL request to a service of the federation, signed (runtime/graphql.ts `postGraphQL`). */
  graphql<T = Record<string, any>>(url: string, query: string, opts?: Omit<PostOptions, 'secret'>): Promise<GraphQLReply<T>>;
  /** The state label of the service at `graphqlUrl` now (runtime/stateLabel.ts `fetchLabel`). */
  label(graphqlUrl: string, timeoutMs?: number, scope?: string, ask?: Record<string, unknown>): Promise<StateLabel | undefined>;
  /** A signed `POST /state` (runtime/stateLabel.ts `postState`). */
  postState(graphqlUrl: string, payload: unknown, signal: AbortSignal): Promise<unknown>;
  /** A label grant asked of the service at `graphqlUrl` (runtime/labelGrants.ts `askGrant`). */
  grant(graphqlUrl: string, body: { grant: GrantRequest; scope?: string }, signal: AbortSignal): Promise<GrantAnswer | undefined>;
}

export interface FederationClientOptions {
  /** The federation's secret; none: calls go unsigned (a development federation without one, in-process tests). */
  secret?: string;
  log: Logger;
  /** Probes may call private and loopback addresses (AIKI_ALLOW_PRIVATE_ENDPOINTS=1); default not. */
  allowPrivateEndpoints?: boolean;
  /** The federation's CA (AIKI_TLS_CA), for calls made with node:https (fetch trusts it through runtime/tls.ts `installTlsTrust`). */
  ca?: Buffer;
}

export function federationClient({ secret, log, allowPrivateEndpoints = false, ca }: FederationClientOptions): FederationClient {
  const signWith = secret || undefined;
  return {
    secret: signWith,
    log,
    allowPrivateEndpoints,
    ...(ca ? { ca } : {}),
    fetch: federationFetcher(signWith),
    graphql: (url, query, opts = {}) => postGraphQL(url, query, { ...opts, secret: signWith }),
    label: (graphqlUrl, timeoutMs, scope, ask) => fetchLabel(signWith, graphqlUrl, timeoutMs, scope, ask),
    postState: (graphqlUrl, payload, signal) => postState(signWith, graphqlUrl, payload, signal),
    grant: (graphqlUrl, body, signal) => askGrant(signWith, graphqlUrl, body, signal),
  };
}
