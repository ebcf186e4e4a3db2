import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { DEFAULT_SLA_POLICIES } from '../../src/routing/sla-policy.js';
import { buildTables, decide } from '../../src/routing/tables.js';
import { calendarProblems, policyProblems, ruleProblems } from '../../src/routing/validate.js';
import { DEMO_DEPARTMENTS, DEMO_RULES } from '../../src/seed-data.js';

const tables = buildTables({
  rules: DEMO_RULES,
  policies: DEFAULT_SLA_POLICIES,
  years: CN_HOLIDAYS,
  departments: new Map(DEMO_DEPARTMENTS.map((d) => [d.code, d])),
  timeZone: 'Asia/Shanghai',
  officeHours: [
    { from: '09:00', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
});

describe('shipped data passes the admin API’s own checks', () => {
  it('demo rules, default SLA policies and the holiday calendar', () => {
    for (const rule of DEMO_RULES) assert.deepEqual(ruleProblems(rule, tables), [], rule.id);
    for (const policy of DEFAULT_SLA_POLICIES) assert.deepEqual(policyProblems(policy), [], policy.code);
    for (const year of CN_HOLIDAYS) assert.deepEqual(calendarProblems(year), [], String(year.year));
  });

  it('routes night-time noise with the police as co-department, daytime noise alone', () => {
    const facts = { channel: 'sms', kind: 'complaint', priority: 'normal', location: {} } as const;
    const night = decide(tables, {
      ...facts,
      text: '楼上装修噪音扰民',
      at: new Date('2026-03-10T23:00:00+08:00'),
    });
    assert.equal(night.rule?.id, 'noise-night');
    assert.deepEqual(night.actions?.coDepartments, ['GAJ']);
    const day = decide(tables, {
      ...facts,
      text: '楼上装修噪音扰民',
      at: new Date('2026-03-10T10:00:00+08:00'),
    });
    assert.equal(day.rule?.id, 'noise');
  });

  it('refuses a make-up workday that is not on a weekend', () => {
    const [first] = CN_HOLIDAYS;
    assert.ok(first);
    const problems = calendarProblems({ ...first, makeupWorkdays: ['2025-03-05'] });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['/makeupWorkdays/0'],
    );
  });
});
