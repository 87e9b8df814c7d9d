/** A closed-loop HTTP load generator: `concurrency` clients POST one GraphQL request in a loop. */
import { signRequest } from '../runtime/signing.ts';
import { subgraphSecret } from '../runtime/env.ts';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

export interface LoadOptions {
  seconds?: number;
  concurrency?: number;
  warmupSeconds?: number;
}

/**
 * `concurrency` clients each calling `request` in a loop — first for `warmupSeconds` (not
 * counted), then for `seconds` — with the requests/s and percentiles of the counted part.
 * `request` resolves to whether it succeeded.
 */
export async function closedLoop(request: () => Promise<boolean>, { seconds = 5, concurrency = 16, warmupSeconds = 2 }: LoadOptions = {}): Promise<LoadResult> {
  const run = async (durationMs: number, latencies: number[] | null) => {
    let errors = 0;
    const end = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          if (!(await request())) errors++;
          latencies?.push(performance.now() - t0);
        }
      }),
    );
    return errors;
  };
  await run(warmupSeconds * 1000, null);
  const latencies: number[] = [];
  const t0 = performance.now();
  const errors = await run(seconds * 1000, latencies);
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { requests: latencies.length, errors, seconds: elapsed, rps: latencies.length / elapsed, p50ms: pct(0.5), p99ms: pct(0.99) };
}

/**
 * POSTs `payload` (JSON text) to `url` — signed when this process holds the federation's secret (a
 * cluster it started): the direct subgraph calls need it, a gateway ignores it, and signing costs
 * both alike. Whether it answered without errors and, when `accept` is given, with data it accepts.
 */
export async function post(url: string, payload: string, accept?: (data: any) => boolean): Promise<boolean> {
  const secret = subgraphSecret();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, payload) : {}) },
    body: payload,
  });
  const reply = (await res.json()) as { data?: unknown; errors?: unknown[] };
  return res.ok && !reply.errors && (!accept || (reply.data != null && accept(reply.data)));
}

/** The same GraphQL request, `body`, to `url` in a {@link closedLoop}. */
export function load(url: string, body: unknown, options: LoadOptions = {}): Promise<LoadResult> {
  const payload = JSON.stringify(body);
  return closedLoop(() => post(url, payload), options);
}

export function row(name: string, r: LoadResult): string {
  return `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50ms.toFixed(2).padStart(7)} ms   p99 ${r.p99ms.toFixed(2).padStart(7)} ms   errors ${r.errors}`;
}
