/**
 * What an extension subgraph may put in its SDL, as an allowlist: the contract (the main chain's
 * and the ledger's types and fields) belongs to the core subgraphs, and composition alone does not
 * protect it — `@override` moves a core field to the extension, `@shareable` or a federation 1
 * SDL (every field shareable) lets the query planner fetch a core field from it, `@requires` and
 * `@provides` make it the source of core data, `@interfaceObject` and a `@key` with more fields
 * than the core's let it resolve core fields.
 *
 * So an extension may only:
 * - declare federation v2 (`@link`) importing `@key`, `@shareable`, `@composeDirective` alone, and
 *   the operator mark (`@link` to the operator spec, `@composeDirective(name: "@operator")`,
 *   `directive @operator on FIELD_DEFINITION`, `@operator` on its own fields: a mark only restricts);
 * - add NEW fields (no directive but `@operator` and `@deprecated`) to a core entity type — one
 *   with `@key` in the core — which it names by exactly a core key (`@key(fields: "code")` on
 *   `Municipality`), redeclaring only that key's fields, typed as in the core;
 * - add new root fields (`Query`, `Mutation`) and types of its own, where `@key` and `@shareable`
 *   are allowed (they concern only its own types and other extensions).
 * Everything else is refused, each with its reason.
 */
import { Kind, print, type ConstDirectiveNode, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';

/** The federation spec an extension links; any minor version of v2. */
const FEDERATION_URL = /^https:\/\/specs\.apollo\.dev\/federation\/v2\.\d{1,2}$/;
/** The operator mark of the main chain's contract (schema/mainchain.graphql). */
const OPERATOR_URL = 'https://specs.aiki.invalid/operator/v0.1';
/** The link spec itself, which a served SDL links. */
const LINK_URL = 'https://specs.apollo.dev/link/v1.0';
const FEDERATION_IMPORTS = new Set(['@key', '@shareable', '@composeDirective']);
/** Directives federation defines in the SDL a subgraph serves. */
const FEDERATION_DIRECTIVES = /^(link|key|shareable|composeDirective|federation__\w+)$/;
const ROOTS = new Set(['Query', 'Mutation']);
/** GraphQL's own directives, harmless anywhere they are valid. */
const BUILT_IN = new Set(['deprecated', 'specifiedBy', 'oneOf']);

interface CoreType {
  kind: Kind;
  /** Field name → its type as printed (`String!`). */
  fields: Map<string, string>;
  /** The core's `@key` field sets, normalised (`"code"`, `"id"`). */
  keys: Set<string>;
}

/** The types of the contract, from the core subgraphs' SDL (federation's own types left out). */
export type Core = Map<string, CoreType>;

export function coreOf(docs: DocumentNode[]): Core {
  const core: Core = new Map();
  for (const doc of docs) {
    for (const d of doc.definitions) {
      if (!('name' in d) || !d.name || d.kind === Kind.DIRECTIVE_DEFINITION || generated(d.name.value)) continue;
      const type = core.get(d.name.value) ?? { kind: kindOf(d), fields: new Map(), keys: new Set() };
      core.set(d.name.value, type);
      for (const f of fieldsOf(d)) if (!f.name.value.startsWith('_')) type.fields.set(f.name.value, print(f.type));
      for (const k of directivesOf(d).filter((x) => x.name.value === 'key')) {
        const fields = stringArg(k, 'fields');
        if (fields !== undefined) type.keys.add(normalizeKey(fields));
      }
    }
  }
  return core;
}

/** Every way `sdl` (an extension's, already parsed) reaches beyond what an extension may do; empty when it keeps to the allowlist. */
export function checkExtension(name: string, doc: DocumentNode, core: Core): string[] {
  const errors: string[] = [];
  const refuse = (what: string) => errors.push(`${name}: ${what}`);
  let linksFederation = false;
  for (const d of doc.definitions) {
    switch (d.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION: {
        // The SDL a subgraph serves may spell out the default roots (schema { query: Query }).
        if (d.operationTypes?.some((t) => t.type.name.value !== ({ query: 'Query', mutation: 'Mutation' } as Record<string, string>)[t.operation]))
          refuse('may not rename the root operation types (schema { … })');
        for (const dir of d.directives ?? []) {
          const problem = schemaDirective(dir);
          if (problem === 'federation') linksFederation = true;
          else if (problem) refuse(problem);
        }
        break;
      }
      case Kind.DIRECTIVE_DEFINITION:
        // The definitions of federation's own directives come with the SDL a subgraph serves; using them is what is checked.
        if (FEDERATION_DIRECTIVES.test(d.name.value)) break;
        if (print(d) !== 'directive @operator on FIELD_DEFINITION')
          refuse(`may not define directive @${d.name.value} (only "directive @operator on FIELD_DEFINITION", the operator mark)`);
        break;
      case Kind.OPERATION_DEFINITION:
      case Kind.FRAGMENT_DEFINITION:
        refuse('an SDL holds type definitions only, not operations or fragments');
        break;
      default:
        checkType(d, core, refuse);
    }
  }
  if (!linksFederation)
    refuse(
      'must declare federation v2 (extend schema @link(url: "https://specs.apollo.dev/federation/v2.x", import: ["@key"])); a federation 1 SDL makes every field shareable',
    );
  return errors;
}

/** 'federation' for the federation link, undefined for the operator spec's link or compose mark, else why the directive is refused. */
function schemaDirective(dir: ConstDirectiveNode): string | 'federation' | undefined {
  const args = new Map((dir.arguments ?? []).map((a) => [a.name.value, a.value]));
  if (dir.name.value === 'composeDirective') {
    return args.size === 1 && stringArg(dir, 'name') === '@operator'
      ? undefined
      : `may compose only the operator mark (@composeDirective(name: "@operator")), not ${print(dir)}`;
  }
  if (dir.name.value !== 'link') return `may not apply @${dir.name.value} to the schema`;
  const url = stringArg(dir, 'url');
  const imports = args.get('import');
  const names = imports?.kind === Kind.LIST ? imports.values.map((v) => (v.kind === Kind.STRING ? v.value : null)) : imports === undefined ? [] : [null];
  if ([...args.keys()].some((k) => k !== 'url' && k !== 'import') || names.includes(null)) {
    return `may link only with url and a list of imported names (no renames, namespaces or purposes): ${print(dir)}`;
  }
  if (url !== undefined && FEDERATION_URL.test(url)) {
    const other = names.filter((n) => !FEDERATION_IMPORTS.has(n!));
    return other.length === 0 ? 'federation' : `may import from federation only ${[...FEDERATION_IMPORTS].join(', ')}, not ${other.join(', ')}`;
  }
  if (url === OPERATOR_URL && names.every((n) => n === '@operator')) return undefined;
  if (url === LINK_URL && names.length === 0) return undefined;
  return `may link only federation v2 and the operator mark, not ${url ?? 'a link without url'}`;
}

function checkType(d: DefinitionNode, core: Core, refuse: (what: string) => void): void {
  if (!('name' in d) || !d.name) return refuse(`unexpected definition ${d.kind}`);
  const typeName = d.name.value;
  if (generated(typeName)) return; // federation's, in the SDL a subgraph serves
  if (typeName.startsWith('_')) return refuse(`may not define ${typeName}: names starting with _ , link__ or federation__ are federation's`);
  if (typeName === 'Subscription') return refuse('may not define subscriptions: the gateway serves queries and mutations');
  const fields = fieldsOf(d);
  const fieldDirectives = (f: FieldDefinitionNode, allowed: Set<string>) => {
    const where = `${typeName}.${f.name.value}`;
    for (const dir of f.directives ?? []) if (!allowed.has(dir.name.value)) refuse(`may not apply @${dir.name.value} to ${where}`);
    for (const a of f.arguments ?? [])
      for (const dir of a.directives ?? []) if (!BUILT_IN.has(dir.name.value)) refuse(`may not apply @${dir.name.value} to an argument of ${where}`);
  };
  const coreType = core.get(typeName);

  if (ROOTS.has(typeName)) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) return refuse(`${typeName} must be an object type`);
    if (directivesOf(d).length > 0 || ('interfaces' in d && d.interfaces?.length)) refuse(`may not apply directives or interfaces to ${typeName}`);
    for (const f of fields) {
      if (typeName === 'Query' && (f.name.value === '_service' || f.name.value === '_entities')) continue; // federation's, in the SDL a subgraph serves
      if (f.name.value.startsWith('_')) refuse(`may not define ${typeName}.${f.name.value}: root fields starting with _ are federation's`);
      else if (coreType?.fields.has(f.name.value)) refuse(`${typeName}.${f.name.value} is a field of the contract: an extension may only add new root fields`);
      fieldDirectives(f, new Set([...BUILT_IN, 'operator', 'shareable']));
    }
    return;
  }

  if (!coreType) {
    // A type of its own: federation's @key and @shareable concern only it (and other extensions).
    for (const dir of directivesOf(d))
      if (!['key', 'shareable', ...BUILT_IN].includes(dir.name.value)) refuse(`may not apply @${dir.name.value} to ${typeName}`);
    for (const f of fields) fieldDirectives(f, new Set([...BUILT_IN, 'operator', 'shareable']));
    for (const i of 'interfaces' in d ? (d.interfaces ?? []) : [])
      if (core.has(i.name.value)) refuse(`${typeName} may not implement ${i.name.value}, a type of the contract`);
    for (const v of 'values' in d ? (d.values ?? []) : [])
      for (const dir of v.directives ?? []) if (!BUILT_IN.has(dir.name.value)) refuse(`may not apply @${dir.name.value} to ${typeName}.${v.name.value}`);
    return;
  }

  // A type of the contract: only a core entity, named by a core key, gaining new fields.
  const isObject = d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION;
  if (!isObject || coreType.kind !== Kind.OBJECT_TYPE_DEFINITION || coreType.keys.size === 0) {
    return refuse(
      `${typeName} is a type of the contract: an extension may not define or extend it (only entities with a @key in the contract gain new fields)`,
    );
  }
  if ('interfaces' in d && d.interfaces?.length) refuse(`may not add interfaces to ${typeName}, a type of the contract`);
  const keyFields = new Set<string>();
  let keys = 0;
  for (const dir of directivesOf(d)) {
    if (dir.name.value !== 'key') {
      refuse(`may not apply @${dir.name.value} to ${typeName}, a type of the contract (only @key with a key of the contract)`);
      continue;
    }
    keys++;
    const fieldSet = stringArg(dir, 'fields');
    const extra = (dir.arguments ?? []).filter((a) => a.name.value !== 'fields' && a.name.value !== 'resolvable');
    if (fieldSet === undefined || extra.length > 0 || !coreType.keys.has(normalizeKey(fieldSet))) {
      refuse(
        `${typeName} may be named only by a key of the contract (${[...coreType.keys].map((k) => `@key(fields: "${k}")`).join(' or ')}), not ${print(dir)}`,
      );
      continue;
    }
    for (const k of normalizeKey(fieldSet).split(' ')) keyFields.add(k);
  }
  if (keys === 0) refuse(`${typeName} is an entity of the contract: name it by its key (@key(fields: "${[...coreType.keys][0]}"))`);
  for (const f of fields) {
    const field = `${typeName}.${f.name.value}`;
    const coreField = coreType.fields.get(f.name.value);
    if (coreField === undefined) {
      if (f.name.value.startsWith('_')) refuse(`may not define ${field}: fields starting with _ are federation's`);
      fieldDirectives(f, new Set([...BUILT_IN, 'operator']));
      continue;
    }
    if (!keyFields.has(f.name.value)) {
      refuse(`${field} is a field of the contract: an extension may only add new fields to ${typeName} (and redeclare its key)`);
    } else if (print(f.type as TypeNode) !== coreField || (f.arguments?.length ?? 0) > 0 || (f.directives?.length ?? 0) > 0) {
      refuse(`${field} is the contract's key: declare it exactly as the contract does (${f.name.value}: ${coreField}), without arguments or directives`);
    }
  }
}

function generated(name: string): boolean {
  return /^(_Service|_Any|_Entity|link__.*|federation__.*)$/.test(name);
}

function kindOf(d: DefinitionNode): Kind {
  // A type extension in a core SDL counts as the type it extends.
  const map: Partial<Record<Kind, Kind>> = {
    [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
    [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
    [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
    [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
    [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
    [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  };
  return map[d.kind] ?? d.kind;
}

function fieldsOf(d: DefinitionNode): readonly FieldDefinitionNode[] {
  return (d.kind === Kind.OBJECT_TYPE_DEFINITION ||
    d.kind === Kind.OBJECT_TYPE_EXTENSION ||
    d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    d.kind === Kind.INTERFACE_TYPE_EXTENSION) &&
    d.fields
    ? d.fields
    : [];
}

function directivesOf(d: DefinitionNode): readonly ConstDirectiveNode[] {
  return 'directives' in d && d.directives ? (d.directives as readonly ConstDirectiveNode[]) : [];
}

function stringArg(dir: ConstDirectiveNode, name: string): string | undefined {
  const v = dir.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.STRING ? v.value : undefined;
}

/** A key's field set with its whitespace normalised: `" code "` and `"code"` are one key. */
function normalizeKey(fields: string): string {
  return fields
    .trim()
    .split(/[\s,]+/)
    .join(' ');
}
