import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { HubErrors, type ErrorDetails } from '../errors.js';
import { isStoreUnavailable } from '../store/errors.js';

/** Errors of ioredis when Redis is away (no offline queue, so they come at once). */
function isRedisUnavailable(error: Error): boolean {
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED.*6379/.test(error.message)
  );
}

function toHubError(error: FastifyError): FastifyError & ErrorDetails {
  if (typeof error.code === 'string' && error.code.startsWith('HUB_ERR_')) return error;
  if (error.validation) {
    const details = {
      problems: error.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      })),
    };
    return Object.assign(new HubErrors.Validation(error.message), { details });
  }
  if (isStoreUnavailable(error)) return new HubErrors.StoreUnavailable();
  if (isRedisUnavailable(error)) return new HubErrors.QueueUnavailable();
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (bad JSON, wrong content type, body too large): keep the status, give our code.
    return Object.assign(new HubErrors.BadRequest(error.message), { statusCode: status });
  }
  return new HubErrors.Internal();
}

/**
 * One error answer for the whole hub: `{ statusCode, code, error, message, details? }`. Codes come
 * from src/errors.ts; 5xx details are logged, never shown.
 */
export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const hub = toHubError(error);
      const statusCode = hub.statusCode ?? 500;
      if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
      void reply.status(statusCode).send({
        statusCode,
        code: hub.code,
        error: statusCode >= 500 ? 'Server Error' : 'Client Error',
        message: hub.message,
        ...(hub.details ? { details: hub.details } : {}),
      });
    });
    app.setNotFoundHandler((request, reply) => {
      void reply.status(404).send({
        statusCode: 404,
        code: 'HUB_ERR_NOT_FOUND',
        error: 'Client Error',
        message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      });
    });
  },
  { name: 'hub-errors' },
);
