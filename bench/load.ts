/** A closed-loop HTTP load generator: `concurrency` clients POST one GraphQL request in a loop. */
import { signRequest, subgraphSecret } from '../runtime/signing.ts';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

export async function load(url: string, body: unknown, { seconds = 5, concurrency = 16, warmupSeconds = 2 } = {}): Promise<LoadResult> {
  const payload = JSON.stringify(body);
  // Signed when this process holds the federation's secret (a cluster it started): the direct
  // subgraph calls need it, the gateway ignores it. Signing costs both sides alike.
  const secret = subgraphSecret();
  const run = async (durationMs: number, latencies: number[] | null) => {
    let errors = 0;
    const end = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, payload) : {}) }, body: payload });
          const reply = (await res.json()) as { errors?: unknown[] };
          if (!res.ok || reply.errors) errors++;
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

export function row(name: string, r: LoadResult): string {
  return `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50ms.toFixed(2).padStart(7)} ms   p99 ${r.p99ms.toFixed(2).padStart(7)} ms   errors ${r.errors}`;
}
