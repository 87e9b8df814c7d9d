import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, getOperationAST, Kind, parse, validate, type GraphQLSchema } from 'graphql';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSAL_QUERY, TRACE_QUERY } from '../../core/index.ts';
import { checkMeasure, checkSource, countTokens, DEFAULT_LIMITS, limitsPlugin, measureOperation } from '../../gateway/edge/limits.ts';
import {
  AUDIT_CONSISTENCY_QUERY,
  AUDIT_MAIN_CONSISTENCY_QUERY,
  AUDIT_MAIN_PAGE_QUERY,
  AUDIT_PAGE_QUERY,
  AUDIT_TRANSACTIONS_QUERY,
  MAX_AUDIT_PAGE,
} from '../../cli/audit.ts';
import { codes, startEdgeGateway, supergraphApiSchema, type EdgeGateway } from './edge.support.ts';

/**
 * Every GraphQL operation the `aiki` CLI sends, read from cli/aiki.ts itself (string and template
 * literals that parse as operations, with the file's string constants substituted), so that a
 * query added to the CLI is held to the limits too.
 */
function cliOperations(): string[] {
  const path = new URL('../../cli/aiki.ts', import.meta.url);
  const file = ts.createSourceFile(path.pathname, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const constants = new Map([
    ['TRACE_QUERY', TRACE_QUERY],
    ['PROPOSAL_QUERY', PROPOSAL_QUERY],
  ]);
  const text = (node: ts.Node): string | undefined => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isIdentifier(node)) return constants.get(node.text);
    if (!ts.isTemplateExpression(node)) return undefined;
    let s = node.head.text;
    for (const span of node.templateSpans) {
      const value = ts.isIdentifier(span.expression) ? constants.get(span.expression.text) : undefined;
      if (value === undefined) return undefined;
      s += value + span.literal.text;
    }
    return s;
  };
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const value = text(node.initializer);
      if (value !== undefined) constants.set(node.name.text, value);
    }
    const value = text(node);
    if (value !== undefined) {
      try {
        if (parse(value).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) found.add(value);
      } catch {
        // not GraphQL: a message, an option, a fragment of fields
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...found];
}

function measure(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}) {
  const doc = parse(query);
  expect(validate(schema, doc)).toEqual([]);
  return measureOperation(schema, doc, getOperationAST(doc)!, variables);
}

/** `{ f { f { … leaf } } }` through fields that really nest in the schema. */
const deep = (levels: number) => {
  let q = 'id';
  for (let i = 0; i < levels; i++) q = `block { transactions(first: 1) { edges { node { ${q} } } } }`;
  return `{ transaction(id: "kyoto:00") { ${q} } }`;
};

describe('edge limits: what the ledger workload asks passes', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await supergraphApiSchema();
  });

  it('passes the 3-hop trace query with all its proofs, with room to spare', () => {
    const m = measure(schema, TRACE_QUERY, { id: 'kyoto:00', depth: 3 });
    console.log('TRACE_QUERY', { bytes: Buffer.byteLength(TRACE_QUERY), tokens: countTokens(TRACE_QUERY), ...m });
    expect(checkSource(TRACE_QUERY)).toBeUndefined();
    expect(checkMeasure(m)).toBeUndefined();
    expect(m.depth).toBe(7);
    expect(m.cost * 4).toBeLessThan(DEFAULT_LIMITS.maxCost);
  });

  it('passes every query of the aiki CLI', () => {
    const ops = cliOperations();
    expect(ops.length).toBeGreaterThanOrEqual(15);
    expect(ops).toContain(TRACE_QUERY);
    for (const op of ops) {
      expect(checkSource(op), op).toBeUndefined();
      expect(checkMeasure(measure(schema, op)), op).toBeUndefined();
    }
  });

  it("passes aiki audit's pages at their largest", () => {
    const m = measure(schema, AUDIT_PAGE_QUERY, { m: 'kyoto', h: 0, n: MAX_AUDIT_PAGE });
    console.log('AUDIT_PAGE_QUERY', m);
    expect(checkMeasure(m)).toBeUndefined();
    expect(checkMeasure(measure(schema, AUDIT_TRANSACTIONS_QUERY, { id: 'kyoto:1' }))).toBeUndefined();
    expect(checkMeasure(measure(schema, AUDIT_MAIN_PAGE_QUERY, { h: 0, n: MAX_AUDIT_PAGE }))).toBeUndefined();
    expect(checkMeasure(measure(schema, AUDIT_CONSISTENCY_QUERY, { m: 'kyoto', from: 0, to: 1 }))).toBeUndefined();
    expect(checkMeasure(measure(schema, AUDIT_MAIN_CONSISTENCY_QUERY, { from: 0, to: 1 }))).toBeUndefined();
  });

  it('passes the deepest path a client has reason to ask: municipalities → blocks → transactions → PoH segment', () => {
    const q =
      '{ municipalities { chain { blocks(first: 5) { edges { node { transactions(first: 10) { edges { node { proof { poh { segment { hash } } } } } } } } } } } }';
    const m = measure(schema, q);
    expect(m.depth).toBe(DEFAULT_LIMITS.maxDepth);
    expect(checkMeasure(m)).toBeUndefined();
  });

  it('does not measure introspection, unless asked to', () => {
    const q = getIntrospectionQuery();
    expect(checkSource(q)).toBeUndefined();
    expect(checkMeasure(measure(schema, q))).toBeUndefined();
    const doc = parse(q);
    const strict = { ...DEFAULT_LIMITS, measureIntrospection: true };
    expect(checkMeasure(measureOperation(schema, doc, getOperationAST(doc)!, {}, strict), strict)?.extensions).toMatchObject({
      code: 'QUERY_TOO_DEEP',
      measured: 15,
    });
  });

  it('multiplies lists by their size argument, a variable or the schema default, and connections once', () => {
    expect(measure(schema, '{ settlements(first: 7) { id status } }').cost).toBe(1 + 7 * 2);
    expect(measure(schema, '{ settlements { id } }').cost).toBe(1 + 100 * 1); // first: Int = 100
    expect(measure(schema, 'query($n: Int) { settlements(first: $n) { id } }', { n: 3 }).cost).toBe(1 + 3);
    expect(measure(schema, 'query($n: Int = 4) { settlements(first: $n) { id } }').cost).toBe(1 + 4);
    // account(1) + transactions(1 + 5 × (edges(1 + node(1 + id(1)))))
    expect(measure(schema, '{ account(address: "a") { transactions(first: 5) { edges { node { id } } } } }').cost).toBe(1 + 1 + 5 * 3);
    // a list without a size argument counts as defaultListSize
    expect(measure(schema, '{ municipalities { code } }').cost).toBe(1 + DEFAULT_LIMITS.defaultListSize);
  });

  it('expands fragments for depth and aliases, measuring each fragment once', () => {
    const q = `{ mainChain { ...a } }
      fragment a on MainChain { x1: head { ...b } x2: head { ...b } }
      fragment b on MainBlock { y1: anchors { ...c } y2: anchors { ...c } }
      fragment c on Anchor { z1: height z2: height }`;
    const m = measure(schema, q);
    expect(m.depth).toBe(4);
    expect(m.aliases).toBe(2 + 2 * (2 + 2 * 2));
  });
});

describe('edge limits: abusive queries are refused before any subgraph is called', () => {
  let gw: EdgeGateway;
  beforeAll(async () => {
    gw = await startEdgeGateway([limitsPlugin()]);
  });
  afterAll(() => gw.close());

  async function refused(query: string, code: string, variables?: Record<string, unknown>) {
    const before = gw.subgraphCalls();
    const reply = await gw.post({ query, variables });
    expect(codes(reply), JSON.stringify(reply.body)).toEqual([code]);
    expect(reply.status).toBe(400);
    expect(gw.subgraphCalls()).toBe(before);
    return reply.body.errors![0]!.extensions!;
  }

  it('lets the trace query through to the subgraphs', async () => {
    const reply = await gw.post({ query: TRACE_QUERY, variables: { id: 'kyoto:00', depth: 3 } });
    expect(gw.subgraphCalls()).toBeGreaterThan(0);
    expect(codes(reply).filter((c) => c !== 'INTERNAL_SERVER_ERROR')).toEqual([]);
  });

  it('lets introspection through', async () => {
    const reply = await gw.post({ query: getIntrospectionQuery() });
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data).toHaveProperty('__schema');
  });

  it('still refuses an introspection bomb (graphql-js validation, which the limits leave it to)', async () => {
    const reply = await gw.post({ query: '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }' });
    expect(codes(reply)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(reply.body.errors![0]!.message).toMatch(/introspection depth/i);
  });

  it('refuses deep nesting with QUERY_TOO_DEEP', async () => {
    const ext = await refused(deep(4), 'QUERY_TOO_DEEP');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxDepth, measured: 18 });
  });

  it('refuses deep nesting hidden in fragments', async () => {
    const q = `{ transaction(id: "kyoto:00") { ...t } }
      fragment t on Transaction { block { ...b } }
      fragment b on Block { transactions(first: 1) { edges { node { sender { ...a } } } } }
      fragment a on Account { transactions(first: 1) { edges { node { block { transactions(first: 1) { edges { node { recipient { id } } } } } } } } }`;
    await refused(q, 'QUERY_TOO_DEEP');
  });

  it('refuses an alias bomb with TOO_MANY_ALIASES', async () => {
    const fields = Array.from({ length: 200 }, (_, i) => `a${i}: height`).join(' ');
    const ext = await refused(`{ mainChain { ${fields} } }`, 'TOO_MANY_ALIASES');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxAliases, measured: 200 });
  });

  it('refuses too many root fields with TOO_MANY_ROOT_FIELDS', async () => {
    const q =
      '{ municipalities { code } mainChain { height } parameters { quorum } subgraphs { name } settlementCounts { count } settlements { id } proposals { id } registryRevision trace(transactionId: "x") { transactionId } proposal(id: "1") { id } settlement(id: "x") { id } }';
    const ext = await refused(q, 'TOO_MANY_ROOT_FIELDS');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxRootFields, measured: 11 });
  });

  it('refuses a huge list with QUERY_TOO_COSTLY', async () => {
    const ext = await refused('{ account(address: "kyoto:00") { transactions(first: 100000) { edges { node { id } } } } }', 'QUERY_TOO_COSTLY');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxCost, measured: 1 + 1 + 100000 * 3 });
  });

  it('refuses a huge list asked for in a variable, and runs the same document with a small one', async () => {
    const query = 'query($n: Int) { settlements(first: $n) { id status } }';
    await refused(query, 'QUERY_TOO_COSTLY', { n: 1_000_000 });
    const before = gw.subgraphCalls();
    await gw.post({ query, variables: { n: 10 } });
    expect(gw.subgraphCalls()).toBe(before + 1);
  });

  it('refuses nested lists that are each modest with QUERY_TOO_COSTLY', async () => {
    const q = '{ municipalities { chain { blocks(first: 50) { edges { node { transactions(first: 100) { edges { node { id amount } } } } } } } } }';
    await refused(q, 'QUERY_TOO_COSTLY');
  });

  it('refuses a token flood with TOO_MANY_TOKENS before parsing it', async () => {
    const ext = await refused(`{ ${'a '.repeat(3000)}}`, 'TOO_MANY_TOKENS');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxTokens, measured: 3002 });
    // Not even valid GraphQL (unclosed): refused for its size before the parser would say so.
    await refused(`{ ${'a '.repeat(3000)}`, 'TOO_MANY_TOKENS');
  });

  it('refuses a query text over the size limit with QUERY_TOO_LARGE', async () => {
    const ext = await refused(`# ${'x'.repeat(20_000)}\n{ mainChain { height } }`, 'QUERY_TOO_LARGE');
    expect(ext).toMatchObject({ limit: DEFAULT_LIMITS.maxQueryBytes });
  });
});
