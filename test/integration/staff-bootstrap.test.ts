import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { startHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, SCRYPT_STRING } from '../helpers/staff.js';
import { elementText, WebVisitor } from '../helpers/web-form.js';

/**
 * DESIGN §5: `HUB_ADMIN_PASSWORD` makes the bootstrap `admin` on first start only; a later start
 * (the same database) with another value changes nothing; without it no account is made.
 */
describe('staff: the bootstrap admin', () => {
  it('is made on first start from HUB_ADMIN_PASSWORD and left alone on the next start', async () => {
    const hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    try {
      const admin = await hub.app.store.staffUsers.findByUsername('admin');
      assert.ok(admin);
      assert.deepEqual(
        [admin.role, admin.disabled, admin.department, admin.createdBy, admin.failedLogins],
        ['admin', false, undefined, 'HUB_ADMIN_PASSWORD', 0],
      );
      assert.match(admin.passwordHash, SCRYPT_STRING);
      const created = await hub.app.store.audit.model.find({ action: 'staff_user_created' }).lean();
      assert.deepEqual(
        created.map((e) => [e.actor.kind, e.actor.id, e.detail]),
        [['system', 'bootstrap', 'admin']],
      );
      assert.equal(
        (await hub.app.staff.login({ username: 'admin', password: ADMIN_PASSWORD, ip: '::1' })).ok,
        true,
      );

      // Stop, and start again on the same data directory, database and Redis prefix, another password.
      await hub.app.close();
      const again = await buildApp({ ...hub.config, adminPassword: 'another-password-99' });
      try {
        await again.ready();
        const kept = await again.store.staffUsers.findByUsername('admin');
        assert.equal(kept?.passwordHash, admin.passwordHash);
        assert.equal(await again.store.staffUsers.count(), 1);
        assert.equal(await again.store.audit.model.countDocuments({ action: 'staff_user_created' }), 1);
        const other = await again.staff.login({
          username: 'admin',
          password: 'another-password-99',
          ip: '::1',
        });
        assert.deepEqual(other, { ok: false, reason: 'invalid' });
        assert.equal(
          (await again.staff.login({ username: 'admin', password: ADMIN_PASSWORD, ip: '::1' })).ok,
          true,
        );
      } finally {
        await again.close();
      }
    } finally {
      await hub.close();
    }
  });

  it('makes no account without HUB_ADMIN_PASSWORD, and the sign-in page still works', async () => {
    const hub = await startHub();
    try {
      assert.equal(await hub.app.store.staffUsers.count(), 0);
      const visitor = new WebVisitor(hub);
      assert.equal((await visitor.get('/staff/login')).statusCode, 200);
      const refused = await visitor.post('/staff/login', { username: 'admin', password: 'anything-at-all' });
      assert.equal(refused.statusCode, 401);
      assert.equal(elementText(refused.body, 'login-problem'), '用户名或密码不正确。');
    } finally {
      await hub.close();
    }
  });
});
