/**
 * The ledger contract check: does a URL serve a ledger subgraph for a given municipality?
 *
 * Used by the main chain before it registers a municipality and by the gateway before a registered
 * municipality joins its shard map: one POST asks for `_service { sdl }` (the schema the subgraph
 * serves) and resolves the municipality as an entity (its identity), so a wrong URL, another
 * schema or another municipality's ledger are each told apart with a coded error.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, print, type DefinitionNode, type DocumentNode } from 'graphql';
import { aikiError, type AikiError } from '../core/errors.ts';
import { ledger } from './sdl.ts';

const SERVICE_QUERY = 'query AikiLedgerProbe { _service { sdl } }';
const IDENTITY_QUERY = `query AikiLedgerIdentity($r: [_Any!]!) {
  _entities(representations: $r) { ... on Municipality { code chain { municipality height } } }
}`;

/**
 * The contract surface of an SDL in a normal form: the types and fields a client sees, with their
 * applied directives (`@key`), but without what federation adds (`_service`, `_entities`, `_Any`,
 * `link__*`, `federation__*`, directive definitions, `@link`), descriptions or definition order.
 * So a subgraph's `_service.sdl` and the `.graphql` file it was built from compare equal whatever
 * @apollo/subgraph version printed the former.
 */
function normalize(doc: DocumentNode): string {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && k !== 'description') out[k] = strip(v);
    return out;
  };
  const generated = (name: string) => /^(_Service|_Any|_Entity|link__.*|federation__.*)$/.test(name);
  const definitions: DefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (!('name' in d) || !d.name || d.kind === Kind.DIRECTIVE_DEFINITION || generated(d.name.value)) continue;
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query') {
      const fields = d.fields?.filter((f) => !f.name.value.startsWith('_')) ?? [];
      if (fields.length > 0) definitions.push({ ...d, fields });
      continue;
    }
    definitions.push(d);
  }
  const key = (d: DefinitionNode) => `${'name' in d && d.name ? d.name.value : ''}:${d.kind}`;
  definitions.sort((a, b) => key(a).localeCompare(key(b)));
  return print({ kind: Kind.DOCUMENT, definitions: definitions.map(strip) } as DocumentNode);
}

/** `sha256:<hex>` of the normal form of an SDL, so two schemas compare by one short string. */
export function schemaFingerprint(sdl: string | DocumentNode): string {
  const doc = typeof sdl === 'string' ? parse(sdl) : sdl;
  return 'sha256:' + createHash('sha256').update(normalize(doc)).digest('hex');
}

const expectedFingerprint = schemaFingerprint(ledger.typeDefs);

export type LedgerEndpointCheck = { ok: true; height: number } | { ok: false; error: AikiError };

/**
 * Checks that `url` answers within `timeoutMs`, serves exactly `schema/ledger.graphql`, and is the
 * ledger of `municipality`. Never throws: a failure comes back as a coded error.
 */
export async function checkLedgerEndpoint(
  url: string,
  municipality: string,
  { timeoutMs = 3000, headers = {} }: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<LedgerEndpointCheck> {
  const details = { municipality, endpoint: url };
  const post = (query: string, variables?: Record<string, unknown>) => postGraphQL(url, query, variables, timeoutMs, headers);

  const service = await post(SERVICE_QUERY);
  if (service.unreachable !== undefined) return fail('SUBGRAPH_UNREACHABLE', service.unreachable, details);
  const body = service as unknown as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    const first = body.errors?.[0]?.message ?? 'no _service.sdl in the response';
    return fail('SCHEMA_MISMATCH', `${url} is not a federated subgraph: ${first}`, { ...details, expected: expectedFingerprint });
  }
  let actual: string;
  try {
    actual = schemaFingerprint(sdl);
  } catch (e) {
    return fail('SCHEMA_MISMATCH', `${url} serves an SDL that does not parse: ${(e as Error).message}`, details);
  }
  if (actual !== expectedFingerprint) {
    return fail('SCHEMA_MISMATCH', `${url} serves schema ${actual}, not the ledger contract ${expectedFingerprint}`, {
      ...details,
      expected: expectedFingerprint,
      actual,
    });
  }
  const identity = await post(IDENTITY_QUERY, { r: [{ __typename: 'Municipality', code: municipality }] });
  if (identity.unreachable !== undefined) return fail('SUBGRAPH_UNREACHABLE', identity.unreachable, details);
  const { data, errors } = identity as unknown as { data?: { _entities?: Array<{ code?: string; chain?: { municipality?: string; height?: number } } | null> }; errors?: Array<{ message: string }> };
  const entity = data?._entities?.[0];
  if (!entity || entity.code !== municipality || entity.chain?.municipality !== municipality) {
    const why = errors?.[0]?.message ?? `it answered for ${JSON.stringify(entity?.chain?.municipality ?? null)}`;
    return fail('WRONG_MUNICIPALITY', `${url} is not the ledger of ${municipality}: ${why}`, details);
  }
  return { ok: true, height: entity.chain.height ?? 0 };
}

type Reply =
  | { unreachable: string }
  | { unreachable?: undefined; data?: Record<string, never> | null; errors?: Array<{ message: string }> };

/** POSTs one GraphQL request; a network failure, time-out or non-JSON answer is `{ unreachable }`. */
async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<Reply> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    try {
      return JSON.parse(text) as Reply;
    } catch {
      return { unreachable: `${url} answered HTTP ${res.status} with a body that is not GraphQL JSON` };
    }
  } catch (e) {
    const reason = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    return { unreachable: `${url} did not answer within ${timeoutMs} ms: ${reason}` };
  }
}

function fail(code: Parameters<typeof aikiError>[0], message: string, details: Record<string, unknown>): LedgerEndpointCheck {
  return { ok: false, error: aikiError(code, message, details) };
}
