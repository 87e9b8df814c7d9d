/**
 * The built explorer and GraphiQL (dist/explorer/, made by Vite), served by the gateway from
 * memory. Safe by construction: the files are listed once at start, and a request is answered only
 * with one of them, looked up by its exact path — there is no path to resolve, so no `..` or
 * encoded separator reaches the file system. Hashed asset names (`assets/x-<hash>.js`, Vite's) are
 * immutable and cached for a year; the HTML pages are revalidated (ETag) on every load. Every file
 * is gzipped once at start for clients that accept it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
/** Vite's asset names: `<name>-<8 or more base64url characters>.<ext>` under assets/. */
const HASHED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/**
 * The pages may load and call only their own origin (no CDN, no tracker: the explorer works
 * offline); inline styles are allowed for GraphiQL's editor, never inline scripts.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface File {
  body: Buffer;
  gzip: Buffer | undefined;
  headers: Record<string, string>;
}

export interface StaticSite {
  /** Answers a GET or HEAD for one of the files (and `/` with index.html); false when it is not one. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** Answers with one page of the site (GraphiQL at GET /graphql); false if the site has no such page. */
  page(req: IncomingMessage, res: ServerResponse, name: string): boolean;
  readonly files: number;
}

/** The files of `dir` (none if it does not exist: the site is not built). */
export function staticSite(dir: string): StaticSite {
  const files = new Map<string, File>();
  if (existsSync(dir)) {
    for (const path of walk(dir)) {
      const body = readFileSync(path);
      const name = '/' + relative(dir, path).split(sep).join('/');
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      const headers: Record<string, string> = {
        'content-type': type,
        'x-content-type-options': 'nosniff',
        'cache-control': HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      };
      if (type.startsWith('text/html')) Object.assign(headers, { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' });
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 512;
      files.set(name, { body, gzip: compressible ? gzipSync(body, { level: 9 }) : undefined, headers });
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, file: File): void {
    if (req.headers['if-none-match'] === file.headers.etag) {
      res.writeHead(304, { etag: file.headers.etag!, 'cache-control': file.headers['cache-control']! });
      return void res.end();
    }
    const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip! : file.body;
    res.writeHead(200, { ...file.headers, vary: 'Accept-Encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return {
    files: files.size,
    serve(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const file = files.get(path === '/' ? '/index.html' : path);
      if (!file) return false;
      send(req, res, file);
      return true;
    },
    page(req, res, name) {
      const file = files.get(`/${name}.html`);
      if (!file) return false;
      send(req, res, file);
      return true;
    },
  };
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
