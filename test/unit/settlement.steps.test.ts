/**
 * The settlement state machine a verifier applies to a trace (core/settlement.ts, docs/PROTOCOL.md
 * §8): every complete sequence the main chain can record is accepted, anything else refused with
 * what is wrong; step event ids chain, so leaving a step out changes every id after it.
 */
import { describe, expect, it } from 'vitest';
import { checkSteps, settlementEventId, settlementEventIds, type SettlementStatus } from '../../core/index.ts';

const ids = { credit: 'c'.repeat(64), refund: 'd'.repeat(64) };
const orders = (steps: SettlementStatus[]) => ({
  credit: steps.includes('CREDITING') ? ids.credit : null,
  refund: steps.includes('REFUNDING') ? ids.refund : null,
});
const verdict = (steps: SettlementStatus[], status = steps.at(-1)!, o = orders(steps)) => checkSteps(steps, status, o);

describe('checkSteps', () => {
  it.each([
    [['ESCROWED', 'CREDITING', 'CREDITED']],
    [['ESCROWED', 'CREDITING', 'ABORTING', 'CREDITED']],
    [['ESCROWED', 'CREDITING', 'REFUNDING', 'REFUNDED']],
    [['ESCROWED', 'CREDITING', 'ABORTING', 'REFUNDING', 'REFUNDED']],
    [['ESCROWED', 'REFUNDING', 'REFUNDED']],
    [['ESCROWED', 'CREDITING']], // in flight: a valid prefix
  ] as SettlementStatus[][][])('accepts %j', (steps) => {
    expect(verdict(steps)).toBe(true);
  });

  it.each([
    [['ESCROWED', 'CREDITED'], 'CREDITED cannot follow ESCROWED'],
    [['CREDITING', 'ESCROWED', 'CREDITED'], 'its first step is CREDITING, not ESCROWED'],
    [['CREDITED'], 'its first step is CREDITED, not ESCROWED'],
    [['ESCROWED', 'REFUNDED'], 'REFUNDED cannot follow ESCROWED'],
    [['ESCROWED', 'CREDITING', 'CREDITED', 'REFUNDING', 'REFUNDED'], 'REFUNDING cannot follow CREDITED'],
    [['ESCROWED', 'ABORTING', 'REFUNDING', 'REFUNDED'], 'ABORTING cannot follow ESCROWED'],
    [['ESCROWED', 'CREDITING', 'CREDITING', 'CREDITED'], 'CREDITING cannot follow CREDITING'],
    [['ESCROWED', 'REFUNDING', 'ABORTING', 'REFUNDED'], 'ABORTING cannot follow REFUNDING'],
    [[], 'it has no steps'],
  ] as Array<[SettlementStatus[], string]>)('refuses %j: %s', (steps, why) => {
    expect(verdict(steps, steps.at(-1) ?? 'CREDITED')).toContain(why);
  });

  it('refuses a status that is not the last step, and orders that do not match the steps', () => {
    expect(checkSteps(['ESCROWED', 'CREDITING'], 'CREDITED', orders(['CREDITING']))).toBe('its last step is CREDITING, its status CREDITED');
    expect(checkSteps(['ESCROWED', 'CREDITING', 'CREDITED'], 'CREDITED', { credit: null, refund: null })).toBe('a CREDITING step without a credit order');
    expect(checkSteps(['ESCROWED', 'REFUNDING', 'REFUNDED'], 'REFUNDED', { credit: ids.credit, refund: ids.refund })).toBe(
      'a credit order without a CREDITING step',
    );
    expect(checkSteps(['ESCROWED', 'CREDITING', 'CREDITED'], 'CREDITED', { credit: ids.credit, refund: ids.refund })).toBe(
      'a refund order without a REFUNDING step',
    );
    expect(checkSteps(['ESCROWED', 'REFUNDING', 'REFUNDED'], 'REFUNDED', { credit: null, refund: null })).toBe('a REFUNDING step without a refund order');
  });
});

describe('settlement step event ids', () => {
  it('chain each step to the one before, so a step left out changes the ids after it', () => {
    const all = settlementEventIds('kyoto:' + 'a'.repeat(64), ['ESCROWED', 'CREDITING', 'ABORTING', 'REFUNDING', 'REFUNDED'], ids);
    const hidden = settlementEventIds('kyoto:' + 'a'.repeat(64), ['ESCROWED', 'CREDITING', 'REFUNDING', 'REFUNDED'], ids);
    expect(hidden.slice(0, 2)).toEqual(all.slice(0, 2));
    expect(hidden[2]).not.toBe(all[3]);
    expect(hidden[3]).not.toBe(all[4]);
    expect(all[1]).toBe(settlementEventId('kyoto:' + 'a'.repeat(64), 'CREDITING', ids.credit, all[0]!));
    expect(new Set(all).size).toBe(5);
  });
});
