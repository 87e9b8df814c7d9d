/**
 * Bench-only configuration of the `hive-gateway` CLI (bench/gateway.bench.ts runs
 * `hive-gateway supergraph <file> -c bench/support/hive-gateway.config.ts`): every default, plus
 * the one thing without which no subgraph of this federation answers — each subgraph call carries
 * the federation's signature header (runtime/signing.ts), added in an `onFetch` hook over the
 * exact body Hive Gateway sends. The same HMAC our gateway computes for each of its calls.
 *
 * BENCH_HIVE_DEDUPE=0 turns off one default, for comparison only: Hive Gateway's HTTP
 * executor sends identical subgraph queries in flight at once as one call
 * (@graphql-tools/executor-http `deduplicateInflightRequests`).
 */
import { defineConfig } from '@graphql-hive/gateway';
import { signRequest } from '../../runtime/signing.ts';
import { subgraphSecret } from '../../runtime/env.ts';

const secret = subgraphSecret();

export const gatewayConfig = defineConfig({
  ...(process.env.BENCH_HIVE_DEDUPE === '0' ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
  plugins: () =>
    secret
      ? [
          {
            onFetch({ url, options, setOptions }) {
              const body = typeof options.body === 'string' ? options.body : '';
              setOptions({
                ...options,
                headers: { ...(options.headers as Record<string, string>), ...signRequest(secret, options.method ?? 'POST', url, body) },
              });
            },
          },
        ]
      : [],
});
