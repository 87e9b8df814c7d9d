/**
 * The events subgraph's schema. Kept in TypeScript rather than a `.graphql` file so that
 * `npm run build` (which copies only schema/*.graphql) ships it.
 *
 * `Municipality` is the main chain's entity (key `code`); this subgraph adds `events`, nullable
 * like the ledger's `chain` (docs/ARCHITECTURE.md): with this subgraph down, the rest of a
 * municipality still answers.
 */
import { parse } from 'graphql';

export const eventsSdl = /* GraphQL */ `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Query {
  "Local events in a municipality, soonest first."
  localEvents(municipality: String!): [LocalEvent!]!
}

type Municipality @key(fields: "code") {
  code: String!
  "Local events, soonest first; null (with an error) while the events subgraph cannot answer."
  events: [LocalEvent!]
}

type LocalEvent {
  id: ID!
  municipality: String!
  title: String!
  "ISO 8601."
  startsAt: String!
}
`;

export const eventsTypeDefs = parse(eventsSdl);
