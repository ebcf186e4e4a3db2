import type { FastifyReply, FastifyRequest } from 'fastify';
import { commonPageError, type PageError, type PageErrorAnswer } from '../http/page-errors.js';
import { staffText } from './messages.js';

/**
 * Errors on the staff pages are pages (in the person's language, with the navigation), never JSON:
 * a forged or stale form → 403, a role that may not open the page → 403, limits → 429, the store
 * away → 503. 5xx details are logged, never shown.
 */
export function staffErrorHandler(
  error: PageError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, key, values } = errorPage(error);
  if (status >= 500) request.log.error({ err: error }, 'staff page failed');
  if (error.retryAfterMs) void reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
  const language = request.staffLanguage;
  return reply
    .status(status)
    .page('error', { message: staffText(language, key, values) }, staffText(language, 'error.title'));
}

export function staffNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const language = request.staffLanguage;
  return reply
    .status(404)
    .page('error', { message: staffText(language, 'error.notFound') }, staffText(language, 'error.title'));
}

/** The staff pages' own refusals, then what every page plugin answers (src/http/page-errors.ts). */
function errorPage(error: PageError): PageErrorAnswer {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'HUB_ERR_FORBIDDEN') return { status: 403, key: 'error.forbidden' };
  if (code === 'HUB_ERR_STAFF_USER_BUSY') return { status: 409, key: 'error.busy' };
  return commonPageError(error);
}
