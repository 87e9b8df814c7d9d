/**
 * `tsx subgraphs/events/main.ts`: an example extension subgraph — local events per municipality,
 * from its own MongoDB database. Governance registers it (`registerSubgraph`), and the gateway
 * composes it beside the main chain and the ledgers: `municipality(code) { events { title } }`.
 * Configuration: MONGODB_URI, AIKI_DB_NAME (default `aiki_events`), AIKI_PORT (default 4200),
 * AIKI_HOST, and AIKI_EVENTS_SEED — a JSON array of `{ id, municipality, title, startsAt }`
 * written (by id, so a restart does not duplicate them) before it serves.
 */
import './tracing.ts'; // first: see the file
import { connectMongo, oneBatch } from '../../db/mongo.ts';
import { isMunicipalityCode } from '../../core/municipality.ts';
import { aikiError } from '../../core/errors.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import { envDbName, envJson, envLogLevel, envMongoUri } from '../../runtime/env.ts';
import { prepareService } from '../../runtime/prepareService.ts';
import { serve } from '../../runtime/http.ts';
import { createLogger } from '../../runtime/log.ts';
import { announceReady, onShutdown, runMain } from '../../runtime/process.ts';
import { eventsTypeDefs } from './schema.ts';

interface EventDoc {
  _id: string;
  municipality: string;
  title: string;
  startsAt: string;
}

/** Events per municipality per request at most: a list a page shows, not an export. */
const MAX_EVENTS = 100;

const log = createLogger('events', envLogLevel());

runMain(log, async () => {
  const { federation, listener } = prepareService(log, 4200); // first: runtime settings, TLS trust, the federation's secret
  // Every setting read before anything is done, so a bad one stops the start at once.
  const seed = parseSeed(envJson('AIKI_EVENTS_SEED', [], (v): v is unknown[] => Array.isArray(v), 'a JSON array of { id, municipality, title, startsAt }'));
  const mongo = await connectMongo(envMongoUri(), envDbName('AIKI_DB_NAME', 'aiki_events'), 'aiki-events', { log });
  const events = mongo.db.collection<EventDoc>('events');
  await events.createIndex({ municipality: 1, startsAt: 1 });
  for (const doc of seed) await events.replaceOne({ _id: doc._id }, doc, { upsert: true });

  const of = async (municipality: string) => {
    if (!isMunicipalityCode(municipality))
      throw aikiError('BAD_USER_INPUT', `not a municipality code: ${JSON.stringify(municipality)}`, { field: 'municipality' });
    return events.find({ municipality }, oneBatch(MAX_EVENTS)).sort({ startsAt: 1 }).toArray();
  };
  const resolvers = {
    Query: { localEvents: (_root: unknown, args: { municipality: string }) => of(args.municipality) },
    Municipality: {
      __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
      events: (m: { code: string }) => of(m.code),
    },
    LocalEvent: { id: (doc: EventDoc) => doc._id },
  };

  const served = await serve(createSubgraphServer(eventsTypeDefs, resolvers, log, { introspection: listener.introspection }), {
    port: listener.port,
    requireSignature: federation.secret,
    tls: listener.tls,
    answerProbes: true, // the main chain reads its SDL unsigned at registration (runtime/probe.ts)
    host: listener.host,
    log,
    context: async () => ({}),
    ready: async () => {
      await mongo.db.command({ ping: 1 });
      return {};
    },
  });
  log.info('serving', { url: served.url, seeded: seed.length });
  announceReady({ service: 'events', url: served.url });
  onShutdown(log, async () => {
    await served.close();
    await mongo.close();
  });
});

function parseSeed(list: unknown[]): EventDoc[] {
  return list.map((e, i) => {
    const { id, municipality, title, startsAt } = (e ?? {}) as Record<string, unknown>;
    if (
      typeof id !== 'string' ||
      !isMunicipalityCode(municipality) ||
      typeof title !== 'string' ||
      typeof startsAt !== 'string' ||
      Number.isNaN(Date.parse(startsAt))
    ) {
      throw new Error(`AIKI_EVENTS_SEED[${i}] must be { id, municipality (a code), title, startsAt (ISO 8601) }`);
    }
    return { _id: id, municipality, title, startsAt };
  });
}
