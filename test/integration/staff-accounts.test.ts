import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { lockKey } from '../../src/staff/login-guard.js';
import { sessionCookieOptions } from '../../src/staff/session-cookie.js';
import { sessionKey, StaffSessions } from '../../src/staff/sessions.js';
import { openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, SCRYPT_STRING, makeStaffUser, sessionCookie, signIn } from '../helpers/staff.js';
import { elementText, WebVisitor } from '../helpers/web-form.js';

const INVALID = '用户名或密码不正确。';
const LOCKED = /^密码连续输错 5 次，账号已锁定 15 分钟，请 15 分钟后再试；锁定期间即使密码正确也无法登录。$/;

/**
 * Staff accounts and sessions (issue 7 point 1): the bootstrap admin, sign-in and its lock, the
 * session cookie and its limits, CSRF on the forms, roles, disabling, and the session cookie on the
 * API (reads only) and the live socket.
 */
describe('staff accounts and sessions', () => {
  let hub: TestHub;
  let visitors = 0;
  const ip = () => `198.51.100.${String(10 + ++visitors)}`;
  const audit = (action: string) => hub.app.store.audit.model.find({ action }).sort({ at: 1 }).lean();

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
  });
  after(async () => {
    await hub.close();
  });

  it('signs in with the right password: a signed, httpOnly, SameSite=Strict cookie, and /staff goes to the role’s home', async () => {
    await makeStaffUser(hub, 'op1', 'operator');
    await makeStaffUser(hub, 'clerk1', 'clerk', 'JTJ');
    await makeStaffUser(hub, 'head1', 'head', 'JTJ');
    await makeStaffUser(hub, 'super1', 'supervisor');
    const homes: [string, string, string][] = [
      ['admin', ADMIN_PASSWORD, '/staff/admin'],
      ['op1', 'op1-pass-0123', '/staff/console'],
      ['clerk1', 'clerk1-pass-0123', '/staff/desk'],
      ['head1', 'head1-pass-0123', '/staff/desk'],
      ['super1', 'super1-pass-0123', '/staff/supervision'],
    ];
    for (const [username, password, home] of homes) {
      const visitor = new WebVisitor(hub, ip());
      await visitor.get('/staff/login');
      const response = await visitor.post('/staff/login', { username: username.toUpperCase(), password });
      assert.equal(response.statusCode, 303, username);
      assert.equal(response.headers.location, home, username);
      const cookie = (
        response.cookies as {
          name: string;
          httpOnly?: boolean;
          sameSite?: string;
          path?: string;
          secure?: boolean;
        }[]
      ).find((c) => c.name === 'hub_staff');
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.secure, undefined);
      const staff = await visitor.get('/staff');
      assert.equal(staff.statusCode, 303);
      assert.equal(staff.headers.location, home);
      const page = await visitor.get(home);
      assert.equal(page.statusCode, 200, `${username} ${home}`);
    }
    assert.equal(sessionCookieOptions({ publicUrl: 'https://hub.example.gov.cn' }).secure, true);
    assert.equal(sessionCookieOptions({ publicUrl: 'http://localhost:3000' }).secure, false);

    const logins = await audit('staff_login');
    assert.deepEqual(
      logins.map((e) => [e.actor.id, e.actor.role, e.actor.department ?? null, e.actor.head ?? null]),
      [
        ['user:admin', 'admin', null, null],
        ['user:op1', 'operator', null, null],
        ['user:clerk1', 'department', 'JTJ', null],
        ['user:head1', 'department', 'JTJ', true],
        ['user:super1', 'supervisor', null, null],
      ],
    );
  });

  it('shows each role its own navigation, and a clerk gets the 403 page on the audit log and users admin', async () => {
    const nav = async (username: string, password: string, home: string) => {
      const visitor = await signIn(hub, username, password, ip());
      const page = await visitor.get(home);
      return [...page.body.matchAll(/data-area='(\w+)'/g)].map((m) => m[1]);
    };
    assert.deepEqual(await nav('admin', ADMIN_PASSWORD, '/staff/admin'), ['admin', 'audit']);
    assert.deepEqual(await nav('op1', 'op1-pass-0123', '/staff/console'), ['console']);
    assert.deepEqual(await nav('clerk1', 'clerk1-pass-0123', '/staff/desk'), ['desk']);
    assert.deepEqual(await nav('super1', 'super1-pass-0123', '/staff/supervision'), ['supervision', 'audit']);

    const clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
    const users = (await hub.app.store.staffUsers.list()).length;
    for (const url of [
      '/staff/audit',
      '/staff/admin/users',
      '/staff/admin',
      '/staff/console',
      '/staff/supervision',
    ]) {
      const refused = await clerk.get(url);
      assert.equal(refused.statusCode, 403, url);
      assert.match(refused.body, /<p class='problem' role='alert'>您的角色无权访问此页面。<\/p>/);
    }
    await clerk.get('/staff/desk');
    const post = await clerk.post('/staff/admin/users', {
      username: 'sneaky',
      name: 'x',
      role: 'admin',
      password: 'sneaky-pass-0123',
    });
    assert.equal(post.statusCode, 403);
    assert.equal((await hub.app.store.staffUsers.list()).length, users);
  });

  it('locks an account for 15 minutes after five wrong passwords, even for the right one, and audits it', async () => {
    await makeStaffUser(hub, 'locky', 'operator', undefined, 'locky-right-pass');
    const visitor = new WebVisitor(hub, ip());
    await visitor.get('/staff/login');
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await visitor.post('/staff/login', {
        username: 'locky',
        password: `wrong-${attempt}-xxxxx`,
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(elementText(wrong.body, 'login-problem'), INVALID);
    }
    // An unknown user gets the very same answer.
    const stranger = new WebVisitor(hub, ip());
    await stranger.get('/staff/login');
    const nobody = await stranger.post('/staff/login', { username: 'nobody-here', password: 'whatever-123' });
    assert.equal(nobody.statusCode, 401);
    assert.equal(elementText(nobody.body, 'login-problem'), INVALID);

    const fifth = await visitor.post('/staff/login', { username: 'locky', password: 'wrong-5-xxxxx' });
    assert.equal(fifth.statusCode, 423);
    assert.match(elementText(fifth.body, 'login-problem') ?? '', LOCKED);
    const ttl = await hub.app.redis.pttl(lockKey('locky'));
    assert.ok(ttl > 895_000 && ttl <= 900_000, `lock TTL ${ttl}`);

    const right = await visitor.post('/staff/login', { username: 'locky', password: 'locky-right-pass' });
    assert.equal(right.statusCode, 423);
    assert.match(elementText(right.body, 'login-problem') ?? '', LOCKED);
    assert.equal(
      right.cookies.some((c: { name: string }) => c.name === 'hub_staff'),
      false,
    );
    assert.equal((await hub.app.store.staffUsers.findByUsername('locky'))?.failedLogins, 5);

    const failed = (await audit('staff_login_failed')).filter((e) => e.actor.id === 'user:locky');
    assert.deepEqual(
      failed.map((e) => e.detail),
      ['wrong_password', 'wrong_password', 'wrong_password', 'wrong_password', 'wrong_password', 'locked'],
    );
    assert.deepEqual(
      (await audit('staff_locked')).map((e) => [e.actor.id, e.detail, e.ip]),
      [['user:locky', '15min', visitor.ip]],
    );
    assert.deepEqual(
      (await audit('staff_login_failed'))
        .filter((e) => e.actor.id === 'user:nobody-here')
        .map((e) => e.detail),
      ['unknown_user'],
    );

    // Fifteen minutes later (the lock key gone), the right password works and the count restarts.
    await hub.app.redis.del(lockKey('locky'));
    const later = await visitor.post('/staff/login', { username: 'locky', password: 'locky-right-pass' });
    assert.equal(later.statusCode, 303);
    assert.equal((await hub.app.store.staffUsers.findByUsername('locky'))?.failedLogins, 0);
  });

  it('refuses every staff form without its CSRF token (403 page) and changes nothing', async () => {
    const anonymous = new WebVisitor(hub, ip());
    await anonymous.get('/staff/login');
    const login = await anonymous.post(
      '/staff/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      { csrf: null },
    );
    assert.equal(login.statusCode, 403);
    assert.match(login.body, /表单已过期或来源不明，请刷新页面后重新提交。/);
    assert.equal(anonymous.cookie('hub_staff'), undefined);
    const forged = await anonymous.post(
      '/staff/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      { csrf: 'forged' },
    );
    assert.equal(forged.statusCode, 403);

    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    await admin.get('/staff/admin/users');
    const create = await admin.post(
      '/staff/admin/users',
      { username: 'nocsrf', name: 'No token', role: 'operator', password: 'nocsrf-pass-0123' },
      { csrf: null },
    );
    assert.equal(create.statusCode, 403);
    assert.equal(await hub.app.store.staffUsers.findByUsername('nocsrf'), undefined);
    const disable = await admin.post('/staff/admin/users/op1/disable', {}, { csrf: null });
    assert.equal(disable.statusCode, 403);
    assert.equal((await hub.app.store.staffUsers.findByUsername('op1'))?.disabled, false);
    const logout = await admin.post('/staff/logout', {}, { csrf: null });
    assert.equal(logout.statusCode, 403);
    assert.equal((await admin.get('/staff/admin')).statusCode, 200);
  });

  it('ends a session after 30 idle minutes (the Redis key’s TTL), pushed back by each use, and after 12 hours in any case', async () => {
    const visitor = await signIn(hub, 'op1', 'op1-pass-0123', ip());
    // The hub's own sessions: 30 minutes idle, 12 hours at most.
    assert.deepEqual(hub.app.staff.sessions.limits, { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 });
    const key = keyOf(visitor);
    await hub.app.redis.pexpire(key, 60_000);
    assert.equal((await visitor.get('/staff/console')).statusCode, 200);
    const ttl = await hub.app.redis.pttl(key);
    assert.ok(ttl > 1_790_000 && ttl <= 1_800_000, `idle TTL after use ${ttl}`);

    // 30 minutes without a request: the key expires.
    await hub.app.redis.pexpire(key, 1);
    await sleep(20);
    const idle = await visitor.get('/staff/console');
    assert.equal(idle.statusCode, 303);
    assert.equal(idle.headers.location, '/staff/login?next=%2Fstaff%2Fconsole');

    // Busy all day: past 12 hours the session ends however recently it was used.
    const busy = await signIn(hub, 'op1', 'op1-pass-0123', ip());
    const busyKey = keyOf(busy);
    await hub.app.redis.hset(busyKey, 'created', String(Date.now() - 12 * 3_600_000 - 1000));
    assert.equal((await busy.get('/staff/console')).statusCode, 303);
    assert.equal(await hub.app.redis.exists(busyKey), 0);
  });

  it('ends an idle session in real time with a short idle limit (constructor option)', async () => {
    const sessions = new StaffSessions(hub.app.redis, hub.app.store.staffUsers, {
      idleMs: 300,
      absoluteMs: 60_000,
    });
    const token = await sessions.create('op1');
    await sleep(200);
    assert.equal((await sessions.resolve(token))?.user.username, 'op1');
    await sleep(200);
    // Used 200 ms ago: still alive 400 ms after sign-in, because each use restarts the idle clock.
    assert.equal((await sessions.resolve(token))?.actor.id, 'user:op1');
    await sleep(450);
    assert.equal(await sessions.resolve(token), undefined);
  });

  it('rotates the session on sign-in and kills it on sign-out', async () => {
    const visitor = await signIn(hub, 'super1', 'super1-pass-0123', ip());
    const first = visitor.cookie('hub_staff');
    // Signed in again from the same browser (the form of another tab): a new session id, the old one gone.
    assert.equal((await visitor.get('/staff/login')).headers.location, '/staff/supervision');
    await visitor.get('/staff/supervision');
    await visitor.post('/staff/login', { username: 'super1', password: 'super1-pass-0123' });
    const second = visitor.cookie('hub_staff');
    assert.ok(first && second && first !== second);
    assert.equal(await hub.app.redis.exists(sessionKey(first.split('.')[0] ?? '')), 0);
    assert.equal(await hub.app.redis.exists(sessionKey(second.split('.')[0] ?? '')), 1);

    await visitor.get('/staff/supervision');
    const out = await visitor.post('/staff/logout', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/staff/login');
    assert.equal(visitor.cookie('hub_staff'), undefined);
    assert.equal(await hub.app.redis.exists(sessionKey(second.split('.')[0] ?? '')), 0);
    // The old cookie replayed: nothing.
    visitor.setCookie('hub_staff', second);
    const replay = await visitor.get('/staff/supervision');
    assert.equal(replay.statusCode, 303);
    assert.equal(replay.headers.location, '/staff/login?next=%2Fstaff%2Fsupervision');
    const logouts = (await audit('staff_logout')).filter((e) => e.actor.id === 'user:super1');
    assert.equal(logouts.length, 1);
    assert.equal(logouts[0]?.ip, visitor.ip);
  });

  it('stops a disabled account’s sessions at once, and a new password ends the old sessions', async () => {
    await makeStaffUser(hub, 'clerk2', 'clerk', 'ZJJ');
    const clerk = await signIn(hub, 'clerk2', 'clerk2-pass-0123', ip());
    const other = await signIn(hub, 'clerk2', 'clerk2-pass-0123', ip());
    assert.equal((await clerk.get('/staff/desk')).statusCode, 200);
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    await admin.get('/staff/admin/users');
    const disabled = await admin.post('/staff/admin/users/clerk2/disable', {});
    assert.equal(disabled.statusCode, 303);
    assert.equal(disabled.headers.location, '/staff/admin/users?done=disabled&user=clerk2');
    for (const visitor of [clerk, other]) assert.equal((await visitor.get('/staff/desk')).statusCode, 303);
    assert.deepEqual(await hub.app.redis.smembers('staff:user-sessions:clerk2'), []);
    const again = new WebVisitor(hub, ip());
    await again.get('/staff/login');
    const refused = await again.post('/staff/login', { username: 'clerk2', password: 'clerk2-pass-0123' });
    assert.equal(refused.statusCode, 401);
    assert.equal(elementText(refused.body, 'login-problem'), INVALID);

    await admin.get('/staff/admin/users');
    assert.equal((await admin.post('/staff/admin/users/clerk2/enable', {})).statusCode, 303);
    const back = await signIn(hub, 'clerk2', 'clerk2-pass-0123', ip());
    assert.equal((await back.get('/staff/desk')).statusCode, 200);

    await admin.get('/staff/admin/users');
    const reset = await admin.post('/staff/admin/users/clerk2/password', { password: 'clerk2-new-pass-77' });
    assert.equal(reset.statusCode, 303);
    assert.equal((await back.get('/staff/desk')).statusCode, 303);
    await assert.rejects(signIn(hub, 'clerk2', 'clerk2-pass-0123', ip()), /401/);
    assert.equal(
      (await (await signIn(hub, 'clerk2', 'clerk2-new-pass-77', ip())).get('/staff/desk')).statusCode,
      200,
    );
    assert.deepEqual(
      (await hub.app.store.audit.model.find({ detail: 'clerk2' }).sort({ at: 1 }).lean()).map((e) => [
        e.action,
        e.actor.id,
      ]),
      [
        ['staff_user_disabled', 'user:admin'],
        ['staff_user_enabled', 'user:admin'],
        ['staff_password_reset', 'user:admin'],
      ],
    );
  });

  it('lets the session cookie read the API and open the live socket, but never change anything', async () => {
    const jtj = await openTicket(hub);
    await hub.request({
      method: 'POST',
      url: `/api/v1/tickets/${jtj.number}/dispatch`,
      payload: { department: 'JTJ' },
    });
    const zjj = await openTicket(hub);
    await hub.request({
      method: 'POST',
      url: `/api/v1/tickets/${zjj.number}/dispatch`,
      payload: { department: 'ZJJ' },
    });
    const clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
    const cookie = sessionCookie(clerk);

    const departments = await hub.request({
      method: 'GET',
      url: '/api/v1/departments',
      token: null,
      headers: cookie,
    });
    assert.equal(departments.statusCode, 200);
    const list = await hub.request({ method: 'GET', url: '/api/v1/tickets', token: null, headers: cookie });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json<{ items: { number: string }[] }>().items.map((t) => t.number),
      [jtj.number],
    );
    const theirs = await hub.request({
      method: 'GET',
      url: `/api/v1/tickets/${zjj.number}`,
      token: null,
      headers: cookie,
    });
    assert.equal(theirs.statusCode, 404);

    const before = await hub.app.store.tickets.count();
    const post = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      token: null,
      headers: cookie,
      payload: { kind: 'complaint', body: '只带会话 cookie 的提交', contact: { phone: '13800138000' } },
    });
    assert.equal(post.statusCode, 401);
    assert.equal(post.json<{ code: string }>().code, 'HUB_ERR_UNAUTHORIZED');
    const command = await hub.request({
      method: 'POST',
      url: `/api/v1/tickets/${jtj.number}/sign`,
      token: null,
      headers: cookie,
      payload: {},
    });
    assert.equal(command.statusCode, 401);
    assert.equal(await hub.app.store.tickets.count(), before);
    assert.equal((await hub.app.store.tickets.findByNumber(jtj.number))?.status, 'dispatched');
    // No cookie, no token: as before.
    assert.equal((await hub.request({ method: 'GET', url: '/api/v1/tickets', token: null })).statusCode, 401);
    // A forged cookie: nothing.
    const forged = { cookie: 'hub_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.forged' };
    assert.equal(
      (await hub.request({ method: 'GET', url: '/api/v1/tickets', token: null, headers: forged })).statusCode,
      401,
    );

    let greeted: (hello: unknown) => void = () => undefined;
    const hello = new Promise((resolve) => (greeted = resolve));
    const socket = await hub.app.injectWS(
      '/api/v1/live',
      { headers: cookie },
      {
        onInit: (ws) => {
          ws.once('message', (data: Buffer) => {
            greeted(JSON.parse(data.toString()));
          });
        },
      },
    );
    assert.deepEqual(await hello, { type: 'hello', role: 'department', department: 'JTJ' });
    socket.terminate();
    await assert.rejects(
      hub.app.injectWS('/api/v1/live', { headers: { ...cookie, origin: 'https://evil.example' } }),
    );
  });

  it('keeps passwords only as scrypt strings: never in the accounts, the audit log or Redis', async () => {
    const raw = await hub.app.store.staffUsers.model.collection.find({}).toArray();
    assert.ok(raw.length >= 7);
    const passwords = [
      ADMIN_PASSWORD,
      'op1-pass-0123',
      'clerk1-pass-0123',
      'clerk2-new-pass-77',
      'locky-right-pass',
    ];
    for (const doc of raw) {
      assert.match(String(doc.passwordHash), SCRYPT_STRING);
      assert.deepEqual(
        Object.keys(doc).filter((k) => /pass/i.test(k)),
        ['passwordHash', 'passwordChangedAt'],
      );
    }
    const stored = JSON.stringify(raw) + JSON.stringify(await hub.app.store.audit.model.find({}).lean());
    const redisKeys = await hub.app.redis.keys('*');
    let redisText = '';
    for (const key of redisKeys.map((k) => k.slice(`${hub.config.redisPrefix}:`.length))) {
      const type = await hub.app.redis.type(key);
      if (type === 'string') redisText += (await hub.app.redis.get(key)) ?? '';
      if (type === 'hash') redisText += JSON.stringify(await hub.app.redis.hgetall(key));
      if (type === 'set') redisText += JSON.stringify(await hub.app.redis.smembers(key));
    }
    for (const password of passwords) {
      assert.equal(stored.includes(password), false, password);
      assert.equal(redisText.includes(password), false, password);
    }
    // The session token itself is not in Redis either: only its hash names the key.
    const visitor = await signIn(hub, 'op1', 'op1-pass-0123', ip());
    const token = visitor.cookie('hub_staff')?.split('.')[0] ?? '';
    assert.equal(token.length, 43);
    const keys = (await hub.app.redis.keys(`${hub.config.redisPrefix}:staff:*`)).join(' ');
    assert.equal(keys.includes(token), false);
  });

  /** The Redis key of a visitor's session (the cookie is `token.signature`). */
  function keyOf(visitor: WebVisitor): string {
    const token = visitor.cookie('hub_staff')?.split('.')[0];
    assert.ok(token);
    return sessionKey(token);
  }
});
