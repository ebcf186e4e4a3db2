import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../staff/session-cookie.js';
import { adminDepartmentsRoutes } from './admin-departments.js';
import { adminDirectoryRoutes } from './admin-directory.js';
import { adminImportsRoutes } from './admin-imports.js';
import { adminIvrRoutes } from './admin-ivr.js';
import { adminKeywordsRoutes } from './admin-keywords.js';
import { adminQueuesRoutes } from './admin-queues.js';
import { adminRoutingRoutes } from './admin-routing.js';
import { adminSlaRoutes } from './admin-sla.js';
import { adminTemplatesRoutes } from './admin-templates.js';
import { auditRoutes } from './audit-routes.js';
import { consoleCallRoutes } from './console-call-routes.js';
import { consoleRoutes } from './console-routes.js';
import { deskRoutes } from './desk-routes.js';
import { homeRoutes } from './home-routes.js';
import { loginRoutes } from './login-routes.js';
import { simulatorRoutes } from './simulator-routes.js';
import { supervisionRoutes } from './supervision-routes.js';
import { usersRoutes } from './users-routes.js';

/**
 * Every staff page sits in this scope: the session is read from its signed cookie before anything
 * else, a stranger is sent to the sign-in page (with where they wanted to go), a role a route does
 * not list gets the 403 page, and every POST's CSRF token is checked before its body is used.
 * Routes are private unless they say `config: { staffPublic: true }`; `config: { staffRoles }`
 * narrows them to roles. Each area registers its routes here.
 */
export const staffPages: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const cookieOptions = sessionCookieOptions(config);

  app.addHook('onRequest', async (request, reply) => {
    const signed = request.cookies[SESSION_COOKIE];
    const unsigned = signed ? request.unsignCookie(signed) : undefined;
    const token = unsigned?.valid ? unsigned.value : undefined;
    const session = await app.staff.sessions.resolve(token);
    if (session) {
      request.staffUser = session.user;
      request.actor = session.actor;
      request.staffToken = token;
    } else if (signed) {
      void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    }
    const route = request.routeOptions.config;
    if (route.staffPublic) return;
    if (!request.staffUser) return toLogin(request, reply);
    if (route.staffRoles && !route.staffRoles.includes(request.staffUser.role)) {
      throw new HubErrors.Forbidden(`${request.staffUser.role} may not open ${request.url}`);
    }
  });
  // Every form posts its CSRF token; nothing a form sends is read before the token is checked.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });

  await app.register(loginRoutes, { config });
  await app.register(homeRoutes);
  await app.register(auditRoutes, { config });
  await app.register(usersRoutes, { config });
  await app.register(adminImportsRoutes, { config });
  await app.register(adminRoutingRoutes, { config });
  await app.register(adminDepartmentsRoutes, { config });
  await app.register(adminDirectoryRoutes, { config });
  await app.register(adminSlaRoutes, { config });
  await app.register(adminTemplatesRoutes, { config });
  await app.register(adminIvrRoutes, { config });
  await app.register(adminKeywordsRoutes, { config });
  await app.register(adminQueuesRoutes);
  await app.register(supervisionRoutes, { config });
  await app.register(deskRoutes, { config });
  await app.register(consoleRoutes, { config });
  await app.register(consoleCallRoutes, { config });
  // Development mode only (the plugin registers nothing when Twilio and SMTP are both configured).
  await app.register(simulatorRoutes, { config });
};

/**
 * To the sign-in page, remembering a GET's address in `next` (a POST cannot be resumed). htmx's
 * partial requests get `HX-Redirect`, so the whole page goes, not a sign-in form inside a table.
 */
function toLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const target =
    request.method === 'GET' ? `/staff/login?next=${encodeURIComponent(request.url)}` : '/staff/login';
  if (request.headers['hx-request'] === 'true') return reply.header('hx-redirect', target).status(401).send();
  return reply.redirect(target, 303);
}
