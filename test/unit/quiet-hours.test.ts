import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quietUntil } from '../../src/notify/quiet-hours.js';

const ZONE = 'Asia/Shanghai';
const NIGHT = { from: '21:00', to: '08:00' };
const LUNCH = { from: '12:00', to: '13:00' };

/** A China-time instant: cst('2026-03-10 21:00') (seconds optional). */
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}+08:00`);
/** quietUntil as an ISO string (or undefined), for exact comparison. */
const until = (at: Date, window: { from: string; to: string }): string | undefined =>
  quietUntil(at, window, ZONE)?.toISOString();

describe('quietUntil in Asia/Shanghai', () => {
  describe('a window that wraps past midnight (21:00-08:00)', () => {
    const cases: [string, string | undefined][] = [
      ['2026-03-10 20:59', undefined],
      ['2026-03-10 20:59:59.999', undefined],
      // 21:00 sharp is inside: the next morning 08:00 China time = 00:00 UTC.
      ['2026-03-10 21:00', '2026-03-11T00:00:00.000Z'],
      ['2026-03-10 23:59:59.999', '2026-03-11T00:00:00.000Z'],
      // Past midnight: the same day's 08:00.
      ['2026-03-11 00:00', '2026-03-11T00:00:00.000Z'],
      ['2026-03-11 03:00', '2026-03-11T00:00:00.000Z'],
      ['2026-03-11 07:59:59.999', '2026-03-11T00:00:00.000Z'],
      ['2026-03-11 08:00', undefined],
      ['2026-03-11 12:00', undefined],
      // Across a month and a year.
      ['2026-02-28 22:30', '2026-03-01T00:00:00.000Z'],
      ['2025-12-31 21:00', '2026-01-01T00:00:00.000Z'],
    ];
    for (const [local, expected] of cases) {
      it(`${local} → ${expected ?? 'undefined (may send now)'}`, () => {
        assert.equal(until(cst(local), NIGHT), expected);
      });
    }

    it('the window end is 08:00 China time, whatever UTC date the instant falls on', () => {
      // 2026-03-10 22:00 China time is 14:00 UTC on the 10th; 2026-03-11 02:00 is 18:00 UTC on the 10th.
      assert.equal(until(new Date('2026-03-10T14:00:00.000Z'), NIGHT), '2026-03-11T00:00:00.000Z');
      assert.equal(until(new Date('2026-03-10T18:00:00.000Z'), NIGHT), '2026-03-11T00:00:00.000Z');
    });
  });

  describe('a window within one day (12:00-13:00)', () => {
    const cases: [string, string | undefined][] = [
      ['2026-03-10 11:59', undefined],
      ['2026-03-10 12:00', '2026-03-10T05:00:00.000Z'],
      ['2026-03-10 12:30', '2026-03-10T05:00:00.000Z'],
      ['2026-03-10 12:59:59.999', '2026-03-10T05:00:00.000Z'],
      ['2026-03-10 13:00', undefined],
      ['2026-03-10 00:30', undefined],
      ['2026-03-10 23:30', undefined],
    ];
    for (const [local, expected] of cases) {
      it(`${local} → ${expected ?? 'undefined (may send now)'}`, () => {
        assert.equal(until(cst(local), LUNCH), expected);
      });
    }
  });

  it('ends a window given in another zone at that zone’s local time', () => {
    // Same instant, 2026-03-10 21:30 in Shanghai = 13:30 UTC: outside 21:00-08:00 in UTC.
    assert.equal(quietUntil(cst('2026-03-10 21:30'), NIGHT, 'UTC'), undefined);
    assert.equal(
      quietUntil(cst('2026-03-11 05:00'), NIGHT, 'UTC')?.toISOString(),
      '2026-03-11T08:00:00.000Z',
    );
  });
});
