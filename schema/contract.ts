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
import { aikiError, AikiError } from '../core/errors.ts';
import { ledger } from './sdl.ts';
import { clip, firstError, probeGraphQL, PROBES, type ProbePolicy } from '../runtime/probe.ts';

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
 * ledger of `municipality` — with unsigned probes under the rules for operator-given URLs
 * (runtime/probe.ts), following `policy`. Never throws: a failure comes back as a coded error.
 */
export async function checkLedgerEndpoint(
  url: string,
  municipality: string,
  { timeoutMs = 3000, policy }: { timeoutMs?: number; policy: ProbePolicy },
): Promise<LedgerEndpointCheck> {
  const details = { municipality, endpoint: url };
  const post = async (query: (typeof PROBES)[keyof typeof PROBES], variables?: Record<string, unknown>) => {
    try {
      return await probeGraphQL<Record<string, any>>(url, query, { policy, variables, timeoutMs, details });
    } catch (err) {
      if (err instanceof AikiError) return { refused: err };
      throw err;
    }
  };

  const service = await post(PROBES.sdl);
  if ('refused' in service) return { ok: false, error: service.refused };
  const sdl = service.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    return fail('SCHEMA_MISMATCH', `${url} is not a federated subgraph: ${firstError(service, 'no _service.sdl in the response')}`, {
      ...details,
      expected: expectedFingerprint,
    });
  }
  let actual: string;
  try {
    actual = schemaFingerprint(sdl);
  } catch (e) {
    return fail('SCHEMA_MISMATCH', `${url} serves an SDL that does not parse: ${clip((e as Error).message)}`, details);
  }
  if (actual !== expectedFingerprint) {
    return fail('SCHEMA_MISMATCH', `${url} serves schema ${actual}, not the ledger contract ${expectedFingerprint}`, {
      ...details,
      expected: expectedFingerprint,
      actual,
    });
  }
  const identity = await post(PROBES.identity, { r: [{ __typename: 'Municipality', code: municipality }] });
  if ('refused' in identity) return { ok: false, error: identity.refused };
  const entity = identity.data?._entities?.[0] as { code?: string; chain?: { municipality?: string; height?: number } } | null | undefined;
  if (!entity || entity.code !== municipality || entity.chain?.municipality !== municipality) {
    const why = firstError(identity, `it answered for ${clip(JSON.stringify(entity?.chain?.municipality ?? null))}`);
    return fail('WRONG_MUNICIPALITY', `${url} is not the ledger of ${municipality}: ${why}`, details);
  }
  return { ok: true, height: Number(entity.chain.height) || 0 };
}

function fail(code: Parameters<typeof aikiError>[0], message: string, details: Record<string, unknown>): LedgerEndpointCheck {
  return { ok: false, error: aikiError(code, message, details) };
}
