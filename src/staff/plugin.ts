import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { Actor } from '../tickets/types.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { createUser, type NewUserForm } from './create-user.js';
import type { StaffDeps } from './deps.js';
import { login, type LoginInput } from './login.js';
import { LoginGuard } from './login-guard.js';
import { logout } from './logout.js';
import { resetPassword } from './reset-password.js';
import { StaffSessions } from './sessions.js';
import { setDisabled } from './set-disabled.js';

/** Staff accounts and sessions: what the staff pages and the API's cookie check call. */
export interface StaffAccounts {
  sessions: StaffSessions;
  login(input: LoginInput): ReturnType<typeof login>;
  logout(token: string | undefined, actor: Actor, ip: string): Promise<void>;
  createUser(form: NewUserForm, by: Actor): ReturnType<typeof createUser>;
  setDisabled(username: string, disabled: boolean, by: Actor): ReturnType<typeof setDisabled>;
  resetPassword(username: string, password: string, by: Actor): ReturnType<typeof resetPassword>;
}

declare module 'fastify' {
  interface FastifyInstance {
    staff: StaffAccounts;
  }
}

/**
 * Staff accounts (issue 7): wired once to the store and Redis; makes the bootstrap `admin` from
 * `HUB_ADMIN_PASSWORD` on first start. Registered before the auth plugin, which accepts a session
 * cookie on the API's GETs.
 */
export const staffPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const sessions = new StaffSessions(app.redis, app.store.staffUsers);
    const deps: StaffDeps = {
      store: app.store,
      redis: app.redis,
      sessions,
      guard: new LoginGuard(app.redis),
    };
    app.decorate('staff', {
      sessions,
      login: (input) => login(deps, input),
      logout: (token, actor, ip) => logout(deps, token, actor, ip),
      createUser: (form, by) => createUser(deps, form, by),
      setDisabled: (username, disabled, by) => setDisabled(deps, username, disabled, by),
      resetPassword: (username, password, by) => resetPassword(deps, username, password, by),
    });

    if (config.adminPassword) {
      const outcome = await bootstrapAdmin(app.store, config.adminPassword);
      app.log.info(
        outcome === 'created'
          ? 'staff: bootstrap admin "admin" created from HUB_ADMIN_PASSWORD'
          : 'staff: bootstrap admin "admin" exists; HUB_ADMIN_PASSWORD is not applied again',
      );
    } else if ((await app.store.staffUsers.count()) === 0) {
      app.log.info('staff: no staff accounts yet; set HUB_ADMIN_PASSWORD to create "admin" for /staff');
    }
  },
  { name: 'hub-staff', dependencies: ['hub-store', 'hub-redis'] },
);
