import path from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { staffText } from './messages.js';
import { AREAS } from './nav.js';
import { DASHBOARDS_DIR } from './views.js';

const QUEUES = '/staff/admin/queues';

type ServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/**
 * bull-board's page needs more than the shell's policy allows, so this path gets its own: its
 * `<base href>` (the shell says `base-uri 'none'`) and the `<style>` elements its React bundle
 * inserts at run time (the shell allows only style files). Scripts stay `'self'` — bull-board ships
 * its scripts as files and needs no inline script or eval — and nothing may come from elsewhere.
 */
const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `/staff/admin/queues` (admins only): the BullMQ queue monitor (bull-board) over every queue of the
 * hub — the notification queues, SLA timers, broadcasts, subsidy codes and imports — so an admin can
 * see waiting, failed and delayed jobs and retry them. Its UI files come from the installed
 * @bull-board/ui (no CDN); its page is our copy of bull-board's template without the Google Fonts
 * link (dashboards/views/admin-queues/index.ejs). The session is the staff pages' (pages.ts: a
 * stranger goes to sign in); a role other than admin gets the 403 page. bull-board's actions are
 * PUT/PATCH JSON calls (a cross-site page cannot send them without our CORS consent, which we never
 * give, and the session cookie is SameSite=strict); its two POSTs (add a job, purge metrics) carry no
 * CSRF token and are refused by the shell's check, which is what we want for hand-made jobs.
 */
export const adminQueuesRoutes: FastifyPluginAsync = async (app) => {
  const queues = [...app.queues.values(), app.slaTimers, app.broadcasts, app.subsidyCodes, app.importQueue];
  const board = new FastifyAdapter();
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/fastify 9.10.1 carries its own copy of @bull-board/api's types (9.10.1, the same
    // adapter interface); the installed api is 9.10.2, so the two declarations differ only by name.
    serverAdapter: board as unknown as ServerAdapter,
    options: {
      uiConfig: {
        boardTitle: '12345 队列监控',
        locale: { lng: 'zh-CN' },
        hideDocsLink: true,
        miscLinks: [{ text: '系统管理 Administration', url: AREAS.admin.path }],
      },
    },
  });
  board.setBasePath(QUEUES).setViewsPath(path.join(DASHBOARDS_DIR, 'views', 'admin-queues'));

  app.addHook('onRequest', async (request, reply) => {
    const user = request.staffUser;
    // pages.ts has already sent a stranger to the sign-in page. Not a route option (staffRoles):
    // bull-board declares its own routes; and its error handler would answer JSON, so the 403 page
    // is sent from here.
    if (user && !AREAS.admin.roles.includes(user.role)) {
      const language = request.staffLanguage;
      void reply
        .status(403)
        .page(
          'error',
          { message: staffText(language, 'error.forbidden') },
          staffText(language, 'error.title'),
        );
      return reply;
    }
    return undefined;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', BOARD_CSP);
    return payload;
  });

  await app.register(board.registerPlugin(), { prefix: '/admin/queues' });
};
