/**
 * Bench-only: the least a client of the sharded `ledger` subgraph must do that our gateway's shard
 * router does (gateway/router/ShardRouter.ts) — split an entity request by the municipality each
 * representation names (core's key rule: `Municipality.code`, else the id's `<code>:` prefix),
 * send each municipality its part, and put the entities back in order. Used by the shard proxy
 * the stock gateways need for the trace (shard-proxy.ts) and by the recorder of the direct calls
 * (direct-plan.ts). No retries, no fail-over, no suspension checks: the peers get the cheapest
 * version of the work, not ours.
 *
 * Apollo's gateway sends one `_entities(representations: $representations)` per request; Hive
 * Gateway batches several into one request under aliases, each with its own variable
 * (`_0: _entities(representations: $_0_representations) …`). Both are handled: every root
 * `_entities` field is found (the parse is cached per query text) and each of its lists split.
 */
import { Kind, parse, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { isMunicipalityCode, splitLedgerId } from '../../core/municipality.ts';

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface GraphQLResult {
  data?: Record<string, any> | null;
  errors?: GraphQLFormattedError[];
}

/** The municipality an entity representation belongs to, or null. */
export function municipalityOfRepresentation(rep: unknown): string | null {
  if (rep === null || typeof rep !== 'object') return null;
  const { __typename, code, id } = rep as Record<string, unknown>;
  const key = __typename === 'Municipality' ? code : splitLedgerId(id)?.municipality;
  return isMunicipalityCode(key) ? key : null;
}

/** Response key → the variable holding its representations, for each root `_entities` field. */
const fieldsOf = new Map<string, Array<{ key: string; variable: string }>>();
function entityFields(query: string): Array<{ key: string; variable: string }> {
  let fields = fieldsOf.get(query);
  if (!fields) {
    const op = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    fields = [];
    for (const s of op?.selectionSet.selections ?? []) {
      if (s.kind !== Kind.FIELD || s.name.value !== '_entities') continue;
      const arg = s.arguments?.find((a) => a.name.value === 'representations');
      if (arg?.value.kind === Kind.VARIABLE) fields.push({ key: s.alias?.value ?? s.name.value, variable: arg.value.name.value });
    }
    if (fieldsOf.size > 1000) fieldsOf.clear();
    fieldsOf.set(query, fields);
  }
  return fields;
}

/**
 * Splits an entity request by municipality, calls `send(code, part)` for each part in parallel,
 * and reassembles one response. A representation naming no municipality is a null entity with an
 * error.
 */
export async function splitEntities(body: GraphQLBody, send: (code: string, part: GraphQLBody) => Promise<GraphQLResult>): Promise<GraphQLResult> {
  const fields = entityFields(body.query).filter((f) => Array.isArray(body.variables?.[f.variable]));
  if (fields.length === 0) return { errors: [{ message: 'the bench shard proxy routes only _entities requests with their representations in variables' }] };
  const data: Record<string, unknown> = {};
  const errors: GraphQLFormattedError[] = [];
  /** municipality → field key → indices of its representations in that field's list. */
  const groups = new Map<string, Map<string, number[]>>();
  for (const { key, variable } of fields) {
    const reps = body.variables![variable] as unknown[];
    data[key] = new Array(reps.length).fill(null);
    reps.forEach((rep, i) => {
      const code = municipalityOfRepresentation(rep);
      if (!code) return void errors.push({ message: `representation ${i} names no municipality`, path: [key, i] });
      if (!groups.has(code)) groups.set(code, new Map(fields.map((f) => [f.key, []])));
      groups.get(code)!.get(key)!.push(i);
    });
  }
  await Promise.all(
    [...groups].map(async ([code, byKey]) => {
      const variables = { ...body.variables };
      for (const { key, variable } of fields) variables[variable] = byKey.get(key)!.map((i) => (body.variables![variable] as unknown[])[i]);
      const reply = await send(code, { ...body, variables });
      for (const { key } of fields) {
        const got = reply.data?.[key];
        const indices = byKey.get(key)!;
        if (Array.isArray(got)) got.forEach((entity, j) => ((data[key] as unknown[])[indices[j]!] = entity));
      }
      for (const [key, value] of Object.entries(reply.data ?? {})) if (!(key in data)) data[key] = value; // `__typename` and the like
      for (const error of reply.errors ?? []) {
        const [head, index, ...rest] = error.path ?? [];
        const indices = typeof head === 'string' ? byKey.get(head) : undefined;
        errors.push(indices && typeof index === 'number' ? { ...error, path: [head as string, indices[index] ?? index, ...rest] } : error);
      }
    }),
  );
  return errors.length > 0 ? { data, errors } : { data };
}
