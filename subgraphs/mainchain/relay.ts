/**
 * Writes go to the lease holder (docs/SETTLEMENT.md, "Several main-chain processes"). Any process
 * answers reads from the database; a mutation reaching a process that does not hold the lease is
 * sent on, whole and signed afresh, to the process that does (`x-aiki-forwarded: 1`: never sent
 * on twice), and its answer given back as it came. While nobody holds the lease — the holder was
 * just killed — it waits for the hand-over, up to {@link RelayOptions.waitMs}, then refuses with
 * MAINCHAIN_UNAVAILABLE (retryable).
 */
import type { IncomingMessage } from 'node:http';
import { getOperationAST, parse } from 'graphql';
import { aikiError } from '../../core/index.ts';
import type { LeaseKeeper } from '../../runtime/lease.ts';
import type { Logger } from '../../runtime/log.ts';
import { OPERATOR_HEADER, signRequest } from '../../runtime/signing.ts';

export const FORWARDED_HEADER = 'x-aiki-forwarded';
/** Headers a forwarded request carries on: the caller's credentials and the gateway's claim (signed again), the trace. */
const CARRIED = ['authorization', OPERATOR_HEADER, 'traceparent', 'tracestate'];

export interface RelayOptions {
  keeper: LeaseKeeper;
  /** How long a write waits for a lease holder. */
  waitMs: number;
  log: Logger;
  /** The federation's secret: a forwarded write is signed again with it (none: unsigned). */
  secret: string | undefined;
}

/** Whether a parsed GraphQL request body runs a mutation. */
export function isMutation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string' || !query.includes('mutation')) return false;
  try {
    return getOperationAST(parse(query), typeof operationName === 'string' ? operationName : undefined)?.operation === 'mutation';
  } catch {
    return false; // not GraphQL: Apollo answers it
  }
}

export function mainchainRelay({ keeper, waitMs, log, secret }: RelayOptions) {
  const unavailable = () => ({
    status: 200,
    body: JSON.stringify({
      errors: [aikiError('MAINCHAIN_UNAVAILABLE', 'no main-chain process holds the lease now; retry shortly', { retryAfterMs: 1000 }).toJSON()],
    }),
  });
  return async (req: IncomingMessage, raw: string, body: unknown): Promise<{ status: number; body: string } | undefined> => {
    if (keeper.holding || !isMutation(body)) return undefined;
    const deadline = Date.now() + waitMs;
    if (req.headers[FORWARDED_HEADER]) return (await keeper.waitHolding(waitMs)) ? undefined : unavailable();
    while (Date.now() < deadline) {
      if (keeper.holding) return undefined;
      const holder = await keeper.lease.holderUrl().catch(() => undefined);
      if (holder?.holder === keeper.lease.holder) {
        if (await keeper.waitHolding(Math.min(1000, deadline - Date.now()))) return undefined;
        continue;
      }
      if (holder) {
        let sent = false;
        const answer = await forward(secret, holder.url, req, raw).catch((err: unknown) => {
          // Refused before anything was sent: safe to try again. Otherwise the holder may have
          // carried the write out before it failed, so the caller decides (it is told to retry).
          sent = (err as { cause?: { code?: unknown } } | null)?.cause?.code !== 'ECONNREFUSED';
          log.warn('could not forward a write to the main-chain lease holder', { url: holder.url, err, sent });
          return undefined;
        });
        if (answer) return answer;
        if (sent) return unavailable();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return unavailable();
  };
}

async function forward(secret: string | undefined, url: string, req: IncomingMessage, raw: string): Promise<{ status: number; body: string } | undefined> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', [FORWARDED_HEADER]: '1' };
  for (const name of CARRIED) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...(secret ? signRequest(secret, 'POST', url, raw, Date.now(), headers) : {}) },
    body: raw,
    redirect: 'manual',
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  // A holder that is stopping (or lost the lease meanwhile) answers this: try again.
  if (res.status >= 500 || text.includes('"MAINCHAIN_UNAVAILABLE"')) return undefined;
  return { status: res.status, body: text };
}
