import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, sha256, utf8 } from '../../core/bytes.ts';
import { PohRecorder, mix, pohGenesis, tick, tickMany, verifyPohSegment, type PohEntry } from '../../core/poh.ts';
import { vectors } from '../vectors/load.ts';

const v = vectors<{ municipality: string; start: string; ticksBefore: number[]; ticksAfter: number; entries: PohEntry[]; end: string; endCount: number }>(
  'poh.json',
);

describe('Proof of History', () => {
  it('derives the genesis seed, tick and mix exactly as specified', () => {
    expect(bytesToHex(pohGenesis('kyoto'))).toBe(bytesToHex(sha256(utf8('aiki/poh/v1\nkyoto'))));
    expect(bytesToHex(pohGenesis('kyoto'))).toBe(v.start);
    const h = pohGenesis('kyoto');
    const e = sha256(utf8('event'));
    expect(tick(h)).toEqual(sha256(h));
    expect(mix(h, e)).toEqual(sha256(concatBytes(h, e)));
  });

  it('ticks many times as tick does once each (OpenSSL loop against noble)', () => {
    let h = pohGenesis('nara');
    for (let i = 0; i < 1000; i++) h = tick(h);
    expect(tickMany(pohGenesis('nara'), 1000)).toEqual(h);
    expect(tickMany(h, 0)).toEqual(h);
  });

  it('reproduces poh.json and verifies it', () => {
    const recorder = new PohRecorder(hexToBytes(v.start));
    const entries = v.entries.map((entry, i) => {
      recorder.tickN(v.ticksBefore[i]!);
      return recorder.record(hexToBytes(entry.event));
    });
    recorder.tickN(v.ticksAfter);
    expect(entries).toEqual(v.entries);
    expect(bytesToHex(recorder.hash)).toBe(v.end);
    expect(recorder.count).toBe(v.endCount);
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.end, v.endCount)).toEqual({ ok: true });
  });

  it('without an end count, the segment must end at the last entry', () => {
    const last = v.entries[v.entries.length - 1]!.hash;
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, last)).toEqual({ ok: true });
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.end)).toMatchObject({ ok: false, index: 3 });
    expect(verifyPohSegment(hexToBytes(v.start), [], v.start)).toEqual({ ok: true });
  });

  it('counts ticks and mixes since the start', () => {
    const r = new PohRecorder(pohGenesis('kyoto'));
    r.tickN(10);
    r.record(new Uint8Array(32));
    r.record(new Uint8Array(32).fill(1));
    expect(r.count).toBe(12);
  });

  it.each([
    [
      'a changed hash',
      (e: PohEntry[]) => {
        e[1] = { ...e[1]!, hash: e[0]!.hash };
      },
      1,
      /entry says/,
    ],
    [
      'a changed event',
      (e: PohEntry[]) => {
        e[2] = { ...e[2]!, event: e[0]!.event };
      },
      2,
      /entry says/,
    ],
    [
      'one tick too few',
      (e: PohEntry[]) => {
        e[0] = { ...e[0]!, ticks: e[0]!.ticks - 1 };
      },
      0,
      /entry says/,
    ],
    [
      'two entries swapped',
      (e: PohEntry[]) => {
        [e[0], e[1]] = [e[1]!, e[0]!];
      },
      0,
      /entry says/,
    ],
    [
      'negative ticks',
      (e: PohEntry[]) => {
        e[0] = { ...e[0]!, ticks: -1 };
      },
      0,
      /safe integer >= 0/,
    ],
    [
      'an upper-case event',
      (e: PohEntry[]) => {
        e[0] = { ...e[0]!, event: e[0]!.event.toUpperCase() };
      },
      0,
      /64 lower-case hex/,
    ],
    [
      'a missing entry',
      (e: PohEntry[]) => {
        e.splice(1, 1);
      },
      1,
      /entry says/,
    ],
  ])('refuses a segment with %s', (_what, change, index, reason) => {
    const entries = structuredClone(v.entries);
    change(entries);
    const verdict = verifyPohSegment(hexToBytes(v.start), entries, v.end, v.endCount);
    expect(verdict).toMatchObject({ ok: false, index });
    expect((verdict as { reason: string }).reason).toMatch(reason);
  });

  it('refuses a wrong end or end count', () => {
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.end, v.endCount + 1)).toMatchObject({ ok: false, index: 3 });
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.end, v.endCount - 1)).toMatchObject({ ok: false, index: 3 });
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.end, 2)).toMatchObject({ ok: false, reason: expect.stringMatching(/less than/) });
    expect(verifyPohSegment(hexToBytes(v.start), v.entries, v.start, v.endCount)).toMatchObject({ ok: false, index: 3 });
    expect(verifyPohSegment(pohGenesis('osaka'), v.entries, v.end, v.endCount)).toMatchObject({ ok: false, index: 0 });
  });

  it('guards its inputs with exact messages', () => {
    expect(() => tick(new Uint8Array(31))).toThrow('expected 32 bytes, got 31');
    expect(() => mix(new Uint8Array(32), new Uint8Array(31))).toThrow('expected 32 bytes, got 31');
    expect(() => new PohRecorder(pohGenesis('kyoto')).tickN(-1)).toThrow('expected n to be a safe integer >= 0, got -1');
    expect(() => pohGenesis('Kyoto')).toThrow(/municipality must match/);
  });
});
