import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { NewUserForm, UserFormProblems } from '../staff/create-user.js';
import { MIN_PASSWORD_LENGTH } from '../staff/password.js';
import { STAFF_ROLES } from '../staff/roles.js';
import { localMinute } from '../time/local-format.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { USERS_WORDS } from './words/users.js';

addStaffMessages(USERS_WORDS);

const ADMINS = AREAS.admin.roles;
const USERS = '/staff/admin/users';

const CreateForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  username: Type.String({ maxLength: 100, default: '' }),
  name: Type.String({ maxLength: 200, default: '' }),
  role: Type.String({ maxLength: 20, default: '' }),
  department: Type.Optional(Type.String({ maxLength: 40 })),
  password: Type.String({ maxLength: 1024, default: '' }),
});
const UserParams = Type.Object({ username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,31}$' }) });
const PasswordForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  password: Type.String({ maxLength: 1024, default: '' }),
});
const Done = Type.Object({
  done: Type.Optional(
    Type.Union([
      Type.Literal('created'),
      Type.Literal('disabled'),
      Type.Literal('enabled'),
      Type.Literal('password'),
    ]),
  ),
  user: Type.Optional(Type.String({ maxLength: 40 })),
});

/**
 * `/staff/admin/users` (admins only): the accounts, a form to create one (role, and the department
 * for clerks and heads), and per account disable / enable and a new password. Each action is a
 * use-case in src/staff (validated and audited there); a refused form comes back with its messages
 * and what was typed (never the password); a done action redirects (POST-redirect-GET) with a note.
 */
export const usersRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: Partial<NewUserForm>; problems?: UserFormProblems; rowProblem?: string; done?: string },
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const [users, departments] = await Promise.all([
      app.store.staffUsers.list(),
      app.store.departments.list(),
    ]);
    const names = new Map(
      departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]),
    );
    const form = extra.form ?? {};
    return reply.page(
      'users',
      {
        users: users.map((user) => ({
          username: user.username,
          name: user.name,
          role: user.role,
          department:
            user.department && `${names.get(user.department) ?? user.department} (${user.department})`,
          disabled: user.disabled,
          self: user.username === request.staffUser?.username,
          lastLogin: user.lastLoginAt && localMinute(user.lastLoginAt, config.timezone),
          failedLogins: user.failedLogins,
        })),
        roles: STAFF_ROLES.map((role) => ({ role, selected: form.role === role })),
        departments: departments
          .filter((d) => d.active)
          .map((d) => ({ code: d.code, name: names.get(d.code), selected: form.department === d.code })),
        form: { username: form.username, name: form.name },
        problems: problemTexts(language, extra.problems ?? {}),
        invalid: extra.problems ?? {},
        rowProblem: extra.rowProblem,
        done: extra.done,
        minLength: MIN_PASSWORD_LENGTH,
      },
      staffText(language, 'users.title'),
    );
  }

  app.get(
    '/admin/users',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: Done } },
    (request, reply) => {
      const { done, user } = request.query;
      const note = done && staffText(request.staffLanguage, `users.done.${done}`, { user: user ?? '' });
      return listPage(request, reply, { done: note });
    },
  );

  app.post(
    '/admin/users',
    { config: { staffRoles: ADMINS }, schema: { hide: true, body: CreateForm } },
    async (request, reply) => {
      const { _csrf: _token, ...form } = request.body;
      const outcome = await app.staff.createUser(form, request.actor);
      if (!outcome.ok) {
        void reply.status(outcome.problems.username === 'taken' ? 409 : 400);
        return listPage(request, reply, { form, problems: outcome.problems });
      }
      return reply.redirect(`${USERS}?done=created&user=${encodeURIComponent(outcome.user.username)}`, 303);
    },
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/admin/users/:username/${action}`,
      { config: { staffRoles: ADMINS }, schema: { hide: true, params: UserParams } },
      async (request, reply) => {
        const { username } = request.params;
        const outcome = await app.staff.setDisabled(username, disabled, request.actor);
        if (!outcome.ok) {
          const rowProblem = staffText(request.staffLanguage, 'users.problem.self');
          return listPage(request, reply.status(400), { rowProblem });
        }
        const done = disabled ? 'disabled' : 'enabled';
        return reply.redirect(`${USERS}?done=${done}&user=${encodeURIComponent(username)}`, 303);
      },
    );
  }

  app.post(
    '/admin/users/:username/password',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: UserParams, body: PasswordForm } },
    async (request, reply) => {
      const { username } = request.params;
      const outcome = await app.staff.resetPassword(username, request.body.password, request.actor);
      if (!outcome.ok) {
        const rowProblem = staffText(request.staffLanguage, 'users.problem.resetFor', {
          user: username,
          problem: staffText(request.staffLanguage, `users.problem.${outcome.problem}`, {
            min: MIN_PASSWORD_LENGTH,
          }),
        });
        return listPage(request, reply.status(400), { rowProblem });
      }
      return reply.redirect(`${USERS}?done=password&user=${encodeURIComponent(username)}`, 303);
    },
  );
};

/** Each refused field's message, in the page's language. */
function problemTexts(language: StaffLanguage, problems: UserFormProblems): Record<string, string> {
  return Object.fromEntries(
    Object.entries(problems).map(([field, code]) => [
      field,
      staffText(language, `users.problem.${field === 'password' ? code : `${field}.${code}`}`, {
        min: MIN_PASSWORD_LENGTH,
      }),
    ]),
  );
}
