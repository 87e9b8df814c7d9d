/** Governance's events for the main chain's rebuild (chain.ts), read from its collections without importing governance itself. */
import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections.ts';
import type { MainEvent, ProposalDoc, VoteDoc } from './models.ts';

/** Sealed events of proposals and votes that no block holds yet (for the main chain's rebuild). */
export async function governanceEvents(db: Db, sealed: Set<string>) {
  // In the order they happened: proposals, then votes, then outcomes (each counts votes before it).
  const proposals = await db.collection<ProposalDoc>(COLLECTIONS.proposals).find({}).toArray();
  const votes = await db.collection<VoteDoc>(COLLECTIONS.votes).find({}).toArray();
  const events: MainEvent[] = [];
  for (const p of proposals) if (!sealed.has(p.hash)) events.push({ id: p.hash, kind: 'proposal', proposal: p._id });
  for (const v of votes) if (!sealed.has(v.id)) events.push({ id: v.id, kind: 'vote', proposal: v.proposal, municipality: v.municipality });
  for (const p of proposals) if (p.outcomeId && !sealed.has(p.outcomeId)) events.push({ id: p.outcomeId, kind: 'outcome', proposal: p._id });
  return events;
}
