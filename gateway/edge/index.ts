/**
 * The gateway's protective edge, the public door of `gateway/edge/`: per-client rate limits,
 * persisted operations (APQ, or a safelist in production), limits on what one operation may
 * ask, and operator auth for the fields marked `@operator`, each refusing with a coded error
 * before the gateway plans anything or calls a subgraph.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { limitsPlugin } from './limits.ts';
import { persistedQueriesPlugin } from './persisted.ts';
import { rateLimitPlugin, type RateLimiter } from './rateLimit.ts';
import type { EdgeConfig } from './config.ts';

export { checkMeasure, checkSource, countTokens, DEFAULT_LIMITS, limitsPlugin, measureOperation, type Limits, type Measure } from './limits.ts';
export {
  manifestOf,
  MANIFEST_FORMAT,
  persistedQueriesPlugin,
  readManifest,
  sha256Hex,
  type ManifestOperation,
  type PersistedQueryManifest,
  type PersistedQueryOptions,
} from './persisted.ts';
export {
  clientKeys,
  DEFAULT_RATE_LIMIT,
  httpRateLimit,
  rateLimited,
  RateLimiter,
  rateLimitPlugin,
  type Decision,
  type HttpRefusal,
  type RateLimitOptions,
} from './rateLimit.ts';
export {
  DEFAULT_VERDICT_TTL_MS,
  OPERATOR_SPEC,
  operatorAuthPlugin,
  operatorFieldIn,
  operatorFields,
  OperatorVerifier,
  type OperatorVerifierOptions,
  type Verdict,
} from './operatorAuth.ts';
export { readEdgeConfig, type EdgeConfig } from './config.ts';

/**
 * The edge's Apollo plugins, in the order they must run — Apollo calls `requestDidStart` hooks in
 * plugin order, and each check needs what the one before it decided: who the client is and
 * whether it may ask now, then which text a persisted query stands for, then that text's limits.
 * `rateLimit` puts the limiter in the pipeline; leave it out when runtime/http.ts checks the rate
 * before reading the body ({@link httpRateLimit}).
 */
export function edgePlugins<TContext extends BaseContext>(
  config: EdgeConfig,
  rateLimit?: { limiter: RateLimiter; remoteAddress: (context: TContext) => string | undefined },
): ApolloServerPlugin<TContext>[] {
  return [
    ...(rateLimit ? [rateLimitPlugin<TContext>(rateLimit.limiter, rateLimit.remoteAddress)] : []),
    persistedQueriesPlugin<TContext>({ safelist: config.safelist, apqEntries: config.apqEntries }),
    limitsPlugin<TContext>(config.limits),
  ];
}
