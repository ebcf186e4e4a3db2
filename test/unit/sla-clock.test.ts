import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import {
  deadline,
  extendClock,
  fireStage,
  pauseClock,
  pendingStages,
  resumeClock,
  startClock,
  stopClock,
  type Duration,
} from '../../src/routing/sla-clock.js';
import { selectPolicy, DEFAULT_SLA_POLICIES } from '../../src/routing/sla-policy.js';
import { toLocal } from '../../src/time/zoned-time.js';

const options = {
  calendar: buildCalendar(CN_HOLIDAYS),
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { from: '09:00', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
};
const thresholds = { yellow: 0.5, red: 0.8 };
/** A China-time instant, e.g. cst('2026-02-13 15:00'). */
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const show = (at: Date): string => {
  const local = toLocal(at, 'Asia/Shanghai');
  const minutes = Math.round(local.minutes);
  return `${local.date} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

describe('SLA deadlines (table-driven)', () => {
  const cases: { name: string; from: string; duration: Duration; due: string }[] = [
    {
      name: 'Friday afternoon, 3 working days across the Spring Festival and a make-up Saturday',
      // Sat 02-14 is a make-up workday (1), 02-15…02-23 are the holiday, Tue 02-24 (2), Wed 02-25 (3).
      from: '2026-02-13 15:00',
      duration: { amount: 3, unit: 'working_days' },
      due: '2026-02-25 17:30',
    },
    {
      name: 'Friday afternoon before National Day 2025, 5 working days (make-up Sunday 09-28 counts)',
      from: '2025-09-26 16:00',
      duration: { amount: 5, unit: 'working_days' },
      due: '2025-10-10 17:30',
    },
    {
      name: 'a 24-hour clock runs across midnight and the weekend alike',
      from: '2026-03-13 22:00',
      duration: { amount: 24, unit: 'hours' },
      due: '2026-03-14 22:00',
    },
    {
      name: '4 working hours from Friday 15:00 end on Monday morning',
      from: '2026-03-13 15:00',
      duration: { amount: 4, unit: 'working_hours' },
      due: '2026-03-16 10:30',
    },
    {
      name: '2 working hours received at night start counting at 09:00',
      from: '2026-03-10 23:30',
      duration: { amount: 2, unit: 'working_hours' },
      due: '2026-03-11 11:00',
    },
    {
      name: '2 calendar days: the end of the second day after the day of receipt',
      from: '2026-03-10 15:00',
      duration: { amount: 2, unit: 'calendar_days' },
      due: '2026-03-13 00:00',
    },
    {
      name: '1 working day received on the eve of 2026 New Year: the make-up Sunday 01-04 counts',
      from: '2025-12-31 10:00',
      duration: { amount: 1, unit: 'working_days' },
      due: '2026-01-04 17:30',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(show(deadline(cst(c.from), c.duration, options)), c.due);
    });
  }
});

describe('SLA clock', () => {
  it('puts the warnings at shares of the working time, not of the wall clock', () => {
    // Monday 09:00, 1 working day → Tuesday 17:30: 14 working hours across the night.
    const clock = startClock(
      cst('2026-03-09 09:00'),
      { amount: 1, unit: 'working_days' },
      thresholds,
      options,
    );
    assert.equal(show(clock.dueAt), '2026-03-10 17:30');
    assert.equal(clock.limitMs, 14 * 3_600_000);
    assert.equal(show(clock.yellowAt), '2026-03-09 17:30'); // 7 working hours
    assert.equal(show(clock.redAt), '2026-03-10 14:42'); // 11.2 working hours: 7 on Monday, 3 + 1.2 on Tuesday
  });

  it('a pause stops the clock: the due time moves by the working time it stood still', () => {
    const start = startClock(
      cst('2026-03-09 10:00'),
      { amount: 1, unit: 'working_days' },
      thresholds,
      options,
    );
    assert.equal(show(start.dueAt), '2026-03-10 17:30');
    const paused = pauseClock(start, cst('2026-03-09 14:00'));
    assert.equal(paused.state, 'paused');
    assert.deepEqual(pendingStages(paused), [], 'a paused clock has no timers');
    // 10.5 working hours were left at 14:00 Monday; resumed Wednesday 10:00 → Thursday 15:00.
    const resumed = resumeClock(paused, cst('2026-03-11 10:00'), options);
    assert.equal(show(resumed.dueAt), '2026-03-12 15:00');
    assert.equal(resumed.pausedMs, 11.5 * 3_600_000);
    assert.ok(
      resumed.version > paused.version && paused.version > start.version,
      'each move is a new version',
    );
  });

  it('a pause on a 24-hour clock moves it by the wall-clock time', () => {
    const start = startClock(cst('2026-03-13 22:00'), { amount: 24, unit: 'hours' }, thresholds, options);
    const paused = pauseClock(start, cst('2026-03-14 02:00'));
    const resumed = resumeClock(paused, cst('2026-03-14 05:00'), options);
    assert.equal(show(resumed.dueAt), '2026-03-15 01:00');
    assert.equal(show(resumed.yellowAt), '2026-03-14 13:00');
  });

  it('an approved extension moves the due time and the warnings not yet given', () => {
    const start = startClock(
      cst('2026-02-09 10:00'),
      { amount: 2, unit: 'working_days' },
      thresholds,
      options,
    );
    assert.equal(show(start.dueAt), '2026-02-11 17:30');
    const warned = fireStage(start, 'yellow', cst('2026-02-10 12:00'));
    // +3 working days after 02-11: Thu 12 (1), Fri 13 (2), make-up Sat 14 (3).
    const extended = extendClock(warned, cst('2026-02-14 17:30'), cst('2026-02-11 09:00'), options);
    assert.equal(show(extended.dueAt), '2026-02-14 17:30');
    assert.equal(extended.yellowAt, warned.yellowAt, 'a warning given stays given');
    assert.ok(extended.redAt > warned.redAt);
    assert.deepEqual(
      pendingStages(extended).map((s) => s.stage),
      ['red', 'overdue'],
    );
  });

  it('stopping records whether the limit was met; a late timer marks the earlier stages fired too', () => {
    const clock = startClock(cst('2026-03-09 09:00'), { amount: 2, unit: 'hours' }, thresholds, options);
    assert.equal(stopClock(clock, cst('2026-03-09 10:59')).met, true);
    assert.equal(stopClock(clock, cst('2026-03-09 11:01')).met, false);
    const overdue = fireStage(clock, 'overdue', cst('2026-03-09 11:05'));
    assert.ok(overdue.yellowFiredAt && overdue.redFiredAt && overdue.overdueFiredAt);
    assert.deepEqual(pendingStages(overdue), []);
  });
});

describe('SLA policy selection', () => {
  it('picks by priority, then kind, with the fallback last; a named policy wins', () => {
    const facts = { kind: 'complaint', priority: 'normal', channel: 'sms' } as const;
    assert.equal(selectPolicy(DEFAULT_SLA_POLICIES, facts)?.code, 'default');
    assert.equal(
      selectPolicy(DEFAULT_SLA_POLICIES, { ...facts, kind: 'consultation' })?.code,
      'consultation',
    );
    assert.equal(
      selectPolicy(DEFAULT_SLA_POLICIES, { ...facts, kind: 'consultation', priority: 'critical' })?.code,
      'critical',
    );
    assert.equal(selectPolicy(DEFAULT_SLA_POLICIES, facts, 'urgent')?.code, 'urgent');
  });
});
