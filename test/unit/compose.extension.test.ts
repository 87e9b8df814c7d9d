/**
 * Extension subgraphs cannot take over the contract (schema/checkExtension.ts): each way an
 * extension could serve or change a core type or field is refused with CONTRACT_TAKEOVER and its
 * reason — also the ones composition alone accepts (`composes alone` below), which is how an
 * extension served `Municipality.name` in place of the main chain (issue 19). What an extension
 * is for — new fields on core entities, root fields and types of its own, the operator mark —
 * still composes.
 */
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphqlSync, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeFederation, ledger, mainchain } from '../../schema/index.ts';
import { eventsSdl, eventsTypeDefs } from '../../subgraphs/events/schema.ts';

const FED = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [${imports}])`;

function compose(sdl: string) {
  return composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.typeDefs }, [
    { name: 'hostile', url: 'http://hostile.invalid/graphql', sdl },
  ]);
}

/** Whether @apollo/composition alone composes it with the core (no allowlist). */
function composesAlone(sdl: string): boolean {
  const subgraph = (name: string, typeDefs: ReturnType<typeof parse>) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs });
  return !composeServices([subgraph('mainchain', mainchain.typeDefs), subgraph('ledger', ledger.typeDefs), subgraph('hostile', parse(sdl))]).errors;
}

const TAKEOVERS: Array<{ what: string; sdl: string; reason: RegExp; composesAlone?: boolean }> = [
  {
    what: '@override of a core field',
    composesAlone: true,
    reason: /@override/,
    sdl: `${FED('"@key", "@override"')} type Municipality @key(fields: "code") { code: String! name: String! @override(from: "mainchain") }`,
  },
  {
    what: '@federation__override, never imported',
    composesAlone: true,
    reason: /Municipality\.name is a field of the contract/,
    sdl: `${FED('"@key"')} type Municipality @key(fields: "code") { code: String! name: String! @federation__override(from: "mainchain") }`,
  },
  {
    what: 'an import renamed to an allowed name',
    reason: /no renames/,
    sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [{ name: "@override", as: "@key" }]) type Query { a: Int }`,
  },
  {
    what: 'a namespaced federation link',
    reason: /no renames/,
    sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", as: "fed", import: ["@key"]) type Query { a: Int }`,
  },
  {
    what: '@shareable on a core field',
    reason: /Municipality\.name is a field of the contract|@shareable/,
    sdl: `${FED('"@key", "@shareable"')} type Municipality @key(fields: "code") { code: String! name: String! @shareable }`,
  },
  {
    what: 'a core field redefined',
    reason: /Municipality\.name is a field of the contract/,
    sdl: `${FED('"@key"')} type Municipality @key(fields: "code") { code: String! name: String! }`,
  },
  {
    what: 'a key wider than the core key',
    reason: /only by a key of the contract/,
    sdl: `${FED('"@key"')} type Municipality @key(fields: "code name") { code: String! name: String! }`,
  },
  {
    what: 'a key field retyped',
    reason: /declare it exactly as the contract does/,
    sdl: `${FED('"@key"')} type Account @key(fields: "id") { id: ID! note: String }`,
  },
  {
    what: '@requires on a core field',
    reason: /@external|@requires/,
    sdl: `${FED('"@key", "@external", "@requires"')} type Municipality @key(fields: "code") { code: String! name: String! @external shout: String @requires(fields: "name") }`,
  },
  {
    what: '@provides of a core field',
    reason: /@provides|@external/,
    sdl: `${FED('"@key", "@external", "@provides"')} type Query { best: Municipality @provides(fields: "name") } type Municipality @key(fields: "code") { code: String! name: String! @external }`,
  },
  {
    what: '@interfaceObject over a core entity',
    reason: /@interfaceObject/,
    sdl: `${FED('"@key", "@interfaceObject"')} type Municipality @key(fields: "code") @interfaceObject { code: String! extra: String }`,
  },
  {
    what: 'a federation 1 SDL (every field shareable)',
    reason: /federation v2/,
    sdl: `extend type Municipality @key(fields: "code") { code: String! @external motto: String } type Query { motto: String }`,
  },
  {
    what: 'a core root field',
    reason: /Query\.municipality is a field of the contract/,
    sdl: `${FED('"@key"')} type Query { municipality(code: String!): Municipality } type Municipality @key(fields: "code") { code: String! }`,
  },
  {
    what: 'a core mutation',
    reason: /Mutation\.submitTransaction is a field of the contract/,
    sdl: `${FED('')} type Mutation { submitTransaction(municipality: String!): String } type Query { a: Int }`,
  },
  {
    what: 'a core value type',
    reason: /Chain is a type of the contract/,
    sdl: `${FED('"@shareable"')} type Chain @shareable { height: Int } type Query { a: Int }`,
  },
  {
    what: 'a core enum widened',
    reason: /MunicipalityStatus is a type of the contract/,
    sdl: `${FED('')} enum MunicipalityStatus { ACTIVE SUSPENDED SEIZED } type Query { a: Int }`,
  },
  { what: 'a core input', reason: /TransferInput is a type of the contract/, sdl: `${FED('')} input TransferInput { to: String } type Query { a: Int }` },
  {
    what: 'an interface added to a core entity',
    reason: /interfaces to Municipality/,
    sdl: `${FED('"@key"')} interface Named { motto: String } type Municipality implements Named @key(fields: "code") { code: String! motto: String }`,
  },
  {
    what: '@inaccessible on a core entity',
    reason: /@inaccessible/,
    sdl: `${FED('"@key", "@inaccessible"')} type Municipality @key(fields: "code") @inaccessible { code: String! extra: String }`,
  },
  {
    what: '@tag, @context and other imports',
    reason: /may import from federation only/,
    sdl: `${FED('"@key", "@tag", "@context", "@fromContext"')} type Query { a: Int }`,
  },
  {
    what: 'a directive of its own',
    reason: /may not define directive @audit/,
    sdl: `${FED('')} directive @audit on FIELD_DEFINITION type Query { a: Int @audit }`,
  },
  {
    what: 'another composed directive',
    reason: /compose only the operator mark/,
    sdl: `${FED('"@composeDirective"')} @link(url: "https://specs.example.invalid/x/v1.0", import: ["@x"]) @composeDirective(name: "@x") directive @x on FIELD_DEFINITION type Query { a: Int @x }`,
  },
  { what: 'root operation types renamed', reason: /root operation types/, sdl: `${FED('')} schema { query: Q } type Q { a: Int }` },
  { what: 'a subscription', reason: /subscriptions/, sdl: `${FED('')} type Subscription { ticks: Int } type Query { a: Int }` },
  { what: "federation's own names", reason: /federation's/, sdl: `${FED('')} type _Secret { sdl: String } type Query { _hidden: Int a: Int }` },
  {
    what: 'a core entity without a key',
    reason: /name it by its key/,
    sdl: `${FED('"@shareable"')} type Municipality @shareable { motto: String } type Query { a: Int }`,
  },
];

describe('an extension subgraph may not take over the contract', () => {
  it.each(TAKEOVERS)('refuses $what with CONTRACT_TAKEOVER and the reason', ({ sdl, reason, composesAlone: alone }) => {
    const result = compose(sdl);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('CONTRACT_TAKEOVER');
    expect(result.errors.join('\n')).toMatch(reason);
    expect(result.errors.every((e) => e.startsWith('hostile: '))).toBe(true);
    // The allowlist is what refuses these: composition alone takes them.
    if (alone) expect(composesAlone(sdl)).toBe(true);
  });

  it('refuses the set at the gateway too: every extension is held to the rule, not only a new one', () => {
    const takeover = TAKEOVERS[0]!.sdl;
    const result = composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.sdl }, [
      { name: 'events', url: 'http://events.invalid/graphql', sdl: eventsSdl },
      { name: 'hostile', url: 'http://hostile.invalid/graphql', sdl: takeover },
    ]);
    expect(result).toMatchObject({ ok: false, code: 'CONTRACT_TAKEOVER' });
  });
});

describe('what an extension is for still composes', () => {
  const ALLOWED: Array<{ what: string; sdl: string }> = [
    { what: 'the events example: a new field on Municipality and a root field', sdl: eventsSdl },
    {
      what: 'new fields on every core entity, one by an unresolvable key',
      sdl: `${FED('"@key"')} type Account @key(fields: "id") { id: String! label: String } type Block @key(fields: "id", resolvable: false) { id: String! } type Query { labelled: [Block!]! } type Mutation { label(account: ID!, text: String!): Account }`,
    },
    {
      what: 'entities and shareable types of its own',
      sdl: `${FED('"@key", "@shareable"')} type Query { shops: [Shop!]! } type Shop @key(fields: "id") { id: ID! name: String! where: Place } type Place @shareable { lat: Float! lng: Float! } enum Kind { FOOD CRAFT } union Found = Shop | Place`,
    },
    {
      what: 'the operator mark on its own fields',
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@composeDirective"]) @link(url: "https://specs.aiki.invalid/operator/v0.1", import: ["@operator"]) @composeDirective(name: "@operator")
        directive @operator on FIELD_DEFINITION
        type Query { auditLog: [String!]! @operator publicNotes: [String!]! @deprecated(reason: "use auditLog") }
        type Municipality @key(fields: "code") { code: String! auditNotes: [String!] @operator }`,
    },
  ];
  it("composes the events example as its server serves it: federation's definitions spelled out", () => {
    const served = graphqlSync({ schema: buildSubgraphSchema({ typeDefs: eventsTypeDefs, resolvers: {} }), source: '{ _service { sdl } }' });
    const sdl = (served.data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).toContain('directive @federation__override'); // what a subgraph serves, not the file
    const result = compose(sdl);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(ALLOWED)('composes $what', ({ sdl }) => {
    const result = compose(sdl);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
