/**
 * Limits on what one operation may ask of the federation, checked before the gateway plans it or
 * calls any subgraph (envelop's depth-limit and graphql-armor's max-* checks, as one Apollo plugin):
 *
 * - before parsing, from the text: its length and its number of GraphQL tokens (graphql-js's own
 *   lexer), so a flood costs one linear scan and never an AST;
 * - after validation, from the document against the API schema: depth, aliases and root fields
 *   with fragments expanded, and a cost estimate in which a list multiplies what it selects by its
 *   `first`/`last`/`limit` argument (literal, variable or schema default) or an assumed size.
 *
 * Fragments are measured once each (memoised), so a fragment spread many times at many levels
 * costs linear time to measure however large its expansion; cycles (refused by validation
 * anyway) end the walk instead of looping.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  SchemaMetaFieldDef,
  Source,
  TokenKind,
  TypeMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type FieldNode,
} from 'graphql';
import type { AikiError } from '../../core/errors.ts';
import { refusal, refuseEarly, wasRefused } from './refusal.ts';

export interface Limits {
  /** Longest query text, in UTF-8 bytes. */
  maxQueryBytes: number;
  /** Most GraphQL tokens (names, punctuators, values; not comments) in the query text. */
  maxTokens: number;
  /** Deepest field nesting: `{ a { b } }` is 2. */
  maxDepth: number;
  /** Most aliased fields. */
  maxAliases: number;
  /** Most fields selected at the root of the operation. */
  maxRootFields: number;
  /** Largest estimated cost: each field counts 1, and a list multiplies what it selects. */
  maxCost: number;
  /** Arguments that bound the size of a list or connection. */
  sizeArguments: readonly string[];
  /** Assumed size of a list of objects without a size argument. */
  defaultListSize: number;
  /** Assumed sizes of particular lists without a size argument, by `Type.field`. */
  listSizes: Readonly<Record<string, number>>;
  /**
   * Also measure `__schema` and `__type`. Off by default: the standard introspection query is 15
   * deep and costs ~49,000 by this model (every list assumed 10 long), yet its answer is bounded
   * by the schema, and introspection cannot explode — graphql-js's MaxIntrospectionDepthRule, one
   * of the rules Apollo validates with, refuses `fields { type { fields { type { fields …`.
   * Whether introspection is served at all is Apollo Server's `introspection` option.
   */
  measureIntrospection: boolean;
}

/**
 * Defaults sized on the ledger workload (measured in test/unit/edge.limits.test.ts). The largest
 * query of the `aiki` CLI and core/, the 3-hop trace with every proof (TRACE_QUERY), is 905 bytes,
 * 163 tokens, 7 deep, 2 root fields and costs 2,925: the text limits leave it 12–18 times room,
 * the cost 8 times (an account's 100 newest transactions with their proofs, or 1,000 settlements,
 * cost about 7,000 each). The deepest path a client has reason to ask — municipalities → chain →
 * blocks → transactions → proof → poh → segment — is 12 deep, the limit: one more level only
 * comes from walking the schema's cycles (transaction → block → transactions → …). Aliases and
 * root fields are for batching lookups in one request; `keyAccounts` and the list fields do that
 * without them.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxQueryBytes: 16_384,
  maxTokens: 2_000,
  maxDepth: 12,
  maxAliases: 20,
  maxRootFields: 10,
  maxCost: 25_000,
  sizeArguments: ['first', 'last', 'limit'],
  defaultListSize: 10,
  listSizes: {},
  measureIntrospection: false,
};

/** What {@link measureOperation} found. */
export interface Measure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

/** GraphQL tokens in `source` (comments excluded); counting stops at a syntax error, which the parser reports. */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // Not GraphQL from here on: what was counted is a lower bound, and parsing will refuse it.
  }
  return count;
}

/** The refusal of a query text over the size or token limit, or undefined. Linear in its length. */
export function checkSource(source: string, limits: Limits = DEFAULT_LIMITS): AikiError | undefined {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxQueryBytes) {
    return refusal(
      'QUERY_TOO_LARGE',
      `the query is ${bytes} bytes long; at most ${limits.maxQueryBytes} are accepted`,
      { limit: limits.maxQueryBytes, measured: bytes },
      400,
    );
  }
  const tokens = countTokens(source);
  if (tokens > limits.maxTokens) {
    return refusal(
      'TOO_MANY_TOKENS',
      `the query has ${tokens} tokens; at most ${limits.maxTokens} are parsed`,
      { limit: limits.maxTokens, measured: tokens },
      400,
    );
  }
  return undefined;
}

/** The refusal of an operation whose measure exceeds a limit (the first one, in this order), or undefined. */
export function checkMeasure(m: Measure, limits: Limits = DEFAULT_LIMITS): AikiError | undefined {
  const over = (code: Parameters<typeof refusal>[0], what: string, measured: number, limit: number) =>
    refusal(code, `${what} is ${measured}; the limit is ${limit}`, { limit, measured }, 400);
  if (m.depth > limits.maxDepth) return over('QUERY_TOO_DEEP', 'the depth of the operation', m.depth, limits.maxDepth);
  if (m.aliases > limits.maxAliases) return over('TOO_MANY_ALIASES', 'the number of aliases', m.aliases, limits.maxAliases);
  if (m.rootFields > limits.maxRootFields) return over('TOO_MANY_ROOT_FIELDS', 'the number of root fields', m.rootFields, limits.maxRootFields);
  if (m.cost > limits.maxCost) return over('QUERY_TOO_COSTLY', 'the estimated cost', Math.min(m.cost, Number.MAX_SAFE_INTEGER), limits.maxCost);
  return undefined;
}

/**
 * Measures `operation` of a validated `document` against `schema` (the gateway's API schema),
 * with the request's `variables` for size arguments given as variables.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
  limits: Limits = DEFAULT_LIMITS,
): Measure {
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, aliases: 0, rootFields: 0, cost: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const t = new Walk(schema, fragments, variables, defaults, limits).selections(operation.selectionSet, root, false, true);
  return { depth: t.depth, aliases: t.aliases, rootFields: t.fields, cost: t.cost };
}

/** Measures of a selection set; `fields` counts the fields directly in it (fragments expanded). */
interface Tally {
  depth: number;
  aliases: number;
  cost: number;
  fields: number;
}

const NOTHING: Tally = { depth: 0, aliases: 0, cost: 0, fields: 0 };

class Walk {
  private readonly memo = new Map<string, Tally>();
  private readonly entered = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly defaults: Map<string, ValueNode>,
    private readonly limits: Limits,
  ) {}

  /**
   * `paged`: the field owning this set had a size argument, so the lists directly in it (a
   * connection's `edges`) are that page, already counted. `root`: the operation's own set.
   */
  selections(set: SelectionSetNode, parent: GraphQLCompositeType, paged: boolean, root: boolean): Tally {
    const sum = { ...NOTHING };
    for (const s of set.selections) {
      let t: Tally;
      if (s.kind === Kind.FIELD) t = this.field(s, parent, paged, root);
      else if (s.kind === Kind.INLINE_FRAGMENT) t = this.selections(s.selectionSet, this.typeNamed(s.typeCondition?.name.value) ?? parent, paged, root);
      else t = this.fragment(s.name.value, paged, root);
      sum.depth = Math.max(sum.depth, t.depth);
      sum.aliases += t.aliases;
      sum.cost += t.cost;
      sum.fields += t.fields;
    }
    return sum;
  }

  private fragment(name: string, paged: boolean, root: boolean): Tally {
    const key = `${name}\0${paged}\0${root}`;
    const known = this.memo.get(key);
    if (known) return known;
    const def = this.fragments.get(name);
    const type = this.typeNamed(def?.typeCondition.name.value);
    if (!def || !type || this.entered.has(key)) return NOTHING;
    this.entered.add(key);
    const t = this.selections(def.selectionSet, type, paged, root);
    this.entered.delete(key);
    this.memo.set(key, t);
    return t;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, paged: boolean, root: boolean): Tally {
    const name = node.name.value;
    if (root && !this.limits.measureIntrospection && (name === '__schema' || name === '__type')) return NOTHING;
    const aliases = node.alias ? 1 : 0;
    const def = this.fieldDef(parent, name);
    const type = def && getNamedType(def.type);
    if (!def || !node.selectionSet || !isCompositeType(type)) return { depth: 1, aliases, cost: 1, fields: 1 };
    const size = this.size(node, def);
    const list = isListType(getNullableType(def.type));
    const times = size ?? (list && !paged ? (this.limits.listSizes[`${parent.name}.${name}`] ?? this.limits.defaultListSize) : 1);
    const inner = this.selections(node.selectionSet, type, size !== undefined, false);
    return { depth: 1 + inner.depth, aliases: aliases + inner.aliases, cost: 1 + times * inner.cost, fields: 1 };
  }

  /** The largest size argument given to this field (or defaulted by the schema), or undefined. */
  private size(node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined {
    let size: number | undefined;
    for (const arg of def.args) {
      if (!this.limits.sizeArguments.includes(arg.name)) continue;
      const given = node.arguments?.find((a) => a.name.value === arg.name);
      const value = given ? this.value(given.value) : arg.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.ceil(value));
    }
    return size;
  }

  private value(node: ValueNode): unknown {
    if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return undefined;
    const name = node.name.value;
    if (this.variables[name] !== undefined) return this.variables[name];
    const fallback = this.defaults.get(name);
    return fallback ? this.value(fallback) : undefined;
  }

  private fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
    // `__schema` and `__type` are in no type's fields: graphql-js adds them to the query type.
    if (parent === this.schema.getQueryType() && (name === SchemaMetaFieldDef.name || name === TypeMetaFieldDef.name)) {
      return name === SchemaMetaFieldDef.name ? SchemaMetaFieldDef : TypeMetaFieldDef;
    }
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  }

  private typeNamed(name: string | undefined): GraphQLCompositeType | undefined {
    const type = name === undefined ? undefined : this.schema.getType(name);
    return isCompositeType(type) ? type : undefined;
  }
}

/**
 * The limits as an Apollo Server plugin: the text is checked in `requestDidStart`, before it is
 * parsed (list this plugin after the persisted-query one, which puts a persisted query's text in
 * the request); the operation in `didResolveOperation`, after validation and before the gateway
 * plans it — on every request, since the cost depends on the variables.
 */
export function limitsPlugin<TContext extends BaseContext>(overrides: Partial<Limits> = {}): ApolloServerPlugin<TContext> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...overrides };
  return {
    async requestDidStart({ request }) {
      if (wasRefused(request)) return;
      const tooLong = typeof request.query === 'string' ? checkSource(request.query, limits) : undefined;
      if (tooLong) return refuseEarly(request, tooLong);
      return {
        async didResolveOperation({ schema, document, operation }) {
          if (!operation) return; // no such operation: execution says so
          const refused = checkMeasure(measureOperation(schema, document, operation, request.variables, limits), limits);
          if (refused) throw refused;
        },
      };
    },
  };
}
