import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import type { DirectoryEntry } from '../../src/store/directory-entries.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { elementText, hiddenValue, inputTag, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const PAGE = '/staff/admin/directory';

/** The water company as the create form sends it. */
const WATER = {
  name: '市自来水公司',
  nameEn: 'City Water Supply Company',
  phones: '0311-96595\n０３１１－８７０１ ２３４５',
  hours: '24 小时',
  note: '先问清停水片区\n再报抢修',
  aliases: '自来水、停水, 水管爆裂',
  category: 'utility',
  active: 'on',
};

let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

/** An entry without its save time (the rest is exact). */
function withoutTime(entry: DirectoryEntry | undefined): Omit<DirectoryEntry, 'updatedAt'> | undefined {
  if (!entry) return undefined;
  const { updatedAt: _at, ...rest } = entry;
  return rest;
}

describe('admin page: directory entries (查号) and the console’s search over them', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;
  let operator: WebVisitor;
  let waterId = '';

  const dump = async () => JSON.stringify(await hub.app.store.directoryEntries.list());
  const audits = async (action: string) =>
    (await hub.app.store.audit.search({ action }, { limit: 50 })).items;
  const entryId = (location: string | undefined, done: string) => {
    const id = new RegExp(`^/staff/admin/directory\\?done=${done}&entry=([A-Za-z0-9_-]+)$`).exec(
      location ?? '',
    )?.[1];
    assert.ok(id, `redirect ${String(location)}`);
    return id;
  };
  /** The console's answer: department codes and entry ids, in order. */
  const lookUp = async (q: string) => {
    const page = await operator.get(`/staff/console/directory?q=${encodeURIComponent(q)}`);
    assert.equal(page.statusCode, 200);
    return {
      codes: [...page.body.matchAll(/<tr data-code='([^']+)'>/g)].map((m) => m[1]),
      entries: [...page.body.matchAll(/<tr data-entry='([^']+)'/g)].map((m) => m[1]),
      html: page.body,
    };
  };

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    await makeStaffUser(hub, 'op1', 'operator');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
    operator = await signIn(hub, 'op1', 'op1-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('starts empty: the create form with its CSRF field and every category; words in both languages', async () => {
    const page = await admin.get(PAGE);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`<p id='entries-none'>还没有条目：话务台查号只列出部门。</p>`));
    assert.match(
      page.body,
      /<form method='post' action='\/staff\/admin\/directory#create' class='grid' id='entry-form'>\s*<input type='hidden' name='_csrf' value='[^']+' \/>/,
    );
    const options = [...page.body.matchAll(/<option value='(\w*)' ?(selected)?>([^<]+)<\/option>/g)];
    assert.deepEqual(
      options.map(([, value, , label]) => [value, label]),
      [
        ['', '请选择'],
        ['utility', '公用事业'],
        ['emergency', '紧急求助'],
        ['medical', '医疗卫生'],
        ['government', '政府机构'],
        ['other', '其他'],
      ],
    );
    assert.match(page.body, /<input type='checkbox' name='active' id='entry-active' checked \/>/);
    const en = await admin.get(`${PAGE}?lang=en`);
    assert.ok(
      en.body.includes(
        `<p id='entries-none'>No entries yet: the console’s directory lists the departments only.</p>`,
      ),
    );
    assert.deepEqual(missingStaffTranslations(), []);
    assert.equal((await admin.get(`${PAGE}?lang=zh-CN`)).statusCode, 200);
  });

  it('creates an entry: the stored record, the list row and the audit entry are exact', async () => {
    await admin.get(PAGE);
    const created = await admin.post(PAGE, WATER);
    assert.equal(created.statusCode, 303, created.body);
    waterId = entryId(created.headers.location, 'created');
    assert.match(waterId, /^e-[0-9a-f]{12}$/);
    assert.deepEqual(withoutTime(await hub.app.store.directoryEntries.findById(waterId)), {
      id: waterId,
      name: '市自来水公司',
      nameEn: 'City Water Supply Company',
      phones: ['0311-96595', '0311-8701 2345'],
      hours: '24 小时',
      note: '先问清停水片区\n再报抢修',
      aliases: ['自来水', '停水', '水管爆裂'],
      category: 'utility',
      active: true,
      version: 1,
      updatedBy: 'user:admin',
    });

    const list = await admin.get(created.headers.location ?? '');
    assert.equal(list.statusCode, 200);
    assert.equal(elementText(list.body, 'directory-done'), '已新增“市自来水公司”。');
    const row = new RegExp(`<tr id='entry-${waterId}' >([\\s\\S]*?)</tr>`).exec(list.body)?.[1] ?? '';
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => (m[1] ?? '').trim());
    assert.deepEqual(cells.slice(0, 6), [
      `<strong>市自来水公司</strong><span class='hint'>City Water Supply Company · ${waterId}</span><span class='hint note'>先问清停水片区\n再报抢修</span>`,
      '公用事业',
      `<div class='nowrap'>0311-96595</div><div class='nowrap'>0311-8701 2345</div>`,
      '24 小时',
      '自来水、停水、水管爆裂',
      '启用',
    ]);
    assert.match(cells[6] ?? '', /^第 1 版 · \d{4}-\d\d-\d\d \d\d:\d\d · user:admin$/);
    assert.match(row, new RegExp(`<a href='/staff/admin/directory/${waterId}'>编辑</a>`));
    assert.match(row, new RegExp(`action='/staff/admin/directory/${waterId}/disable'>`));
    assert.match(row, /<input type='hidden' name='version' value='1' \/>/);

    const [audit] = await audits('save_directory_entry');
    assert.deepEqual(
      { actor: audit?.actor.id, fields: audit?.fields, detail: audit?.detail },
      { actor: 'user:admin', fields: [`${waterId}@1`], detail: 'created' },
    );
  });

  it('bad input → 400 with a message per field, what was typed kept, nothing stored', async () => {
    const before = await dump();
    await admin.get(PAGE);
    const bad = await admin.post(PAGE, {
      name: '',
      nameEn: '',
      phones: 'abc\n0311-96595',
      hours: '',
      note: '',
      aliases: `${'长'.repeat(21)}、停水`,
      category: 'volcano',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(elementText(bad.body, 'entry-problems'), '有内容需要修改，没有保存。');
    assert.equal(elementText(bad.body, 'name-error'), '请填写名称。');
    assert.equal(
      unescapeHtml(elementText(bad.body, 'phones-error') ?? ''),
      '“abc”不是有效的电话号码（固定电话请带区号）。',
    );
    assert.equal(elementText(bad.body, 'category-error'), '请从列表中选择类别。');
    assert.equal(elementText(bad.body, 'aliases-error'), `别名“${'长'.repeat(21)}”超过 20 个字。`);
    assert.match(inputTag(bad.body, 'entry-name') ?? '', /aria-invalid='true'/);
    assert.ok(bad.body.includes(`>abc\n0311-96595</textarea>`));
    assert.doesNotMatch(bad.body, /<input type='checkbox' name='active' id='entry-active' checked/);

    const none = await admin.post(PAGE, { ...WATER, name: '长'.repeat(61), phones: ' \n ' });
    assert.equal(none.statusCode, 400);
    assert.equal(elementText(none.body, 'name-error'), '名称不能超过 60 个字。');
    assert.equal(elementText(none.body, 'phones-error'), '请至少填写一个电话号码。');
    assert.equal(await dump(), before);
  });

  it('edits: version 2 is saved; an edit made from version 1 is refused and overwrites nothing', async () => {
    const form = await admin.get(`${PAGE}/${waterId}`);
    assert.equal(form.statusCode, 200);
    assert.equal(hiddenValue(form.body, 'version'), '1');
    assert.equal(hiddenValue(form.body, 'name'), '市自来水公司');
    assert.ok(form.body.includes(`>0311-96595\n0311-8701 2345</textarea>`));
    assert.match(form.body, /<option value='utility' selected>公用事业<\/option>/);

    const saved = await admin.post(`${PAGE}/${waterId}`, { ...WATER, hours: '7×24 小时', version: '1' });
    assert.equal(saved.statusCode, 303, saved.body);
    entryId(saved.headers.location, 'saved');
    const v2 = await hub.app.store.directoryEntries.findById(waterId);
    assert.equal(v2?.version, 2);
    assert.equal(v2.hours, '7×24 小时');
    const note = await admin.get(saved.headers.location ?? '');
    assert.equal(elementText(note.body, 'directory-done'), '已保存“市自来水公司”（第 2 版）。');

    // A second admin still on version 1.
    await admin.get(`${PAGE}/${waterId}`);
    const stale = await admin.post(`${PAGE}/${waterId}`, { ...WATER, name: '旧版本的名字', version: '1' });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'entry-conflict'),
      '此条目已被他人修改（现为第 2 版），您的修改没有保存。下面是最新内容，请在此基础上重新修改。',
    );
    assert.ok(stale.body.includes(`<dd class='yours'>旧版本的名字</dd>`));
    assert.equal(hiddenValue(stale.body, 'name'), '市自来水公司');
    assert.equal(hiddenValue(stale.body, 'version'), '2');
    assert.deepEqual(await hub.app.store.directoryEntries.findById(waterId), v2);

    // Bad input on the edit page: 400, the version the admin edited kept, nothing stored.
    const bad = await admin.post(`${PAGE}/${waterId}`, { ...WATER, phones: '12', version: '2' });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      unescapeHtml(elementText(bad.body, 'phones-error') ?? ''),
      '“12”不是有效的电话号码（固定电话请带区号）。',
    );
    assert.equal(hiddenValue(bad.body, 'version'), '2');
    assert.deepEqual(await hub.app.store.directoryEntries.findById(waterId), v2);

    const [audit] = await audits('save_directory_entry');
    assert.deepEqual([audit?.fields, audit?.detail], [[`${waterId}@2`], 'updated']);
  });

  it('disables and enables with the version shown; a stale button is refused', async () => {
    await admin.get(PAGE);
    const off = await admin.post(`${PAGE}/${waterId}/disable`, { version: '2' });
    assert.equal(off.statusCode, 303);
    entryId(off.headers.location, 'disabled');
    const v3 = await hub.app.store.directoryEntries.findById(waterId);
    assert.deepEqual([v3?.active, v3?.version, v3?.hours], [false, 3, '7×24 小时']);
    const list = await admin.get(off.headers.location ?? '');
    assert.equal(elementText(list.body, 'directory-done'), '已停用“市自来水公司”：话务台查号不再显示。');
    assert.match(list.body, new RegExp(`<tr id='entry-${waterId}' class='off'>`));
    assert.match(list.body, new RegExp(`action='/staff/admin/directory/${waterId}/enable'>`));
    assert.deepEqual((await audits('save_directory_entry'))[0]?.detail, 'disabled');

    // Not found on the console while disabled.
    const hidden = await lookUp('停水');
    assert.deepEqual([hidden.codes, hidden.entries], [[], []]);
    assert.ok(hidden.html.includes(`<p class='hint' id='directory-none'>没有找到“停水”。</p>`));

    const stale = await admin.post(`${PAGE}/${waterId}/enable`, { version: '2' });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'directory-row-problem'),
      '“市自来水公司”已被他人修改（现为第 3 版），没有改动。请看过最新内容后再操作。',
    );
    assert.deepEqual(await hub.app.store.directoryEntries.findById(waterId), v3);

    const on = await admin.post(`${PAGE}/${waterId}/enable`, { version: '3' });
    assert.equal(on.statusCode, 303);
    const v4 = await hub.app.store.directoryEntries.findById(waterId);
    assert.deepEqual([v4?.active, v4?.version], [true, 4]);
  });

  it('shows text from admins as text (a script in a name is escaped, on the page and the console)', async () => {
    await admin.get(PAGE);
    const created = await admin.post(PAGE, {
      name: '<script>alert(1)</script>',
      phones: '110',
      category: 'emergency',
      note: `<img src=x onerror=alert(2)>`,
      active: 'on',
    });
    assert.equal(created.statusCode, 303, created.body);
    const id = entryId(created.headers.location, 'created');
    for (const html of [(await admin.get(PAGE)).body, (await lookUp('110')).html]) {
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(html.includes('&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;'));
      assert.doesNotMatch(html, /<script>alert|<img src/);
    }
    const edit = await admin.get(`${PAGE}/${id}`);
    assert.ok(edit.body.includes(`value='&lt;script&gt;alert(1)&lt;/script&gt;'`));
  });

  it('is for admins: a clerk gets the 403 page and changes nothing; a form without the CSRF token → 403', async () => {
    const before = await dump();
    for (const url of [PAGE, `${PAGE}/${waterId}`, `${PAGE}/${waterId}/delete`]) {
      const page = await clerk.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.ok(page.body.includes('您的角色无权访问此页面。'), url);
    }
    await clerk.get('/staff/desk');
    for (const [url, fields] of [
      [PAGE, WATER],
      [`${PAGE}/${waterId}/disable`, { version: '4' }],
      [`${PAGE}/${waterId}/delete`, { version: '4' }],
    ] as const) {
      const refused = await clerk.post(url, fields);
      assert.equal(refused.statusCode, 403, url);
    }

    await admin.get(PAGE);
    const noToken = await admin.post(PAGE, WATER, { csrf: null });
    assert.equal(noToken.statusCode, 403);
    assert.ok(noToken.body.includes('表单已过期或来源不明，请刷新页面后重新提交。'));
    const forged = await admin.post(`${PAGE}/${waterId}/disable`, { version: '4' }, { csrf: 'forged' });
    assert.equal(forged.statusCode, 403);
    const noTokenDelete = await admin.post(`${PAGE}/${waterId}/delete`, { version: '4' }, { csrf: null });
    assert.equal(noTokenDelete.statusCode, 403);
    assert.equal(await dump(), before);
  });

  it('the console’s 查号 finds entries by name, alias, pinyin initials and phone digits, beside departments', async () => {
    const byName = await lookUp('自来水');
    assert.deepEqual([byName.codes, byName.entries], [[], [waterId]]);
    const byAlias = await lookUp('停水');
    assert.deepEqual([byAlias.codes, byAlias.entries], [[], [waterId]]);
    const byInitials = await lookUp('zls');
    assert.deepEqual([byInitials.codes, byInitials.entries], [[], [waterId]]);
    const byDigits = await lookUp('96595');
    assert.deepEqual([byDigits.codes, byDigits.entries], [[], [waterId]]);
    const byEnglish = await lookUp('water supply');
    assert.deepEqual(byEnglish.entries, [waterId]);

    const row = new RegExp(`<tr data-entry='${waterId}' data-category='utility'>([\\s\\S]*?)</tr>`).exec(
      byAlias.html,
    )?.[1];
    assert.ok(row);
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, [
      `<strong>市自来水公司</strong><span class='hint'>City Water Supply Company</span>`,
      '公用事业',
      `<div class='nowrap phone'>0311-96595</div><div class='nowrap phone'>0311-8701 2345</div>`,
      '7×24 小时',
      '先问清停水片区\n再报抢修',
    ]);
    assert.ok(byAlias.html.includes(`<p class='hint'>找到 1 条</p>`));

    // Departments keep their place and say so; everything is listed for an empty query.
    const mzj = await lookUp('mzj');
    assert.deepEqual([mzj.codes, mzj.entries], [['MZJ'], []]);
    assert.match(mzj.html, /<tr data-code='MZJ'>[\s\S]*?<td class='kind-department'>部门<\/td>/);
    assert.ok(mzj.html.includes('09:00–12:00, 13:30–17:30（工作日）'));
    const all = await lookUp('');
    assert.equal(all.codes.length, 16);
    assert.equal(all.entries.length, 2);

    // A disabled entry is not found (the gas company, added and disabled at once).
    await admin.get(PAGE);
    const gas = await admin.post(PAGE, {
      name: '市燃气公司',
      phones: '0311-96777',
      aliases: '燃气',
      category: 'utility',
    });
    assert.equal(gas.statusCode, 303);
    const gasId = entryId(gas.headers.location, 'created');
    assert.equal((await hub.app.store.directoryEntries.findById(gasId))?.active, false);
    for (const q of ['燃气', 'rq', '96777']) assert.deepEqual((await lookUp(q)).entries, [], q);
  });

  it('deletes after a confirm page; a stale confirm is refused; audited', async () => {
    const confirm = await admin.get(`${PAGE}/${waterId}/delete`);
    assert.equal(confirm.statusCode, 200);
    assert.equal(
      elementText(confirm.body, 'delete-confirm'),
      '确定删除“市自来水公司”吗？删除后话务台查不到，也不能恢复；只是暂时不用，请改为停用。',
    );
    assert.equal(hiddenValue(confirm.body, 'version'), '4');

    const stale = await admin.post(`${PAGE}/${waterId}/delete`, { version: '3' });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'delete-problem'),
      '此条目已被他人修改（现为第 4 版），没有删除。请看过最新内容后再确认。',
    );
    assert.equal(hiddenValue(stale.body, 'version'), '4');
    assert.equal((await hub.app.store.directoryEntries.findById(waterId))?.version, 4);

    const gone = await admin.post(`${PAGE}/${waterId}/delete`, { version: '4' });
    assert.equal(gone.statusCode, 303);
    assert.equal(gone.headers.location, `${PAGE}?done=deleted&entry=${waterId}`);
    assert.equal(await hub.app.store.directoryEntries.findById(waterId), undefined);
    const list = await admin.get(gone.headers.location);
    assert.equal(elementText(list.body, 'directory-done'), `已删除条目 ${waterId}。`);
    assert.doesNotMatch(list.body, new RegExp(`entry-${waterId}`));
    const [audit] = await audits('delete_directory_entry');
    assert.deepEqual(
      { actor: audit?.actor.id, fields: audit?.fields },
      { actor: 'user:admin', fields: [`${waterId}@4`] },
    );
    assert.equal((await admin.get(`${PAGE}/${waterId}`)).statusCode, 404);
    assert.equal((await admin.post(`${PAGE}/${waterId}/delete`, { version: '4' })).statusCode, 404);
    assert.deepEqual((await lookUp('停水')).entries, []);
  });
});

describe('the directory API (查号)', () => {
  let hub: TestHub;
  let operatorToken = '';
  let departmentToken = '';

  const issue = async (role: string, department?: string) => {
    const response = await hub.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: role, role, ...(department ? { department } : {}) },
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ token: string }>().token;
  };
  const put = (id: string, payload: object, token?: string) =>
    hub.request({ method: 'PUT', url: `/api/v1/directory/${id}`, payload, token });

  const HOSPITAL = {
    name: '市第一医院急诊科',
    nameEn: 'First City Hospital, emergency',
    phones: ['0311-85917120', '120'],
    hours: '24 小时',
    aliases: ['急诊', '一院'],
    category: 'medical',
  };

  before(async () => {
    hub = await startHub();
    operatorToken = await issue('operator');
    departmentToken = await issue('department', 'RSJ');
  });
  after(async () => {
    await hub.close();
  });

  it('creates with PUT (201), saves a version, refuses a stale version, a taken id and bad input', async () => {
    const created = await put('hospital-1', HOSPITAL);
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json<Record<string, unknown>>();
    assert.match(String(view.updatedAt), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      { ...view, updatedAt: undefined },
      {
        id: 'hospital-1',
        ...HOSPITAL,
        active: true,
        version: 1,
        updatedAt: undefined,
        updatedBy: 'bootstrap-token',
      },
    );

    const again = await put('hospital-1', HOSPITAL);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ code: string }>().code, 'HUB_ERR_ALREADY_EXISTS');

    const v2 = await put('hospital-1', { ...HOSPITAL, hours: '全天', version: 1 });
    assert.equal(v2.statusCode, 200, v2.body);
    assert.deepEqual(
      [v2.json<{ version: number }>().version, v2.json<{ hours: string }>().hours],
      [2, '全天'],
    );

    const before = JSON.stringify(await hub.app.store.directoryEntries.list());
    const stale = await put('hospital-1', { ...HOSPITAL, name: '旧', version: 1 });
    assert.equal(stale.statusCode, 409);
    assert.deepEqual(
      [stale.json<{ code: string }>().code, stale.json<{ details: unknown }>().details],
      ['HUB_ERR_VERSION_CONFLICT', { version: 2 }],
    );
    const bad = await put('hospital-1', { ...HOSPITAL, name: ' ', phones: ['12'], version: 2 });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json<{ code: string; details: unknown }>().code, 'HUB_ERR_VALIDATION');
    assert.deepEqual(bad.json<{ details: unknown }>().details, {
      problems: [
        { path: '/name', message: 'required' },
        { path: '/phones', message: 'invalid: 12' },
      ],
    });
    const unknownCategory = await put('hospital-1', { ...HOSPITAL, category: 'volcano', version: 2 });
    assert.equal(unknownCategory.statusCode, 400);
    const missing = await put('nobody', { ...HOSPITAL, version: 1 });
    assert.equal(missing.statusCode, 404);
    assert.equal(JSON.stringify(await hub.app.store.directoryEntries.list()), before);

    const [audit] = (await hub.app.store.audit.search({ action: 'save_directory_entry' }, { limit: 5 }))
      .items;
    assert.deepEqual([audit?.fields, audit?.detail], [['hospital-1@2'], 'updated']);
  });

  it('searches departments and entries for hotline tokens; a department token gets 403', async () => {
    const answer = await hub.request({
      method: 'GET',
      url: `/api/v1/directory?q=${encodeURIComponent('急诊')}`,
      token: operatorToken,
    });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.deepEqual(answer.json(), [
      {
        kind: 'entry',
        id: 'hospital-1',
        category: 'medical',
        name: '市第一医院急诊科',
        nameEn: 'First City Hospital, emergency',
        phones: ['0311-85917120', '120'],
        hours: '全天',
        aliases: ['急诊', '一院'],
        active: true,
        version: 2,
      },
    ]);
    const byPhone = await hub.request({
      method: 'GET',
      url: '/api/v1/directory?q=120',
      token: operatorToken,
    });
    assert.deepEqual(
      byPhone.json<{ kind: string; id?: string; code?: string }[]>().map((l) => l.id ?? l.code),
      ['hospital-1'],
    );
    const mzj = await hub.request({ method: 'GET', url: '/api/v1/directory?q=mzj', token: operatorToken });
    assert.deepEqual(mzj.json(), [
      {
        kind: 'department',
        code: 'MZJ',
        name: '市民政局',
        nameEn: 'Civil Affairs Bureau',
        phones: ['0311-86681002'],
        email: 'mzj@demo.gov.cn',
        hours: '09:00–12:00, 13:30–17:30',
      },
    ]);
    const one = await hub.request({
      method: 'GET',
      url: '/api/v1/directory/hospital-1',
      token: operatorToken,
    });
    assert.equal(one.json<{ version: number }>().version, 2);

    const denied = await hub.request({
      method: 'GET',
      url: '/api/v1/directory?q=mzj',
      token: departmentToken,
    });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
    const noToken = await hub.request({ method: 'GET', url: '/api/v1/directory', token: null });
    assert.equal(noToken.statusCode, 401);
  });

  it('changes are for admins; a disabled entry is found only with includeDisabled; delete with the version', async () => {
    const before = JSON.stringify(await hub.app.store.directoryEntries.list());
    const byOperator = await put('hospital-1', { ...HOSPITAL, version: 2 }, operatorToken);
    assert.equal(byOperator.statusCode, 403);
    const deleteByOperator = await hub.request({
      method: 'DELETE',
      url: '/api/v1/directory/hospital-1',
      token: operatorToken,
    });
    assert.equal(deleteByOperator.statusCode, 403);
    assert.equal(JSON.stringify(await hub.app.store.directoryEntries.list()), before);

    const off = await put('hospital-1', { ...HOSPITAL, active: false, version: 2 });
    assert.equal(off.json<{ active: boolean }>().active, false);
    const search = (query: string) =>
      hub
        .request({ method: 'GET', url: `/api/v1/directory?${query}` })
        .then((r) => r.json<{ id?: string; active?: boolean }[]>().filter((l) => l.id));
    assert.deepEqual(await search('q=%E4%B8%80%E9%99%A2'), []);
    assert.deepEqual(
      (await search('q=%E4%B8%80%E9%99%A2&includeDisabled=true')).map((l) => [l.id, l.active]),
      [['hospital-1', false]],
    );

    const stale = await hub.request({ method: 'DELETE', url: '/api/v1/directory/hospital-1?version=2' });
    assert.equal(stale.statusCode, 409);
    assert.equal((await hub.app.store.directoryEntries.findById('hospital-1'))?.version, 3);
    const gone = await hub.request({ method: 'DELETE', url: '/api/v1/directory/hospital-1?version=3' });
    assert.equal(gone.statusCode, 200, gone.body);
    assert.equal(gone.json<{ id: string }>().id, 'hospital-1');
    assert.equal(await hub.app.store.directoryEntries.findById('hospital-1'), undefined);
    const again = await hub.request({ method: 'DELETE', url: '/api/v1/directory/hospital-1' });
    assert.equal(again.statusCode, 404);
    const [audit] = (await hub.app.store.audit.search({ action: 'delete_directory_entry' }, { limit: 5 }))
      .items;
    assert.deepEqual(audit?.fields, ['hospital-1@3']);
  });
});
