import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import chineseDays from 'chinese-days';
import { buildCalendar, covers, dayKind, isWorkingDay } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { addWorkingDays, addWorkingHours, workingMsBetween } from '../../src/routing/working-time.js';
import { addDays, fromLocal, toLocal } from '../../src/time/zoned-time.js';

const calendar = buildCalendar(CN_HOLIDAYS);
const options = {
  calendar,
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { from: '09:00', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
};
/** A China-time instant, e.g. cst('2026-02-13 10:00'). */
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const show = (at: Date): string => {
  const local = toLocal(at, 'Asia/Shanghai');
  const minutes = Math.round(local.minutes);
  return `${local.date} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

describe('holiday data (State Council notices for 2025 and 2026)', () => {
  it('has the days off each notice announces', () => {
    const daysOff = (year: number) =>
      [...calendar.holidays.keys()].filter((d) => d.startsWith(String(year))).length;
    // 2025: 1 + 8 + 3 + 5 + 3 + 8; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
    assert.equal(daysOff(2025), 28);
    assert.equal(daysOff(2026), 33);
  });

  it('puts every make-up workday on a weekend and never inside a holiday', () => {
    for (const year of CN_HOLIDAYS) {
      for (const day of year.makeupWorkdays) {
        const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
        assert.ok(weekday === 0 || weekday === 6, `${day} is not a weekend day`);
        assert.ok(!calendar.holidays.has(day), `${day} is also a holiday`);
      }
    }
  });

  it('classifies the days around the Spring Festival of 2026', () => {
    assert.equal(dayKind(calendar, '2026-02-13'), 'workday'); // Friday
    assert.equal(dayKind(calendar, '2026-02-14'), 'makeup_workday'); // Saturday, 上班
    for (let day = '2026-02-15'; day <= '2026-02-23'; day = addDays(day, 1))
      assert.equal(dayKind(calendar, day), 'holiday');
    assert.equal(dayKind(calendar, '2026-02-24'), 'workday');
    assert.equal(dayKind(calendar, '2026-02-28'), 'makeup_workday');
    assert.equal(dayKind(calendar, '2026-03-01'), 'weekend');
    assert.equal(calendar.holidays.get('2026-02-17'), '春节');
  });

  it('knows the 2025 make-up Sundays and the eight-day National Day and Mid-Autumn break', () => {
    assert.equal(isWorkingDay(calendar, '2025-01-26'), true); // Sunday, 上班
    assert.equal(isWorkingDay(calendar, '2025-09-28'), true); // Sunday, 上班
    assert.equal(isWorkingDay(calendar, '2025-10-08'), false); // Wednesday, still off
    assert.equal(isWorkingDay(calendar, '2025-10-11'), true); // Saturday, 上班
    assert.equal(isWorkingDay(calendar, '2025-10-13'), true);
  });

  it('says which years it covers', () => {
    assert.equal(covers(calendar, '2026-12-31'), true);
    assert.equal(covers(calendar, '2027-01-04'), false);
    assert.equal(dayKind(calendar, '2027-01-02'), 'weekend'); // outside the data: weekends only
  });
});

describe('working time', () => {
  it('adds working hours across the lunch break and the weekend', () => {
    assert.equal(show(addWorkingHours(cst('2025-11-21 11:30'), 1, options)), '2025-11-21 14:00');
    // Friday 16:30 + 2 h: one hour on Friday, one on Monday.
    assert.equal(show(addWorkingHours(cst('2025-11-21 16:30'), 2, options)), '2025-11-24 10:00');
    // Received on Saturday evening: the clock starts Monday morning.
    assert.equal(show(addWorkingHours(cst('2025-11-22 20:00'), 4, options)), '2025-11-24 14:30');
  });

  it('counts make-up workdays and skips the Spring Festival', () => {
    // Friday 17:00 + 2 h: half an hour Friday, Saturday 14 Feb is 上班, so 1.5 h there.
    assert.equal(show(addWorkingHours(cst('2026-02-13 17:00'), 2, options)), '2026-02-14 10:30');
    // 8 working hours from Saturday 14 Feb 09:00: 7 h that day, then the 9-day holiday, then 1 h.
    assert.equal(show(addWorkingHours(cst('2026-02-14 09:00'), 8, options)), '2026-02-24 10:00');
  });

  it('ends N working days at the close of the Nth working day after the day of receipt', () => {
    assert.equal(show(addWorkingDays(cst('2026-02-13 10:00'), 1, options)), '2026-02-14 17:30');
    assert.equal(show(addWorkingDays(cst('2026-02-13 10:00'), 2, options)), '2026-02-24 17:30');
    // From Friday 26 Sep 2025: Sun 28 (上班) is day 1, Mon 29 day 2, Tue 30 day 3; 1–8 Oct are off.
    assert.equal(show(addWorkingDays(cst('2025-09-26 10:00'), 3, options)), '2025-09-30 17:30');
    assert.equal(show(addWorkingDays(cst('2025-09-26 10:00'), 4, options)), '2025-10-09 17:30');
    assert.equal(show(addWorkingDays(cst('2025-09-26 10:00'), 6, options)), '2025-10-11 17:30'); // Saturday, 上班
  });

  it('measures working time between two instants', () => {
    const ms = workingMsBetween(cst('2025-11-21 16:30'), cst('2025-11-24 10:00'), options);
    assert.equal(ms, 2 * 3_600_000);
    assert.equal(workingMsBetween(cst('2025-11-24 10:00'), cst('2025-11-21 16:30'), options), 0);
  });

  it('converts local China time to instants and back', () => {
    const at = fromLocal('2026-02-14', 9 * 60, 'Asia/Shanghai');
    assert.equal(at.toISOString(), '2026-02-14T01:00:00.000Z');
    assert.deepEqual(toLocal(at, 'Asia/Shanghai'), { date: '2026-02-14', minutes: 540, weekday: 6 });
  });
});

describe('holiday data against a second source', () => {
  it('agrees with the chinese-days package on every day of every covered year', () => {
    const differences: string[] = [];
    for (const { year } of CN_HOLIDAYS) {
      for (let day = `${year}-01-01`; day <= `${year}-12-31`; day = addDays(day, 1)) {
        if (isWorkingDay(calendar, day) !== chineseDays.isWorkday(day)) differences.push(day);
      }
    }
    assert.deepEqual(differences, []);
  });
});
