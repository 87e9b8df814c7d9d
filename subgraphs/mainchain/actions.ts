/**
 * What a governance proposal can do (docs/GOVERNANCE.md, "What a proposal can do"): one entry per
 * action, as `PARAMETERS` is one entry per parameter. Each entry checks the action's input when the
 * proposal is submitted (`validate`, returning the action as the proposal seals it) and carries
 * it out once the proposal passes (`execute`). Adding an action is one entry here and its input
 * field in `ProposalInput` (schema/mainchain.graphql): the table's keys are the input's action
 * fields, checked by the compiler, and `ProposalAction` is derived from the table.
 *
 * The proposal's lifecycle (submission, votes, decision, deadlines, locks) is governance.ts's and
 * knows no action; reading and composing an extension's SDL is extensions.ts's.
 */
import { AikiError, aikiError, isWellFormed, MUNICIPALITY_CODE } from '../../core/index.ts';
import { RESERVED_SUBGRAPHS } from '../../schema/index.ts';
import type { ProposalInput } from '../../schema/generated/mainchain.types.ts';
import type { Anchors } from './anchors.ts';
import { checkComposes, fetchSdl } from './extensions.ts';
import { parameter, PARAMETERS, type ParameterStore } from './parameters.ts';
import { validate as validateRegistration, type Registry, type RegisterInput } from './registry.ts';
import type { ProbePolicy } from '../../runtime/probe.ts';

/** What actions check against and change. */
export interface ActionServices {
  registry: Registry;
  anchors: Anchors;
  parameters: ParameterStore;
  /** Deadline of a probe of an operator-given URL (an extension's SDL). */
  probeTimeoutMs: number;
  /** Where such a probe may go and whom it trusts (the federation client: runtime/federation.ts). */
  probes: ProbePolicy;
}

/** One action: `I` is its input in `ProposalInput`, `A` the action as sealed in the proposal's body. */
export interface ActionSpec<I, A extends { type: string }> {
  /**
   * Checks the input's shape, and that it makes sense now, before the proposal takes a number:
   * BAD_PROPOSAL naming the field (under `field`, e.g. `input.suspendMunicipality`) or the
   * registry's codes. What needs the outside world (a ledger answering, a subgraph composing) waits for `execute`.
   */
  validate(input: I, s: ActionServices, field: string): Promise<A>;
  /**
   * Carries out the action of passed proposal `proposal`. Idempotent: after a crash before the
   * outcome is recorded it runs again. A coded error (AikiError) makes the proposal FAILED, with
   * nothing of it applied; any other error is retried.
   */
  execute(action: A, s: ActionServices, proposal: string): Promise<void>;
  /** What `Proposal.action` names: the municipality or extension subgraph the action is about. */
  subject(action: A): { municipality: string | null; subgraph: string | null };
}

/** The action fields of `ProposalInput`: every one needs an entry in {@link ACTIONS}. */
export type ActionName = Exclude<keyof ProposalInput, 'title' | 'description'>;

const SUBGRAPH_NAME = /^[a-z][a-z0-9-]{1,31}$/;
const MAX_REASON = 500;
const NO_SUBJECT = { municipality: null, subgraph: null };

/** Ties an entry's input and action types together (the table below is checked against `ProposalInput` as a whole). */
const action = <I, A extends { type: string }>(spec: ActionSpec<I, A>) => spec;

export const ACTIONS = {
  registerMunicipality: action({
    async validate(r: NonNullable<ProposalInput['registerMunicipality']>, s, field) {
      let v;
      try {
        v = validateRegistration(r);
      } catch (err) {
        if (err instanceof AikiError) throw bad(`${field}.${String(err.extensions.field ?? '').replace(/^input\./, '')}`, err.message.replace(/^input\./, ''));
        throw err;
      }
      if (await s.registry.find(v.code)) throw aikiError('MUNICIPALITY_EXISTS', `municipality "${v.code}" is already registered`, { municipality: v.code });
      return {
        type: 'registerMunicipality' as const,
        code: v.code,
        name: v.name,
        endpoints: v.endpoints,
        sequencerKey: r.sequencerKey ?? null,
        governanceKey: r.governanceKey ?? null,
      };
    },
    async execute(a, s, proposal) {
      const existing = await s.registry.find(a.code);
      if (existing?.proposal === proposal) return;
      await registerMunicipality(s.registry, s.anchors, a, proposal);
    },
    subject: (a) => ({ municipality: a.code, subgraph: null }),
  }),

  suspendMunicipality: action({
    async validate({ code, reason }: NonNullable<ProposalInput['suspendMunicipality']>, s, field) {
      await municipalityIs(s, code, 'ACTIVE', field);
      if (reason.trim().length < 1 || reason.length > MAX_REASON || !isWellFormed(reason))
        throw bad(`${field}.reason`, `reason must be 1–${MAX_REASON} characters of well-formed Unicode`);
      return { type: 'suspendMunicipality' as const, code, reason: reason.trim() };
    },
    execute: (a, s) => s.registry.setStatus(a.code, 'SUSPENDED', a.reason),
    subject: (a) => ({ municipality: a.code, subgraph: null }),
  }),

  resumeMunicipality: action({
    async validate({ code }: NonNullable<ProposalInput['resumeMunicipality']>, s, field) {
      await municipalityIs(s, code, 'SUSPENDED', field);
      return { type: 'resumeMunicipality' as const, code };
    },
    execute: (a, s) => s.registry.setStatus(a.code, 'ACTIVE', null),
    subject: (a) => ({ municipality: a.code, subgraph: null }),
  }),

  registerSubgraph: action({
    async validate({ name, url }: NonNullable<ProposalInput['registerSubgraph']>, s, field) {
      if (!SUBGRAPH_NAME.test(name))
        throw bad(`${field}.name`, `name must be 2–32 characters of a-z, 0-9 and '-', starting with a letter (got ${JSON.stringify(name)})`);
      if (RESERVED_SUBGRAPHS.includes(name)) throw aikiError('SUBGRAPH_EXISTS', `"${name}" is reserved`, { subgraph: name });
      const existing = await s.registry.findSubgraph(name);
      if (existing && !existing.removed) throw aikiError('SUBGRAPH_EXISTS', `extension subgraph ${name} is already registered`, { subgraph: name });
      return { type: 'registerSubgraph' as const, name, url: httpUrl(url, `${field}.url`) };
    },
    async execute(a, s, proposal) {
      const existing = await s.registry.findSubgraph(a.name);
      if (existing?.proposal === proposal && !existing.removed) return;
      const sdl = await fetchSdl(a.name, a.url, s.probeTimeoutMs, s.probes);
      checkComposes(a.name, a.url, sdl, await s.registry.extensions());
      await s.registry.putSubgraph({ _id: a.name, name: a.name, url: a.url, sdl, registeredAt: new Date(), proposal });
    },
    subject: (a) => ({ municipality: null, subgraph: a.name }),
  }),

  removeSubgraph: action({
    async validate({ name }: NonNullable<ProposalInput['removeSubgraph']>, s) {
      const existing = await s.registry.findSubgraph(name);
      if (!existing || existing.removed) throw aikiError('UNKNOWN_SUBGRAPH', `no extension subgraph ${JSON.stringify(name)} is registered`, { subgraph: name });
      return { type: 'removeSubgraph' as const, name };
    },
    async execute(a, s, proposal) {
      const existing = await s.registry.findSubgraph(a.name);
      if (!existing) throw aikiError('UNKNOWN_SUBGRAPH', `no extension subgraph ${a.name} is registered`, { subgraph: a.name });
      if (existing.removed) {
        if (existing.removed.proposal === proposal) return;
        throw aikiError('UNKNOWN_SUBGRAPH', `extension subgraph ${a.name} was already removed`, { subgraph: a.name });
      }
      await s.registry.removeSubgraph(a.name, proposal);
    },
    subject: (a) => ({ municipality: null, subgraph: a.name }),
  }),

  changeParameters: action({
    async validate(list: NonNullable<ProposalInput['changeParameters']>, s, field) {
      if (list.length === 0) throw bad(field, 'changeParameters lists no parameter');
      const changes: Record<string, string> = {};
      const trial = structuredClone(s.parameters.current);
      for (const [i, { name, value }] of list.entries()) {
        const set = parameter(name);
        if (!set) throw bad(`${field}[${i}].name`, `no parameter ${JSON.stringify(name)}; the parameters are ${Object.keys(PARAMETERS).join(', ')}`);
        if (Object.hasOwn(changes, name)) throw bad(`${field}[${i}].name`, `${name} is listed twice`);
        try {
          set(value, trial);
        } catch (err) {
          if (err instanceof AikiError) throw bad(`${field}[${i}].value`, err.message);
          throw err;
        }
        changes[name] = value;
      }
      return { type: 'changeParameters' as const, changes };
    },
    execute: (a, s) => s.parameters.change(a.changes),
    subject: () => NO_SUBJECT,
  }),
} satisfies { [K in ActionName]: ActionSpec<NonNullable<ProposalInput[K]>, { type: K }> };

/** An action as sealed in a proposal's body: one per entry of {@link ACTIONS}. */
export type ProposalAction = { [K in ActionName]: Awaited<ReturnType<(typeof ACTIONS)[K]['validate']>> }[ActionName];

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** `registerSubgraph` → `REGISTER_SUBGRAPH`: the schema's `ProposalKind` of each action, checked by the compiler where it is returned. */
type KindOf<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? Uppercase<H> : `_${H}`}${KindOf<T>}` : '';

/** The `ProposalKind` of a sealed action. */
export function actionKind(a: { type: string }): KindOf<ActionName> {
  actionOf(a);
  return a.type.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() as KindOf<ActionName>;
}

/** The entry for a sealed action (its `type` is one of {@link ACTION_NAMES}: it was checked at submission). */
export function actionOf(a: { type: string }): ActionSpec<unknown, { type: string }> {
  if (!Object.hasOwn(ACTIONS, a.type)) throw new Error(`no governance action ${JSON.stringify(a.type)}`);
  return ACTIONS[a.type as ActionName] as ActionSpec<never, { type: string }> as ActionSpec<unknown, { type: string }>;
}

/**
 * Checks the one action a proposal's input holds (BAD_PROPOSAL when it holds none or several) and
 * returns it as the proposal seals it.
 */
export async function validateAction(input: ProposalInput, s: ActionServices): Promise<ProposalAction> {
  const given = ACTION_NAMES.filter((k) => input[k] != null);
  if (given.length !== 1) {
    const names = `${ACTION_NAMES.slice(0, -1).join(', ')} or ${ACTION_NAMES.at(-1)}`;
    throw bad('input', `a proposal has exactly one action (${names}); got ${given.length === 0 ? 'none' : given.join(', ')}`);
  }
  const name = given[0]!;
  return (await actionOf({ type: name }).validate(input[name], s, `input.${name}`)) as ProposalAction;
}

/**
 * Registers a municipality: its endpoints and genesis are checked (registry.prepare), its genesis
 * anchored first, then it is listed. The founding members' path (`registerMunicipality`) and a
 * passed proposal's.
 */
export async function registerMunicipality(registry: Registry, anchors: Anchors, input: RegisterInput, proposal?: string) {
  const registration = await registry.prepare(input);
  const { header, hash, signature } = registration.genesis;
  await anchors.record({ municipality: input.code, height: 0, hash, header, signature, receivedAt: new Date() });
  return registry.insert({ ...registration, doc: { ...registration.doc, ...(proposal ? { proposal } : {}) } });
}

async function municipalityIs(s: ActionServices, code: string, want: 'ACTIVE' | 'SUSPENDED', field: string): Promise<void> {
  if (!MUNICIPALITY_CODE.test(code)) throw bad(`${field}.code`, `code must be a municipality code, got ${JSON.stringify(code)}`);
  const doc = await s.registry.get(code);
  if (doc.status !== want) throw bad(`${field}.code`, `${code} is ${doc.status.toLowerCase()}, not ${want.toLowerCase()}`);
}

export function bad(field: string, message: string) {
  return aikiError('BAD_PROPOSAL', message, { field });
}

function httpUrl(raw: string, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad(field, `not a URL: ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) throw bad(field, 'must be an http(s) URL without credentials');
  return url.toString();
}
