/**
 * Routing of root Mutation fields: every one names its municipality in a `municipality`
 * argument (docs/ARCHITECTURE.md, "Why the gateway shards one subgraph schema"), given as a literal or a variable. A request whose fields all name one
 * municipality goes there whole; otherwise it is split into one request per field.
 */
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { aikiError, type AikiError } from '../../core/errors.ts';
import { isMunicipalityCode } from '../../core/municipality.ts';

export interface RoutedField {
  /** The response key: the alias, or the field name. */
  key: string;
  municipality: string | AikiError;
  /** A request with this field alone (used when the request must be split). */
  query: string;
}

export interface RootRoute {
  operation: 'query' | 'mutation' | 'subscription';
  fields: RoutedField[];
}

const cache = new Map<string, { doc: DocumentNode; op: OperationDefinitionNode }>();
const CACHE_LIMIT = 1000;

function parsed(query: string) {
  let hit = cache.get(query);
  if (!hit) {
    const doc = parse(query);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!op) throw aikiError('UNROUTABLE_REQUEST', 'the request has no operation');
    hit = { doc, op };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(query, hit);
  }
  return hit;
}

export function routeRootFields(query: string, variables: Record<string, unknown>): RootRoute {
  const { doc, op } = parsed(query);
  const fields = op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== '__typename');
  if (fields.length !== op.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename')).length) {
    throw aikiError('UNROUTABLE_REQUEST', 'fragments at the root of a ledger request cannot be routed');
  }
  if (fields.length === 0) throw aikiError('UNROUTABLE_REQUEST', 'a ledger request names no root field with a municipality');
  return {
    operation: op.operation,
    fields: fields.map((field) => {
      const arg = field.arguments?.find((a) => a.name.value === 'municipality');
      const value = arg?.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
      const key = field.alias?.value ?? field.name.value;
      const municipality = isMunicipalityCode(value)
        ? value
        : aikiError('UNROUTABLE_REQUEST', `${field.name.value} needs a municipality argument with a municipality code (got ${JSON.stringify(value ?? null)})`);
      // The operation with this field alone, declaring only the variables it uses.
      const used = new Set<string>();
      visit(field, { Variable: (v) => void used.add(v.name.value) });
      const alone = {
        ...op,
        variableDefinitions: op.variableDefinitions?.filter((v) => used.has(v.variable.name.value)),
        selectionSet: { ...op.selectionSet, selections: [field] },
      };
      const single = { ...doc, definitions: doc.definitions.map((d) => (d === op ? alone : d)) };
      return {
        key,
        municipality,
        get query() {
          return print(single);
        },
      };
    }),
  };
}
