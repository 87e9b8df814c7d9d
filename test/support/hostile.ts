/**
 * Hostile HTTP servers, started in the test: what an operator-given URL may do to the federation
 * calling it — never answer, answer 50 MB, redirect to an internal address, capture the request
 * (headers, body) to replay it elsewhere, or serve an SDL and then misbehave on every other query.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Cluster } from '../../cluster/cluster.ts';
import { gql } from './helpers.ts';

export interface Captured {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HostileServer {
  url: string;
  /** Every request received, in order. */
  requests: Captured[];
  /** Bytes of the hostile body written before the caller hung up, per response. */
  written: number[];
  close(): Promise<void>;
}

export type Behaviour =
  | { kind: 'hang' }
  | { kind: 'huge'; bytes: number; declare?: boolean }
  | { kind: 'redirect'; to: string; status?: number }
  | { kind: 'json'; body: unknown; status?: number };

/**
 * A server whose answer to each request is `behave(request)`: one of the behaviours above. The
 * 'huge' one streams a GraphQL reply whose SDL string is `bytes` long (declared in Content-Length
 * when `declare`), stopping as soon as the caller hangs up.
 */
export async function hostileServer(behave: (req: Captured) => Behaviour): Promise<HostileServer> {
  const requests: Captured[] = [];
  const written: number[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      const b = behave(captured);
      if (b.kind === 'hang') return void open.add(res);
      if (b.kind === 'redirect') {
        res.writeHead(b.status ?? 307, { location: b.to });
        return void res.end();
      }
      if (b.kind === 'json') {
        res.writeHead(b.status ?? 200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(b.body));
      }
      const head = '{"data":{"_service":{"sdl":"';
      const tail = '"}}}';
      res.writeHead(200, { 'content-type': 'application/json', ...(b.declare ? { 'content-length': String(head.length + b.bytes + tail.length) } : {}) });
      const index = written.push(0) - 1;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let left = b.bytes;
      res.write(head);
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          const n = Math.min(left, chunk.length);
          left -= n;
          written[index]! += n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(tail);
      };
      res.on('close', () => (left = 0));
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    written,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A GraphQL reply serving `sdl` for `_service`. */
export function serviceSdl(sdl: string): Behaviour {
  return { kind: 'json', body: { data: { _service: { sdl } } } };
}

/** Every process of `cluster` answers /health, and the gateway a query across every ledger. */
export async function everyProcessAnswers(cluster: Cluster): Promise<void> {
  for (const p of [cluster.gateway, cluster.mainchain, ...cluster.ledgers.values()]) {
    const res = await fetch(p.url.replace(/\/graphql$/, '/health'));
    expect(res.status, `${p.name} /health`).toBe(200);
  }
  const r = await gql(cluster.gateway.url, '{ municipalities { code chain { height } } }');
  expect(r.errors).toBeUndefined();
}
