import type { FastifyPluginAsync } from 'fastify';
import { HubErrors } from '../errors.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS, homeFor } from './nav.js';
import { ADMIN_HOME_WORDS } from './words/admin-home.js';

addStaffMessages(ADMIN_HOME_WORDS);

/**
 * `/staff` sends each role to its area's start page. The admin start page lists the admin pages
 * that exist (users, audit log) and names those still to come.
 */
export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, (request, reply) => {
    if (!request.staffUser) throw new HubErrors.Forbidden('no session');
    return reply.redirect(homeFor(request.staffUser.role), 303);
  });

  // The supervision area's start page is its board (supervision-routes.ts), the desk's its inbox
  // (desk-routes.ts), the console's its calls and triage (console-routes.ts); admin's is here.
  app.get(
    AREAS.admin.path.slice('/staff'.length),
    { config: { staffRoles: AREAS.admin.roles }, schema: { hide: true } },
    (request, reply) => reply.page('admin-home', {}, staffText(request.staffLanguage, 'nav.admin')),
  );
};
