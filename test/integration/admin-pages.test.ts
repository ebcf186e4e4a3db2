import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_RULES } from '../../src/seed-data.js';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { sealFile } from '../../src/subsidies/import-file-seal.js';
import { checkSubsidyFile } from '../../src/subsidies/import-subsidies.js';
import { toLocal } from '../../src/time/zoned-time.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

const HEADER = '户主姓名,身份证号,联系电话,乡镇,村,年度,补贴类型,批次,金额(元),发放日期,状态,银行账号,开户行';
/** Two rows: the second's phone has 10 digits. */
const BAD_CSV = Buffer.from(
  [
    HEADER,
    '马建军,130125198307076789,13903120011,口头镇,北庄村,2025,粮食直补,1,900.00,2025-05-20,已发放,,',
    '钱文斌,130125195909098914,1390312000,口头镇,北庄村,2025,粮食直补,1,900.00,2025-05-20,已发放,,',
    '',
  ].join('\r\n'),
);

let ipCount = 0;
const ip = () => `198.51.100.${String(60 + ipCount++)}`;

/** The visitor's cookies as one header (the session and the CSRF secret). */
function cookies(visitor: WebVisitor): string {
  return ['hub_staff', 'staff_csrf', 'staff_lang']
    .map((name) => [name, visitor.cookie(name)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value ?? ''}`)
    .join('; ');
}

describe('admin pages: imports, queue monitor, routing rules', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;

  /** What the page's script does: the file as the body, the page's CSRF token in a header. */
  async function upload(query: string, bytes: Buffer, csrf: string | null): Promise<LightMyRequestResponse> {
    return hub.app.inject({
      method: 'POST',
      url: `/staff/admin/imports/upload?${query}`,
      remoteAddress: admin.ip,
      headers: {
        'content-type': 'application/octet-stream',
        cookie: cookies(admin),
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
      },
      payload: bytes,
    });
  }

  /** Reloads an import's page until it has finished; returns the last page and every progress bar seen. */
  async function finishedPage(location: string): Promise<{ html: string; bars: string[] }> {
    const bars: string[] = [];
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const page = await admin.get(location);
      assert.equal(page.statusCode, 200, page.body);
      const bar = /<progress id='import-progress'[^>]*>/.exec(page.body)?.[0];
      assert.ok(bar, 'a progress bar');
      bars.push(bar);
      const status = /data-status='(\w+)'/.exec(page.body)?.[1];
      if (status === 'queued' || status === 'running') {
        // Followed by htmx every second, and by a refresh without JavaScript.
        assert.match(page.body, /hx-trigger='every 1s'/);
        assert.match(page.body, /<noscript><meta http-equiv='refresh' content='1' \/><\/noscript>/);
      } else {
        assert.doesNotMatch(page.body, /hx-trigger='every 1s'/);
        assert.doesNotMatch(page.body, /http-equiv='refresh'/);
        return { html: page.body, bars };
      }
      await sleep(50);
    }
    throw new Error(`${location} did not finish`);
  }

  const dump = async () =>
    JSON.stringify([
      await hub.app.store.subsidies.model.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.subsidies.payments.find({}).sort({ _id: 1 }).lean(),
    ]);

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

  it('the admin home links the three pages; the words exist in both languages', async () => {
    const home = await admin.get('/staff/admin?lang=en');
    assert.equal(home.statusCode, 200);
    const links = [...home.body.matchAll(/<li><a href='([^']+)'>/g)].map((m) => m[1]);
    assert.deepEqual(links, [
      '/staff/admin/users',
      '/staff/audit',
      '/staff/admin/departments',
      '/staff/admin/directory',
      '/staff/admin/sla',
      '/staff/admin/templates',
      '/staff/admin/ivr',
      '/staff/admin/keywords',
      '/staff/admin/imports',
      '/staff/admin/routing',
      '/staff/admin/queues',
    ]);
    assert.doesNotMatch(home.body, /id='area-shell'/);
    assert.deepEqual(missingStaffTranslations(), []);
  });

  it('the imports page: a form that says uploading needs JavaScript, its script and CSRF token, no imports yet', async () => {
    const page = await admin.get('/staff/admin/imports?lang=en');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form id='import-form'[^>]*data-csrf='[^']+'/);
    assert.match(page.body, /<button type='submit' id='import-submit' disabled>Upload and import<\/button>/);
    assert.match(page.body, /Uploading a file needs JavaScript/);
    assert.match(page.body, /<option value='all-or-nothing' selected>/);
    assert.match(page.body, /<script src='\/staff\/static\/admin-imports.js' defer><\/script>/);
    assert.match(page.body, /<p id='imports-none'>No imports yet.<\/p>/);
    const script = await admin.get('/staff/static/admin-imports.js');
    assert.equal(script.statusCode, 200);
    assert.match(script.body, /x-csrf-token/);
  });

  it('an upload without the CSRF token is refused and starts nothing', async () => {
    const response = await upload('kind=subsidies&name=bad.csv', BAD_CSV, null);
    assert.equal(response.statusCode, 403);
    const forged = await upload('kind=subsidies&name=bad.csv', BAD_CSV, 'not-the-token');
    assert.equal(forged.statusCode, 403);
    assert.deepEqual((await hub.app.store.imports.list({ limit: 10 })).items, []);
  });

  it('a CSV with a bad row: the import page reports every bad row (row, column, reason), nothing written', async () => {
    const before = await dump();
    const expected = checkSubsidyFile({
      bytes: BAD_CSV,
      source: 'bad.csv',
      mode: 'all-or-nothing',
      today: toLocal(new Date(), hub.config.timezone).date,
    }).report.problems;
    assert.equal(expected.length, 1);
    await admin.get('/staff/admin/imports?lang=en');
    const response = await upload('kind=subsidies&name=C%3A%5Cdata%5Cbad.csv', BAD_CSV, admin.csrf());
    assert.equal(response.statusCode, 201, response.body);
    const { id, location } = response.json<{ id: string; location: string }>();
    assert.match(id, /^imp-[0-9a-f]{16}$/);
    assert.equal(location, `/staff/admin/imports/${id}`);

    const { html } = await finishedPage(location);
    const text = unescapeHtml(html);
    assert.match(text, /<dd id='import-status'>Problems found: nothing was written<\/dd>/);
    const rows = [
      ...html.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g),
    ];
    assert.deepEqual(
      rows.map(([, row, field, reason]) => [
        Number(row),
        unescapeHtml(field ?? ''),
        unescapeHtml(reason ?? ''),
      ]),
      expected.map((p) => [p.row, '联系电话', p.message]),
    );
    assert.match(
      html,
      new RegExp(`<a href='/api/v1/imports/${id}/report.csv' id='import-report-csv' download>`),
    );
    assert.equal(await dump(), before);

    // The report link opens with the session cookie (the API's GET).
    const csv = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/imports/${id}/report.csv`,
      headers: { cookie: cookies(admin) },
    });
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.body, new RegExp(`\\r\\n${String(expected[0]?.row)},`));

    // The list shows it.
    const list = await admin.get('/staff/admin/imports?lang=en');
    assert.match(
      list.body,
      new RegExp(`<tr id='import-${id}'>\\s*<td><a href='${location}'>bad.csv</a></td>`),
    );
  });

  it('a good CSV: the progress bar reaches the total and the households exist', async () => {
    assert.deepEqual(await hub.app.store.subsidies.householdsByPhone('13903120001'), []);
    await admin.get('/staff/admin/imports');
    const response = await upload(
      'kind=subsidies&mode=all-or-nothing&name=register.csv',
      fixture('subsidies-register.csv'),
      admin.csrf(),
    );
    assert.equal(response.statusCode, 201, response.body);
    const { html, bars } = await finishedPage(response.json<{ location: string }>().location);
    assert.equal(bars.at(-1), "<progress id='import-progress' value='7' max='7'>");
    assert.match(html, /<p id='import-no-problems'>/);
    assert.match(html, /<ul id='import-counts'>/);
    const [liu] = await hub.app.store.subsidies.householdsByPhone('13903120001');
    assert.equal(liu?.headName, '刘振华');
  });

  it('a refused file comes back to the script as a coded message in the page language', async () => {
    await admin.get('/staff/admin/imports?lang=en');
    const response = await upload('kind=subsidies&name=empty.csv', Buffer.alloc(0), admin.csrf());
    assert.equal(response.statusCode, 400, response.body);
    assert.deepEqual(response.json(), {
      code: 'HUB_ERR_IMPORT_FILE',
      message: 'Cannot import this file: the file is empty',
    });
    assert.equal((await hub.app.store.imports.list({ limit: 10 })).items.length, 2);
  });

  it('the routing page lists the rules in order with their versions; the test box shows the matched rule and why', async () => {
    const page = await admin.get('/staff/admin/routing?lang=en');
    assert.equal(page.statusCode, 200);
    const ids = [...page.body.matchAll(/<tr id='rule-([\w-]+)'/g)].map((m) => m[1]);
    assert.deepEqual(
      ids,
      [...DEMO_RULES].sort((a, b) => a.order - b.order).map((r) => r.id),
    );
    assert.match(unescapeHtml(page.body), /<tr id='rule-property' >\s*<td>40<\/td>/);
    assert.match(page.body, /Any of: 物业、公积金、房屋漏水、电梯/);
    assert.match(page.body, /v1\s*<details><summary>Versions<\/summary>/);
    assert.doesNotMatch(page.body, /id='routing-result'/);

    const tested = await admin.post('/staff/admin/routing?lang=en', {
      text: '小区物业把电梯停了一个星期',
      kind: 'complaint',
      category: '',
      district: '',
    });
    assert.equal(tested.statusCode, 200);
    const html = unescapeHtml(tested.body);
    assert.match(html, /<section id='routing-result' aria-live='polite' data-matched='property'>/);
    const property = DEMO_RULES.find((r) => r.id === 'property');
    assert.match(
      html,
      new RegExp(
        `<p class='done' id='routing-headline'>Matched rule: ${property?.name ?? ''} \\(property, v1\\)</p>`,
      ),
    );
    assert.match(
      html,
      /<p id='routing-route-to'>Goes to: Housing and Urban-Rural Development Bureau \(ZJJ\), priority normal<\/p>/,
    );
    const reasons = [
      ...(/<ol class='reasons' id='routing-reasons'>(.*?)<\/ol>/s.exec(html)?.[1] ?? '').matchAll(
        /<li>([^<]*)<\/li>/g,
      ),
    ].map((m) => m[1]);
    const expected = (
      await hub.request({
        method: 'POST',
        url: '/api/v1/routing/dry-run',
        payload: { text: '小区物业把电梯停了一个星期', kind: 'complaint' },
      })
    ).json<{ reasons: string[] }>().reasons;
    assert.ok(expected.length > 0);
    assert.deepEqual(reasons, expected);
    // What was typed stays in the form.
    assert.match(html, /<textarea id='test-text' name='text'[^>]*>小区物业把电梯停了一个星期<\/textarea>/);

    const none = await admin.post('/staff/admin/routing?lang=en', { text: '你好', kind: 'consultation' });
    assert.match(none.body, /data-matched=''/);
    assert.match(none.body, /No rule matches: the ticket would go to triage./);

    const empty = await admin.post('/staff/admin/routing?lang=en', { text: '  ', kind: 'complaint' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<span class='error' id='test-text-error'>Type the request text.<\/span>/);
  });

  it('the queue monitor: bull-board over every hub queue, its files served by the hub, its own CSP', async () => {
    const page = await admin.get('/staff/admin/queues');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<base href="\/staff\/admin\/queues\/" \/>/);
    // No CDN, nothing from another host.
    assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\//);
    assert.doesNotMatch(page.body, /googleapis/);
    assert.equal(
      page.headers['content-security-policy'],
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    const assets = [...page.body.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(assets.filter((a) => a.endsWith('.js')).length, 4, assets.join());
    assert.equal(assets.filter((a) => a.endsWith('.css')).length, 1, assets.join());
    for (const asset of assets) {
      const file = await admin.get(`/staff/admin/queues/${asset}`);
      assert.equal(file.statusCode, 200, asset);
      assert.ok(file.body.length > 0, asset);
    }
    const api = await admin.get('/staff/admin/queues/api/queues');
    assert.equal(api.statusCode, 200, api.body);
    const names = api
      .json<{ queues: { name: string }[] }>()
      .queues.map((q) => q.name)
      .sort();
    assert.deepEqual(names, [
      'broadcasts',
      'imports',
      'notify-email',
      'notify-push',
      'notify-sms',
      'notify-voice',
      'sla-timers',
      'subsidy-codes',
    ]);
    // The two finished imports of this file are there.
    const imports = await admin.get('/staff/admin/queues/api/queues?activeQueue=imports&status=completed');
    assert.equal(imports.statusCode, 200);

    // A stranger is sent to sign in, its files too.
    const stranger = await hub.app.inject({ method: 'GET', url: '/staff/admin/queues/api/queues' });
    assert.equal(stranger.statusCode, 303);
    assert.equal(stranger.headers.location, '/staff/login?next=%2Fstaff%2Fadmin%2Fqueues%2Fapi%2Fqueues');
  });

  it('a running import: the page polls every second with htmx and refreshes without JavaScript; no report yet', async () => {
    const id = 'imp-00000000000000aa';
    const at = new Date();
    await hub.app.store.imports.create(
      {
        id,
        kind: 'applications',
        mode: 'valid-rows',
        format: 'csv',
        encoding: 'auto',
        source: 'cases.csv',
        size: 10,
        sha256: '0'.repeat(64),
        status: 'running',
        progress: { phase: 'checking', done: 3, total: 7 },
        createdBy: { kind: 'staff', id: 'user:admin', role: 'admin' },
        createdAt: at,
        updatedAt: at,
        runs: 1,
        problemCount: 0,
        problemChunks: 0,
      },
      sealFile(hub.config.secret, id, Buffer.from('a,b\r\n1,2\r\n')),
    );
    const page = await admin.get(`/staff/admin/imports/${id}?lang=en`);
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(
        `<section id='import-view' hx-get='/staff/admin/imports/${id}' hx-trigger='every 1s' hx-select='#import-view' hx-swap='outerHTML' data-status='running'>`,
      ),
    );
    assert.match(
      page.body,
      /<head>[\s\S]*<noscript><meta http-equiv='refresh' content='1' \/><\/noscript>[\s\S]*<\/head>/,
    );
    assert.match(page.body, /<progress id='import-progress' value='3' max='7'>42%<\/progress>/);
    assert.match(page.body, /<span id='import-progress-text'>3 \/ 7 rows \(checking\)<\/span>/);
    assert.doesNotMatch(page.body, /id='import-problems'|id='import-no-problems'|report.csv/);
    await hub.app.store.imports.model.deleteOne({ _id: id });
  });

  it('a clerk gets the 403 page on every admin page, and cannot upload', async () => {
    for (const url of [
      '/staff/admin/imports',
      '/staff/admin/routing',
      '/staff/admin/queues',
      '/staff/admin/queues/api/queues',
    ]) {
      const page = await clerk.get(`${url}?lang=en`);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /Your role may not open this page./, url);
    }
    const before = (await hub.app.store.imports.list({ limit: 10 })).items.length;
    const response = await hub.app.inject({
      method: 'POST',
      url: '/staff/admin/imports/upload?kind=subsidies',
      remoteAddress: clerk.ip,
      headers: {
        'content-type': 'application/octet-stream',
        cookie: cookies(clerk),
        'x-csrf-token': clerk.csrf(),
      },
      payload: BAD_CSV,
    });
    assert.equal(response.statusCode, 403);
    assert.equal((await hub.app.store.imports.list({ limit: 10 })).items.length, before);
  });
});
