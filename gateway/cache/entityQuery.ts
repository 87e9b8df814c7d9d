/**
 * Reading a ledger `_entities` request the way the entity cache needs it, once per query text
 * (the planner sends the same few texts over and over):
 *
 * - for each entity type it asks for, whether that type's selection reaches only immutable
 *   fields (immutable.ts) — then each entity of that type can be cached under (type, id, the
 *   selection's text, the values of the variables it uses);
 * - the text to send instead: a CONFIRMED-or-not `status` asked for under an alias of ours for
 *   transactions (their status decides whether they are cached, and a selection need not ask for
 *   it), and, inside the mutable entities (an account, a municipality's chain), every immutable
 *   block or transaction whose selection reaches a proof or a block's transactions cut out down
 *   to its id — what makes a ledger answer big and slow to compute. Each cut-out
 *   is then fetched (or found cached) as an entity of its own, with the `_entities` query made
 *   for it here.
 *
 * The ledger schema has no interfaces or unions of its own, so a type condition inside an entity
 * is always the type it is on. Named fragments are inlined in what is sent.
 */
import { createHash } from 'node:crypto';
import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { ledger } from '../../schema/sdl.ts';
import { CACHEABLE_ENTITIES, IMMUTABLE_FIELDS } from './immutable.ts';

/** Response key of the status we add to transactions; removed before anything leaves the cache. */
export const STATUS_ALIAS = '__aiki_status';
/** Response key prefix of a cut-out's id: `__aiki_ref_<point>`. */
export const REF_PREFIX = '__aiki_ref_';

export interface CachedType {
  /** Type, and a digest of the selection text: with the id (and variables), the cache key. */
  keyPrefix: string;
  /** Variables the selection uses: their values are part of the key. */
  variables: string[];
}

export interface CutOut {
  typename: string;
  /** An `_entities` request for this entity with the selection that was cut out. */
  query: string;
  /** Variables of the original request it needs. */
  variables: string[];
}

export interface EntityQuery {
  /** Entity types whose entities may be cached, by __typename. */
  cached: Map<string, CachedType>;
  /** What to send to the ledger: the original text when nothing is added or cut. */
  send: string;
  /** Whether `send` asks for STATUS_ALIAS. */
  asksStatus: boolean;
  /** The cut-outs, by point number (REF_PREFIX + number). */
  cutOuts: CutOut[];
}

/** Field → named type, for every object type of the ledger contract. */
const FIELD_TYPES: Map<string, Map<string, string>> = (() => {
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
  const types = new Map<string, Map<string, string>>();
  for (const def of ledger.typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const fields = types.get(def.name.value) ?? new Map<string, string>();
    for (const f of def.fields ?? []) fields.set(f.name.value, named(f.type));
    types.set(def.name.value, fields);
  }
  return types;
})();

const ANALYSED_LIMIT = 2000;
const analysed = new Map<string, EntityQuery | null>();

/**
 * The cache's reading of `query`, or null when it is not a plain `_entities` request this module
 * understands (then it is passed through, uncached). Memoised by text.
 */
export function entityQuery(query: string): EntityQuery | null {
  let hit = analysed.get(query);
  if (hit === undefined) {
    try {
      hit = analyse(query);
    } catch {
      hit = null; // a request the ledger will refuse: let it say why
    }
    if (analysed.size >= ANALYSED_LIMIT) analysed.delete(analysed.keys().next().value!);
    analysed.set(query, hit);
  }
  return hit;
}

function analyse(query: string): EntityQuery | null {
  // Our own response keys must not already be in the request (a client's alias): they would be
  // taken for ours.
  if (query.includes('__aiki_')) return null;
  const doc = parse(query);
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = ops[0];
  if (ops.length !== 1 || !op || op.operation !== 'query') return null;
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const [root] = op.selectionSet.selections;
  if (op.selectionSet.selections.length !== 1 || root?.kind !== Kind.FIELD || root.name.value !== '_entities' || root.alias || !root.selectionSet) return null;
  const variableDefs = new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));

  // Each entity type's part of the `_entities` selection, fragments inlined.
  const parts = new Map<string, SelectionNode[]>();
  const shared: SelectionNode[] = [];
  const inOrder: SelectionNode[] = [];
  for (const sel of root.selectionSet.selections) {
    const inlined = inline(sel, fragments);
    inOrder.push(inlined);
    if (inlined.kind === Kind.FIELD) {
      if (inlined.name.value !== '__typename') return null;
      shared.push(inlined);
    } else if (inlined.kind === Kind.INLINE_FRAGMENT && inlined.typeCondition) {
      const type = inlined.typeCondition.name.value;
      parts.set(type, [...(parts.get(type) ?? []), inlined]);
    } else {
      return null;
    }
  }

  const cached = new Map<string, CachedType>();
  const mutable: Array<[string, SelectionNode[]]> = [];
  for (const [type, selections] of parts) {
    if (!FIELD_TYPES.has(type)) return null;
    const check = immutableSelection({ kind: Kind.SELECTION_SET, selections: [...shared, ...selections] }, type);
    if (CACHEABLE_ENTITIES.has(type) && check) {
      const text = selections.map((s) => print(s)).join(' ');
      const digest = createHash('sha256').update(text).digest('base64url').slice(0, 16);
      cached.set(type, { keyPrefix: `${type}:${digest}:`, variables: [...check.variables].sort() });
    } else {
      mutable.push([type, selections]);
    }
  }

  // Inside the mutable entities, cut the immutable sub-entities out — all or none.
  let cutOuts: CutOut[] = [];
  const cutParts = new Map<SelectionNode, SelectionNode>();
  const cuttable = mutable.every(([type, selections]) =>
    selections.every((sel) => {
      const cut = cutImmutable(sel, type, cutOuts, variableDefs);
      if (cut !== null) cutParts.set(sel, cut);
      return cut !== null;
    }),
  );
  if (!cuttable) {
    cutOuts = [];
    cutParts.clear();
  }

  const asksStatus = cached.has('Transaction');
  if (!asksStatus && cutOuts.length === 0) return { cached, send: query, asksStatus, cutOuts };
  // In the original order: the answer's fields come in the same order as without the cache.
  const rewritten = inOrder.map((sel) => cutParts.get(sel) ?? sel);
  if (asksStatus) {
    rewritten.push({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'Transaction' } },
      selectionSet: { kind: Kind.SELECTION_SET, selections: [field('status', STATUS_ALIAS)] },
    });
  }
  // Fragments are inlined in `rewritten` (and used nowhere else: `_entities` is the only root field).
  const entities: FieldNode = { ...root, selectionSet: { kind: Kind.SELECTION_SET, selections: rewritten } };
  // A variable used only inside a cut-out is declared there, and no longer here (an unused
  // variable is a validation error).
  const used = new Set<string>();
  visit(entities, { Variable: (v) => void used.add(v.name.value) });
  const operation: OperationDefinitionNode = {
    ...op,
    variableDefinitions: op.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
    selectionSet: { ...op.selectionSet, selections: [entities] },
  };
  return { cached, send: print({ kind: Kind.DOCUMENT, definitions: [operation] } satisfies DocumentNode), asksStatus, cutOuts };
}

function field(name: string, alias?: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name }, ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}) };
}

/** `sel` with every named fragment spread under it replaced by the equivalent inline fragment. */
function inline<T extends SelectionNode>(sel: T, fragments: Map<string, FragmentDefinitionNode>, seen: string[] = []): SelectionNode {
  if (sel.kind === Kind.FRAGMENT_SPREAD) {
    const name = sel.name.value;
    const def = fragments.get(name);
    if (!def || seen.includes(name)) throw new Error(`fragment ${name} is unknown or recursive`);
    return inline({ kind: Kind.INLINE_FRAGMENT, typeCondition: def.typeCondition, directives: sel.directives, selectionSet: def.selectionSet }, fragments, [
      ...seen,
      name,
    ]);
  }
  if (!('selectionSet' in sel) || !sel.selectionSet) return sel;
  return { ...sel, selectionSet: { ...sel.selectionSet, selections: sel.selectionSet.selections.map((s) => inline(s, fragments, seen)) } };
}

/**
 * What is worth cutting out of a mutable answer: what costs the ledger real work per entity — a
 * transaction's proof (an RFC 6962 path over its whole block, the block's PoH segment, the parent
 * block read) and a block's transaction page. A transaction cut out for less (say `block { id }`)
 * would cost more when it is not cached yet (a lookup of its own, where the account's history
 * already had it in hand) than it saves when it is.
 */
const WORTH_CUTTING: Readonly<Record<string, ReadonlySet<string>>> = {
  Transaction: new Set(['proof']),
  Block: new Set(['transactions']),
};

/**
 * Whether `set` on `type` reaches only immutable fields; if so, the variables it uses and whether
 * it reaches something worth cutting out of a mutable answer (WORTH_CUTTING). Fragments already
 * inlined.
 */
export function immutableSelection(set: SelectionSetNode, type: string): { variables: Set<string>; deep: boolean } | null {
  const variables = new Set<string>();
  let deep = false;
  const walk = (s: SelectionSetNode, on: string): boolean => {
    const allowed = IMMUTABLE_FIELDS[on];
    if (!allowed) return false;
    for (const sel of s.selections) {
      for (const d of sel.directives ?? []) {
        if (d.name.value !== 'include' && d.name.value !== 'skip') return false;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) return false; // inlined before
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition && sel.typeCondition.name.value !== on) return false;
        if (!walk(sel.selectionSet, on)) return false;
        continue;
      }
      if (sel.name.value === '__typename') continue;
      if (!allowed.has(sel.name.value)) return false;
      if (WORTH_CUTTING[on]?.has(sel.name.value)) deep = true;
      if (sel.selectionSet) {
        const child = FIELD_TYPES.get(on)?.get(sel.name.value);
        if (!child || !walk(sel.selectionSet, child)) return false;
      }
    }
    return true;
  };
  if (!walk(set, type)) return null;
  visit(set, { Variable: (v) => void variables.add(v.name.value) });
  return { variables, deep };
}

/**
 * `sel` (a selection on the mutable `type`) with each immutable block or transaction under it
 * whose selection is worth cutting replaced by its id under REF_PREFIX + point; `sel` itself when nothing
 * is cut; null when a response key repeats in one selection (merged fields: cutting one
 * occurrence would lose the other's fields on splicing) or a field is unknown.
 */
function cutImmutable(sel: SelectionNode, type: string, cutOuts: CutOut[], variableDefs: Map<string, VariableDefinitionNode>): SelectionNode | null {
  const walkSet = (set: SelectionSetNode, on: string): SelectionSetNode | null => {
    const fields = FIELD_TYPES.get(on);
    if (!fields) return null;
    const keys = new Set<string>();
    // Response keys of this level, inline fragments included (they merge into it).
    const collect = (s: SelectionSetNode): boolean =>
      s.selections.every((x) => {
        if (x.kind === Kind.INLINE_FRAGMENT) return collect(x.selectionSet);
        if (x.kind !== Kind.FIELD) return false;
        const key = x.alias?.value ?? x.name.value;
        if (keys.has(key)) return false;
        keys.add(key);
        return true;
      });
    if (!collect(set)) return null;
    let changed = false;
    const selections: SelectionNode[] = [];
    for (const x of set.selections) {
      const next = walkSel(x, on, fields);
      if (next === null) return null;
      if (next !== x) changed = true;
      selections.push(next);
    }
    return changed ? { ...set, selections } : set;
  };
  const walkSel = (x: SelectionNode, on: string, fields: Map<string, string>): SelectionNode | null => {
    if (x.kind === Kind.INLINE_FRAGMENT) {
      const inner = walkSet(x.selectionSet, x.typeCondition?.name.value ?? on);
      return inner === null ? null : inner === x.selectionSet ? x : { ...x, selectionSet: inner };
    }
    if (x.kind !== Kind.FIELD) return null;
    if (!x.selectionSet || x.name.value === '__typename') return x;
    const child = fields.get(x.name.value);
    if (!child) return null;
    if (CACHEABLE_ENTITIES.has(child)) {
      const check = immutableSelection(x.selectionSet, child);
      if (check?.deep) {
        const used = [...check.variables].sort();
        const defs = used.map((name) => variableDefs.get(name));
        if (defs.some((d) => d === undefined)) return null;
        const declared = ['$representations: [_Any!]!', ...defs.map((d) => print(d!))].join(', ');
        const point = cutOuts.length;
        cutOuts.push({
          typename: child,
          query: `query(${declared}) { _entities(representations: $representations) { ... on ${child} ${print(x.selectionSet)} } }`,
          variables: used,
        });
        return { ...x, selectionSet: { kind: Kind.SELECTION_SET, selections: [field('id', `${REF_PREFIX}${point}`)] } };
      }
    }
    const inner = walkSet(x.selectionSet, child);
    return inner === null ? null : inner === x.selectionSet ? x : { ...x, selectionSet: inner };
  };
  return walkSel(sel, type, FIELD_TYPES.get(type) ?? new Map());
}
