import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { rateLimitedError } from '../http/page-errors.js';
import type { StaffUser, StaffUserRole } from '../store/staff-users.js';
import { isStaffLanguage, type StaffLanguage } from './messages.js';
import { homeFor, navFor } from './nav.js';
import { staffErrorHandler, staffNotFound } from './error-pages.js';
import { staffPages } from './pages.js';
import { staticAssets } from './static-assets.js';
import { compileStaffViews, type StaffPageContext } from './views.js';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page (views/NAME.hbs inside the layout) in the request's language. */
    page(view: string, data?: Record<string, unknown>, title?: string): FastifyReply;
  }
  interface FastifyRequest {
    /** Staff pages: `?lang=` (remembered in a cookie), else the cookie, else zh-CN. */
    staffLanguage: StaffLanguage;
    /** Staff pages: the signed-in account (undefined on the sign-in page of a stranger). */
    staffUser: StaffUser | undefined;
    /** Staff pages: the session token of the request's cookie, when the session is live. */
    staffToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** Staff pages: open without signing in (the sign-in page). */
    staffPublic?: boolean;
    /** Staff pages: only these roles may open the route; others get the 403 page. */
    staffRoles?: readonly StaffUserRole[];
  }
}

const LANGUAGE_COOKIE = 'staff_lang';
const YEAR_SECONDS = 365 * 86_400;
/** Staff forms are short (a user, a filter, a reply): imports post files elsewhere. */
const FORM_BODY_LIMIT = 64 * 1024;

/**
 * The staff pages under `/staff` (issue 7): the shell every area uses. Everything here is scoped to
 * these pages: cookies signed with the hub secret, a CSRF token on every form (its own secret
 * cookie, checked before any POST handler runs), security headers with a policy that lets scripts
 * come only from our own files (no inline script, no CDN: the centre's network has no internet),
 * sign-in limits, and errors answered as pages. Views are compiled at boot from `dashboards/views`.
 */
export const dashboardsPlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const render = compileStaffViews();
  const secure = config.publicUrl.startsWith('https:');
  await app.register(cookie, { secret: config.secret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'staff_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/staff', secure },
    // A form's hidden field; a script that posts a file as the body (the imports page) sends the header.
    getToken: (request) =>
      (request.body as { _csrf?: string } | undefined)?._csrf ??
      (request.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // ECharts writes style attributes into its tooltips; a style attribute cannot run code.
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // htmx requests and the live socket (CSP 3: 'self' covers ws:/wss: of our own host).
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    hsts: secure,
  });
  // Only routes that ask for it (the sign-in POST) are limited; counted in Redis across processes.
  await app.register(rateLimit, {
    global: false,
    redis: app.redis,
    nameSpace: 'staff:rate:',
    errorResponseBuilder: rateLimitedError,
  });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });

  app.decorateRequest('staffLanguage', 'zh-CN');
  app.decorateRequest('staffUser', undefined);
  app.decorateRequest('staffToken', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const asked = (request.query as { lang?: unknown } | undefined)?.lang;
    if (isStaffLanguage(asked)) {
      request.staffLanguage = asked;
      void reply.setCookie(LANGUAGE_COOKIE, asked, {
        path: '/staff',
        maxAge: YEAR_SECONDS,
        sameSite: 'lax',
        secure,
      });
      return;
    }
    const remembered = request.cookies[LANGUAGE_COOKIE];
    if (isStaffLanguage(remembered)) request.staffLanguage = remembered;
  });

  app.decorateReply('page', function (this: FastifyReply, view: string, data = {}, title?: string) {
    const request = this.request;
    const path = request.url.split('?')[0] ?? '/staff';
    const user = request.staffUser;
    const context: StaffPageContext = {
      language: request.staffLanguage,
      path,
      query: queryWithoutLanguage(request.url),
      title,
      csrf: this.generateCsrf(),
      user: user && {
        username: user.username,
        name: user.name,
        role: user.role,
        department: user.department,
      },
      nav: user ? navFor(user.role, path) : [],
      home: user ? homeFor(user.role) : '/staff/login',
    };
    return this.type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(render(view, context, data));
  });

  app.setErrorHandler(staffErrorHandler);
  app.setNotFoundHandler(staffNotFound);

  await app.register(staticAssets);
  await app.register(staffPages, { config });
};

/** `a=1&b=2&` from `/x?a=1&lang=en&b=2`: the query the language switch keeps. */
function queryWithoutLanguage(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return '';
  const params = new URLSearchParams(url.slice(at + 1));
  params.delete('lang');
  const kept = params.toString();
  return kept ? `${kept}&` : '';
}
