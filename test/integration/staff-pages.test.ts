import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/config.js';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, SCRYPT_STRING, signIn } from '../helpers/staff.js';
import { elementText, inputTag, unescapeHtml, WebVisitor } from '../helpers/web-form.js';

const LOGINS_PER_MINUTE = 8;

/**
 * The staff pages' shell and its first pages: static assets served by the hub (htmx, ECharts), the
 * security policy and no external URL anywhere, the language switch, `next` after sign-in, the
 * sign-in limits, the audit log search, and the users admin with its validation.
 */
describe('staff pages', () => {
  let hub: TestHub;
  let visitors = 0;
  const ip = () => `192.0.2.${String(10 + ++visitors)}`;

  before(async () => {
    hub = await startHub({
      HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      STAFF_LOGINS_PER_MINUTE: String(LOGINS_PER_MINUTE),
    });
    await makeStaffUser(hub, 'clerk1', 'clerk', 'JTJ');
    await makeStaffUser(hub, 'super1', 'supervisor');
    await makeStaffUser(hub, 'op1', 'operator');
  });
  after(async () => {
    await hub.close();
  });

  it('serves htmx and ECharts from the installed packages, as JavaScript, and nothing else of node_modules', async () => {
    const visitor = new WebVisitor(hub, ip());
    for (const [url, file] of [
      ['/staff/static/vendor/htmx.min.js', 'node_modules/htmx.org/dist/htmx.min.js'],
      ['/staff/static/vendor/echarts.min.js', 'node_modules/echarts/dist/echarts.min.js'],
    ] as const) {
      const response = await visitor.get(url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['content-type'], 'application/javascript; charset=utf-8');
      assert.equal(response.body, readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
    }
    const css = await visitor.get('/staff/static/staff.css');
    assert.equal(css.statusCode, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    for (const url of [
      '/staff/static/vendor/echarts.js',
      '/staff/static/vendor/../../../package.json',
      '/staff/static/vendor/%2e%2e/%2e%2e/package.json',
      '/staff/static/../../package.json',
    ]) {
      const refused = await visitor.get(url);
      assert.ok([403, 404].includes(refused.statusCode), `${url}: ${refused.statusCode}`);
      assert.doesNotMatch(refused.body, /"name": "citizen-hub"/);
    }
  });

  it('sends every page with a policy that allows scripts only from the hub, and no page points outside it', async () => {
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    const clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
    const supervisor = await signIn(hub, 'super1', 'super1-pass-0123', ip());
    const operator = await signIn(hub, 'op1', 'op1-pass-0123', ip());
    const pages: [WebVisitor, string][] = [
      [new WebVisitor(hub, ip()), '/staff/login'],
      [admin, '/staff/admin'],
      [admin, '/staff/admin/users'],
      [admin, '/staff/audit'],
      [admin, '/staff/nowhere'],
      [clerk, '/staff/desk'],
      [clerk, '/staff/audit'],
      // The areas' own start pages use the same layout and rules.
      [operator, '/staff/console'],
      [supervisor, '/staff/supervision'],
    ];
    for (const [visitor, url] of pages) {
      const page = await visitor.get(url);
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /(^|;)script-src 'self'(;|$)/, url);
      assert.match(csp, /(^|;)default-src 'none'(;|$)/, url);
      assert.match(csp, /(^|;)frame-ancestors 'none'(;|$)/, url);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['cache-control'], 'no-store');
      // Every address in the page is our own (a path), and every script is a file of ours.
      const addresses = [...page.body.matchAll(/\s(?:href|src|action)='([^']*)'/g)].map((m) => m[1] ?? '');
      assert.ok(addresses.length > 3, url);
      for (const address of addresses) assert.match(address, /^(\/(?!\/)|#)/, `${url}: ${address}`);
      assert.doesNotMatch(page.body, /https?:\/\//, url);
      // Scripts: files of ours only, never inline (the policy would block them anyway).
      const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts[0]?.[1]?.trim(), "src='/staff/static/vendor/htmx.min.js' defer", url);
      for (const [, attributes = '', inline] of scripts) {
        assert.match(attributes.trim(), /^src='\/staff\/static\/[a-z0-9/.-]+\.js' defer$/, url);
        assert.equal(inline, '', url);
      }
      assert.doesNotMatch(page.body, /\son[a-z]+=/i, url);
    }
  });

  it('switches between zh-CN and English and remembers the choice', async () => {
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    const zh = await admin.get('/staff/admin/users');
    assert.match(zh.body, /<html lang='zh-CN'>/);
    assert.match(zh.body, /<h1>工作人员账号<\/h1>/);
    assert.match(zh.body, /<a class='lang' href='\/staff\/admin\/users\?lang=en' hreflang='en'>English<\/a>/);
    const en = await admin.get('/staff/admin/users?lang=en');
    assert.match(en.body, /<html lang='en'>/);
    assert.match(en.body, /<h1>Staff accounts<\/h1>/);
    assert.match(en.body, /<button type='submit'>Sign out<\/button>/);
    const later = await admin.get('/staff/audit');
    assert.match(later.body, /<h1>Audit log<\/h1>/);
    assert.match(later.body, /href='\/staff\/audit\?lang=zh-CN'/);
    assert.deepEqual(missingStaffTranslations(), []);
  });

  it('goes on to `next` after sign-in only when it is a staff page of this site', async () => {
    const cases: [string, string][] = [
      ['/staff/audit?action=staff_login', '/staff/audit?action=staff_login'],
      ['https://evil.example/staff', '/staff/supervision'],
      ['//evil.example/staff', '/staff/supervision'],
      ['/\\evil.example', '/staff/supervision'],
      ['/staff/../evil', '/staff/supervision'],
      ['/staff/%2E%2E/evil', '/staff/supervision'],
      ['/staff//evil.example', '/staff/supervision'],
      ['/other', '/staff/supervision'],
    ];
    // Its own account: eight sign-ins in a minute stay under the per-username limit (ten).
    await makeStaffUser(hub, 'super2', 'supervisor');
    for (const [next, expected] of cases) {
      const visitor = new WebVisitor(hub, ip());
      const form = await visitor.get(`/staff/login?next=${encodeURIComponent(next)}`);
      assert.equal(form.statusCode, 200);
      const response = await visitor.post('/staff/login', {
        username: 'super2',
        password: 'super2-pass-0123',
        next,
      });
      assert.equal(response.statusCode, 303, next);
      assert.equal(response.headers.location, expected, next);
    }
    // A stranger on a private page is sent to sign in with where they were going.
    const stranger = await new WebVisitor(hub, ip()).get('/staff/audit?actor=admin');
    assert.equal(stranger.statusCode, 303);
    assert.equal(stranger.headers.location, '/staff/login?next=%2Fstaff%2Faudit%3Factor%3Dadmin');
    const htmx = await hub.app.inject({
      method: 'GET',
      url: '/staff/audit',
      headers: { 'hx-request': 'true' },
    });
    assert.equal(htmx.statusCode, 401);
    assert.equal(htmx.headers['hx-redirect'], '/staff/login?next=%2Fstaff%2Faudit');
  });

  it('limits sign-in attempts per address and per username', async () => {
    const address = ip();
    const visitor = new WebVisitor(hub, address);
    await visitor.get('/staff/login');
    const statuses: number[] = [];
    for (let i = 0; i < LOGINS_PER_MINUTE + 1; i++) {
      const response = await visitor.post('/staff/login', {
        username: `spray${String(i)}`,
        password: 'guess-guess-1',
      });
      statuses.push(response.statusCode);
    }
    assert.deepEqual(statuses, [...Array<number>(LOGINS_PER_MINUTE).fill(401), 429]);
    assert.match(unescapeHtml(visitor.last?.body ?? ''), /操作太频繁，请 1 分钟后再试。/);
    assert.ok(Number(visitor.last?.headers['retry-after']) > 0);

    // One username from many addresses: ten attempts a minute, then "wait" (the lock needs five wrong ones).
    await makeStaffUser(hub, 'busy1', 'operator', undefined, 'busy1-right-pass');
    const answers: number[] = [];
    for (let i = 0; i < 11; i++) {
      const from = new WebVisitor(hub, ip());
      await from.get('/staff/login');
      const password = i < 4 ? 'wrong-password-1' : 'busy1-right-pass';
      answers.push((await from.post('/staff/login', { username: 'busy1', password })).statusCode);
    }
    assert.deepEqual(answers, [401, 401, 401, 401, 303, 303, 303, 303, 303, 303, 429]);
    const lastAnswer = await hub.app.store.audit.model
      .findOne({ action: 'staff_login_failed', 'actor.id': 'user:busy1' })
      .sort({ at: -1 })
      .lean();
    assert.equal(lastAnswer?.detail, 'too_many_attempts');
  });

  it('searches the audit log by who, what, ticket and dates, newest first, 50 a page', async () => {
    // 120 entries over three days in China time (UTC+8), two actors, two tickets.
    const base = Date.UTC(2026, 2, 1, 1, 0); // 2026-03-01 09:00 China time
    for (let i = 0; i < 120; i++) {
      await hub.app.store.audit.append({
        actor: {
          kind: 'staff',
          id: i % 2 === 0 ? 'user:clerk1' : 'token:abc123',
          role: 'department',
          department: 'JTJ',
        },
        action: i % 3 === 0 ? 'view_personal_data' : 'reply',
        ticketNumber: i % 4 === 0 ? '26030100012' : '26030100020',
        fields: i % 3 === 0 ? ['phones'] : undefined,
        at: new Date(base + Math.floor(i / 40) * 86_400_000 + (i % 40) * 60_000),
      });
    }
    const supervisor = await signIn(hub, 'super1', 'super1-pass-0123', ip());
    const rows = (html: string) =>
      [
        ...(elementBlock(html, 'audit-entries') ?? '').matchAll(
          /<tr>\s*<td class='nowrap'>([^<]*)<\/td>\s*<td>([^<]*)<\/td>[\s\S]*?<code>([^<]*)<\/code><\/td>\s*<td>([^<]*)<\/td>/g,
        ),
      ].map((m) => ({ at: m[1], actor: m[2], action: m[3], ticket: m[4] }));

    const first = await supervisor.get('/staff/audit?ticket=26030100020&from=2026-03-01&to=2026-03-03');
    assert.equal(first.statusCode, 200);
    const page1 = rows(first.body);
    assert.equal(page1.length, 50);
    assert.deepEqual(page1[0], {
      at: '2026-03-03 09:39',
      actor: 'token:abc123',
      action: 'reply',
      ticket: '26030100020',
    });
    assert.ok(page1.every((r, i) => i === 0 || (page1[i - 1]?.at ?? '') >= (r.at ?? '')));
    assert.doesNotMatch(first.body, /rel='first'/);
    const next = unescapeHtml(/<a href='([^']*)' rel='next'>/.exec(first.body)?.[1] ?? '');
    // The next page is read after the last entry shown: the link carries the filter and a cursor.
    const nextUrl = new URL(next, 'http://hub');
    assert.equal(nextUrl.pathname, '/staff/audit');
    assert.deepEqual(
      [...nextUrl.searchParams.keys()],
      ['actor', 'action', 'ticket', 'from', 'to', 'cursor', 'page'],
    );
    assert.equal(nextUrl.searchParams.get('ticket'), '26030100020');
    assert.equal(nextUrl.searchParams.get('page'), '2');
    const second = await supervisor.get(next);
    const page2 = rows(second.body);
    assert.equal(page2.length, 40);
    assert.doesNotMatch(second.body, /rel='next'/);
    assert.equal(
      unescapeHtml(/<a href='([^']*)' rel='first'>/.exec(second.body)?.[1] ?? ''),
      '/staff/audit?actor=&action=&ticket=26030100020&from=2026-03-01&to=2026-03-03',
    );
    // Every entry once across the two pages, newest first.
    const both = [...page1, ...page2];
    assert.ok(both.every((r, i) => i === 0 || (both[i - 1]?.at ?? '') >= (r.at ?? '')));
    assert.equal(new Set(both.map((r) => `${r.at ?? ''} ${r.actor ?? ''}`)).size, 90);

    const clerkViews = rows(
      (await supervisor.get('/staff/audit?actor=clerk1&action=view_personal_data')).body,
    );
    assert.equal(clerkViews.length, 20);
    assert.ok(clerkViews.every((r) => r.actor === 'user:clerk1' && r.action === 'view_personal_data'));

    const oneDay = rows(
      (await supervisor.get('/staff/audit?actor=token:abc123&from=2026-03-02&to=2026-03-02')).body,
    );
    assert.equal(oneDay.length, 20);
    assert.ok(oneDay.every((r) => r.at?.startsWith('2026-03-02') && r.actor === 'token:abc123'));

    const none = await supervisor.get('/staff/audit?ticket=26030100099');
    assert.equal(elementText(none.body, 'audit-none'), '没有符合条件的记录。');

    const bad = await supervisor.get('/staff/audit?from=2026-13-45');
    assert.equal(bad.statusCode, 400);
    assert.equal(elementText(bad.body, 'audit-problem'), '日期格式应为 年-月-日，例如 2026-03-01。');
    const backwards = await supervisor.get('/staff/audit?from=2026-03-03&to=2026-03-01');
    assert.equal(elementText(backwards.body, 'audit-problem'), '开始日期不能晚于结束日期。');
    const letters = await supervisor.get('/staff/audit?ticket=abc');
    assert.equal(elementText(letters.body, 'audit-problem'), '工单号只能由数字组成。');
    // A cursor that is not one, or one of another search, is refused.
    assert.equal((await supervisor.get('/staff/audit?cursor=not-a-cursor')).statusCode, 400);
    const cursor = nextUrl.searchParams.get('cursor') ?? '';
    const foreign = `/staff/audit?${new URLSearchParams({ ticket: '26030100012', cursor }).toString()}`;
    assert.equal((await supervisor.get(foreign)).statusCode, 400);
  });

  it('creates accounts with field messages for what is wrong, audits each change, and refuses to disable oneself', async () => {
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    await admin.get('/staff/admin/users');
    const count = await hub.app.store.staffUsers.count();

    const wrong = await admin.post('/staff/admin/users', {
      username: 'Bad Name!',
      name: '',
      role: 'head',
      department: '',
      password: 'short',
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(
      elementText(wrong.body, 'username-error'),
      '用户名为 2–32 位小写字母、数字或 . _ -，以字母或数字开头。',
    );
    assert.equal(elementText(wrong.body, 'name-error'), '请填写姓名。');
    assert.equal(elementText(wrong.body, 'department-error'), '承办人和科室负责人必须选择所属部门。');
    assert.equal(elementText(wrong.body, 'password-error'), '密码至少需要 10 个字符。');
    assert.match(inputTag(wrong.body, 'new-username') ?? '', /aria-invalid='true'/);
    assert.match(inputTag(wrong.body, 'new-username') ?? '', /value='Bad Name!'/);
    assert.doesNotMatch(wrong.body, /value='short'/);
    assert.match(wrong.body, /<option value='head' selected>科室负责人<\/option>/);

    const unknownDepartment = await admin.post('/staff/admin/users', {
      username: 'head2',
      name: '李科长',
      role: 'head',
      department: 'NOPE',
      password: 'head2-pass-0123',
    });
    assert.equal(elementText(unknownDepartment.body, 'department-error'), '该部门不存在或已停用。');
    const noRole = await admin.post('/staff/admin/users', {
      username: 'x2',
      name: 'x',
      role: 'root',
      password: 'x2-pass-01234',
    });
    assert.equal(elementText(noRole.body, 'role-error'), '请选择角色。');
    const sameAsName = await admin.post('/staff/admin/users', {
      username: 'samesame12',
      name: 'x',
      role: 'operator',
      password: 'SameSame12',
    });
    assert.equal(elementText(sameAsName.body, 'password-error'), '密码不能与用户名相同。');
    assert.equal(await hub.app.store.staffUsers.count(), count);

    const created = await admin.post('/staff/admin/users', {
      username: 'Head2',
      name: '李科长 <b>',
      role: 'head',
      department: 'ZJJ',
      password: 'head2-pass-0123',
    });
    assert.equal(created.statusCode, 303);
    assert.equal(created.headers.location, '/staff/admin/users?done=created&user=head2');
    const list = await admin.get(created.headers.location ?? '');
    assert.equal(elementText(list.body, 'users-done'), '已创建账号 head2。');
    assert.match(list.body, /<td>李科长 &lt;b&gt;<\/td>/);
    const head = await hub.app.store.staffUsers.findByUsername('head2');
    assert.deepEqual(
      [head?.role, head?.department, head?.name, head?.createdBy],
      ['head', 'ZJJ', '李科长 <b>', 'user:admin'],
    );
    assert.match(head?.passwordHash ?? '', SCRYPT_STRING);

    const taken = await admin.post('/staff/admin/users', {
      username: 'head2',
      name: 'again',
      role: 'operator',
      password: 'another-pass-0123',
    });
    assert.equal(taken.statusCode, 409);
    assert.equal(elementText(taken.body, 'username-error'), '该用户名已被使用。');

    await admin.get('/staff/admin/users');
    const self = await admin.post('/staff/admin/users/admin/disable', {});
    assert.equal(self.statusCode, 400);
    assert.equal(elementText(self.body, 'users-row-problem'), '不能停用自己的账号。');
    assert.equal((await hub.app.store.staffUsers.findByUsername('admin'))?.disabled, false);
    const short = await admin.post('/staff/admin/users/head2/password', { password: 'tiny' });
    assert.equal(short.statusCode, 400);
    assert.equal(
      elementText(short.body, 'users-row-problem'),
      'head2 的密码未重置：密码至少需要 10 个字符。',
    );
    const missing = await admin.post('/staff/admin/users/ghost/disable', {});
    assert.equal(missing.statusCode, 404);

    const audited = await hub.app.store.audit.model
      .find({ action: /^staff_user_|^staff_password/, detail: /^head2/ })
      .lean();
    assert.deepEqual(
      audited.map((e) => [e.action, e.detail]),
      [['staff_user_created', 'head2 head ZJJ']],
    );
  });
});

/** The inner HTML of the element with this id (tables: the whole table). */
function elementBlock(html: string, id: string): string | undefined {
  const start = html.indexOf(`id='${id}'`);
  if (start < 0) return undefined;
  const end = html.indexOf('</table>', start);
  return html.slice(start, end < 0 ? undefined : end);
}
