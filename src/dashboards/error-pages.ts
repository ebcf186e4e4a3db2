import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable } from '../store/errors.js';
import { staffText } from './messages.js';

type PageError = FastifyError & { retryAfterMs?: number };

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

function errorPage(error: PageError): { status: number; key: string; values?: Record<string, number> } {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('FST_CSRF_')) return { status: 403, key: 'error.csrf' };
  if (code === 'HUB_ERR_FORBIDDEN') return { status: 403, key: 'error.forbidden' };
  if (code === 'HUB_ERR_STAFF_USER_BUSY') return { status: 409, key: 'error.busy' };
  if (error.statusCode === 429)
    return {
      status: 429,
      key: 'error.rateLimited',
      values: { minutes: Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 60_000)) },
    };
  if (isStoreUnavailable(error)) return { status: 503, key: 'error.unavailable' };
  const status = error.statusCode ?? 500;
  if (status === 404) return { status, key: 'error.notFound' };
  if (status >= 400 && status < 500) return { status, key: 'error.badRequest' };
  return { status: 500, key: 'error.unavailable' };
}
