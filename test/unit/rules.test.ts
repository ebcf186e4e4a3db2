import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { compileRules, route, timeWindowOf, type Rule, type RoutingFacts } from '../../src/routing/rules.js';

const clock = {
  calendar: buildCalendar(CN_HOLIDAYS),
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { from: '09:00', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
};
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);

function rule(
  id: string,
  order: number,
  conditions: Rule['conditions'],
  lead: string,
  extra: Partial<Rule> = {},
): Rule {
  return {
    id,
    version: 1,
    name: id,
    order,
    enabled: true,
    conditions,
    actions: { leadDepartment: lead },
    ...extra,
  };
}

const facts = (overrides: Partial<RoutingFacts> = {}): RoutingFacts => ({
  channel: 'sms',
  kind: 'complaint',
  priority: 'normal',
  text: '小区旁工地夜间施工噪音扰民',
  location: { districtCode: '130102', townshipCode: '130102001' },
  callerPhone: '+8613800138000',
  at: cst('2025-11-21 10:00'),
  ...overrides,
});

describe('routing rules', () => {
  const rules = compileRules([
    rule(
      'noise-night',
      10,
      { keywords: { any: ['噪音', '扰民'], all: ['施工'] }, timeWindow: 'after_hours' },
      'CGJ',
    ),
    rule('noise', 20, { keywords: { any: ['噪音', '扰民'], none: ['广场舞'] } }, 'STJ'),
    rule('changan-water', 30, { keywords: { any: ['停水'] }, regionPrefixes: ['130102'] }, 'D130102'),
    rule('subsidy-sms', 40, { channels: ['sms'], keywords: { any: ['补贴'] } }, 'NYJ', {
      actions: { leadDepartment: 'NYJ', coDepartments: ['MZJ'], priority: 'urgent', slaPolicy: 'subsidy' },
    }),
    rule('old-rule', 5, { keywords: { any: ['噪音'] } }, 'GAJ', { enabled: false }),
    rule('future-rule', 6, { keywords: { any: ['噪音'] } }, 'JTJ', {
      effectiveFrom: cst('2026-01-01 00:00'),
    }),
  ]);

  it('takes the first matching rule in order and explains why', () => {
    const decision = route(rules, facts(), clock);
    assert.deepEqual(decision.rule, { id: 'noise', version: 1, name: 'noise' });
    assert.equal(decision.actions?.leadDepartment, 'STJ');
    assert.deepEqual(decision.reasons, ['text mentions 噪音、扰民', 'text mentions none of 广场舞']);
    assert.equal(decision.considered, 4);
    assert.equal(decision.notInForce, 2, 'the disabled and the not-yet-effective rule were passed over');
  });

  it('uses the time window: the same text after hours goes to the night rule', () => {
    const decision = route(rules, facts({ at: cst('2025-11-21 22:30') }), clock);
    assert.equal(decision.rule?.id, 'noise-night');
    assert.deepEqual(decision.reasons, [
      'text mentions 噪音、扰民',
      'text mentions all of 施工',
      'received after hours',
    ]);
  });

  it('honours none-keywords, region prefixes and channels, and carries co-departments and priority', () => {
    assert.equal(route(rules, facts({ text: '广场舞噪音太大' }), clock).rule, undefined);
    assert.equal(route(rules, facts({ text: '今天小区停水了' }), clock).rule?.id, 'changan-water');
    assert.equal(
      route(rules, facts({ text: '今天小区停水了', location: { districtCode: '130104' } }), clock).rule,
      undefined,
    );
    const subsidy = route(rules, facts({ text: '我的种粮补贴什么时候发' }), clock);
    assert.deepEqual(subsidy.actions, {
      leadDepartment: 'NYJ',
      coDepartments: ['MZJ'],
      priority: 'urgent',
      slaPolicy: 'subsidy',
    });
    assert.equal(
      route(rules, facts({ text: '我的种粮补贴什么时候发', channel: 'web' }), clock).rule,
      undefined,
    );
  });

  it('sends what no rule matches to triage, saying so', () => {
    const decision = route(rules, facts({ text: '表扬窗口工作人员' }), clock);
    assert.equal(decision.rule, undefined);
    assert.deepEqual(decision.reasons, ['no rule matched: to the triage queue for manual dispatch']);
  });

  it('applies a rule from its effective date on', () => {
    assert.equal(route(rules, facts({ at: cst('2026-01-05 10:00') }), clock).rule?.id, 'future-rule');
  });

  it('tells working hours, after hours and days off apart, holidays and make-up days included', () => {
    assert.equal(timeWindowOf(cst('2025-11-21 10:00'), clock), 'working_hours');
    assert.equal(timeWindowOf(cst('2025-11-21 12:30'), clock), 'after_hours'); // lunch break
    assert.equal(timeWindowOf(cst('2025-11-22 10:00'), clock), 'day_off'); // Saturday
    assert.equal(timeWindowOf(cst('2026-02-17 10:00'), clock), 'day_off'); // Spring Festival
    assert.equal(timeWindowOf(cst('2026-02-14 10:00'), clock), 'working_hours'); // Saturday, 上班
  });

  it('routes against 10,000 rules with one keyword automaton', () => {
    const many = compileRules(
      Array.from({ length: 10_000 }, (_, i) =>
        rule(`r${i}`, i, { keywords: { any: [`事项${String(i).padStart(5, '0')}`] } }, 'SPJ'),
      ),
    );
    assert.equal(many.keywords.length, 10_000);
    const decision = route(many, facts({ text: '咨询事项09876的办理进度' }), clock);
    assert.equal(decision.rule?.id, 'r9876');
    assert.equal(decision.considered, 9877);
  });
});
