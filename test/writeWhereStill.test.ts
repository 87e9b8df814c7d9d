/**
 * Guarded writes by `_id` (db/writeWhereStill.ts) on the test's database server: a document is
 * written only where it still shows what the caller last knew, in both ways — the condition in the
 * filter (MongoDB, `batched`) and read by `_id` first, then written by `_id` alone (FerretDB,
 * `per-key`: the commands sent filter on nothing but `_id`).
 */
import type { Collection, CommandStartedEvent, Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lookups } from '../db/mongo.ts';
import { shows, writeWhereStill } from '../db/writeWhereStill.ts';
import { useTestDatabase } from './support/helpers.ts';

interface Doc {
  _id: string;
  status?: string;
  seq?: number;
  steps?: Array<{ status: string }>;
  note?: string;
}

const database = useTestDatabase('guarded', { monitorCommands: true });
const sent: CommandStartedEvent[] = [];

beforeAll(() => {
  database.client.on('commandStarted', (e) => sent.push(e));
});

/** The filters of the update and delete commands sent while `run` ran. */
async function filtersOf(run: () => Promise<void>): Promise<Document[]> {
  const from = sent.length;
  await run();
  return sent
    .slice(from)
    .flatMap((e) =>
      e.commandName === 'update' ? e.command.updates.map((u: Document) => u.q) : e.commandName === 'delete' ? e.command.deletes.map((d: Document) => d.q) : [],
    );
}

describe.each<Lookups>(['batched', 'per-key'])('writeWhereStill, %s', (lookups) => {
  let docs: Collection<Doc>;

  beforeAll(async () => {
    docs = database.client.db(`${database.prefix}_${lookups.replace('-', '')}`).collection<Doc>('docs');
    await docs.insertMany([
      { _id: 'voting', status: 'VOTING' },
      { _id: 'decided', status: 'PASSED' },
      { _id: 'claim-3', seq: 3 },
      { _id: 'claim-4', seq: 4 },
      { _id: 'two-steps', steps: [{ status: 'CREDITING' }, { status: 'CREDITED' }] },
      { _id: 'one-step', steps: [{ status: 'CREDITING' }] },
    ]);
  });

  it('updates a document that still shows the value, and leaves one that does not', async () => {
    const filters = await filtersOf(() =>
      writeWhereStill(docs, lookups, [
        { _id: 'voting', still: { status: 'VOTING' }, update: { $set: { status: 'PASSED', note: 'decided now' } } },
        { _id: 'decided', still: { status: 'VOTING' }, update: { $set: { status: 'REJECTED', note: 'a late write' } } },
      ]),
    );
    expect(await docs.findOne({ _id: 'voting' })).toEqual({ _id: 'voting', status: 'PASSED', note: 'decided now' });
    expect(await docs.findOne({ _id: 'decided' })).toEqual({ _id: 'decided', status: 'PASSED' });
    if (lookups === 'per-key') expect(filters).toEqual([{ _id: 'voting' }]);
    else
      expect(filters).toEqual([
        { _id: 'voting', status: 'VOTING' },
        { _id: 'decided', status: 'VOTING' },
      ]);
  });

  it('deletes only a document that still shows the value', async () => {
    await writeWhereStill(docs, lookups, [
      { _id: 'claim-3', still: { seq: 3 }, delete: true },
      { _id: 'claim-4', still: { seq: 3 }, delete: true },
    ]);
    expect(await docs.findOne({ _id: 'claim-3' })).toBeNull();
    expect(await docs.findOne({ _id: 'claim-4' })).toEqual({ _id: 'claim-4', seq: 4 });
  });

  it("takes an array element's absence as a condition: a step already shown is not written again", async () => {
    const step = (status: string) => ({ status });
    await writeWhereStill(docs, lookups, [
      { _id: 'two-steps', still: { 'steps.1': { $exists: false } }, update: { $set: { steps: [step('CREDITING'), step('ABORTED')] } } },
      { _id: 'one-step', still: { 'steps.1': { $exists: false } }, update: { $set: { steps: [step('CREDITING'), step('CREDITED')] } } },
    ]);
    expect((await docs.findOne({ _id: 'two-steps' }))?.steps).toEqual([step('CREDITING'), step('CREDITED')]);
    expect((await docs.findOne({ _id: 'one-step' }))?.steps).toEqual([step('CREDITING'), step('CREDITED')]);
  });

  it('writes nothing for a document that is not there, and sends nothing when nothing is due', async () => {
    const filters = await filtersOf(() => writeWhereStill(docs, lookups, [{ _id: 'absent', still: { status: 'VOTING' }, update: { $set: { note: 'x' } } }]));
    expect(await docs.findOne({ _id: 'absent' })).toBeNull();
    if (lookups === 'per-key') expect(filters).toEqual([]);
  });
});

describe('shows', () => {
  it('reads a condition as a MongoDB filter would match it', () => {
    expect(shows({ status: 'VOTING' }, { status: 'VOTING' })).toBe(true);
    expect(shows({ status: 'PASSED' }, { status: 'VOTING' })).toBe(false);
    expect(shows({ seq: 3 }, { seq: 3 })).toBe(true);
    expect(shows({ seq: '3' }, { seq: 3 })).toBe(false);
    expect(shows({}, { holder: 'a' })).toBe(false);
    expect(shows({ steps: [1] }, { 'steps.1': { $exists: false } })).toBe(true);
    expect(shows({ steps: [1, 2] }, { 'steps.1': { $exists: false } })).toBe(false);
    expect(shows({ steps: [1, 2] }, { 'steps.1': { $exists: true } })).toBe(true);
    expect(shows({}, { 'steps.0': { $exists: false } })).toBe(true);
    expect(shows({ a: { b: 'x' } }, { 'a.b': 'x', 'a.c': { $exists: false } })).toBe(true);
  });
});
