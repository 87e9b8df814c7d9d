/**
 * Routes in the URL's fragment (`#/tx/kyoto:…`): every page has a link to share, and the gateway
 * serves one HTML file whatever the page.
 */
import { signal } from './signal.ts';

export type Route =
  | { page: 'federation' }
  | { page: 'chain'; code: string; after?: string }
  | { page: 'block'; code: string; height: number }
  | { page: 'tx'; id: string }
  | { page: 'account'; address: string; after?: string }
  | { page: 'key'; publicKey: string }
  | { page: 'trace'; id: string }
  | { page: 'governance' }
  | { page: 'proposal'; id: string }
  | { page: 'search'; text: string };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const after = params.get('after') ?? undefined;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [page, a = '', b = ''] = parts;
  switch (page) {
    case 'm':
      return { page: 'chain', code: a, after };
    case 'block':
      return { page: 'block', code: a, height: Number(b) };
    case 'tx':
      return { page: 'tx', id: a };
    case 'account':
      return { page: 'account', address: a, after };
    case 'key':
      return { page: 'key', publicKey: a };
    case 'trace':
      return { page: 'trace', id: a };
    case 'governance':
      return { page: 'governance' };
    case 'proposal':
      return { page: 'proposal', id: a };
    case 'search':
      return { page: 'search', text: a };
    default:
      return { page: 'federation' };
  }
}

export const href = {
  federation: () => '#/',
  chain: (code: string, after?: string) => `#/m/${encodeURIComponent(code)}${after ? `?after=${encodeURIComponent(after)}` : ''}`,
  block: (code: string, height: number) => `#/block/${encodeURIComponent(code)}/${height}`,
  blockId: (id: string) => href.block(id.slice(0, id.lastIndexOf(':')), Number(id.slice(id.lastIndexOf(':') + 1))),
  tx: (id: string) => `#/tx/${encodeURIComponent(id)}`,
  account: (address: string, after?: string) => `#/account/${encodeURIComponent(address)}${after ? `?after=${encodeURIComponent(after)}` : ''}`,
  key: (publicKey: string) => `#/key/${publicKey}`,
  trace: (id: string) => `#/trace/${encodeURIComponent(id)}`,
  governance: () => '#/governance',
  proposal: (id: string) => `#/proposal/${encodeURIComponent(id)}`,
  search: (text: string) => `#/search/${encodeURIComponent(text)}`,
};

export const route = signal<Route>(parseRoute(location.hash));
addEventListener('hashchange', () => route.set(parseRoute(location.hash)));
