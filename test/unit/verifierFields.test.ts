/**
 * Every field a verifier reads is described in the schema (issue 15): the fields of every query
 * the repository's own verifiers send — `aiki verify` (a trace), `aiki tx show --verify` (an
 * inclusion proof), `aiki proposal verify`, `aiki audit` and `aiki audit --mainchain` (blocks,
 * anchors, transactions, checkpoints, consistency proofs) — each has a description in
 * schema/*.graphql, and every one whose value is bytes says how they are written (hex, canonical
 * JSON, or the decimal or ISO 8601 text of a signed body).
 */
import { getNamedType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLField, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CONSISTENCY_QUERY, AUDIT_MAIN_CONSISTENCY_QUERY, AUDIT_MAIN_PAGE_QUERY, AUDIT_PAGE_QUERY, AUDIT_TRANSACTIONS_QUERY } from '../../cli/audit.ts';
import { INCLUSION_PROOF_FIELDS, PROPOSAL_QUERY, TRACE_QUERY } from '../../core/index.ts';
import { supergraphApiSchema } from './edge.support.ts';

const CHECKPOINTS = `query { municipality(code: "kyoto") { sequencerKey governanceKey chain { checkpoint { v municipality height root sequencer signature } } }
  mainChain { sequencer smallOrderPublicKeys checkpoint { v municipality height root sequencer signature } } }`;
const PROOF = `query { transaction(id: "kyoto:00") { txid kind settlement from to amount nonce memo time signature proof { ${INCLUSION_PROOF_FIELDS} } } }`;
const QUERIES = {
  TRACE_QUERY,
  PROPOSAL_QUERY,
  AUDIT_PAGE_QUERY,
  AUDIT_TRANSACTIONS_QUERY,
  AUDIT_CONSISTENCY_QUERY,
  AUDIT_MAIN_PAGE_QUERY,
  AUDIT_MAIN_CONSISTENCY_QUERY,
  CHECKPOINTS,
  PROOF,
};

/** Plumbing of lists and pages, not data a verifier checks. */
const PLUMBING = new Set(['edges', 'node', 'pageInfo', 'hasNextPage', 'endCursor', '__typename']);
/** How a description says what bytes a string carries. */
const BYTES = /hex|canonical JSON|ISO 8601|decimal|UTF-8|`<|code|address|one of these words/i;

function fieldsOf(schema: GraphQLSchema, query: string): Array<{ path: string; field: GraphQLField<unknown, unknown> }> {
  const info = new TypeInfo(schema);
  const found: Array<{ path: string; field: GraphQLField<unknown, unknown> }> = [];
  visit(
    parse(query),
    visitWithTypeInfo(info, {
      Field(node) {
        const field = info.getFieldDef();
        const parent = info.getParentType();
        if (field && parent && !PLUMBING.has(node.name.value)) found.push({ path: `${parent.name}.${field.name}`, field });
      },
    }),
  );
  return found;
}

describe("the schema's descriptions of what verifiers read", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await supergraphApiSchema();
  });

  it.each(Object.entries(QUERIES))('%s: every field described, every string field saying what its bytes are', (_name, query) => {
    const undescribed: string[] = [];
    const vague: string[] = [];
    for (const { path, field } of fieldsOf(schema, query)) {
      const d = field.description?.trim() ?? '';
      if (d.length < 10) undescribed.push(path);
      else if (getNamedType(field.type).name === 'String' && !BYTES.test(d)) vague.push(`${path}: ${d}`);
    }
    expect(undescribed).toEqual([]);
    expect(vague).toEqual([]);
  });
});
