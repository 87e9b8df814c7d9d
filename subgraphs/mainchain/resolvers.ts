/** Resolvers of the main-chain subgraph (schema/mainchain.graphql). */
import { aikiError, canonicalJson, countVotes, formatFraction, MUNICIPALITY_CODE, SMALL_ORDER_PUBLIC_KEYS } from '../../core/index.ts';
import type { Resolvers } from '../../schema/generated/mainchain.ts';
import { anchorEventId } from '../../core/index.ts';
import { MAX_TRACE_DEPTH } from './settlements.ts';
import type { MunicipalityDoc } from './registry.ts';
import { actionKind, actionOf, registerMunicipality } from './actions.ts';
import { requireOperator } from './operators.ts';
import { stepEventIds, type MainBlockDoc, type MainEvent, type ProposalDoc } from './models.ts';

const MAX_KEY_ACCOUNTS = 100;
const SETTLEMENT_ID = /^[a-z][a-z0-9-]{1,31}:[0-9a-f]{64}$/;
const MAX_WAIT_MS = 30_000;
const municipality = (doc: MunicipalityDoc) => ({
  ...doc,
  registeredAt: doc.registeredAt.toISOString(),
  governanceKey: doc.governanceKey ?? doc.sequencerKey,
  suspendedReason: doc.suspendedReason ?? null,
});
const subject = (e: MainEvent) => (e.kind === 'anchor' ? `${e.municipality}:${e.height}` : e.kind === 'settlement' ? e.settlement : e.proposal);
const rules = (r: { quorum: number; threshold: number; veto: number }) => ({
  quorum: formatFraction(r.quorum),
  threshold: formatFraction(r.threshold),
  veto: formatFraction(r.veto),
});
const proposalId = (id: unknown) => {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(id))
    throw aikiError('BAD_USER_INPUT', `a proposal id is a positive whole number, got ${JSON.stringify(id)}`, { field: 'id' });
  return id;
};

/** `height` if it is a sealed main-chain height (default: the head's), else a coded error naming `field`. */
async function sealedHeight(head: () => Promise<MainBlockDoc>, height: number | null | undefined, field: string): Promise<number> {
  if (height != null && (!Number.isSafeInteger(height) || height < 0)) throw aikiError('BAD_USER_INPUT', `${field} must be >= 0 (got ${height})`, { field });
  const top = (await head()).height;
  if (height != null && height > top) throw aikiError('BLOCK_NOT_FOUND', `no main-chain block at height ${height}: the head is ${top}`, { field });
  return height ?? top;
}

function missingBlock(height: number, head: number): never {
  throw new Error(`main-chain block ${height} is missing below block ${head}`); // blocks are never deleted
}

/** A header offered as canonical JSON; anything else is BAD_BLOCK (the bytes the hash is over must be exact). */
function parseHeader(json: string, index: number): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw aikiError('BAD_BLOCK', `blocks[${index}].header is not JSON`, { field: `blocks[${index}].header` });
  }
}

export const resolvers: Resolvers = {
  Query: {
    municipalities: async (_root, { status }, { registry }) => (await registry.list(status)).map(municipality),
    municipality: async (_root, { code }, { registry }) => municipality(await registry.get(code)),
    // References only: the ledger of the named municipality answers the fields (through the
    // gateway's shard router). The main chain checks the municipality exists so that a typo is
    // UNKNOWN_MUNICIPALITY here rather than a routing error later.
    account: async (_root, { address }, { registry }) => ({ id: await registry.ledgerId(address, /^[0-9a-f]{64}$/, 'address') }),
    transaction: async (_root, { id }, { registry }) => ({ id: await registry.ledgerId(id, /^[0-9a-f]{64}$/, 'id') }),
    block: async (_root, { id }, { registry }) => ({ id: await registry.ledgerId(id, /^(0|[1-9][0-9]{0,15})$/, 'id') }),
    keyAccounts: async (_root, { publicKey, municipalities: codes }, { registry }) => {
      if (typeof publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(publicKey))
        throw aikiError('BAD_USER_INPUT', 'publicKey must be 64 lower-case hex characters', { field: 'publicKey' });
      // Counted before any lookup: 5,000 codes held the main chain for seconds, one lookup each, before this refused them.
      if (codes && codes.length > MAX_KEY_ACCOUNTS)
        throw aikiError('BAD_USER_INPUT', `at most ${MAX_KEY_ACCOUNTS} municipalities per request (got ${codes.length})`, { field: 'municipalities' });
      const towns = codes ? await Promise.all(codes.map((c) => registry.get(c))) : await registry.list('ACTIVE');
      if (towns.length > MAX_KEY_ACCOUNTS)
        throw aikiError('BAD_USER_INPUT', `at most ${MAX_KEY_ACCOUNTS} municipalities per request: list them in \`municipalities\``, {
          field: 'municipalities',
        });
      return towns.map((m) => ({ id: `${m.code}:${publicKey}` }));
    },
    mainChain: (_root, _args, { chain }) => {
      let head: Promise<MainBlockDoc> | undefined;
      return { head: () => (head ??= chain.headBlock()) };
    },
    anchor: async (_root, { municipality: code, height }, { registry, anchors }) => {
      await registry.get(code);
      return anchors.get(code, height);
    },
    anchors: async (_root, { municipality: code, from, first }, { registry, anchors }) => {
      await registry.get(code);
      const n = first ?? 100;
      if (!Number.isInteger(n) || n < 1 || n > 100) throw aikiError('BAD_USER_INPUT', `first must be 1–100 (got ${n})`, { field: 'first' });
      if (!Number.isSafeInteger(from) || from < 0) throw aikiError('BAD_USER_INPUT', `from must be >= 0 (got ${from})`, { field: 'from' });
      const found = await Promise.all(Array.from({ length: n }, (_, i) => anchors.get(code, from + i)));
      const gap = found.indexOf(null);
      return (gap === -1 ? found : found.slice(0, gap)) as NonNullable<(typeof found)[number]>[];
    },
    settlement: async (_root, { id }, { settler }) => {
      if (typeof id !== 'string' || !SETTLEMENT_ID.test(id))
        throw aikiError('BAD_USER_INPUT', `id must be "<source municipality>:<64 hex txid>", got ${JSON.stringify(id)}`, { field: 'id' });
      return settler.get(id);
    },
    trace: async (_root, { transactionId, depth }, { settler, state }) => {
      if (typeof transactionId !== 'string' || !SETTLEMENT_ID.test(transactionId)) {
        throw aikiError('BAD_USER_INPUT', `transactionId must be "<source municipality>:<64 hex txid>", got ${JSON.stringify(transactionId)}`, {
          field: 'transactionId',
        });
      }
      const d = depth ?? 3;
      if (!Number.isInteger(d) || d < 0 || d > MAX_TRACE_DEPTH) throw aikiError('BAD_USER_INPUT', `depth must be 0–${MAX_TRACE_DEPTH}`, { field: 'depth' });
      const trace = await settler.trace(transactionId, d);
      // A process without the lease finds next hops from sealed blocks only, so its trace may lack a
      // settlement the database holds at the label (recorded, not sealed yet): no label (state.ts).
      if (state && !trace?.complete) state.writes = undefined;
      return trace;
    },
    settlementCounts: (_root, _args, { settler }) => settler.counts(),
    proposal: async (_root, { id }, { governance }) => governance.get(proposalId(id)),
    proposals: async (_root, { status, first }, { governance }) => {
      const n = first ?? 100;
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw aikiError('BAD_USER_INPUT', 'first must be 1–1,000', { field: 'first' });
      return governance.list(status, n);
    },
    parameters: async (_root, _args, { governance }) => {
      const p = await governance.currentParameters();
      return { votingPeriodMs: p.votingPeriodMs, ...rules(p.rules), mainBlockIntervalMs: p.mainBlockIntervalMs, settlementTimeoutMs: p.settlementTimeoutMs };
    },
    subgraphs: (_root, _args, { registry }) => registry.extensions(),
    registryChanges: async (_root, { after }, { registry }) => {
      const changes = await registry.changesSince(after);
      return { ...changes, municipalities: changes.municipalities.map(municipality) };
    },
    registryRevision: (_root, { after, waitMs }, ctx) => {
      const { registry } = ctx;
      const wait = waitMs ?? 0;
      if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_MS) throw aikiError('BAD_USER_INPUT', `waitMs must be 0–${MAX_WAIT_MS}`, { field: 'waitMs' });
      // Aliases would make one request hold many waits (ten held a gateway request and a main-chain one for 30 s each).
      if (wait > 0) {
        if (ctx.longPoll)
          throw aikiError('BAD_USER_INPUT', 'one registryRevision with waitMs per request: the others would wait for the same change', { field: 'waitMs' });
        ctx.longPoll = true;
      }
      return registry.nextRevision(after, wait);
    },
    settlements: async (_root, { status, first }, { settler }) => {
      const n = first ?? 100;
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw aikiError('BAD_USER_INPUT', 'first must be 1–1,000', { field: 'first' });
      return settler.list(status, n);
    },
  },
  Mutation: {
    registerMunicipality: async (_root, { input }, { registry, anchors, governance, operator }) => {
      requireOperator(operator, 'registerMunicipality');
      if (governance.started) {
        if (await registry.find(input.code))
          throw aikiError('MUNICIPALITY_EXISTS', `municipality "${input.code}" is already registered`, { municipality: input.code });
        throw aikiError(
          'GOVERNANCE_REQUIRED',
          `governance has started: propose ${input.code} (propose with registerMunicipality, or aiki municipality propose) for the members to vote on`,
        );
      }
      return municipality(await registerMunicipality(registry, anchors, input));
    },
    propose: async (_root, { input }, { governance, operator }) => governance.propose(input, requireOperator(operator, 'propose').name),
    vote: async (_root, { input }, { governance }) => governance.vote(input),
    createOperatorToken: async (_root, { name }, { operators, operator }) => operators.create(name, requireOperator(operator, 'createOperatorToken').name),
    revokeOperatorToken: async (_root, { id }, { operators, operator }) => {
      requireOperator(operator, 'revokeOperatorToken');
      return operators.revoke(id);
    },
    anchorBlocks: async (_root, { municipality: code, blocks }, { anchors }) => {
      if (typeof code !== 'string' || !MUNICIPALITY_CODE.test(code))
        throw aikiError('UNKNOWN_MUNICIPALITY', `no municipality ${JSON.stringify(code)} is registered`, { municipality: code });
      return anchors.offer(
        code,
        blocks.map((b, i) => ({ header: parseHeader(b.header, i), hash: b.hash, signature: b.signature, outbound: b.outbound })),
      );
    },
  },
  Municipality: {
    __resolveReference: async (ref, { registry }) => municipality(await registry.get(ref.code)),
  },
  MainChain: {
    height: async ({ head }) => (await head()).height,
    headHash: async ({ head }) => (await head()).hash,
    head: ({ head }) => head(),
    block: (_model, { height }, { chain }) => chain.block(height),
    blocksFrom: async ({ head }, { height, first }, { chain }) => {
      const n = first ?? 10;
      if (!Number.isInteger(n) || n < 1 || n > 100) throw aikiError('BAD_USER_INPUT', `first must be 1–100 (got ${n})`, { field: 'first' });
      if (!Number.isSafeInteger(height) || height < 0) throw aikiError('BAD_USER_INPUT', `height must be >= 0 (got ${height})`, { field: 'height' });
      const top = (await head()).height;
      const heights = Array.from({ length: Math.max(0, Math.min(n, top - height + 1)) }, (_, i) => height + i);
      return Promise.all(heights.map(async (h) => (await chain.block(h)) ?? missingBlock(h, top)));
    },
    checkpoint: async ({ head }, { height }, { checkpoints }) => checkpoints.at(await sealedHeight(head, height, 'height')),
    consistency: async ({ head }, { from, to }, { checkpoints }) => {
      const upper = await sealedHeight(head, to, 'to');
      if (!Number.isSafeInteger(from) || from < 0) throw aikiError('BAD_USER_INPUT', `from must be >= 0 (got ${from})`, { field: 'from' });
      if (from > upper) throw aikiError('BAD_USER_INPUT', `from ${from} is above to ${upper}`, { field: 'from' });
      return checkpoints.consistency(from, upper);
    },
    sequencer: (_model, _args, { chain }) => chain.sequencer,
    smallOrderPublicKeys: () => [...SMALL_ORDER_PUBLIC_KEYS],
  },
  MainBlock: {
    header: (block) => canonicalJson(block.header),
    time: (block) => block.header.time,
    txRoot: (block) => block.header.txRoot,
    anchors: async (block, _args, { anchors }) =>
      (await Promise.all(block.events.map((e) => (e.kind === 'anchor' ? anchors.get(e.municipality, e.height) : null)))).filter((a) => a !== null),
    events: (block) => block.events,
    poh: (block) => canonicalJson(block.poh),
  },
  MainEvent: {
    subject,
  },
  Proposal: {
    id: (p) => p._id,
    title: (p) => p.body.title,
    description: (p) => p.body.description,
    action: (p) => {
      const a = p.body.action;
      return { kind: actionKind(a), ...actionOf(a).subject(a), json: canonicalJson(a) };
    },
    proposer: (p) => p.body.proposer,
    submittedAt: (p) => p.body.submittedAt,
    votingEndsAt: (p) => p.body.votingEndsAt,
    electorate: (p) => p.body.electorate,
    rules: (p) => rules(p.body.rules),
    tally: async (p, _args, { governance }) => {
      if (p.outcome) return p.outcome.tally;
      return countVotes(
        (await governance.votesOf(p._id)).map((v) => v.body.option),
        p.body.electorate.length,
      );
    },
    votes: (p, _args, { governance }) => governance.votesOf(p._id),
    decidedAt: (p) => p.decidedAt?.toISOString() ?? null,
    failure: (p) => p.failure ?? null,
    body: (p: ProposalDoc) => canonicalJson(p.body),
    eventId: (p) => p.hash,
    inclusion: (p, _args, { chain }) => chain.inclusion(p.hash),
    outcome: (p) => (p.outcome ? canonicalJson(p.outcome) : null),
    outcomeEventId: (p) => p.outcomeId ?? null,
    outcomeInclusion: (p, _args, { chain }) => (p.outcomeId ? chain.inclusion(p.outcomeId) : null),
  },
  Vote: {
    option: (v) => v.body.option,
    time: (v) => v.body.time,
    body: (v) => canonicalJson(v.body),
    eventId: (v) => v.id,
    inclusion: (v, _args, { chain }) => chain.inclusion(v.id),
  },
  ExtensionSubgraph: {
    registeredAt: (s) => s.registeredAt.toISOString(),
  },
  TraceHop: {
    settlement: (hop) => hop.settlement,
    transfer: (hop) => ({ id: hop.settlement._id }),
    transferAnchor: (hop, _args, { anchors }) => anchors.get(hop.settlement.source, hop.settlement.sourceHeight),
    entry: ({ settlement: s }) => {
      if (s.status === 'CREDITED') return { id: `${s.destination}:${s.credit!.id}` };
      if (s.status === 'REFUNDED') return { id: `${s.source}:${s.refund!.id}` };
      return null;
    },
    entryAnchor: ({ settlement: s }, _args, { anchors }) => {
      if (s.entryHeight === undefined) return null;
      if (s.status === 'CREDITED') return anchors.get(s.destination, s.entryHeight);
      if (s.status === 'REFUNDED') return anchors.get(s.source, s.entryHeight);
      return null;
    },
  },
  Settlement: {
    id: (s) => s._id,
    creditId: (s) => s.credit?.id ?? null,
    refundId: (s) => s.refund?.id ?? null,
    transfer: (s) => ({ id: s._id }),
    // Not when the destination refused the order outright: it never wrote anything under that id.
    credit: (s) => (s.credit && (!s.reason || s.reason.code === 'SETTLEMENT_ABORTED') ? { id: `${s.destination}:${s.credit.id}` } : null),
    refund: (s) => (s.refund ? { id: `${s.source}:${s.refund.id}` } : null),
    reason: (s) => s.reason ?? null,
    steps: (s, _args, { chain }) => {
      const ids = stepEventIds(s);
      return Promise.all(
        s.steps.map(async ({ status, at }, i) => {
          const eventId = ids[i]!;
          return { status, at: at.toISOString(), eventId, inclusion: await chain.inclusion(eventId) };
        }),
      );
    },
  },
  Anchor: {
    header: (anchor) => canonicalJson(anchor.header),
    eventId: (anchor) => anchorEventId(anchor),
    inclusion: (anchor, _args, { chain }) => chain.inclusion(anchorEventId(anchor)),
    block: (anchor) => ({ id: `${anchor.municipality}:${anchor.height}` }),
  },
};
