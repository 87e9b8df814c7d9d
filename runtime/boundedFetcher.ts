/**
 * A `fetch` for the gateway's calls to extension subgraphs — services an operator proposed, not
 * the federation's own — that cannot hold a client's request or the gateway's memory: one
 * time-out for the whole call (answer and body), a cap on the body read (refused from
 * Content-Length when it says more, else as soon as more arrives), and no redirect followed. Each
 * failure is a coded AikiError, which @apollo/gateway reports on the fields that subgraph serves
 * while the rest of the response is answered.
 */
import { aikiError } from '../core/errors.ts';
import { readCapped } from './readCapped.ts';

export interface BoundedFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  /** The subgraph's name, in every error's extensions. */
  subgraph: string;
}

type Fetcher = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string | Buffer; signal?: unknown }) => Promise<Response>;

export function boundedFetcher(fetcher: Fetcher, { timeoutMs, maxBytes, subgraph }: BoundedFetcherOptions): Fetcher {
  return async (url, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([timeout, init.signal as AbortSignal]) : timeout;
    const timedOut = () => aikiError('SUBGRAPH_TIMEOUT', `the ${subgraph} subgraph did not answer within ${timeoutMs} ms`, { subgraph, timeoutMs });
    let res: Response;
    try {
      res = await fetcher(url, { ...init, signal, redirect: 'manual' } as Parameters<Fetcher>[1]);
    } catch {
      if (timeout.aborted) throw timedOut();
      throw aikiError('SUBGRAPH_UNREACHABLE', `the ${subgraph} subgraph did not answer`, { subgraph });
    }
    if (res.status >= 300 && res.status < 400) {
      void res.body?.cancel().catch(() => {});
      throw aikiError('ENDPOINT_REFUSED', `the ${subgraph} subgraph answered HTTP ${res.status}, a redirect: not followed`, { subgraph });
    }
    let body: Buffer | undefined;
    try {
      body = await readCapped(res, maxBytes);
    } catch {
      if (timeout.aborted) throw timedOut();
      throw aikiError('SUBGRAPH_UNREACHABLE', `the ${subgraph} subgraph broke off its answer`, { subgraph });
    }
    if (!body)
      throw aikiError('RESPONSE_TOO_LARGE', `the ${subgraph} subgraph answered more than the ${maxBytes} bytes the gateway reads`, {
        subgraph,
        limit: maxBytes,
      });
    return new Response(new Uint8Array(body), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
