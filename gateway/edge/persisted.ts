/**
 * Persisted operations, as one Apollo plugin:
 *
 * - **APQ** (automatic persisted queries, Apollo's protocol): a client sends
 *   `extensions.persistedQuery = {version: 1, sha256Hash}` without the query; on
 *   PERSISTED_QUERY_NOT_FOUND it sends the query with the hash once, which is stored — only after
 *   the operation passed every check, so a refused operation is never stored — in a bounded LRU.
 * - **Safelist mode** (production): only the operations of an Apollo persisted query manifest run,
 *   named by id or hash or sent as their exact text; anything else is OPERATION_NOT_SAFELISTED,
 *   decided in `requestDidStart`, before the text is measured or parsed.
 *
 * Why not Apollo Server's built-in `persistedQueries`: it stores any query a client sends (no
 * safelist), and it refuses a wrong hash with an error without a code, which our edge masks as
 * INTERNAL_SERVER_ERROR. This plugin takes `extensions.persistedQuery` off the request once it
 * has resolved it, so the built-in one never sees it; configure `persistedQueries: false` anyway.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { Lru } from '../../runtime/lru.ts';
import { AikiError } from '../../core/errors.ts';
import { refusal, refuseEarly, wasRefused } from './refusal.ts';

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

/** One registered operation: `id` is what clients send as `sha256Hash` (Apollo's tools make it the SHA-256 of `body`). */
export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The persisted query manifest format of Apollo's `generate-persisted-query-manifest` and GraphOS. */
export interface PersistedQueryManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: ManifestOperation[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks that `json` (text or parsed) is a manifest and returns it; throws an Error naming what is
 * wrong otherwise, so that a broken manifest stops the gateway at start instead of refusing
 * every operation (or, worse, none).
 */
export function readManifest(json: unknown): PersistedQueryManifest {
  const m = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<PersistedQueryManifest> | null;
  if (m?.format !== MANIFEST_FORMAT || m.version !== 1) throw new Error(`not a persisted query manifest: expected format "${MANIFEST_FORMAT}" and version 1`);
  if (!Array.isArray(m.operations)) throw new Error('persisted query manifest: `operations` is not a list');
  for (const [i, op] of m.operations.entries()) {
    const ok =
      typeof op?.id === 'string' &&
      op.id !== '' &&
      typeof op.name === 'string' &&
      typeof op.body === 'string' &&
      ['query', 'mutation', 'subscription'].includes(op.type);
    if (!ok) throw new Error(`persisted query manifest: operation ${i} is not {id, name, type, body}`);
  }
  return m as PersistedQueryManifest;
}

/** A manifest of operation texts, with ids as Apollo's tools make them (the SHA-256 of the text). */
export function manifestOf(bodies: readonly string[]): PersistedQueryManifest {
  const operations = bodies.map((body): ManifestOperation => {
    const op = parse(body).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!op) throw new Error(`not an operation: ${body.slice(0, 60)}`);
    const type = op.operation === OperationTypeNode.QUERY ? 'query' : op.operation === OperationTypeNode.MUTATION ? 'mutation' : 'subscription';
    return { id: sha256Hex(body), name: op.name?.value ?? '', type, body };
  });
  return { format: MANIFEST_FORMAT, version: 1, operations };
}

export interface PersistedQueryOptions {
  /** Safelist mode: only these operations run, and APQ stores nothing. */
  safelist?: PersistedQueryManifest;
  /** How many APQ queries to keep, most recently used first; 0 turns APQ off. Default 1,000. */
  apqEntries?: number;
}

export function persistedQueriesPlugin<TContext extends BaseContext>(opts: PersistedQueryOptions = {}): ApolloServerPlugin<TContext> {
  const { safelist } = opts;
  // Each registered operation by its id and by its SHA-256: a client may send either.
  const registered = new Map<string, string>();
  for (const op of safelist?.operations ?? []) registered.set(op.id, op.body).set(sha256Hex(op.body), op.body);
  const bodies = new Set(safelist?.operations.map((op) => op.body));
  const apqEntries = opts.apqEntries ?? 1_000;
  const apq = !safelist && apqEntries > 0 ? new Lru<string, string>(apqEntries) : undefined;

  return {
    async requestDidStart({ request }) {
      if (wasRefused(request)) return;
      let toStore;
      try {
        toStore = resolve(request);
        if (safelist && typeof request.query === 'string' && !bodies.has(request.query)) {
          throw refusal('OPERATION_NOT_SAFELISTED', 'this operation is not in the persisted query manifest', {}, 400);
        }
      } catch (err) {
        if (err instanceof AikiError) return refuseEarly(request, err);
        throw err;
      }
      if (!toStore || !apq) return;
      const { hash, query } = toStore;
      return {
        // Reached only when every didResolveOperation hook (the limits among them) passed.
        async executionDidStart() {
          apq.set(hash, query);
        },
      };
    },
  };

  /** Puts the persisted query's text in `request.query`; returns what APQ should store once the operation passes. */
  function resolve(request: GraphQLRequest): { hash: string; query: string } | undefined {
    const pq: unknown = request.extensions?.persistedQuery;
    if (pq === undefined) return undefined;
    const hash = (pq as { sha256Hash?: unknown } | null)?.sha256Hash;
    if ((pq as { version?: unknown } | null)?.version !== 1 || typeof hash !== 'string' || hash === '' || hash.length > 256) {
      throw refusal('PERSISTED_QUERY_MALFORMED', 'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hash or manifest id>"}', {}, 400);
    }
    const { persistedQuery: _resolved, ...extensions } = request.extensions ?? {};
    let toStore: { hash: string; query: string } | undefined;
    if (request.query === undefined) {
      const query = safelist ? registered.get(hash) : apq?.get(hash);
      if (query === undefined) {
        if (safelist) throw refusal('OPERATION_NOT_SAFELISTED', `no operation with id ${hash} is in the persisted query manifest`, {}, 400);
        // 200 and not cached, as Apollo Server answers it: APQ clients read it and send the query.
        throw refusal('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', {}, 200, { 'cache-control': 'private, no-cache, must-revalidate' });
      }
      request.query = query;
    } else if (typeof request.query === 'string') {
      // The hash must be the text's, so nobody can store another text under a known hash.
      const isItsHash = sha256Hex(request.query) === hash;
      if (!isItsHash && registered.get(hash) !== request.query) {
        throw refusal('PERSISTED_QUERY_HASH_MISMATCH', 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent', {}, 400);
      }
      if (isItsHash && apq) toStore = { hash, query: request.query };
    }
    request.extensions = extensions;
    return toStore;
  }
}
