import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { draftOf } from '../../src/routing/rule-edits.js';
import { DEMO_DEPARTMENTS, DEMO_RULES } from '../../src/seed-data.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { elementText, hiddenValue, inputTag, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

type Fields = Record<string, string | string[]>;

let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

/** A new rule as the form posts it: every kind of condition and action the model has. */
const MANHOLES: Fields = {
  id: 'manholes',
  name: '井盖 → 城管局',
  order: '5',
  enabled: 'on',
  channels: ['api', 'sms'],
  kinds: ['complaint', 'report'],
  keywordsAny: '井盖\n窨井盖',
  keywordsNone: '广告',
  regionPrefixes: '130125',
  timeWindow: '',
  leadDepartment: 'CGJ',
  coDepartments: ['ZJJ'],
  priority: 'urgent',
  slaPolicy: 'urgent',
  tags: '市政设施, 井盖',
};

const URBAN = 'Urban Management Bureau (CGJ)';
const HOUSING = 'Housing and Urban-Rural Development Bureau (ZJJ)';

/** The visitor's cookies as one header (the session, the CSRF secret, the language). */
function cookies(visitor: WebVisitor): string {
  return ['hub_staff', 'staff_csrf', 'staff_lang']
    .flatMap((name) => {
      const value = visitor.cookie(name);
      return value === undefined ? [] : [`${name}=${value}`];
    })
    .join('; ');
}

/** The text of one table row (`<tr id='rule-ID'>`). */
function row(html: string, id: string): string {
  const found = new RegExp(`<tr id='rule-${id}'[^>]*>(.*?)</tr>`, 's').exec(html)?.[1];
  assert.ok(found, `row ${id}`);
  return found;
}

/** The plain `<div>` lines of a row: the rule's conditions. */
const conditionLines = (rowHtml: string) => [...rowHtml.matchAll(/<div>([^<]*)<\/div>/g)].map((m) => m[1]);

const ruleIds = (html: string) => [...html.matchAll(/<tr id='rule-([\w-]+)'/g)].map((m) => m[1]);

describe('admin routing page: editing rules', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;

  /** Posts a form as a browser does (repeated names for checkboxes), with the visitor's CSRF token. */
  async function send(
    visitor: WebVisitor,
    url: string,
    fields: Fields,
    csrf: string | null = visitor.csrf(),
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [name, value] of Object.entries(fields))
      for (const one of [value].flat()) body.append(name, one);
    return hub.app.inject({
      method: 'POST',
      url,
      remoteAddress: visitor.ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies(visitor) },
      payload: body.toString(),
    });
  }

  /** Follows a 303 to the list and returns the page. */
  async function follow(response: LightMyRequestResponse): Promise<string> {
    assert.equal(response.statusCode, 303, response.body);
    const location = String(response.headers.location);
    const page = await admin.get(`${location.split('#')[0] ?? ''}&lang=en`);
    assert.equal(page.statusCode, 200);
    return unescapeHtml(page.body);
  }

  async function testBox(text: string, district = '130125'): Promise<string> {
    const page = await admin.post('/staff/admin/routing?lang=en', { text, kind: 'complaint', district });
    assert.equal(page.statusCode, 200);
    return unescapeHtml(page.body);
  }
  const matched = (html: string) => /data-matched='([\w-]*)'/.exec(html)?.[1];

  /** Every rule, every version and every rule audit entry: what a refused request must not change. */
  const dump = async () =>
    JSON.stringify([
      await hub.app.store.rules.model.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.rules.versions.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.audit.model.countDocuments({ action: { $in: ['create_rule', 'update_rule'] } }),
    ]);

  const auditOf = async (what: string) =>
    (await hub.app.store.audit.model.find({ fields: what }).lean()).map((e) => ({
      action: e.action,
      actor: e.actor.id,
      fields: e.fields,
      detail: e.detail,
    }));

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    for (const rule of DEMO_RULES)
      await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
    const closed = DEMO_DEPARTMENTS.find((d) => d.code === 'STJ');
    assert.ok(closed);
    await hub.app.store.departments.upsert({
      ...closed,
      code: 'OLD',
      name: '已撤销的局',
      nameEn: 'Abolished Bureau',
      active: false,
    });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('the list says rules are edited here, with a new-rule link and each row its actions', async () => {
    const page = await admin.get('/staff/admin/routing?lang=en');
    assert.equal(page.statusCode, 200);
    const html = unescapeHtml(page.body);
    assert.match(html, /Create, edit, switch on or off and reorder rules here/);
    assert.doesNotMatch(html, /admin API/);
    assert.match(
      html,
      /<a class='button-link' id='rule-new' href='\/staff\/admin\/routing\/new'>New rule<\/a>/,
    );
    const first = row(html, 'social-insurance');
    assert.match(first, /<a href='\/staff\/admin\/routing\/rules\/social-insurance\/edit'/);
    assert.match(first, /action='\/staff\/admin\/routing\/rules\/social-insurance\/disable'/);
    assert.match(first, /<input type='hidden' name='version' value='1' \/>/);
    // The first rule cannot move up, the last cannot move down.
    assert.doesNotMatch(first, /value='up'/);
    assert.match(first, /value='down'/);
    const last = [...DEMO_RULES].sort((a, b) => a.order - b.order).at(-1)?.id ?? '';
    assert.doesNotMatch(row(html, last), /value='down'/);
  });

  it('creates a rule through the form: listed with exactly its conditions, and the test box routes to it at once', async () => {
    const form = await admin.get('/staff/admin/routing/new?lang=en');
    assert.equal(form.statusCode, 200);
    const blank = unescapeHtml(form.body);
    const lastOrder = Math.max(...DEMO_RULES.map((r) => r.order));
    assert.match(inputTag(blank, 'rule-order') ?? '', new RegExp(`value='${String(lastOrder + 10)}'`));
    assert.match(blank, /<input type='checkbox' id='rule-enabled' name='enabled' value='on' checked \/>/);
    assert.match(blank, /<option value='CGJ' >Urban Management Bureau \(CGJ\)<\/option>/);
    assert.doesNotMatch(blank, /value='OLD'/, 'an inactive department is not offered');
    assert.match(blank, /<option value='urgent' >紧急件 \(urgent\)<\/option>/);

    const before = await testBox('小区门口的井盖丢了');
    assert.equal(matched(before), 'streets');

    const created = await send(admin, '/staff/admin/routing/new?lang=en', MANHOLES);
    assert.equal(created.headers.location, '/staff/admin/routing?done=created&rule=manholes#rule-manholes');
    const list = await follow(created);
    assert.match(
      list,
      /<p class='done' role='status' id='routing-done'>Rule “井盖 → 城管局” created \(manholes, v1\); it is in force now.<\/p>/,
    );
    assert.equal(ruleIds(list)[0], 'manholes');
    const line = row(list, 'manholes');
    assert.deepEqual(conditionLines(line), [
      'Channels: staff、SMS',
      'Kinds: complaint、report',
      'Any of: 井盖、窨井盖',
      'None of: 广告',
      'Regions: 130125',
    ]);
    assert.match(
      line,
      new RegExp(`lead ${URBAN.replace(/[()]/g, '\\$&')}<br />with ${HOUSING.replace(/[()]/g, '\\$&')}`),
    );

    const stored = await hub.app.store.rules.findById('manholes');
    assert.ok(stored);
    assert.deepEqual(
      { ...draftOf(stored), version: stored.version, by: stored.updatedBy },
      {
        name: '井盖 → 城管局',
        order: 5,
        enabled: true,
        conditions: {
          channels: ['api', 'sms'],
          kinds: ['complaint', 'report'],
          keywords: { any: ['井盖', '窨井盖'], none: ['广告'] },
          regionPrefixes: ['130125'],
        },
        actions: {
          leadDepartment: 'CGJ',
          coDepartments: ['ZJJ'],
          priority: 'urgent',
          slaPolicy: 'urgent',
          tags: ['市政设施', '井盖'],
        },
        version: 1,
        by: 'user:admin',
      },
    );

    const tested = await testBox('小区门口的井盖丢了');
    assert.equal(matched(tested), 'manholes');
    assert.match(tested, /Matched rule: 井盖 → 城管局 \(manholes, v1\)/);
    assert.match(
      tested,
      new RegExp(
        `<p id='routing-route-to'>Goes to: ${URBAN.replace(/[()]/g, '\\$&')}, with ${HOUSING.replace(/[()]/g, '\\$&')}, priority urgent</p>`,
      ),
    );
    // The words in "none of" keep it from matching; outside the region it does not match either.
    assert.equal(matched(await testBox('井盖广告')), 'streets');
    assert.equal(matched(await testBox('小区门口的井盖丢了', '130102')), 'streets');

    assert.deepEqual(await auditOf('manholes@1'), [
      { action: 'create_rule', actor: 'user:admin', fields: ['manholes@1'], detail: undefined },
    ]);
  });

  it('every bad input comes back with its message at its field, what was typed kept, nothing saved', async () => {
    const base: Fields = { ...MANHOLES, id: 'bad-one', name: 'Bad one' };
    const bad: [string, Fields, string, string][] = [
      [
        'unknown department',
        { leadDepartment: 'NOPE' },
        'leadDepartment-error',
        'Unknown or inactive department: NOPE',
      ],
      [
        'inactive department',
        { leadDepartment: 'OLD' },
        'leadDepartment-error',
        'Unknown or inactive department: OLD',
      ],
      [
        'unknown co-department',
        { coDepartments: ['ZJJ', 'XX'] },
        'coDepartments-error',
        'Unknown or inactive department: XX',
      ],
      ['no department', { leadDepartment: '' }, 'leadDepartment-error', 'Fill this in.'],
      [
        'no condition',
        { channels: [], kinds: [], keywordsAny: ' \n ', keywordsNone: '', regionPrefixes: '' },
        'conditions-error',
        'A rule needs at least one condition.',
      ],
      [
        'bad time window',
        { timeWindow: 'lunchtime' },
        'timeWindow-error',
        'Not one of the choices: lunchtime',
      ],
      ['unknown channel', { channels: ['api', 'fax'] }, 'channels-error', 'Not one of the choices: fax'],
      [
        'keyword too long',
        { keywordsAny: `井盖\n${'长'.repeat(41)}` },
        'keywordsAny-error',
        `Too long (at most 40 characters): ${'长'.repeat(41)}`,
      ],
      [
        'bad region',
        { regionPrefixes: '1301\nabc' },
        'regionPrefixes-error',
        'A region prefix is 2–12 digits: abc',
      ],
      [
        'bad caller prefix',
        { callerPrefixes: '+86-138' },
        'callerPrefixes-error',
        'A number prefix is digits, optionally after + (up to 15): +86-138',
      ],
      [
        'dates reversed',
        { effectiveFrom: '2026-05-01T00:00', effectiveTo: '2026-04-01T00:00' },
        'effectiveTo-error',
        'The end must be after the start.',
      ],
      [
        'not a date',
        { effectiveFrom: '2026-02-30T10:00' },
        'effectiveFrom-error',
        'Not a date and time: 2026-02-30T10:00',
      ],
      [
        'order not a number',
        { order: 'first' },
        'order-error',
        'Type a whole number from 0 to 1000000000 (not “first”).',
      ],
      ['no name', { name: '   ' }, 'name-error', 'Fill this in.'],
      [
        'unknown SLA policy',
        { slaPolicy: 'nope' },
        'slaPolicy-error',
        'Unknown or inactive SLA policy: nope',
      ],
      ['bad id', { id: 'a b' }, 'id-error', 'Only letters, digits, _ and - (up to 40): a b'],
    ];
    const stored = await dump();
    for (const [what, change, errorId, message] of bad) {
      const fields = { ...base, ...change };
      const response = await send(admin, '/staff/admin/routing/new?lang=en', fields);
      assert.equal(response.statusCode, 400, what);
      const html = unescapeHtml(response.body);
      assert.equal(elementText(html, errorId), message, what);
      assert.match(html, /id='rule-problems'>The rule was not saved: correct the marked fields.</, what);
      assert.match(inputTag(html, 'rule-name') ?? '', new RegExp(`value='${String(fields.name)}'`), what);
      assert.equal(await dump(), stored, what);
    }
    // Several problems at once: each at its own field.
    const many = unescapeHtml(
      (
        await send(admin, '/staff/admin/routing/new?lang=en', {
          ...base,
          leadDepartment: 'NOPE',
          regionPrefixes: 'x',
        })
      ).body,
    );
    assert.equal(elementText(many, 'leadDepartment-error'), 'Unknown or inactive department: NOPE');
    assert.equal(elementText(many, 'regionPrefixes-error'), 'A region prefix is 2–12 digits: x');
    assert.match(
      many,
      /<textarea id='rule-regionPrefixes' name='regionPrefixes'[^>]*aria-invalid='true'>x<\/textarea>/,
    );

    // A taken id: 409 at the id field.
    const taken = await send(admin, '/staff/admin/routing/new?lang=en', { ...MANHOLES, name: 'Again' });
    assert.equal(taken.statusCode, 409);
    assert.equal(elementText(unescapeHtml(taken.body), 'id-error'), 'This id is taken: manholes');

    // The edit form checks the same way.
    const edit = await send(admin, '/staff/admin/routing/rules/manholes/edit?lang=en', {
      ...MANHOLES,
      version: '1',
      effectiveFrom: '2026-05-01T00:00',
      effectiveTo: '2026-05-01T00:00',
      coDepartments: ['OLD'],
    });
    assert.equal(edit.statusCode, 400);
    const editHtml = unescapeHtml(edit.body);
    assert.equal(elementText(editHtml, 'effectiveTo-error'), 'The end must be after the start.');
    assert.equal(elementText(editHtml, 'coDepartments-error'), 'Unknown or inactive department: OLD');
    // The inactive department is shown ticked (as posted), marked inactive.
    assert.match(editHtml, /value='OLD' checked \/> Abolished Bureau \(OLD\) \(inactive\)/);
    assert.equal(hiddenValue(editHtml, 'version'), '1');
    assert.equal(await dump(), stored);
  });

  it('edits a rule: the form is filled in, the save is version 2, the old version stays viewable with what changed', async () => {
    const form = await admin.get('/staff/admin/routing/rules/manholes/edit?lang=en');
    assert.equal(form.statusCode, 200);
    const html = unescapeHtml(form.body);
    assert.equal(hiddenValue(html, 'version'), '1');
    assert.match(html, /You are editing v1/);
    assert.match(inputTag(html, 'rule-name') ?? '', /value='井盖 → 城管局'/);
    assert.match(inputTag(html, 'rule-order') ?? '', /value='5'/);
    assert.match(html, /<textarea id='rule-keywordsAny' name='keywordsAny'[^>]*>井盖\n窨井盖<\/textarea>/);
    assert.match(html, /<textarea id='rule-keywordsNone' name='keywordsNone'[^>]*>广告<\/textarea>/);
    assert.match(html, /<textarea id='rule-regionPrefixes' name='regionPrefixes'[^>]*>130125<\/textarea>/);
    assert.deepEqual(
      [...html.matchAll(/name='(channels|kinds|priorities|coDepartments)' value='(\w+)' checked/g)].map(
        (m) => `${m[1] ?? ''}=${m[2] ?? ''}`,
      ),
      ['channels=sms', 'channels=api', 'kinds=complaint', 'kinds=report', 'coDepartments=ZJJ'],
    );
    assert.match(
      html,
      /<select id='rule-lead' name='leadDepartment' required >\s*<option value=''>Choose one<\/option>/,
    );
    assert.match(html, /<option value='CGJ' selected>Urban Management Bureau \(CGJ\)<\/option>/);
    assert.match(
      html,
      /<select id='rule-priority'[^>]*>.*?<option value='urgent' selected>urgent<\/option>/s,
    );
    assert.match(
      html,
      /<select id='rule-sla'[^>]*>.*?<option value='urgent' selected>紧急件 \(urgent\)<\/option>/s,
    );
    assert.match(inputTag(html, 'rule-tags') ?? '', /value='市政设施, 井盖'/);
    assert.match(html, /<input type='checkbox' id='rule-enabled' name='enabled' value='on' checked \/>/);

    const saved = await send(admin, '/staff/admin/routing/rules/manholes/edit?lang=en', {
      ...MANHOLES,
      version: '1',
      keywordsAny: '井盖\n窨井盖\n下水道',
      leadDepartment: 'ZJJ',
      coDepartments: [],
    });
    const list = await follow(saved);
    assert.match(list, /Rule “井盖 → 城管局” saved as v2; it is in force now./);
    const line = row(list, 'manholes');
    assert.match(line, /v2\s*<details><summary>Versions<\/summary>/);
    assert.deepEqual(
      [...line.matchAll(/<li><a href='([^']+)'>v(\d)/g)].map((m) => [m[1], m[2]]),
      [
        ['/staff/admin/routing/rules/manholes/versions/2', '2'],
        ['/staff/admin/routing/rules/manholes/versions/1', '1'],
      ],
    );
    const current = await hub.app.store.rules.findById('manholes');
    assert.equal(current?.version, 2);
    assert.deepEqual(current.actions, {
      leadDepartment: 'ZJJ',
      priority: 'urgent',
      slaPolicy: 'urgent',
      tags: ['市政设施', '井盖'],
    });
    // The test box routes by version 2 at once.
    const tested = await testBox('下水道堵了');
    assert.equal(matched(tested), 'manholes');
    assert.match(tested, /Matched rule: 井盖 → 城管局 \(manholes, v2\)/);
    assert.match(tested, new RegExp(`Goes to: ${HOUSING.replace(/[()]/g, '\\$&')}, priority urgent`));

    // Version 1 as it was, and what differs from the current one.
    const old = await admin.get('/staff/admin/routing/rules/manholes/versions/1?lang=en');
    assert.equal(old.statusCode, 200);
    const oldHtml = unescapeHtml(old.body);
    assert.match(oldHtml, /<h1>Rule “井盖 → 城管局”, v1<\/h1>/);
    const facts = Object.fromEntries(
      [...oldHtml.matchAll(/<dd data-field='(\w+)'>([^<]*)<\/dd>/g)].map((m): [string, string] => [
        m[1] ?? '',
        m[2] ?? '',
      ]),
    );
    assert.deepEqual(facts, {
      name: '井盖 → 城管局',
      order: '5',
      enabled: 'yes',
      effectiveFrom: '—',
      effectiveTo: '—',
      channels: 'staff、SMS',
      kinds: 'complaint、report',
      categories: '—',
      keywordsAny: '井盖、窨井盖',
      keywordsAll: '—',
      keywordsNone: '广告',
      regionPrefixes: '130125',
      callerPrefixes: '—',
      timeWindow: '—',
      priorities: '—',
      leadDepartment: URBAN,
      coDepartments: HOUSING,
      priority: 'urgent',
      slaPolicy: 'urgent',
      tags: '市政设施、井盖',
    });
    const diff = [
      ...oldHtml.matchAll(
        /<tr><th scope='row'>([^<]*)<\/th><td class='was'>([^<]*)<\/td><td class='now'>([^<]*)<\/td><\/tr>/g,
      ),
    ].map((m) => m.slice(1));
    assert.deepEqual(diff, [
      ['Any of', '井盖、窨井盖', '井盖、窨井盖、下水道'],
      ['Lead department', URBAN, HOUSING],
      ['Co-departments', HOUSING, '—'],
    ]);
    assert.match(oldHtml, /<input type='hidden' name='version' value='2' \/>/);
    assert.match(oldHtml, /Its content is saved as v3; history is never rewritten./);
    // The current version has nothing to restore.
    const now = unescapeHtml(
      (await admin.get('/staff/admin/routing/rules/manholes/versions/2?lang=en')).body,
    );
    assert.match(now, /This is the current version./);
    assert.doesNotMatch(now, /id='version-restore'/);
    assert.equal((await admin.get('/staff/admin/routing/rules/manholes/versions/9?lang=en')).statusCode, 404);
    assert.equal((await admin.get('/staff/admin/routing/rules/nothing/edit?lang=en')).statusCode, 404);

    assert.deepEqual(await auditOf('manholes@2'), [
      { action: 'update_rule', actor: 'user:admin', fields: ['manholes@2'], detail: undefined },
    ]);
  });

  it('a stale edit (the rule changed since the form was opened) is refused and overwrites nothing', async () => {
    const stored = await dump();
    const stale = await send(admin, '/staff/admin/routing/rules/manholes/edit?lang=en', {
      ...MANHOLES,
      version: '1',
      name: 'Someone else’s idea',
    });
    assert.equal(stale.statusCode, 409);
    const html = unescapeHtml(stale.body);
    assert.match(
      html,
      /<div class='problem' role='alert' id='rule-conflict'>\s*<p>Rule “井盖 → 城管局” was changed by user:admin at \d{4}-\d\d-\d\d \d\d:\d\d after you opened it \(now v2\): your change was not saved and nothing was overwritten.<\/p>/,
    );
    assert.match(
      html,
      /<a href='\/staff\/admin\/routing\/rules\/manholes\/edit'>Open the current version and edit again<\/a>/,
    );
    assert.match(inputTag(html, 'rule-name') ?? '', /value='Someone else’s idea'/);
    assert.equal(await dump(), stored);
  });

  it('disabling a rule from the list takes it out of the test box; enabling puts it back; a stale switch is refused', async () => {
    const disabled = await admin.post('/staff/admin/routing/rules/manholes/disable?lang=en', {
      version: '2',
    });
    const list = await follow(disabled);
    assert.match(list, /Rule “井盖 → 城管局” disabled \(v3\)./);
    assert.match(list, /<tr id='rule-manholes' class='rule-off'>/);
    assert.match(row(list, 'manholes'), /\(disabled\)/);
    assert.match(row(list, 'manholes'), /action='\/staff\/admin\/routing\/rules\/manholes\/enable'/);
    const rule = await hub.app.store.rules.findById('manholes');
    assert.equal(rule?.enabled, false);
    assert.equal(rule.version, 3);
    assert.equal(matched(await testBox('小区门口的井盖丢了')), 'streets');
    assert.deepEqual(await auditOf('manholes@3'), [
      { action: 'update_rule', actor: 'user:admin', fields: ['manholes@3'], detail: 'disabled' },
    ]);

    const stored = await dump();
    const stale = await admin.post('/staff/admin/routing/rules/manholes/enable?lang=en', { version: '2' });
    assert.equal(stale.statusCode, 409);
    assert.match(
      elementText(unescapeHtml(stale.body), 'routing-row-problem') ?? '',
      /^Rule “井盖 → 城管局” was changed by user:admin at .* \(now v3\): your change was not saved/,
    );
    assert.equal(await dump(), stored);

    const enabled = await admin.post('/staff/admin/routing/rules/manholes/enable?lang=en', { version: '3' });
    assert.match(await follow(enabled), /Rule “井盖 → 城管局” enabled \(v4\)./);
    assert.equal(matched(await testBox('小区门口的井盖丢了')), 'manholes');
  });

  it('a rule whose department has closed since can be switched off, but not on again', async () => {
    // Written past the checks, as a department closed after the rule was made leaves it.
    await hub.app.store.rules.create({
      ...(DEMO_RULES[0] ?? assert.fail('a demo rule')),
      id: 'to-closed',
      name: '撤销前的规则',
      order: 990,
      actions: { leadDepartment: 'OLD' },
      version: 1,
      updatedAt: new Date(),
      updatedBy: 'test',
    });
    await hub.app.routingService.changed();
    await admin.get('/staff/admin/routing?lang=en');
    const off = await admin.post('/staff/admin/routing/rules/to-closed/disable?lang=en', { version: '1' });
    assert.match(await follow(off), /Rule “撤销前的规则” disabled \(v2\)./);
    assert.equal((await hub.app.store.rules.findById('to-closed'))?.enabled, false);

    const stored = await dump();
    const on = await admin.post('/staff/admin/routing/rules/to-closed/enable?lang=en', { version: '2' });
    assert.equal(on.statusCode, 400);
    assert.match(unescapeHtml(on.body), /OLD/);
    assert.equal(await dump(), stored);
  });

  it('moves a rule up and down: only its order changes, saved as a new version', async () => {
    const start = ruleIds(unescapeHtml((await admin.get('/staff/admin/routing?lang=en')).body));
    assert.deepEqual(start.slice(0, 5), [
      'manholes',
      'social-insurance',
      'subsidy-farm',
      'welfare',
      'property',
    ]);

    const up = await admin.post('/staff/admin/routing/rules/welfare/move?lang=en', {
      version: '1',
      direction: 'up',
    });
    const list = await follow(up);
    assert.match(list, /Rule “低保、五保、医疗救助 → 民政局” moved \(order 15, v2\)./);
    assert.deepEqual(ruleIds(list).slice(0, 5), [
      'manholes',
      'social-insurance',
      'welfare',
      'subsidy-farm',
      'property',
    ]);
    assert.match(row(list, 'welfare'), /^\s*<td>15<\/td>/);
    const welfare = await hub.app.store.rules.findById('welfare');
    const original = DEMO_RULES.find((r) => r.id === 'welfare');
    assert.ok(welfare && original);
    assert.deepEqual(draftOf(welfare), { ...draftOf(original), order: 15 });
    assert.equal(
      (await hub.app.store.rules.findById('subsidy-farm'))?.version,
      1,
      'the passed rule is untouched',
    );
    assert.deepEqual(await auditOf('welfare@2'), [
      { action: 'update_rule', actor: 'user:admin', fields: ['welfare@2'], detail: 'moved_up' },
    ]);

    const down = await admin.post('/staff/admin/routing/rules/welfare/move?lang=en', {
      version: '2',
      direction: 'down',
    });
    const back = await follow(down);
    assert.deepEqual(ruleIds(back).slice(0, 5), start.slice(0, 5));
    assert.equal((await hub.app.store.rules.findById('welfare'))?.order, 30);

    // The first rule stays first; a stale move is refused.
    const stored = await dump();
    const top = await admin.post('/staff/admin/routing/rules/manholes/move?lang=en', {
      version: '4',
      direction: 'up',
    });
    assert.match(await follow(top), /Rule “井盖 → 城管局” is already first or last: the order is unchanged./);
    const stale = await admin.post('/staff/admin/routing/rules/welfare/move?lang=en', {
      version: '1',
      direction: 'up',
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(await dump(), stored);
  });

  it('restores an old version as a new one: version 3 has version 1’s content, history untouched', async () => {
    const v1: Fields = {
      id: 'branches',
      name: '树枝 → 城管局',
      order: '900',
      enabled: 'on',
      keywordsAny: '树枝\n倒伏',
      leadDepartment: 'CGJ',
      effectiveFrom: '2026-01-01T08:00',
    };
    await follow(await send(admin, '/staff/admin/routing/new?lang=en', v1));
    const { enabled: _on, ...withoutEnabled } = v1;
    await follow(
      await send(admin, '/staff/admin/routing/rules/branches/edit?lang=en', {
        ...withoutEnabled,
        version: '1',
        name: '树枝 → 园林',
        leadDepartment: 'ZJJ',
        effectiveFrom: '',
        kinds: ['help'],
      }),
    );
    const first = await hub.app.store.rules.findVersion('branches', 1);
    const second = await hub.app.store.rules.findVersion('branches', 2);
    assert.ok(first && second);
    assert.equal(
      first.effectiveFrom?.toISOString(),
      '2026-01-01T00:00:00.000Z',
      'local time of Asia/Shanghai',
    );
    assert.equal(second.enabled, false);

    const page = await admin.get('/staff/admin/routing/rules/branches/versions/1?lang=en');
    assert.equal(hiddenValue(unescapeHtml(page.body), 'version'), '2');
    const restored = await admin.post('/staff/admin/routing/rules/branches/versions/1/restore?lang=en', {
      version: '2',
    });
    assert.equal(
      restored.headers.location,
      '/staff/admin/routing?done=restored&rule=branches&from=1#rule-branches',
    );
    assert.match(await follow(restored), /Rule “树枝 → 城管局” restored to the content of v1, saved as v3./);
    const third = await hub.app.store.rules.findById('branches');
    assert.ok(third);
    assert.equal(third.version, 3);
    assert.deepEqual(draftOf(third), draftOf(first));
    assert.deepEqual(
      (await hub.app.store.rules.history('branches')).map((v) => [
        v.version,
        v.name,
        v.actions.leadDepartment,
      ]),
      [
        [3, '树枝 → 城管局', 'CGJ'],
        [2, '树枝 → 园林', 'ZJJ'],
        [1, '树枝 → 城管局', 'CGJ'],
      ],
    );
    assert.deepEqual(await hub.app.store.rules.findVersion('branches', 1), first);
    assert.deepEqual(await auditOf('branches@3'), [
      { action: 'update_rule', actor: 'user:admin', fields: ['branches@3'], detail: 'restored_v1' },
    ]);
    // Version 1 and the current one are now the same.
    const same = unescapeHtml(
      (await admin.get('/staff/admin/routing/rules/branches/versions/1?lang=en')).body,
    );
    assert.match(same, /<p id='version-diff-none'>Same content as the current version.<\/p>/);

    // Restoring from a stale page is refused.
    const stored = await dump();
    const stale = await admin.post('/staff/admin/routing/rules/branches/versions/2/restore?lang=en', {
      version: '2',
    });
    assert.equal(stale.statusCode, 409);
    assert.match(elementText(unescapeHtml(stale.body), 'version-problem') ?? '', /\(now v3\)/);
    assert.equal(await dump(), stored);
  });

  it('a rule name with HTML is shown as text on every page', async () => {
    const name = `<script>alert(1)</script><b>x</b>`;
    const created = await send(admin, '/staff/admin/routing/new?lang=en', {
      id: 'html-name',
      name,
      order: '950',
      enabled: 'on',
      keywordsAny: '<img src=x>',
      leadDepartment: 'CGJ',
    });
    assert.equal(created.statusCode, 303);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;';
    for (const url of [
      '/staff/admin/routing?done=created&rule=html-name&lang=en',
      '/staff/admin/routing/rules/html-name/edit?lang=en',
      '/staff/admin/routing/rules/html-name/versions/1?lang=en',
    ]) {
      const page = await admin.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.ok(page.body.includes(escaped), url);
      assert.doesNotMatch(page.body, /<script>alert|<b>x<\/b>|<img src/, url);
    }
    const tested = await admin.post('/staff/admin/routing?lang=en', {
      text: '<img src=x>',
      kind: 'complaint',
    });
    assert.match(tested.body, /data-matched='html-name'/);
    assert.ok(tested.body.includes(`Matched rule: ${escaped}`));
  });

  it('a clerk gets the 403 page and changes nothing', async () => {
    const stored = await dump();
    for (const url of [
      '/staff/admin/routing/new',
      '/staff/admin/routing/rules/manholes/edit',
      '/staff/admin/routing/rules/manholes/versions/1',
    ]) {
      const page = await clerk.get(`${url}?lang=en`);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /Your role may not open this page./, url);
    }
    const posts: [string, Fields][] = [
      ['/staff/admin/routing/new', { ...MANHOLES, id: 'by-clerk' }],
      ['/staff/admin/routing/rules/manholes/edit', { ...MANHOLES, version: '4' }],
      ['/staff/admin/routing/rules/manholes/disable', { version: '4' }],
      ['/staff/admin/routing/rules/welfare/move', { version: '3', direction: 'up' }],
      ['/staff/admin/routing/rules/branches/versions/2/restore', { version: '3' }],
    ];
    for (const [url, fields] of posts) {
      const response = await send(clerk, `${url}?lang=en`, fields);
      assert.equal(response.statusCode, 403, url);
    }
    assert.equal(await dump(), stored);
  });

  it('a form without its CSRF token is refused with 403 and changes nothing', async () => {
    const stored = await dump();
    const posts: [string, Fields][] = [
      ['/staff/admin/routing/new', { ...MANHOLES, id: 'no-token' }],
      ['/staff/admin/routing/rules/manholes/edit', { ...MANHOLES, version: '4', name: 'no token' }],
      ['/staff/admin/routing/rules/manholes/disable', { version: '4' }],
      ['/staff/admin/routing/rules/welfare/move', { version: '3', direction: 'up' }],
      ['/staff/admin/routing/rules/branches/versions/2/restore', { version: '3' }],
    ];
    for (const [url, fields] of posts) {
      const response = await send(admin, `${url}?lang=en`, fields, null);
      assert.equal(response.statusCode, 403, url);
      assert.match(response.body, /This form has expired or did not come from this site./, url);
    }
    assert.equal(await dump(), stored);
  });
});
