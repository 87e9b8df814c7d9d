/**
 * State labels on the main chain (the ledger's are in subgraphs/ledger/state.ts; how the gateway
 * uses them: gateway/cache/StateCache.ts, docs/GATEWAY.md "State cache").
 *
 * The main chain may run as several processes over one database, but one writes it: the lease
 * holder (docs/ARCHITECTURE.md, "Main chain"); the others hand it every mutation (relay.ts), and a
 * new holder writes nothing before a term has passed since its predecessor stopped renewing
 * (runtime/lease.ts). So the holder can count every write of the database: every insert, update,
 * delete or findAndModify it sends, seen through the driver's command events. A label is the count
 * of writes started and the holder's term of office, taken when a request starts and no write is in
 * flight; another process asks the holder for it. The gateway uses an answer labelled so only while
 * the main chain still reports the same label — no write has started since, and the lease has not
 * changed hands — so the answer is what the main chain would answer now. The label is not read from
 * the database: a count there would be one more write with every write (an anchor, a settlement
 * step). What a process that does not hold the lease reads beside the database is not labelled (a
 * trace's next hops, settlements.ts `trace`).
 *
 * That holds for answers read from the database alone. Some fields read what the process keeps
 * in memory (the head, open proposals, counts, parameters), which changes around its writes
 * rather than with them: answers are labelled only when every root field is one of
 * {@link FROM_THE_DATABASE}, fields whose whole answer is read from the database.
 *
 * Every anchor, settlement step and main-chain block is a write, so on a live federation that
 * label moves many times a second. An answer read from the registry alone — a municipality's
 * code, name, status, keys; the references to ledger entities, which only check the registry —
 * changes only when the registry does, so it is labelled with the registry's revision instead
 * (`scope: 'registry'`): the registry bumps it after every write of its own, even a failed one
 * (registry.ts), so a label taken before a write's end is out of date after it. Those are the
 * root fields of {@link FROM_THE_REGISTRY}, when no field anywhere in the operation is
 * `anchoredHeight` (written with every anchor).
 */
import { randomBytes } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { MongoClient } from 'mongodb';
import { REGISTRY_SCOPE, STATE_EXTENSION, type StateLabel } from '../../runtime/stateLabel.ts';
import { COLLECTIONS } from './collections.ts';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes']);

/**
 * Root fields whose answer, nested fields included, is read from the database only (checked in
 * resolvers.ts): registry lookups, references to ledger entities, traces, settlements, anchors
 * and their inclusions (sealed main-chain blocks never change), and `__typename`.
 */
export const FROM_THE_DATABASE = new Set([
  '__typename',
  '_entities',
  'municipality',
  'municipalities',
  'account',
  'transaction',
  'block',
  'keyAccounts',
  'trace',
  'settlement',
  'anchor',
  'anchors',
]);

/** Root fields answered from the registry alone (resolvers.ts), for the registry-scoped label. */
export const FROM_THE_REGISTRY = new Set(['__typename', '_entities', 'municipality', 'municipalities', 'account', 'transaction', 'block', 'keyAccounts']);
const MOVES_WITH_ANCHORS = 'anchoredHeight';

/** The registry's label: its revision (`<epoch>:<n>`). */
export function registryLabel(revision: string): StateLabel {
  const [epoch, n] = revision.split(':');
  return { height: Number(n), hash: epoch!, scope: REGISTRY_SCOPE };
}

export class WriteClock {
  private started = 0;
  private finished = 0;
  private readonly inFlight = new Set<number>();
  /** Changes with every start of the process: its counts start again at zero. */
  private readonly boot = randomBytes(16).toString('hex');

  /**
   * `client` must be created with `monitorCommands: true`. `term` names the lease holder's term of
   * office (runtime/lease.ts `LeaseKeeper.epoch`): a label of one term is never current in another.
   */
  constructor(
    client: MongoClient,
    private readonly term: () => string = () => '',
  ) {
    client.on('commandStarted', (event) => {
      if (!WRITES.has(event.commandName)) return;
      // The lease's terms (runtime/lease.ts) are state of no answer: a renewal every term would end every label.
      if (event.command?.[event.commandName] === COLLECTIONS.lease) return;
      this.inFlight.add(event.requestId);
      this.started++;
    });
    const done = (event: { requestId: number }) => {
      if (this.inFlight.delete(event.requestId)) this.finished++;
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }

  /** The label now, or undefined while a write is in flight. */
  label(): StateLabel | undefined {
    return this.started === this.finished ? { height: this.started, hash: `${this.boot}.${this.term()}` } : undefined;
  }
}

/**
 * Root fields that read memory, with the sub-fields of theirs that are constant for the process:
 * `mainChain { sequencer }` (the main chain's key, which every trace verification asks for) is,
 * `mainChain { height }` is not.
 */
const CONSTANT_PARTS: Record<string, ReadonlySet<string>> = { mainChain: new Set(['sequencer', '__typename']) };

/** Whether an operation's root fields are all {@link FROM_THE_DATABASE} or constant parts (no fragments). */
function fromTheDatabase(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.every((s) => {
    if (s.kind !== Kind.FIELD) return false;
    if (FROM_THE_DATABASE.has(s.name.value)) return true;
    const constant = CONSTANT_PARTS[s.name.value];
    return (
      constant !== undefined &&
      s.selectionSet !== undefined &&
      s.selectionSet.selections.every((sub) => sub.kind === Kind.FIELD && constant.has(sub.name.value))
    );
  });
}

/** Whether every root field is one of {@link FROM_THE_REGISTRY} and no field of the document reads what anchors write. */
function fromTheRegistry(selectionSet: SelectionSetNode, document: DocumentNode): boolean {
  if (!selectionSet.selections.every((s) => s.kind === Kind.FIELD && FROM_THE_REGISTRY.has(s.name.value))) return false;
  let anchored = false;
  visit(document, {
    Field(node) {
      if (node.name.value === MOVES_WITH_ANCHORS) anchored = true;
    },
  });
  return !anchored;
}

/** The labels a request may carry, both taken at its start: the write clock's and the registry's. */
export interface RequestLabels {
  writes?: StateLabel;
  registry: StateLabel;
}

/** Adds the label taken at the start of the request to a query's answer that qualifies. */
export function statePlugin<TContext extends { state?: RequestLabels }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, document }) {
          if (!contextValue.state || operation?.operation !== 'query' || !document || response.body.kind !== 'single') return;
          const label = fromTheRegistry(operation.selectionSet, document)
            ? contextValue.state.registry
            : fromTheDatabase(operation.selectionSet)
              ? contextValue.state.writes
              : undefined;
          if (!label) return;
          const result = response.body.singleResult;
          if (result.errors?.length || !result.data) return;
          result.extensions = { ...result.extensions, [STATE_EXTENSION]: label };
        },
      };
    },
  };
}
