import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { LoginOutcome } from '../staff/login.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../staff/session-cookie.js';
import { staffText } from './messages.js';
import { homeFor, safeNext } from './nav.js';
import { LOGIN_WORDS } from './words/login.js';
import { addStaffMessages } from './messages.js';

addStaffMessages(LOGIN_WORDS);

const LoginForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  username: Type.String({ maxLength: 200, default: '' }),
  password: Type.String({ maxLength: 1024, default: '' }),
  next: Type.Optional(Type.String({ maxLength: 512 })),
});

/** HTTP status of each refusal, so scripts and tests can tell them apart without reading the page. */
const REFUSED_STATUS: Record<Exclude<LoginOutcome, { ok: true }>['reason'], number> = {
  invalid: 401,
  locked: 423,
  too_many: 429,
};

/**
 * `/staff/login` (the form; a signed-in person goes on to `next` or their home) and
 * `/staff/logout` (a POST form in the layout). A good sign-in gets a new session id in the cookie
 * and a new CSRF secret; the sign-in POST is limited per IP (STAFF_LOGINS_PER_MINUTE) on top of the
 * per-username limit and the lock in src/staff/login.ts.
 */
export const loginRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const cookieOptions = sessionCookieOptions(config);

  app.get(
    '/login',
    {
      config: { staffPublic: true },
      schema: {
        hide: true,
        querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 512 })) }),
      },
    },
    (request, reply) => {
      const next = safeNext(request.query.next);
      if (request.staffUser) return reply.redirect(next ?? homeFor(request.staffUser.role), 303);
      return reply.page('login', { next }, staffText(request.staffLanguage, 'login.title'));
    },
  );

  app.post(
    '/login',
    {
      config: {
        staffPublic: true,
        rateLimit: { max: config.staff.loginsPerMinute, timeWindow: 60_000 },
      },
      schema: { hide: true, body: LoginForm },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const next = safeNext(request.body.next);
      const outcome = await app.staff.login({
        username,
        password,
        ip: request.ip,
        previousToken: request.staffToken,
      });
      if (!outcome.ok) {
        const language = request.staffLanguage;
        const problem =
          outcome.reason === 'locked'
            ? staffText(language, 'login.locked', { minutes: outcome.minutes })
            : staffText(language, `login.${outcome.reason}`);
        return reply
          .status(REFUSED_STATUS[outcome.reason])
          .page('login', { next, username, problem }, staffText(language, 'login.title'));
      }
      // A new CSRF secret with the new session: a token seen before signing in is worth nothing after.
      void reply.clearCookie('staff_csrf', { path: '/staff' });
      void reply.setCookie(SESSION_COOKIE, outcome.token, cookieOptions);
      return reply.redirect(next ?? homeFor(outcome.user.role), 303);
    },
  );

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    await app.staff.logout(request.staffToken, request.actor, request.ip);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.redirect('/staff/login', 303);
  });
};
