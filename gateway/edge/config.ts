/** The edge's settings from the environment (README.md, "Configuration"). */
import { readFileSync } from 'node:fs';
import { envInt, envString } from '../../runtime/env.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { readManifest, type PersistedQueryManifest } from './persisted.ts';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rateLimit.ts';

export interface EdgeConfig {
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits: Partial<Limits>;
  /** Safelist mode: only this manifest's operations run. Unset: APQ. */
  safelist?: PersistedQueryManifest;
  /** APQ store size; 0 turns APQ off. */
  apqEntries?: number;
  /** Per-client rate limit; unset: none. */
  rateLimit?: Partial<RateLimitOptions>;
}

/**
 * AIKI_SAFELIST (a persisted query manifest file: safelist mode), AIKI_APQ_ENTRIES,
 * AIKI_RATE_LIMIT_RPS (0: no rate limit) and AIKI_RATE_LIMIT_BURST, AIKI_MAX_QUERY_DEPTH,
 * AIKI_MAX_QUERY_COST, AIKI_MAX_QUERY_TOKENS. A manifest that cannot be read stops the start.
 */
export function readEdgeConfig(): EdgeConfig {
  const manifestFile = envString('AIKI_SAFELIST', '');
  let safelist;
  if (manifestFile) {
    try {
      safelist = readManifest(readFileSync(manifestFile, 'utf8'));
    } catch (err) {
      throw new Error(`AIKI_SAFELIST: ${(err as Error).message}`, { cause: err });
    }
  }
  const ratePerSecond = envInt('AIKI_RATE_LIMIT_RPS', DEFAULT_RATE_LIMIT.ratePerSecond);
  return {
    limits: {
      maxDepth: envInt('AIKI_MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxDepth, { min: 1 }),
      maxCost: envInt('AIKI_MAX_QUERY_COST', DEFAULT_LIMITS.maxCost, { min: 1 }),
      maxTokens: envInt('AIKI_MAX_QUERY_TOKENS', DEFAULT_LIMITS.maxTokens, { min: 1 }),
    },
    safelist,
    apqEntries: envInt('AIKI_APQ_ENTRIES', 1_000),
    rateLimit: ratePerSecond === 0 ? undefined : { ratePerSecond, burst: envInt('AIKI_RATE_LIMIT_BURST', DEFAULT_RATE_LIMIT.burst, { min: 1 }) },
  };
}
