/**
 * The parameters governance can change (docs/GOVERNANCE.md): what each one accepts, where its
 * value goes, and where the values set by passed proposals are stored, so that they outlive a
 * restart. The `changeParameters` action (actions.ts) checks and sets them through this file.
 */
import type { Collection, Db } from 'mongodb';
import { aikiError, parseFraction, type VotingRules } from '../../core/index.ts';
import { COLLECTIONS } from './collections.ts';

/** What governance can change, and what the main chain runs with. */
export interface Parameters {
  votingPeriodMs: number;
  rules: VotingRules;
  mainBlockIntervalMs: number;
  settlementTimeoutMs: number;
}

/** Each changeable parameter: how its value is read from a proposal, and where it goes. */
export const PARAMETERS: Record<string, (value: string, p: Parameters) => void> = {
  votingPeriodMs: (v, p) => (p.votingPeriodMs = intIn(v, 'votingPeriodMs', 1000, 365 * 86_400_000)),
  quorum: (v, p) => (p.rules = { ...p.rules, quorum: parseFraction(v, 'quorum') }),
  threshold: (v, p) => (p.rules = { ...p.rules, threshold: parseFraction(v, 'threshold') }),
  veto: (v, p) => (p.rules = { ...p.rules, veto: parseFraction(v, 'veto') }),
  mainBlockIntervalMs: (v, p) => (p.mainBlockIntervalMs = intIn(v, 'mainBlockIntervalMs', 1, 60_000)),
  settlementTimeoutMs: (v, p) => (p.settlementTimeoutMs = intIn(v, 'settlementTimeoutMs', 100, 86_400_000)),
};

/** The setter of parameter `name`, or undefined when there is no such parameter. */
export function parameter(name: string): ((value: string, p: Parameters) => void) | undefined {
  return Object.hasOwn(PARAMETERS, name) ? PARAMETERS[name] : undefined;
}

/** The parameters in force: the defaults, then what passed proposals set (stored in the meta collection). */
export class ParameterStore {
  private readonly meta: Collection<{ _id: string; parameters?: Record<string, string> }>;
  private params: Parameters;

  constructor(
    db: Db,
    defaults: Parameters,
    /** Applies parameters to the running main chain (block interval, settlement time-out). */
    private readonly apply: (p: Parameters) => void,
  ) {
    this.meta = db.collection(COLLECTIONS.meta);
    this.params = structuredClone(defaults);
  }

  /** Reads the values governance set and applies them. */
  async init(): Promise<void> {
    const stored = await this.meta.findOne({ _id: 'parameters' });
    for (const [name, value] of Object.entries(stored?.parameters ?? {})) parameter(name)?.(value, this.params);
    this.apply(this.params);
  }

  get current(): Parameters {
    return this.params;
  }

  /** Stores `changes` (already checked) over the earlier ones and applies them at once. Idempotent. */
  async change(changes: Record<string, string>): Promise<void> {
    const next = structuredClone(this.params);
    for (const [name, value] of Object.entries(changes)) parameter(name)!(value, next);
    const stored = (await this.meta.findOne({ _id: 'parameters' }))?.parameters ?? {};
    await this.meta.updateOne({ _id: 'parameters' }, { $set: { parameters: { ...stored, ...changes } } }, { upsert: true });
    this.params = next;
    this.apply(next);
  }
}

function intIn(value: string, name: string, min: number, max: number): number {
  if (!/^[0-9]{1,16}$/.test(value) || Number(value) < min || Number(value) > max)
    throw aikiError('BAD_PROPOSAL', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, { field: name });
  return Number(value);
}
