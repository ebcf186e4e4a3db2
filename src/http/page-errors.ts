import type { FastifyError } from 'fastify';
import { isStoreUnavailable } from '../store/errors.js';

/** What a page plugin answers for an error: a status and the key of the words that explain it. */
export interface PageErrorAnswer {
  status: number;
  key: string;
  values?: Record<string, number>;
}

export type PageError = FastifyError & { retryAfterMs?: number };

/** @fastify/rate-limit's refusal as an error the page plugins' error handlers render (429). */
export function rateLimitedError(_request: unknown, context: { ttl: number }): Error {
  return Object.assign(new Error('rate limited'), {
    statusCode: 429,
    code: 'HUB_ERR_RATE_LIMITED',
    retryAfterMs: context.ttl,
  });
}

/**
 * The answer both page plugins (citizen pages, staff pages) give for the errors they share: a CSRF
 * refusal, a rate limit (with the minutes to wait), the store away, not found, other 4xx, else 500.
 */
export function commonPageError(error: PageError): PageErrorAnswer {
  if (typeof error.code === 'string' && error.code.startsWith('FST_CSRF_'))
    return { status: 403, key: 'error.csrf' };
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
