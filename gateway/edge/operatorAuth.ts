/**
 * Operator auth at the gateway (docs/GATEWAY.md, "Operators"). Which fields need an operator is
 * written in the contract: `@operator` on a field definition (schema/mainchain.graphql), composed
 * into the supergraph with `@composeDirective`. An operation selecting one of them — anywhere in it,
 * fragments expanded — is refused with UNAUTHENTICATED (AUTH_UNAVAILABLE when the main chain cannot check it now) unless its `Authorization: Bearer <token>`
 * proves an operator; refused before the gateway plans it, so no subgraph is called. The token is
 * checked by asking the main chain (a signed `POST /operators/verify`), and the verdict kept for
 * {@link DEFAULT_VERDICT_TTL_MS} under the token's SHA-256: a revoked token passes the gateway for
 * at most that long (the main chain refuses a revoked token's claim at once). The operator is then
 * passed to the subgraphs as a signed `x-aiki-operator` claim (runtime/signing.ts).
 */
import { Endpoints } from '../../runtime/failover.ts';
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { signRequest, VERIFY_OPERATOR_PATH, type OperatorClaim } from '../../runtime/signing.ts';
import { Lru } from '../../runtime/lru.ts';
import { refusal, wasRefused } from './refusal.ts';

/** The `@link` URL of the `@operator` marker, without its version. */
export const OPERATOR_SPEC = 'https://specs.aiki.invalid/operator/';
/** How long a verdict on a token is kept: the longest a revoked token still passes the gateway. */
export const DEFAULT_VERDICT_TTL_MS = 5_000;

/**
 * The coordinates (`Mutation.propose`) of the fields marked `@operator` in a supergraph, under the
 * name the supergraph's `@link` of {@link OPERATOR_SPEC} gives the marker (`@operator` unless
 * imported `as` another). None when the supergraph links no such spec.
 */
export function operatorFields(supergraphSdl: string | DocumentNode): Set<string> {
  const doc = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  let marker: string | undefined;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArg(link.arguments?.find((a) => a.name.value === 'url')?.value);
      if (!url?.startsWith(OPERATOR_SPEC)) continue;
      marker = 'operator';
      const imports = link.arguments?.find((a) => a.name.value === 'import')?.value;
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        if (item.kind !== Kind.OBJECT) continue;
        const name = stringArg(item.fields.find((f) => f.name.value === 'name')?.value);
        const as = stringArg(item.fields.find((f) => f.name.value === 'as')?.value);
        if (name === '@operator' && as) marker = as.replace(/^@/, '');
      }
    }
  }
  const fields = new Set<string>();
  if (!marker) return fields;
  for (const def of doc.definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of def.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === marker)) fields.add(`${def.name.value}.${field.name.value}`);
    }
  }
  return fields;
}

function stringArg(value: ValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/**
 * The first field of `operation` that needs an operator (its coordinate), fragments expanded, or
 * undefined. A field asked through an interface or union counts when it is marked on any type it
 * may resolve to. Each fragment is walked once per type it is spread on.
 */
export function operatorFieldIn(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fields: ReadonlySet<string>,
): string | undefined {
  if (fields.size === 0) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const marked = (type: GraphQLCompositeType, name: string): string | undefined => {
    const own = `${type.name}.${name}`;
    if (fields.has(own)) return own;
    if (isAbstractType(type)) for (const t of schema.getPossibleTypes(type)) if (fields.has(`${t.name}.${name}`)) return `${t.name}.${name}`;
    return undefined;
  };
  const walk = (set: SelectionSetNode, type: GraphQLCompositeType): string | undefined => {
    for (const sel of set.selections) {
      let found: string | undefined;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        found = marked(type, name);
        const def = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
        const inner = def && getNamedType(def.type);
        if (!found && sel.selectionSet && isCompositeType(inner)) found = walk(sel.selectionSet, inner);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (isCompositeType(cond)) found = walk(sel.selectionSet, cond);
      } else {
        const frag = fragments.get(sel.name.value);
        const cond = frag && schema.getType(frag.typeCondition.name.value);
        const key = `${sel.name.value}\0${type.name}`;
        if (frag && isCompositeType(cond) && !seen.has(key)) {
          seen.add(key);
          found = walk(frag.selectionSet, cond);
        }
      }
      if (found) return found;
    }
    return undefined;
  };
  const root = schema.getRootType(operation.operation);
  return root ? walk(operation.selectionSet, root) : undefined;
}

/** Why a token was not accepted: none sent, not an operator's, or the main chain could not be asked. */
export type Verdict = { operator: OperatorClaim } | { refused: 'missing' | 'invalid' | 'unverified' };

export interface OperatorVerifierOptions {
  /** The main chain's GraphQL URL, or its processes' (tried in turn: runtime/failover.ts); the check is {@link VERIFY_OPERATOR_PATH} on its origin. */
  mainchainUrl: string | readonly string[];
  /** How long a verdict is kept (default {@link DEFAULT_VERDICT_TTL_MS}). */
  ttlMs?: number;
  /** Most verdicts kept (a flood of made-up tokens evicts the oldest; default 10,000). */
  maxEntries?: number;
  timeoutMs?: number;
  /** Signs the check: the federation's secret (runtime/federation.ts); none: unsigned (development). */
  secret: string | undefined;
  now?: () => number;
}

/**
 * Asks the main chain which operator a bearer token proves, and remembers the answer — an operator
 * or "nobody" — for `ttlMs`, keyed by the SHA-256 of the Authorization header: the gateway never
 * holds a token it was sent. Checks of one token asked together share one call. An unreachable
 * main chain is not remembered.
 */
export class OperatorVerifier {
  /** By SHA-256 of the Authorization header. */
  private readonly verdicts: Lru<string, { operator: OperatorClaim | null; until: number }>;
  private readonly asking = new Map<string, Promise<OperatorClaim | null>>();
  private readonly mainchain: Endpoints;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Calls made to the main chain, and verdicts answered from memory. */
  readonly counts = { calls: 0, remembered: 0 };

  constructor(private readonly opts: OperatorVerifierOptions) {
    this.mainchain = new Endpoints(typeof opts.mainchainUrl === 'string' ? [opts.mainchainUrl] : opts.mainchainUrl);
    this.ttlMs = opts.ttlMs ?? DEFAULT_VERDICT_TTL_MS;
    this.verdicts = new Lru(opts.maxEntries ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  async verify(authorization: string | undefined): Promise<Verdict> {
    if (!authorization) return { refused: 'missing' };
    if (!/^Bearer \S+$/.test(authorization)) return { refused: 'invalid' }; // not a bearer token: nothing to ask
    const key = createHash('sha256').update(authorization).digest('hex');
    const known = this.verdicts.get(key);
    if (known && known.until > this.now()) {
      this.counts.remembered++;
      return known.operator ? { operator: known.operator } : { refused: 'invalid' };
    }
    let pending = this.asking.get(key);
    if (!pending) {
      pending = this.ask(authorization).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    let operator: OperatorClaim | null;
    try {
      operator = await pending;
    } catch {
      return { refused: 'unverified' };
    }
    return operator ? { operator } : { refused: 'invalid' };
  }

  private async ask(authorization: string): Promise<OperatorClaim | null> {
    this.counts.calls++;
    const asked = this.now();
    const body = JSON.stringify({ authorization });
    const secret = this.opts.secret;
    const res = await this.mainchain.run((graphqlUrl) => {
      const url = new URL(VERIFY_OPERATOR_PATH, graphqlUrl).toString();
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, body) : {}) },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
      });
    });
    const answer = (await res.json().catch(() => undefined)) as { operator?: OperatorClaim | null } | undefined;
    if (!res.ok || !answer || answer.operator === undefined) throw new Error(`the main chain's operator check answered HTTP ${res.status}`);
    const operator = answer.operator && { name: String(answer.operator.name), token: String(answer.operator.token) };
    // Kept from when it was asked, so a verdict never outlives the revocation by more than ttlMs.
    // Bounded: a flood of made-up tokens evicts the least recently used verdicts, which costs the
    // operators behind them one more check at worst.
    this.verdicts.set(createHash('sha256').update(authorization).digest('hex'), { operator, until: asked + this.ttlMs });
    return operator;
  }
}

const HOW = "send Authorization: Bearer <token> — the main chain's AIKI_OPERATOR_TOKEN, or a token from `aiki operator add` (createOperatorToken)";

/**
 * The check as an Apollo plugin, after the edge's limits (list it last): in `didResolveOperation`,
 * after validation and before the gateway plans, an operation selecting a field of `fields()`
 * needs an operator; `grant` records it in the request's context for the subgraph calls.
 */
export function operatorAuthPlugin<TContext extends BaseContext>(opts: {
  fields: () => ReadonlySet<string>;
  verifier: OperatorVerifier;
  grant: (context: TContext, operator: OperatorClaim) => void;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      if (wasRefused(request)) return;
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          if (!operation) return;
          const field = operatorFieldIn(schema, document, operation, opts.fields());
          if (!field) return;
          const verdict = await opts.verifier.verify(request.http?.headers.get('authorization'));
          if ('operator' in verdict) return opts.grant(contextValue, verdict.operator);
          const challenge = { 'www-authenticate': 'Bearer realm="aiki operators"' };
          if (verdict.refused === 'missing') throw refusal('UNAUTHENTICATED', `${field} needs an operator: ${HOW}`, { field }, 401, challenge);
          if (verdict.refused === 'invalid')
            throw refusal(
              'UNAUTHENTICATED',
              `${field} needs an operator, and the Authorization sent is not a valid operator token (unknown, revoked or mistyped): ${HOW}`,
              { field },
              401,
              challenge,
            );
          throw refusal(
            'AUTH_UNAVAILABLE',
            `${field} needs an operator, and the gateway could not check the token now (the main chain did not answer): retry shortly`,
            { field, retryAfterMs: 1000 },
            503,
            { 'retry-after': '1' },
          );
        },
      };
    },
  };
}
