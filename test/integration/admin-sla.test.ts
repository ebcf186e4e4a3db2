import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { localMinute } from '../../src/time/local-format.js';
import { toLocal } from '../../src/time/zoned-time.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { elementText, hiddenValue, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const PAGE = '/staff/admin/sla';
let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

/** A cell's visible text: screen-reader-only words dropped, `<div>` lines joined with ` | `. */
function text(html: string): string {
  return unescapeHtml(
    html
      .replace(/<span class='sr'>.*?<\/span>/gs, '')
      .replace(/<\/div>\s*<div[^>]*>/g, ' | ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** The rows of a table whose `<tr>` ids start with `prefix`, by the rest of the id, cell texts. */
function rows(html: string, prefix: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [, id = '', row = ''] of html.matchAll(
    new RegExp(`<tr id='${prefix}([\\w-]+)'[^>]*>(.*?)</tr>`, 'gs'),
  )) {
    found[id] = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => text(cell[1] ?? ''));
  }
  return found;
}

/** One month of the year grid: its weeks, each day's visible text ('' for the blank cells). */
function month(html: string, m: number): string[][] {
  const section = new RegExp(`<section class='month' id='month-${String(m)}'>(.*?)</section>`, 's').exec(
    html,
  )?.[1];
  assert.ok(section, `month ${String(m)}`);
  const body = /<tbody>(.*?)<\/tbody>/s.exec(section)?.[1] ?? '';
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, week = '']) =>
    [...week.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => text(cell[1] ?? '')),
  );
}

function monthNotes(html: string, m: number): string[] {
  const section = new RegExp(`<section class='month' id='month-${String(m)}'>(.*?)</section>`, 's').exec(
    html,
  )?.[1];
  return [...(section ?? '').matchAll(/<li>([^<]*)<\/li>/g)].map((n) => unescapeHtml(n[1] ?? ''));
}

/** Every error line under a field of the calendar form. */
function errorLines(html: string, id: string): string[] {
  const list = new RegExp(`<ul class='errors' id='${id}'>(.*?)</ul>`, 's').exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li class='error'>([^<]*)<\/li>/g)].map((m) => unescapeHtml(m[1] ?? ''));
}

/** The policy form's fields as posted by a browser, from the values a page shows (or overrides). */
function policyFields(overrides: Record<string, string> = {}): Record<string, string> {
  const blank = Object.fromEntries(
    ['sign', 'response', 'completion', 'callback', 'coOpinion'].flatMap((n) => [
      [`${n}Amount`, ''],
      [`${n}Unit`, 'working_days'],
    ]),
  );
  return {
    name: '',
    order: '100',
    categories: '',
    yellow: '50',
    red: '80',
    active: 'on',
    ...blank,
    ...overrides,
  };
}

describe('admin page: SLA policies and the holiday calendar', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;
  let thisYear: number;

  const policies = async () =>
    JSON.stringify([
      await hub.app.store.slaPolicies.model.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.slaPolicies.versions.find({}).sort({ _id: 1 }).lean(),
    ]);
  const years = async () =>
    JSON.stringify(await hub.app.store.calendar.model.find({}).sort({ _id: 1 }).lean());
  const audits = async (action: string) =>
    (await hub.app.store.audit.search({ action }, { limit: 100 })).items.map((e) => ({
      actor: e.actor.id,
      fields: e.fields,
    }));
  const changedAt = async (code: string) => {
    const policy = await hub.app.store.slaPolicies.findByCode(code);
    assert.ok(policy);
    return localMinute(policy.updatedAt, hub.config.timezone);
  };
  const follow = async (response: LightMyRequestResponse) => {
    assert.equal(response.statusCode, 303, response.body);
    return admin.get(String(response.headers.location));
  };

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    // A rule that names the urgent policy: the list says which rules use a policy.
    await hub.app.store.rules.create({
      id: 'manholes',
      name: '井盖缺失',
      version: 1,
      order: 5,
      enabled: true,
      conditions: { keywords: { any: ['井盖'] } },
      actions: { leadDepartment: 'CGJ', slaPolicy: 'urgent' },
      updatedAt: new Date(),
      updatedBy: 'test',
    });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
    thisYear = Number(toLocal(new Date(), hub.config.timezone).date.slice(0, 4));
  });
  after(async () => {
    await hub.close();
  });

  it('lists every policy with its limits, warnings, version and the rules naming it; every word in both languages', async () => {
    assert.deepEqual(missingStaffTranslations(), []);
    const page = await admin.get(`${PAGE}?lang=en`);
    assert.equal(page.statusCode, 200);
    const system = (at: string) => `v1 ${at} · system (shipped)`;
    assert.deepEqual(rows(page.body, 'policy-'), {
      critical: [
        '10',
        '特急件 critical Edit',
        'Priorities: critical',
        'Sign: 1 h | First answer: 2 h | Resolve: 24 h | Call back: 1 working day | Co-department opinion: 12 h',
        'yellow at 50% used, red at 80%',
        'none',
        system(await changedAt('critical')),
      ],
      urgent: [
        '20',
        '紧急件 urgent Edit',
        'Priorities: urgent',
        'Sign: 2 working h | First answer: 4 working h | Resolve: 2 working days | Call back: 1 working day | Co-department opinion: 1 working day',
        'yellow at 50% used, red at 80%',
        '井盖缺失',
        system(await changedAt('urgent')),
      ],
      consultation: [
        '30',
        '咨询件 consultation Edit',
        'Kinds: consultation',
        'Sign: 4 working h | First answer: 1 working day | Resolve: 3 working days | Call back: 2 working days | Co-department opinion: as Resolve',
        'yellow at 50% used, red at 80%',
        'none',
        system(await changedAt('consultation')),
      ],
      default: [
        '1000',
        '一般件 default Edit',
        'every other ticket (fallback)',
        'Sign: 1 working day | First answer: 2 working days | Resolve: 5 working days | Call back: 2 working days | Co-department opinion: 3 working days',
        'yellow at 50% used, red at 80%',
        'none',
        system(await changedAt('default')),
      ],
    });
    // In the order they are tried; each links its form, the rule links the routing page.
    assert.deepEqual(
      [...page.body.matchAll(/<tr id='policy-(\w+)'/g)].map((m) => m[1]),
      ['critical', 'urgent', 'consultation', 'default'],
    );
    assert.match(page.body, /<a href='\/staff\/admin\/sla\/policies\/urgent' class='edit'>Edit/);
    assert.match(page.body, /<a href='\/staff\/admin\/routing#rule-manholes'>井盖缺失<\/a>/);
    assert.match(page.body, /<a href='\/staff\/admin\/sla\/new-policy' id='new-policy'>New policy<\/a>/);

    const zh = await admin.get(`${PAGE}?lang=zh-CN`);
    assert.equal(
      rows(zh.body, 'policy-').default?.[3],
      '签收: 1 个工作日 | 首次答复: 2 个工作日 | 办结: 5 个工作日 | 回访: 2 个工作日 | 会办意见: 3 个工作日',
    );
    assert.equal(rows(zh.body, 'policy-').default?.[4], '已用 50% 时黄色预警，80% 时红色预警');
  });

  it('lists the stored years and flags the years the SLA clock needs but lacks', async () => {
    const page = await admin.get(`${PAGE}?lang=en`);
    const at = async (year: number) =>
      localMinute((await hub.app.store.calendar.find(year))?.updatedAt ?? new Date(0), hub.config.timezone);
    assert.deepEqual(rows(page.body, 'year-'), {
      '2025': [
        '2025',
        '6 periods, 28 days',
        '5 days',
        '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）',
        `v1 ${await at(2025)} · system (shipped)`,
      ],
      '2026': [
        '2026',
        '7 periods, 33 days',
        '6 days',
        '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
        `v1 ${await at(2026)} · system (shipped)`,
      ],
    });
    const missing = [thisYear, thisYear + 1].filter((y) => y !== 2025 && y !== 2026);
    assert.deepEqual(
      [...page.body.matchAll(/<p class='problem' role='alert' data-missing-year='(\d+)'>([^<]*)</g)].map(
        (m) => [Number(m[1]), unescapeHtml(m[2] ?? '').trim()],
      ),
      missing.map((year) => [
        year,
        `The ${String(year)} holidays are not entered: in that year the SLA clock knows only weekends, takes holidays for working days and gives due times too early.`,
      ]),
    );
    assert.match(
      page.body,
      /<form method='get' action='\/staff\/admin\/sla\/calendar' class='open-year' id='open-year'>/,
    );
    const open = await admin.get(`${PAGE}/calendar?year=2031`);
    assert.equal(open.statusCode, 303);
    assert.equal(open.headers.location, `${PAGE}/calendar/2031`);
  });

  it('shows 2026 as a month grid: workdays, weekends, holidays with names, make-up workdays, and a legend', async () => {
    const page = await admin.get(`${PAGE}/calendar/2026?lang=en`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /id='year-not-covered'/);
    const kinds = [...page.body.matchAll(/data-date='(2026-[\d-]+)' data-kind='(\w+)'/g)];
    assert.equal(kinds.length, 365);
    const count = (kind: string) => kinds.filter((k) => k[2] === kind).length;
    // 104 Saturdays and Sundays: 14 of them holidays, 6 make-up workdays.
    assert.deepEqual(
      [count('holiday'), count('makeup_workday'), count('weekend'), count('workday')],
      [33, 6, 84, 242],
    );
    assert.deepEqual(month(page.body, 2), [
      ['', '', '', '', '', '', '1'],
      ['2', '3', '4', '5', '6', '7', '8'],
      ['9', '10', '11', '12', '13', '14 work', '15 off'],
      ['16 off', '17 off', '18 off', '19 off', '20 off', '21 off', '22 off'],
      ['23 off', '24', '25', '26', '27', '28 work', ''],
    ]);
    assert.deepEqual(monthNotes(page.body, 2), [
      '2/15–2/23 春节',
      '2/14 make-up workday',
      '2/28 make-up workday',
    ]);
    assert.deepEqual(month(page.body, 10), [
      ['', '', '', '1 off', '2 off', '3 off', '4 off'],
      ['5 off', '6 off', '7 off', '8', '9', '10 work', '11'],
      ['12', '13', '14', '15', '16', '17', '18'],
      ['19', '20', '21', '22', '23', '24', '25'],
      ['26', '27', '28', '29', '30', '31', ''],
    ]);
    assert.deepEqual(monthNotes(page.body, 10), ['10/1–10/7 国庆节', '10/10 make-up workday']);
    // Not colour alone: each day says what it is, the holiday its name.
    assert.match(
      page.body,
      /<td class='day holiday' data-date='2026-10-01' data-kind='holiday'>1 <b class='mark'>off<\/b><span class='sr'> official holiday 国庆节<\/span><\/td>/,
    );
    assert.match(
      page.body,
      /<td class='day makeup_workday' data-date='2026-10-10' data-kind='makeup_workday'>10 <b class='mark'>work<\/b><span class='sr'> make-up workday<\/span><\/td>/,
    );
    assert.match(
      page.body,
      /<td class='day weekend' data-date='2026-10-11' data-kind='weekend'>11<span class='sr'> weekend<\/span><\/td>/,
    );
    const legend = /<ul class='legend' id='legend'[^>]*>(.*?)<\/ul>/s.exec(page.body)?.[1] ?? '';
    assert.deepEqual(
      [...legend.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => text(m[1] ?? '')),
      [
        '9 workday',
        '6 weekend (the Sat and Sun columns)',
        '1 off official holiday',
        '10 work make-up workday',
      ],
    );
    // The form holds the year as text lines, one range a line.
    assert.equal(
      unescapeHtml(/<textarea id='year-holidays'[^>]*>\n([^<]*)<\/textarea>/.exec(page.body)?.[1] ?? ''),
      [
        '2026-01-01~2026-01-03 元旦',
        '2026-02-15~2026-02-23 春节',
        '2026-04-04~2026-04-06 清明节',
        '2026-05-01~2026-05-05 劳动节',
        '2026-06-19~2026-06-21 端午节',
        '2026-09-25~2026-09-27 中秋节',
        '2026-10-01~2026-10-07 国庆节',
      ].join('\n'),
    );
    assert.equal(
      /<textarea id='year-makeups'[^>]*>\n([^<]*)<\/textarea>/.exec(page.body)?.[1],
      ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].join('\n'),
    );
    assert.equal(hiddenValue(page.body, 'version'), '1');
  });

  it('edits a policy: the next version is listed, kept in the history, audited, and routing uses it at once', async () => {
    const form = await admin.get(`${PAGE}/policies/urgent?lang=en`);
    assert.equal(form.statusCode, 200);
    assert.equal(hiddenValue(form.body, 'version'), '1');
    assert.match(form.body, /<input id='field-sign' name='signAmount' value='2'/);
    assert.match(
      form.body,
      /<select id='field-sign-unit' name='signUnit'><option value='hours'>[^<]*<\/option><option value='working_hours' selected>/,
    );
    assert.match(form.body, /<input type='checkbox' name='priorities' value='urgent' checked \/>/);
    assert.match(form.body, /<input id='field-yellow' name='yellow' value='50'/);
    assert.match(
      form.body,
      /<dd id='policy-rules'><div><a href='\/staff\/admin\/routing#rule-manholes'>井盖缺失<\/a><\/div><\/dd>/,
    );

    const saved = await admin.post(
      `${PAGE}/policies/urgent?lang=en`,
      policyFields({
        version: '1',
        name: '紧急件（新）',
        order: '20',
        priorities: 'urgent',
        signAmount: '3',
        signUnit: 'working_hours',
        responseAmount: '4',
        responseUnit: 'working_hours',
        completionAmount: '1.5',
        completionUnit: 'calendar_days',
        yellow: '60',
        red: '90',
      }),
    );
    assert.equal(saved.headers.location, `${PAGE}?done=saved&code=urgent&version=2#policy-urgent`);
    const list = await follow(saved);
    assert.equal(
      elementText(list.body, 'sla-done'),
      'SLA policy urgent saved as version 2; tickets routed from now on use it.',
    );
    const at = await changedAt('urgent');
    assert.deepEqual(rows(list.body, 'policy-').urgent, [
      '20',
      '紧急件（新） urgent Edit',
      'Priorities: urgent',
      'Sign: 3 working h | First answer: 4 working h | Resolve: 1.5 calendar days | Call back: not timed | Co-department opinion: as Resolve',
      'yellow at 60% used, red at 90%',
      '井盖缺失',
      `v2 ${at} · user:admin`,
    ]);
    const stored = await hub.app.store.slaPolicies.findByCode('urgent');
    assert.deepEqual(stored && { ...stored, updatedAt: undefined }, {
      code: 'urgent',
      name: '紧急件（新）',
      version: 2,
      order: 20,
      active: true,
      match: { priorities: ['urgent'] },
      clocks: {
        sign: { amount: 3, unit: 'working_hours' },
        response: { amount: 4, unit: 'working_hours' },
        completion: { amount: 1.5, unit: 'calendar_days' },
      },
      thresholds: { yellow: 0.6, red: 0.9 },
      updatedAt: undefined,
      updatedBy: 'user:admin',
    });
    assert.deepEqual(
      (await hub.app.store.slaPolicies.history('urgent')).map((p) => [p.version, p.name, p.updatedBy]),
      [
        [2, '紧急件（新）', 'user:admin'],
        [1, '紧急件', 'system'],
      ],
    );
    // The edit page shows both versions, newest first.
    const edit = await admin.get(`${PAGE}/policies/urgent?lang=en`);
    assert.deepEqual(
      [...edit.body.matchAll(/<tr id='version-(\d+)'/g)].map((m) => m[1]),
      ['2', '1'],
    );
    const versions = rows(edit.body, 'version-');
    assert.deepEqual(versions['1']?.slice(2), [
      '紧急件 Order 20',
      'Priorities: urgent',
      'Sign: 2 working h | First answer: 4 working h | Resolve: 2 working days | Call back: 1 working day | Co-department opinion: 1 working day',
      'yellow at 50% used, red at 80%',
    ]);
    assert.deepEqual(await audits('save_sla_policy'), [{ actor: 'user:admin', fields: ['urgent@2'] }]);

    // Routing uses version 2 at once: the tables, and the routing page's test box.
    assert.equal(hub.app.routingService.tables().policies.find((p) => p.code === 'urgent')?.version, 2);
    await admin.get('/staff/admin/routing?lang=en');
    const tested = await admin.post('/staff/admin/routing?lang=en', {
      text: '路口井盖丢了',
      kind: 'complaint',
    });
    assert.equal(tested.statusCode, 200);
    assert.match(tested.body, /<p>SLA policy urgent \(v2\)<\/p>/);
  });

  it('creates a policy from the new-policy form; the code cannot be taken twice', async () => {
    const blank = await admin.get(`${PAGE}/new-policy?lang=en`);
    assert.equal(blank.statusCode, 200);
    assert.equal(hiddenValue(blank.body, 'version'), '0');
    assert.match(blank.body, /<input id='field-code' name='code' value=''/);
    assert.doesNotMatch(blank.body, /id='versions-table'/);
    const fields = policyFields({
      version: '0',
      code: 'water',
      name: '供水抢修',
      order: '15',
      categories: '供水, 停水、水压',
      kinds: 'complaint',
      signAmount: '0.5',
      signUnit: 'hours',
      completionAmount: '1',
      completionUnit: 'working_days',
      coOpinionAmount: '4',
      coOpinionUnit: 'working_hours',
      yellow: '50',
      red: '75',
    });
    const created = await admin.post(`${PAGE}/new-policy?lang=en`, fields);
    assert.equal(created.headers.location, `${PAGE}?done=created&code=water&version=1#policy-water`);
    const list = await follow(created);
    assert.equal(elementText(list.body, 'sla-done'), 'SLA policy water created (version 1).');
    assert.deepEqual(rows(list.body, 'policy-').water, [
      '15',
      '供水抢修 water Edit',
      'Categories: 供水、停水、水压 | Kinds: complaint',
      'Sign: 0.5 h | First answer: not timed | Resolve: 1 working day | Call back: not timed | Co-department opinion: 4 working h',
      'yellow at 50% used, red at 75%',
      'none',
      `v1 ${await changedAt('water')} · user:admin`,
    ]);
    const stored = await hub.app.store.slaPolicies.findByCode('water');
    assert.deepEqual(stored && { ...stored, updatedAt: undefined }, {
      code: 'water',
      name: '供水抢修',
      version: 1,
      order: 15,
      active: true,
      match: { categories: ['供水', '停水', '水压'], kinds: ['complaint'] },
      clocks: { sign: { amount: 0.5, unit: 'hours' }, completion: { amount: 1, unit: 'working_days' } },
      coOpinion: { amount: 4, unit: 'working_hours' },
      thresholds: { yellow: 0.5, red: 0.75 },
      updatedAt: undefined,
      updatedBy: 'user:admin',
    });
    assert.ok(hub.app.routingService.tables().policies.some((p) => p.code === 'water'));

    // The same code again: refused, nothing changed.
    const before = await policies();
    const again = await admin.post(`${PAGE}/new-policy?lang=en`, { ...fields, name: '另一个' });
    assert.equal(again.statusCode, 409);
    assert.equal(
      elementText(again.body, 'code-error'),
      'A policy with this code exists: choose another code, or edit that policy.',
    );
    assert.match(again.body, /<input id='field-name' name='name' value='另一个'/);
    const badCode = await admin.post(`${PAGE}/new-policy?lang=en`, { ...fields, code: 'no spaces' });
    assert.equal(badCode.statusCode, 400);
    assert.equal(
      elementText(badCode.body, 'code-error'),
      'Use letters, digits, - and _ only, 1 to 40 characters.',
    );
    assert.equal(await policies(), before);
    // A copy starts from another policy's values, without its code and name.
    const copy = await admin.get(`${PAGE}/new-policy?copy=water&lang=en`);
    assert.match(copy.body, /<input id='field-sign' name='signAmount' value='0.5'/);
    assert.match(copy.body, /<input id='field-code' name='code' value=''/);
  });

  it('refuses bad policy input with a message at the field, saving nothing', async () => {
    const before = await policies();
    const auditsBefore = await audits('save_sla_policy');
    await admin.get(`${PAGE}/policies/default?lang=en`);
    const base = policyFields({ version: '1', name: '一般件', order: '1000', completionAmount: '5' });
    const cases: [Record<string, string>, string, string][] = [
      [{ signAmount: '-1' }, 'sign-error', 'A limit is a number above 0 and at most 10000, with a unit.'],
      [
        { completionAmount: 'abc' },
        'completion-error',
        'A limit is a number above 0 and at most 10000, with a unit.',
      ],
      [
        { completionAmount: '0' },
        'completion-error',
        'A limit is a number above 0 and at most 10000, with a unit.',
      ],
      [
        { yellow: '120' },
        'yellow-error',
        'A warning is a percentage between 1 and 99 (below the limit itself).',
      ],
      [{ red: '100' }, 'red-error', 'A warning is a percentage between 1 and 99 (below the limit itself).'],
      [{ yellow: '80', red: '50' }, 'red-error', 'The red warning must come after the yellow one.'],
      [
        { completionAmount: '' },
        'clocks-error',
        'Set at least one limit (sign, first answer, resolve or call back).',
      ],
      [{ name: '  ' }, 'name-error', 'Type a name (at most 100 characters).'],
      [{ order: '-3' }, 'order-error', 'The order is a whole number, 0 or more.'],
    ];
    for (const [change, id, message] of cases) {
      const response = await admin.post(`${PAGE}/policies/default?lang=en`, { ...base, ...change });
      assert.equal(response.statusCode, 400, JSON.stringify(change));
      assert.equal(elementText(response.body, id), message, JSON.stringify(change));
      assert.match(response.body, /<div class='problem' role='alert' id='policy-problems'>/);
    }
    // What was typed stays, the refused field marked.
    const typed = await admin.post(`${PAGE}/policies/default?lang=en`, { ...base, signAmount: '-1' });
    assert.match(
      typed.body,
      /<input id='field-sign' name='signAmount' value='-1' [^>]*aria-invalid='true' \/>/,
    );
    assert.equal(await policies(), before);
    assert.deepEqual(await audits('save_sla_policy'), auditsBefore);
    assert.equal(hub.app.routingService.tables().policies.find((p) => p.code === 'default')?.version, 1);
  });

  it('refuses a save over a version someone else saved meanwhile, keeping what was typed', async () => {
    const page = await admin.get(`${PAGE}/policies/consultation?lang=en`);
    assert.equal(hiddenValue(page.body, 'version'), '1');
    // Another admin saves version 2 through the API, with the version they edited.
    const other = await hub.request({
      method: 'PUT',
      url: '/api/v1/sla/policies/consultation',
      payload: {
        version: 1,
        name: '咨询件',
        order: 30,
        match: { kinds: ['consultation'] },
        clocks: { completion: { amount: 4, unit: 'working_days' } },
        thresholds: { yellow: 0.5, red: 0.8 },
      },
    });
    assert.equal(other.statusCode, 200, other.body);
    assert.equal(other.json<{ version: number }>().version, 2);
    const before = await policies();
    const mine = policyFields({
      version: '1',
      name: '咨询件（我的）',
      order: '30',
      kinds: 'consultation',
      completionAmount: '2',
    });
    const stale = await admin.post(`${PAGE}/policies/consultation?lang=en`, mine);
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'policy-conflict'),
      `Not saved: this policy was changed meanwhile to version 2 (${await changedAt('consultation')} · bootstrap-token). What you typed is kept below; check it against the current version before saving — saving makes a new version.`,
    );
    assert.match(stale.body, /<input id='field-name' name='name' value='咨询件（我的）'/);
    assert.equal(hiddenValue(stale.body, 'version'), '2');
    assert.equal(await policies(), before);
    // Saving again, now over version 2, is a choice made knowingly.
    const again = await admin.post(`${PAGE}/policies/consultation?lang=en`, { ...mine, version: '2' });
    assert.equal(
      again.headers.location,
      `${PAGE}?done=saved&code=consultation&version=3#policy-consultation`,
    );
    assert.equal((await hub.app.store.slaPolicies.findByCode('consultation'))?.name, '咨询件（我的）');
  });

  it('the API checks the version too: stale → 409, 0 over an existing policy → 409, none → saved as before', async () => {
    const body = {
      name: '一般件',
      order: 1000,
      match: {},
      clocks: { completion: { amount: 5, unit: 'working_days' } },
      thresholds: { yellow: 0.5, red: 0.8 },
    };
    const put = (payload: object) =>
      hub.request({ method: 'PUT', url: '/api/v1/sla/policies/default', payload });
    const stale = await put({ ...body, version: 7 });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<{ code: string }>().code, 'HUB_ERR_VERSION_CONFLICT');
    const taken = await put({ ...body, version: 0 });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json<{ code: string }>().code, 'HUB_ERR_ALREADY_EXISTS');
    assert.equal((await hub.app.store.slaPolicies.findByCode('default'))?.version, 1);
    const unguarded = await put(body);
    assert.equal(unguarded.statusCode, 200);
    assert.equal(unguarded.json<{ version: number }>().version, 2);

    const year = { source: '测试', holidays: [], makeupWorkdays: [] };
    const stale2033 = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2033',
      payload: { ...year, version: 1 },
    });
    assert.equal(stale2033.statusCode, 409);
    const new2033 = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2033',
      payload: { ...year, version: 0 },
    });
    assert.equal(new2033.statusCode, 200, new2033.body);
    assert.equal(new2033.json<{ version: number }>().version, 1);
    const again2033 = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2033',
      payload: { ...year, version: 0 },
    });
    assert.equal(again2033.json<{ code: string }>().code, 'HUB_ERR_ALREADY_EXISTS');
    const listed = await hub.request({ method: 'GET', url: '/api/v1/calendar' });
    assert.deepEqual(
      listed.json<{ year: number; version: number }[]>().map((y) => [y.year, y.version]),
      [
        [2025, 1],
        [2026, 1],
        [2033, 1],
      ],
    );
    await hub.app.store.calendar.model.deleteOne({ _id: 2033 });
    await hub.app.routingService.changed();
  });

  it('enters a year from text lines: ranges and one-day lines joined, the grid and the SLA clock use it at once', async () => {
    const auditsBefore = await audits('save_calendar');
    const empty = await admin.get(`${PAGE}/calendar/2027?lang=en`);
    assert.equal(empty.statusCode, 200);
    assert.equal(
      elementText(empty.body, 'year-not-covered'),
      '2027 is not entered: in that year the SLA clock knows only weekends and takes holidays for working days. Enter it from that year’s notice.',
    );
    assert.equal(hiddenValue(empty.body, 'version'), '0');
    assert.deepEqual(month(empty.body, 10)[0], ['', '', '', '', '1', '2', '3']);
    assert.equal([...empty.body.matchAll(/data-kind='(holiday|makeup_workday)'/g)].length, 0);

    const saved = await admin.post(`${PAGE}/calendar/2027?lang=en`, {
      version: '0',
      source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
      holidays:
        '2027-01-01 元旦\r\n\r\n2027-10-01 国庆节\r\n2027-10-02 国庆节\r\n2027-10-03～2027-10-05 国庆节\r\n',
      makeupWorkdays: '2027-10-09\r\n',
    });
    assert.equal(saved.headers.location, `${PAGE}/calendar/2027?done=saved&version=1`);
    const page = await follow(saved);
    assert.equal(
      elementText(page.body, 'sla-done'),
      'The 2027 holidays are saved (version 1); SLA clocks count with them.',
    );
    assert.deepEqual(month(page.body, 10), [
      ['', '', '', '', '1 off', '2 off', '3 off'],
      ['4 off', '5 off', '6', '7', '8', '9 work', '10'],
      ['11', '12', '13', '14', '15', '16', '17'],
      ['18', '19', '20', '21', '22', '23', '24'],
      ['25', '26', '27', '28', '29', '30', '31'],
    ]);
    const stored = await hub.app.store.calendar.find(2027);
    assert.deepEqual(stored && { ...stored, updatedAt: undefined }, {
      year: 2027,
      version: 1,
      source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
      holidays: [
        { name: '元旦', from: '2027-01-01', to: '2027-01-01' },
        { name: '国庆节', from: '2027-10-01', to: '2027-10-05' },
      ],
      makeupWorkdays: ['2027-10-09'],
      updatedAt: undefined,
      updatedBy: 'user:admin',
    });
    assert.deepEqual(await audits('save_calendar'), [
      { actor: 'user:admin', fields: ['2027'] },
      ...auditsBefore,
    ]);
    const days = await hub.request({
      method: 'GET',
      url: '/api/v1/calendar/days?from=2027-10-08&to=2027-10-09',
    });
    assert.deepEqual(days.json(), {
      covered: true,
      days: [
        { date: '2027-10-08', kind: 'workday', working: true },
        { date: '2027-10-09', kind: 'makeup_workday', working: true },
      ],
    });
    const list = await admin.get(`${PAGE}?lang=en`);
    assert.doesNotMatch(list.body, /data-missing-year='2027'/);
    assert.equal(rows(list.body, 'year-')['2027']?.[1], '2 periods, 6 days');
  });

  it('refuses bad calendar lines, naming each line, and changes nothing', async () => {
    const before = await years();
    const auditsBefore = await audits('save_calendar');
    await admin.get(`${PAGE}/calendar/2026?lang=en`);
    const response = await admin.post(`${PAGE}/calendar/2026?lang=en`, {
      version: '1',
      source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
      holidays: [
        '2026-01-01~2026-01-03 元旦',
        '国庆节 2026-10-01',
        '2025-12-31 跨年',
        '2026-10-01~2026-10-07 国庆节',
        '2026-10-05 重阳',
        '2026-02-30 二月三十',
        '2026-05-05~2026-05-01 劳动节',
        '2026-06-19',
      ].join('\n'),
      makeupWorkdays: ['2026-10-03', '2026-10-12', '2026-10-10', '2026-10-10', '10月10日'].join('\n'),
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorLines(response.body, 'holidays-errors'), [
      'Line 2: cannot read "国庆节 2026-10-01": write "2026-10-01 国庆节" or "2026-10-01~2026-10-07 国庆节".',
      'Line 3: 2025-12-31 is not a date of 2026.',
      'Line 5: 2026-10-05~2026-10-05 overlaps a holiday above.',
      'Line 6: 2026-02-30 is not a date of 2026.',
      'Line 7: the last day 2026-05-01 must be a date of 2026 not before the first day 2026-05-05.',
      'Line 8: write the holiday’s name after the date.',
    ]);
    assert.deepEqual(errorLines(response.body, 'makeups-errors'), [
      'Line 1: 2026-10-03 is a holiday (国庆节) and cannot also be a make-up workday.',
      'Line 2: 2026-10-12 is a weekday: it needs no make-up.',
      'Line 4: 2026-10-10 is listed twice.',
      'Line 5: cannot read "10月10日": one date a line, e.g. 2026-10-10.',
    ]);
    assert.match(
      response.body,
      /<textarea id='year-holidays' name='holidays' rows='12' aria-describedby='format-hint holidays-errors' aria-invalid='true'>\n2026-01-01~2026-01-03 元旦\n国庆节 2026-10-01/,
    );
    // The grid still shows the year as saved.
    assert.equal([...response.body.matchAll(/data-kind='holiday'/g)].length, 33);

    const noSource = await admin.post(`${PAGE}/calendar/2026?lang=en`, {
      version: '1',
      source: ' ',
      holidays: '2026-01-01 元旦',
      makeupWorkdays: '',
    });
    assert.equal(noSource.statusCode, 400);
    assert.deepEqual(errorLines(noSource.body, 'source-errors'), [
      'Type the source (the notice’s title, at most 300 characters).',
    ]);
    assert.equal(await years(), before);
    assert.deepEqual(await audits('save_calendar'), auditsBefore);
    assert.equal(hub.app.routingService.tables().calendar.holidays.get('2026-10-05'), '国庆节');
  });

  it('refuses a calendar save over a version saved meanwhile, and a new year that exists already', async () => {
    const page = await admin.get(`${PAGE}/calendar/2027?lang=en`);
    assert.equal(hiddenValue(page.body, 'version'), '1');
    const other = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      payload: {
        version: 1,
        source: '另一位管理员',
        holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
        makeupWorkdays: [],
      },
    });
    assert.equal(other.statusCode, 200, other.body);
    const before = await years();
    const stale = await admin.post(`${PAGE}/calendar/2027?lang=en`, {
      version: '1',
      source: '我的',
      holidays: '2027-01-01 元旦',
      makeupWorkdays: '',
    });
    assert.equal(stale.statusCode, 409);
    const at = localMinute(
      (await hub.app.store.calendar.find(2027))?.updatedAt ?? new Date(0),
      hub.config.timezone,
    );
    assert.equal(
      elementText(stale.body, 'year-conflict'),
      `Not saved: the 2027 calendar was changed meanwhile to version 2 (${at} · bootstrap-token). What you typed is kept below and the months above show the current version; saving makes a new version.`,
    );
    assert.equal(hiddenValue(stale.body, 'version'), '2');
    assert.match(stale.body, /<input id='year-source' name='source' value='我的'/);
    assert.equal(await years(), before);

    const create = await admin.post(`${PAGE}/calendar/2026?lang=en`, {
      version: '0',
      source: 'x',
      holidays: '',
      makeupWorkdays: '',
    });
    assert.equal(create.statusCode, 409);
    assert.equal(await years(), before);
  });

  it('a clerk gets the 403 page and cannot post; a form without its CSRF token is refused', async () => {
    for (const url of [PAGE, `${PAGE}/policies/default`, `${PAGE}/new-policy`, `${PAGE}/calendar/2026`]) {
      const response = await clerk.get(`${url}?lang=en`);
      assert.equal(response.statusCode, 403, url);
      assert.match(response.body, /Your role may not open this page./, url);
    }
    const before = [await policies(), await years()];
    const clerkPost = await clerk.post(
      `${PAGE}/policies/default`,
      policyFields({ version: '2', name: 'x', completionAmount: '1' }),
    );
    assert.equal(clerkPost.statusCode, 403);
    const clerkYear = await clerk.post(`${PAGE}/calendar/2026`, {
      version: '1',
      source: 'x',
      holidays: '',
      makeupWorkdays: '',
    });
    assert.equal(clerkYear.statusCode, 403);

    await admin.get(`${PAGE}/policies/default`);
    const fields = policyFields({ version: '2', name: '一般件', completionAmount: '1' });
    const noToken = await admin.post(`${PAGE}/policies/default?lang=en`, fields, { csrf: null });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /This form has expired or did not come from this site./);
    const forged = await admin.post(
      `${PAGE}/new-policy`,
      { ...fields, version: '0', code: 'forged' },
      { csrf: 'forged' },
    );
    assert.equal(forged.statusCode, 403);
    const noTokenYear = await admin.post(
      `${PAGE}/calendar/2026`,
      { version: '1', source: 'x', holidays: '', makeupWorkdays: '' },
      { csrf: null },
    );
    assert.equal(noTokenYear.statusCode, 403);
    assert.deepEqual([await policies(), await years()], before);
  });
});
