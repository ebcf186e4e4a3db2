import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { commonPageError, rateLimitedError } from '../../http/page-errors.js';
import { isPageLanguage, translate, type PageLanguage } from './messages.js';
import { compileViews, WEB_DIR, type PageContext } from './views.js';
import { applicationRoutes } from './application-routes.js';
import { subsidyRoutes } from './subsidy-routes.js';
import { boardRoutes } from './board-routes.js';
import { rateRoutes } from './rate-routes.js';
import { submitRoutes } from './submit-routes.js';
import { trackRoutes } from './track-routes.js';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a citizen page (views/NAME.hbs inside the layout) in the request's language. */
    page(view: string, data?: Record<string, unknown>, title?: string): FastifyReply;
  }
  interface FastifyRequest {
    /** The citizen page's language: `?lang=` (remembered in a cookie), else the cookie, else zh-CN. */
    pageLanguage: PageLanguage;
  }
}

const STATIC_DIR = path.join(WEB_DIR, 'static');
const LANGUAGE_COOKIE = 'lang';
const YEAR_SECONDS = 365 * 86_400;
/** Citizen forms are short: a request's text, a few fields. */
const FORM_BODY_LIMIT = 64 * 1024;

/**
 * The WAP / web channel (DESIGN §5, §6): server-rendered pages that work without JavaScript on a
 * 240-pixel screen. Everything here is scoped to these pages: security headers (helmet, a strict
 * content security policy with no script at all), the CSRF token on every form (a signed cookie
 * secret, checked on every POST before its handler runs), a request limit per IP (Redis, shared by
 * all hub processes), and errors answered as pages a citizen understands, never as JSON.
 */
export const webChannel: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const render = compileViews();
  await app.register(cookie, { secret: config.secret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: '_csrf_secret',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/' },
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf,
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(rateLimit, {
    max: config.web.ratePerMinute,
    timeWindow: 60_000,
    redis: app.redis,
    nameSpace: 'web:rate:',
    errorResponseBuilder: rateLimitedError,
  });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/web/', decorateReply: false });

  app.decorateRequest('pageLanguage', 'zh-CN');
  app.addHook('onRequest', async (request, reply) => {
    const asked = (request.query as { lang?: unknown } | undefined)?.lang;
    if (isPageLanguage(asked)) {
      request.pageLanguage = asked;
      void reply.setCookie(LANGUAGE_COOKIE, asked, { path: '/', maxAge: YEAR_SECONDS, sameSite: 'lax' });
      return;
    }
    const remembered = request.cookies[LANGUAGE_COOKIE];
    if (isPageLanguage(remembered)) request.pageLanguage = remembered;
  });
  // Every form posts its CSRF token; nothing a form sends is read before the token is checked.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });

  app.decorateReply('page', function (this: FastifyReply, view: string, data = {}, title?: string) {
    const context: PageContext = {
      language: this.request.pageLanguage,
      path: this.request.url.split('?')[0] ?? '/',
      query: queryWithoutLanguage(this.request.url),
      title,
      csrf: this.generateCsrf(),
    };
    return this.type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(render(view, context, data));
  });

  app.setErrorHandler((error: FastifyError & { retryAfterMs?: number }, request, reply) => {
    const { status, key, values } = commonPageError(error);
    if (status >= 500) request.log.error({ err: error }, 'citizen page failed');
    if (error.retryAfterMs) void reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
    const message = translate(request.pageLanguage, key, values);
    return reply.status(status).page('error', { message }, translate(request.pageLanguage, 'error.title'));
  });

  await app.register(subsidyRoutes, { config });
  await app.register(applicationRoutes, { config });
  await app.register(submitRoutes, { config });
  await app.register(trackRoutes, { config });
  await app.register(rateRoutes, { config });
  await app.register(boardRoutes, { config });

  app.get('/', { schema: { hide: true } }, (request: FastifyRequest, reply) =>
    reply.page('home', {}, translate(request.pageLanguage, 'home.title')),
  );
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
