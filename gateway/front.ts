/**
 * What the gateway answers browsers before GraphQL: CORS headers and preflights (runtime/cors.ts),
 * GraphiQL at `GET /graphql` for a browser asking for a page, and the explorer at `/` — both built
 * by Vite into dist/explorer/ and served from memory (runtime/staticSite.ts): nothing comes from a
 * CDN, so they work offline. Apollo's own landing page (Sandbox, loaded from Apollo's CDN) is off.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsAnswer, type CorsPolicy } from '../runtime/cors.ts';
import type { StaticSite } from '../runtime/staticSite.ts';

export function browserFront(cors: CorsPolicy, site: StaticSite): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  return (req, res, url) => {
    const answer = corsAnswer(cors, req.headers.origin, req.method ?? 'GET', headerValue(req.headers['access-control-request-method']));
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    if (answer.preflight) {
      res.writeHead(answer.preflight, answer.preflight === 403 ? { 'content-type': 'application/json' } : {});
      res.end(answer.preflight === 403 ? JSON.stringify({ error: `origin ${req.headers.origin} is not allowed (AIKI_CORS_ORIGINS)` }) : undefined);
      return true;
    }
    if (url.pathname === '/graphql') {
      if (req.method !== 'GET' || !asksForPage(req) || url.searchParams.has('query')) return false;
      if (site.page(req, res, 'graphiql')) return true;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('GraphiQL is not built: run `npm run build` (npm start builds it on first use).\n');
      return true;
    }
    return site.serve(req, res, url.pathname);
  };
}

/** A browser navigating to the URL (Accept: text/html first), not a GraphQL client. */
function asksForPage(req: IncomingMessage): boolean {
  return /^\s*text\/html\b/.test(String(req.headers.accept ?? ''));
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
