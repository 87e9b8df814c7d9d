/**
 * Label grants (runtime/labelGrants.ts): a write waits until every holder of a grant has
 * acknowledged its revocation, or until the grant has run out; no grant is given while a write is
 * in progress. Real timers; the waits asserted are orderings, never durations.
 */
import { describe, expect, it } from 'vitest';
import { isGrantRequest, LabelGrants } from '../../runtime/labelGrants.ts';
import type { StateLabel } from '../../runtime/stateLabel.ts';

const at = (height: number): StateLabel => ({ height, hash: `h${height}` });

function ledger(windowMs = 60_000) {
  let head = at(1);
  let writing = false;
  // Promised for longer than the window: every grant is the whole window, however long it waited.
  const grants = new LabelGrants({ windowMs, current: () => (writing ? undefined : { label: head, forMs: 10 * windowMs }) });
  /** A block: revoke, write, done. Resolves once written; `written` tells whether it has been. */
  const commit = () => {
    const state = { written: false };
    const done = (async () => {
      await grants.beginWrite();
      writing = true;
      head = at(head.height + 1);
      state.written = true;
      writing = false;
      grants.endWrite();
    })();
    return { state, done };
  };
  return { grants, commit, head: () => head };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('label grants', () => {
  it('grants the label now, and keeps a renewal open until a write revokes it', async () => {
    const { grants, commit } = ledger();
    expect(await grants.request({ holder: 'g', holding: null })).toEqual({ label: at(1), ms: 60_000 });
    const renewal = grants.request({ holder: 'g', holding: at(1) });
    const block = commit();
    expect(await renewal).toEqual({ label: null, revoked: true });
    await tick();
    expect(block.state.written, 'no write before the holder acknowledged').toBe(false);
    // The acknowledgement: holding nothing. The write goes on; the holder is then granted the new head.
    const next = await grants.request({ holder: 'g', holding: null });
    await block.done;
    expect(next).toEqual({ label: at(2), ms: 60_000 });
    expect(grants.counts.revoked).toBe(1);
  });

  it('waits for a silent holder until its grant runs out', async () => {
    const { grants, commit } = ledger(300);
    await grants.request({ holder: 'silent', holding: null });
    const block = commit();
    await tick();
    expect(block.state.written).toBe(false);
    await block.done; // ~300 ms after the grant
    expect(grants.counts.ranOut).toBe(1);
  });

  it('refuses to renew a label no longer current, and grants nothing during a write', async () => {
    const { grants, commit } = ledger();
    expect(await grants.request({ holder: 'g', holding: at(0) })).toEqual({ label: null, revoked: true });
    await commit().done; // nobody held a grant: no wait
    const block = commit();
    const during = grants.request({ holder: 'late', holding: null }); // answered once the write is over
    await block.done;
    expect(await during).toEqual({ label: at(3), ms: 60_000 });
  });

  it('does not let a holder renew while its revocation is unacknowledged', async () => {
    const { grants, commit } = ledger();
    await grants.request({ holder: 'g', holding: null });
    const block = commit();
    // A renewal sent before the holder read the revocation: revoked too, and the write still waits.
    expect(await grants.request({ holder: 'g', holding: at(1) })).toEqual({ label: null, revoked: true });
    await tick();
    expect(block.state.written).toBe(false);
    await grants.request({ holder: 'g', holding: null });
    await block.done;
    expect(block.state.written).toBe(true);
  });

  it('tells a grant request from a label request, and refuses malformed ones', () => {
    expect(isGrantRequest({ grant: { holder: 'g', holding: null } })).toBe(true);
    expect(isGrantRequest({ grant: { holder: 'g', holding: at(4) } })).toBe(true);
    expect(isGrantRequest({})).toBe(false);
    expect(isGrantRequest({ grant: { holder: '', holding: null } })).toBe(false);
    expect(isGrantRequest({ grant: { holder: 'x'.repeat(65), holding: null } })).toBe(false);
    expect(isGrantRequest({ grant: { holder: 'g', holding: { height: '1' } } })).toBe(false);
    expect(isGrantRequest(null)).toBe(false);
  });
});
