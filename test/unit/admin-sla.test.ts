import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  holidayLines,
  makeupLines,
  mergeRanges,
  readCalendarForm,
  yearGrid,
} from '../../src/dashboards/admin-sla-calendar.js';
import {
  blankPolicyForm,
  policyFormValues,
  readPolicyForm,
} from '../../src/dashboards/admin-sla-policy-form.js';
import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { DEFAULT_SLA_POLICIES } from '../../src/routing/sla-policy.js';
import { calendarProblems } from '../../src/routing/validate.js';

const [, Y2026] = CN_HOLIDAYS;
assert.ok(Y2026);

describe('the calendar form: text lines ↔ a year', () => {
  it('reads back what it shows, for every shipped year', () => {
    for (const year of CN_HOLIDAYS) {
      const read = readCalendarForm(year.year, {
        source: year.source,
        holidays: holidayLines(year),
        makeupWorkdays: makeupLines(year),
      });
      assert.deepEqual(read, {
        ok: true,
        year: { ...year, makeupWorkdays: [...year.makeupWorkdays].sort() },
      });
    }
  });

  it('joins one-day lines of the same name into a range, in date order', () => {
    const read = readCalendarForm(2027, {
      source: 's',
      holidays: '2027-10-03 国庆节\n2027-01-01 元旦\n2027-10-01 国庆节\n2027-10-02 国庆节\n2027-10-04 其他',
      makeupWorkdays: '2027-10-09\n2027-09-25',
    });
    assert.deepEqual(read, {
      ok: true,
      year: {
        year: 2027,
        source: 's',
        holidays: [
          { name: '元旦', from: '2027-01-01', to: '2027-01-01' },
          { name: '国庆节', from: '2027-10-01', to: '2027-10-03' },
          { name: '其他', from: '2027-10-04', to: '2027-10-04' },
        ],
        makeupWorkdays: ['2027-09-25', '2027-10-09'],
      },
    });
  });

  it('ties each refusal to the line typed (blank lines counted)', () => {
    const read = readCalendarForm(2026, {
      source: 's',
      holidays: '2026-10-01~2026-10-07 国庆节\n\n2026-10-07 又一个\n2027-01-01 元旦',
      makeupWorkdays: '2026-10-06\n\n2026-10-10\n2026-10-10',
    });
    assert.deepEqual(read.ok ? [] : read.problems.map((p) => [p.field, p.line, p.reason]), [
      ['holidays', 3, 'overlap'],
      ['holidays', 4, 'notInYear'],
      ['makeupWorkdays', 1, 'makeupOnHoliday'],
      ['makeupWorkdays', 4, 'makeupTwice'],
    ]);
  });

  it('mergeRanges leaves ranges of other names or with a gap apart', () => {
    assert.deepEqual(
      mergeRanges([
        { name: 'a', from: '2026-01-01', to: '2026-01-01' },
        { name: 'a', from: '2026-01-03', to: '2026-01-03' },
        { name: 'b', from: '2026-01-04', to: '2026-01-04' },
      ]).length,
      3,
    );
  });
});

describe('calendarProblems (the API’s and the page’s check)', () => {
  it('refuses overlapping holidays and a make-up day listed twice', () => {
    const problems = calendarProblems({
      ...Y2026,
      holidays: [...Y2026.holidays, { name: '重叠', from: '2026-10-07', to: '2026-10-08' }],
      makeupWorkdays: [...Y2026.makeupWorkdays, '2026-10-10'],
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        `/holidays/${String(Y2026.holidays.length)}`,
        `/makeupWorkdays/${String(Y2026.makeupWorkdays.length)}`,
      ],
    );
  });

  it('refuses a day that does not exist (2026-02-30)', () => {
    const problems = calendarProblems({
      ...Y2026,
      holidays: [{ name: 'x', from: '2026-02-30', to: '2026-02-30' }],
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['/holidays/0/from', '/holidays/0/to'],
    );
  });
});

describe('the year grid', () => {
  it('has every day of the year once, Monday first, in whole weeks', () => {
    const months = yearGrid(buildCalendar([Y2026]), Y2026);
    assert.equal(months.length, 12);
    const days = months.flatMap((m) => m.weeks.flat()).filter((d) => d !== null);
    assert.equal(days.length, 365);
    assert.ok(months.every((m) => m.weeks.every((w) => w.length === 7)));
    // 2026-06-01 is a Monday: no blank cell before it.
    assert.equal(months[5]?.weeks[0]?.[0]?.date, '2026-06-01');
    const october = months[9];
    assert.ok(october);
    assert.deepEqual(october.holidays, [{ name: '国庆节', from: '2026-10-01', to: '2026-10-07' }]);
    assert.deepEqual(october.makeupWorkdays, ['2026-10-10']);
  });
});

describe('the policy form', () => {
  it('reads back every shipped policy as it shows it', () => {
    for (const policy of DEFAULT_SLA_POLICIES) {
      const { code: _code, version: _version, ...body } = policy;
      assert.deepEqual(readPolicyForm(policyFormValues(policy)), { ok: true, body }, policy.code);
    }
  });

  it('names each wrong field once', () => {
    const read = readPolicyForm({
      ...blankPolicyForm(),
      name: 'x',
      signAmount: '-2',
      completionAmount: '3',
      yellow: '150',
      red: 'abc',
      kinds: ['complaint', 'nonsense'],
    });
    assert.deepEqual(read.ok ? [] : read.problems.map((p) => [p.field, p.reason]), [
      ['kinds', 'kinds'],
      ['sign', 'limit'],
      ['yellow', 'threshold'],
      ['red', 'threshold'],
    ]);
  });
});
