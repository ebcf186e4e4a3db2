import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { DEMO_DEPARTMENTS, DEMO_RULES } from '../../src/seed-data.js';
import { issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { elementText, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const LIST = '/staff/admin/departments';

/** A complete form as the page posts it (the checkbox `active` only when ticked). */
type Form = {
  code?: string;
  name: string;
  nameEn: string;
  phones: string;
  email: string;
  parent: string;
  regionCodes: string;
  workingHours: string;
  active?: string;
  version?: string;
};

const WSJ: Form = {
  code: 'WSJ',
  name: '市外事办公室',
  nameEn: 'Foreign Affairs Office',
  phones: '0311-8668 1020\n１３８００１３８０００\n12345',
  email: ' WSJ@Demo.Gov.CN ',
  parent: '',
  regionCodes: '1301, 130102',
  workingHours: '9:00-12:00\n13:30～17:30',
  active: 'on',
};

interface ErrorJson {
  code: string;
  details?: { problems?: { path: string; message: string }[] };
}

describe('admin page: departments', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;
  let ipCount = 0;
  const ip = () => `198.51.100.${String(120 + ipCount++)}`;

  /** Everything a refused save must leave as it was. */
  const dump = async () =>
    JSON.stringify([
      await hub.app.store.departments.list(),
      await hub.app.store.audit.search({ action: 'save_department' }, { limit: 100 }),
    ]);

  /** The edit form of a department, then its fields posted with `changes` (its version kept). */
  async function postEdit(
    code: string,
    changes: Partial<Form>,
    lang = 'en',
  ): Promise<LightMyRequestResponse> {
    const page = await admin.get(`${LIST}/${code}/edit?lang=${lang}`);
    assert.equal(page.statusCode, 200, page.body);
    const stored = await hub.app.store.departments.find(code);
    assert.ok(stored);
    const form: Form = {
      name: stored.name,
      nameEn: stored.nameEn ?? '',
      phones: stored.phones.join('\n'),
      email: stored.email ?? '',
      parent: stored.parent ?? '',
      regionCodes: stored.regionCodes.join(' '),
      workingHours: stored.workingHours.map((h) => `${h.from}-${h.to}`).join('\n'),
      ...(stored.active ? { active: 'on' } : {}),
      version: String(stored.version),
      ...changes,
    };
    return admin.post(`${LIST}/${code}`, toFields(form));
  }

  function toFields(form: Record<string, string | undefined>): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(form)) if (value !== undefined) fields[name] = value;
    return fields;
  }

  const row = (html: string, code: string) =>
    new RegExp(`<tr id='department-${code}'[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
  /** A row's cells as text: each `<div>` line after a `|`. */
  const cells = (html: string) =>
    [...html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
      unescapeHtml((m[1] ?? '').replace(/<div[^>]*>/g, ' | ').replace(/<[^>]+>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim(),
    );

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    for (const rule of DEMO_RULES)
      await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('lists every seeded department with its fields and the open tickets each has', async () => {
    const ticket = await openTicket(hub, { body: '我的社保卡丢了，怎么补办？' });
    assert.equal(ticket.leadDepartment, 'RSJ');
    const page = await admin.get(`${LIST}?lang=en`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Departments<\/h1>/);
    assert.equal(
      elementText(page.body, 'departments-count'),
      `${String(DEMO_DEPARTMENTS.length)} departments, ${String(DEMO_DEPARTMENTS.length)} of them active.`,
    );
    const codes = [...page.body.matchAll(/<tr id='department-([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(codes, DEMO_DEPARTMENTS.map((d) => d.code).sort());
    for (const d of DEMO_DEPARTMENTS) {
      assert.deepEqual(cells(row(page.body, d.code) ?? ''), [
        d.code,
        `${d.name} ${d.nameEn ?? ''}`.trim(),
        d.phones.map((p) => `| ${p}`).join(' '),
        d.email ?? '',
        '',
        d.regionCodes.join(' '),
        '| 09:00-12:00 | 13:30-17:30',
        'Active',
        d.code === 'RSJ' ? '1' : '0',
        'Edit',
      ]);
    }
    assert.match(row(page.body, 'RSJ') ?? '', /<a href='\/staff\/admin\/departments\/RSJ\/edit'/);
    const zh = await admin.get(`${LIST}?lang=zh-CN`);
    assert.match(zh.body, /<h1>部门管理<\/h1>/);
    assert.match(zh.body, /<th scope='col'>未办结工单<\/th>/);
    assert.deepEqual(missingStaffTranslations(), []);
  });

  it('creates a department: listed, audited, and routing can send tickets to it at once', async () => {
    const rule = {
      id: 'foreign',
      name: '外事 → 外事办',
      order: 5,
      conditions: { keywords: { any: ['签证', '护照'] } },
      actions: { leadDepartment: 'WSJ' },
    };
    const early = await hub.request({ method: 'POST', url: '/api/v1/routing/rules', payload: rule });
    assert.equal(early.statusCode, 400, 'no rule may name a department that does not exist yet');

    const form = await admin.get(`${LIST}/new?lang=en`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<input id='department-code' name='code'/);
    const created = await admin.post(LIST, toFields(WSJ));
    assert.equal(created.statusCode, 303, created.body);
    assert.equal(created.headers.location, `${LIST}?done=created&code=WSJ`);

    const stored = await hub.app.store.departments.find('WSJ');
    assert.deepEqual(stored, {
      code: 'WSJ',
      name: '市外事办公室',
      nameEn: 'Foreign Affairs Office',
      phones: ['0311-8668 1020', '13800138000', '12345'],
      email: 'wsj@demo.gov.cn',
      regionCodes: ['1301', '130102'],
      workingHours: [
        { from: '09:00', to: '12:00' },
        { from: '13:30', to: '17:30' },
      ],
      active: true,
      version: 1,
    });
    const list = await admin.get(`${LIST}?done=created&code=WSJ&lang=en`);
    assert.equal(
      elementText(list.body, 'departments-done'),
      'Department Foreign Affairs Office (WSJ) created.',
    );
    assert.deepEqual(cells(row(list.body, 'WSJ') ?? '').slice(0, 4), [
      'WSJ',
      '市外事办公室 Foreign Affairs Office',
      '| 0311-8668 1020 | 13800138000 | 12345',
      'wsj@demo.gov.cn',
    ]);

    const audit = await hub.app.store.audit.search({ action: 'save_department' }, { limit: 10 });
    assert.deepEqual(
      audit.items.map((e) => [e.actor.id, e.fields]),
      [['user:admin', ['WSJ']]],
    );

    const named = await hub.request({ method: 'POST', url: '/api/v1/routing/rules', payload: rule });
    assert.equal(named.statusCode, 201, named.body);
    const dry = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/dry-run',
      payload: { text: '护照过期了怎么办' },
    });
    assert.equal(dry.json<{ routeTo: { leadDepartment: string } }>().routeTo.leadDepartment, 'WSJ');
  });

  it('edits a department: the code stays, a stale form is told and saves nothing', async () => {
    const saved = await postEdit('WSJ', {
      name: '市人民政府外事办公室',
      code: 'HACK',
      regionCodes: '130102',
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, `${LIST}?done=saved&code=WSJ`);
    const stored = await hub.app.store.departments.find('WSJ');
    assert.ok(stored);
    assert.equal(stored.name, '市人民政府外事办公室');
    assert.deepEqual(stored.regionCodes, ['130102']);
    assert.equal(stored.version, 2);
    assert.equal(await hub.app.store.departments.find('HACK'), undefined);

    const edit = await admin.get(`${LIST}/WSJ/edit?lang=en`);
    assert.match(edit.body, /<input id='department-code' value='WSJ' readonly aria-readonly='true' \/>/);
    assert.match(edit.body, /<input type='hidden' name='version' value='2' \/>/);

    const before = await dump();
    const stale = await admin.post(`${LIST}/WSJ`, {
      ...toFields({ ...WSJ, code: undefined }),
      name: 'Old form',
      version: '1',
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      unescapeHtml(elementText(stale.body, 'department-conflict') ?? '').trim(),
      'Someone else changed this department while you were editing (it is now version 2); your changes were not saved. What you typed is still below.',
    );
    assert.match(stale.body, /<input id='department-name' name='name' value='Old form'/);
    assert.equal(await dump(), before);

    const missing = await admin.get(`${LIST}/NOPE/edit`);
    assert.equal(missing.statusCode, 404);
  });

  it('refuses each bad input with its message, on create and edit, and changes nothing', async () => {
    const createCases: [Partial<Form>, string, string][] = [
      [{ code: '' }, 'code', 'Type a department code.'],
      [{ code: 'bad code!' }, 'code', 'A code has letters, digits, - and _ only, at most 40.'],
      [{ code: 'RSJ' }, 'code', 'The code RSJ is already used.'],
      [{ code: 'NEW1', name: '  ' }, 'name', 'Type the department’s name.'],
      [{ code: 'NEW1', phones: '0311-8668\nabc' }, 'phones', '“abc” is not a phone number.'],
      [{ code: 'NEW1', email: 'not-an-address' }, 'email', '“not-an-address” is not an email address.'],
      [
        { code: 'NEW1', regionCodes: '1301 13a1' },
        'regionCodes',
        '“13a1” is not a region code (2 to 12 digits only).',
      ],
      [{ code: 'NEW1', parent: 'NOPE' }, 'parent', 'There is no department NOPE.'],
      [{ code: 'NEW1', parent: 'NEW1' }, 'parent', 'A department cannot be its own parent.'],
      [{ code: 'NEW1', workingHours: '' }, 'workingHours', 'Give at least one interval of working hours.'],
      [{ code: 'NEW1', workingHours: '9 to 12' }, 'workingHours', '“9 to 12” is not like 09:00-12:00.'],
      [
        { code: 'NEW1', workingHours: '12:00-09:00' },
        'workingHours',
        '“12:00-09:00”: the end must be after the start.',
      ],
      [
        { code: 'NEW1', workingHours: '09:00-12:00\n11:00-13:00' },
        'workingHours',
        '“11:00-13:00” overlaps the interval before it or comes before it: give the intervals in order, not overlapping.',
      ],
    ];
    const before = await dump();
    await admin.get(`${LIST}/new?lang=en`);
    for (const [changes, field, message] of createCases) {
      const response = await admin.post(LIST, toFields({ ...WSJ, ...changes }));
      assert.equal(response.statusCode, 400, `${JSON.stringify(changes)}: ${response.body.slice(0, 300)}`);
      assert.equal(
        unescapeHtml(elementText(response.body, `${field}-error`) ?? ''),
        message,
        JSON.stringify(changes),
      );
      assert.match(response.body, /<p class='problem' role='alert' id='department-problems'>/);
      const tag = new RegExp(`<(?:input|textarea|select) id='department-${field}'[^>]*>`).exec(
        response.body,
      )?.[0];
      assert.match(tag ?? '', /aria-invalid='true'/);
      assert.match(tag ?? '', new RegExp(`aria-describedby='[^']*${field}-error'`));
    }
    // Two problems at once: both fields are marked.
    const both = await admin.post(LIST, toFields({ ...WSJ, code: 'NEW1', name: '', email: 'x@' }));
    assert.equal(both.statusCode, 400);
    assert.ok(elementText(both.body, 'name-error'));
    assert.ok(elementText(both.body, 'email-error'));
    assert.equal(await dump(), before);

    // A parent that would close a loop: RSJ under WSJ is fine, then WSJ under RSJ is not.
    assert.equal((await postEdit('RSJ', { parent: 'WSJ' })).statusCode, 303);
    const afterParent = await dump();
    const cycle = await postEdit('WSJ', { parent: 'RSJ' });
    assert.equal(cycle.statusCode, 400);
    assert.equal(
      unescapeHtml(elementText(cycle.body, 'parent-error') ?? ''),
      'This would make a cycle: WSJ → RSJ → WSJ.',
    );
    const self = await postEdit('WSJ', { parent: 'WSJ' });
    assert.equal(
      unescapeHtml(elementText(self.body, 'parent-error') ?? ''),
      'A department cannot be its own parent.',
    );
    const zh = await postEdit('WSJ', { phones: '12-34' }, 'zh-CN');
    assert.equal(zh.statusCode, 400);
    assert.equal(unescapeHtml(elementText(zh.body, 'phones-error') ?? ''), '“12-34”不是有效的电话号码。');
    assert.equal(await dump(), afterParent);
    assert.equal((await postEdit('RSJ', { parent: '' })).statusCode, 303);
  });

  it('refuses to disable a department an enabled rule sends tickets to, naming the rules', async () => {
    const before = await dump();
    const lead = await postEdit('RSJ', { active: undefined });
    assert.equal(lead.statusCode, 400);
    assert.equal(
      unescapeHtml(elementText(lead.body, 'active-error') ?? ''),
      'Cannot disable: enabled routing rules still send tickets here: 社保、养老金、工资拖欠 → 人社局 (social-insurance). Change or disable those rules first.',
    );
    const co = await postEdit('MZJ', { active: undefined });
    assert.equal(co.statusCode, 400);
    assert.match(
      unescapeHtml(elementText(co.body, 'active-error') ?? ''),
      /惠农补贴 → 农业农村局（民政局会办） \(subsidy-farm\), 低保、五保、医疗救助 → 民政局 \(welfare\)/,
    );
    // The edit page says so before anyone tries.
    const page = await admin.get(`${LIST}/GAJ/edit?lang=en`);
    assert.match(unescapeHtml(elementText(page.body, 'department-routed') ?? ''), /\(noise-night\)/);
    assert.equal(await dump(), before);
  });

  it('disables a department with open tickets once no rule sends to it: they stay, the list says how many', async () => {
    const ticket = await openTicket(hub, { body: '护照丢了需要补办' });
    assert.equal(ticket.leadDepartment, 'WSJ');
    const edit = await admin.get(`${LIST}/WSJ/edit?lang=en`);
    assert.equal(
      elementText(edit.body, 'department-open'),
      'This department has 1 open tickets. If it is disabled they stay with it and are handled there; they are not moved.',
    );
    const rule = (await hub.request({ method: 'GET', url: '/api/v1/routing/rules/foreign' })).json<
      Record<string, unknown> & { version: number }
    >();
    const { id: _id, updatedAt: _at, updatedBy: _by, ...fields } = rule;
    const off = await hub.request({
      method: 'PUT',
      url: '/api/v1/routing/rules/foreign',
      payload: { ...fields, enabled: false },
    });
    assert.equal(off.statusCode, 200, off.body);

    const disabled = await postEdit('WSJ', { active: undefined });
    assert.equal(disabled.statusCode, 303, disabled.body);
    assert.equal((await hub.app.store.departments.find('WSJ'))?.active, false);
    const list = await admin.get(`${LIST}?done=saved&code=WSJ&lang=en`);
    assert.equal(
      elementText(list.body, 'departments-kept'),
      'Foreign Affairs Office (WSJ) is disabled and still has 1 open tickets: they stay with it and are handled there; they are not moved.',
    );
    assert.match(
      row(list.body, 'WSJ') ?? '',
      /<td class='nowrap'>Disabled<\/td>\s*<td class='number' data-open='1'>1<\/td>/,
    );
    assert.match(list.body, /<tr id='department-WSJ' class='off'>/);
    const kept = await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}` });
    assert.equal(kept.json<{ leadDepartment: string }>().leadDepartment, 'WSJ');
    // Routing knows at once: a rule may no longer name it.
    const renamed = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: {
        name: 'x',
        order: 1,
        conditions: { keywords: { any: ['签证'] } },
        actions: { leadDepartment: 'WSJ' },
      },
    });
    assert.equal(renamed.statusCode, 400);
  });

  it('shows text from users as text', async () => {
    assert.equal((await postEdit('WJW', { name: '<script>alert(1)</script>卫健委' })).statusCode, 303);
    const list = await admin.get(LIST);
    assert.doesNotMatch(list.body, /<script>alert/);
    assert.match(list.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;卫健委/);
    const edit = await admin.get(`${LIST}/WJW/edit`);
    assert.doesNotMatch(edit.body, /<script>alert/);
    assert.match(edit.body, /value='&lt;script&gt;alert\(1\)&lt;\/script&gt;卫健委'/);
  });

  it('is for admins only, and every form needs its CSRF token', async () => {
    const before = await dump();
    for (const url of [LIST, `${LIST}/new`, `${LIST}/RSJ/edit`]) {
      const page = await clerk.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.doesNotMatch(page.body, /department-form|id='departments'/);
    }
    await clerk.get('/staff/desk');
    const post = await clerk.post(`${LIST}/RSJ`, { name: 'x', workingHours: '09:00-12:00', version: '1' });
    assert.equal(post.statusCode, 403);
    await admin.get(`${LIST}/new`);
    const noToken = await admin.post(LIST, toFields({ ...WSJ, code: 'CSRF1' }), { csrf: null });
    assert.equal(noToken.statusCode, 403);
    const forged = await admin.post(LIST, toFields({ ...WSJ, code: 'CSRF1' }), { csrf: 'forged' });
    assert.equal(forged.statusCode, 403);
    assert.equal(await dump(), before);
  });

  it('PUT /api/v1/departments/:code creates and replaces with the same checks; GET lists versions', async () => {
    const url = '/api/v1/departments/SWJ';
    const body = {
      name: '市税务局',
      nameEn: 'Tax Bureau',
      phones: ['12366'],
      email: 'swj@demo.gov.cn',
      parent: 'SPJ',
      regionCodes: ['1301'],
      workingHours: [{ from: '08:30', to: '17:00' }],
    };
    const created = await hub.request({ method: 'PUT', url, payload: body });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { code: 'SWJ', ...body, active: true, version: 1, openTickets: 0 });
    const replaced = await hub.request({
      method: 'PUT',
      url,
      payload: { ...body, name: '国家税务总局市税务局', version: 1 },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.equal(replaced.json<{ version: number }>().version, 2);
    const stale = await hub.request({ method: 'PUT', url, payload: { ...body, version: 1 } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<ErrorJson>().code, 'HUB_ERR_VERSION_CONFLICT');
    const again = await hub.request({ method: 'PUT', url, payload: { ...body, version: 0 } });
    assert.equal(again.json<ErrorJson>().code, 'HUB_ERR_ALREADY_EXISTS');

    const before = await dump();
    const bad = await hub.request({
      method: 'PUT',
      url,
      payload: {
        ...body,
        name: ' ',
        phones: ['12366', 'call me'],
        email: 'nope',
        parent: 'SWJ',
        regionCodes: ['13x'],
        workingHours: [
          { from: '09:00', to: '12:00' },
          { from: '11:00', to: '13:00' },
        ],
      },
    });
    assert.equal(bad.statusCode, 400);
    const error = bad.json<ErrorJson>();
    assert.equal(error.code, 'HUB_ERR_VALIDATION');
    assert.deepEqual(error.details?.problems, [
      { path: '/name', message: 'a department needs a name' },
      { path: '/phones/1', message: 'call me is not a phone number' },
      { path: '/email', message: 'nope is not an email address' },
      { path: '/parent', message: 'a department cannot be its own parent' },
      { path: '/regionCodes/0', message: '13x is not 2 to 12 digits' },
      { path: '/workingHours/1/from', message: 'intervals must be ordered and not overlap' },
    ]);
    const routed = await hub.request({
      method: 'PUT',
      url: '/api/v1/departments/STJ',
      payload: { ...body, active: false },
    });
    assert.equal(routed.statusCode, 400);
    assert.deepEqual(
      routed.json<ErrorJson>().details?.problems?.map((p) => p.path),
      ['/active'],
    );
    assert.match(
      routed.json<ErrorJson>().details?.problems?.[0]?.message ?? '',
      /\(noise-night\), .*\(noise\)/,
    );
    assert.equal(await dump(), before);

    const operator = await issueToken(hub, 'operator');
    const denied = await hub.request({ method: 'PUT', url, payload: body, token: operator });
    assert.equal(denied.statusCode, 403);
    const list = await hub.request({ method: 'GET', url: '/api/v1/departments', token: operator });
    assert.equal(list.statusCode, 200);
    const swj = list.json<{ code: string; name: string; version: number }[]>().find((d) => d.code === 'SWJ');
    assert.deepEqual([swj?.name, swj?.version], ['国家税务总局市税务局', 2]);
    const audit = await hub.app.store.audit.search({ action: 'save_department' }, { limit: 1 });
    assert.deepEqual(
      audit.items.map((e) => [e.fields, e.actor.role]),
      [[['SWJ'], 'admin']],
    );
  });
});
