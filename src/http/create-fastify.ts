import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/**
 * Probes answer many times a minute (npm start polls /readyz until the hub is up, a load balancer or
 * Prometheus for ever): two info lines each would bury the start banner and every line that
 * matters. They are not logged; every other request still is, at info.
 */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function redactSecrets(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');
}

/**
 * Fastify's plugin timeout for the hub's processes. The store is opened before any plugin (see
 * registerHub in src/app.ts); what the plugins still read and write at boot (default calendar and
 * SLA policies, routing tables, keywords, templates, the bootstrap admin, the IVR menu) is a fixed
 * handful of operations, each failing after STORE_TIMEOUT_MS, and the scans (SLA timer and outbox
 * reconcile) run in the background. A 300 ms link to the store makes that handful take seconds,
 * a busy machine more: the limit is raised to what it may take rather than left at a figure a
 * healthy slow start can hit.
 */
export function bootPluginTimeoutMs(config: Pick<Config, 'storeTimeoutMs'>): number {
  return Math.max(30_000, 20 * config.storeTimeoutMs);
}

/**
 * The hub's Fastify instance, bare: logger, proxy trust, limits, validation. A module of its own,
 * light to import, so that the HTTP entry can open the store with this logger before it loads the
 * hub's hundreds of modules.
 */
export function createFastify(config: Config): FastifyInstance {
  return Fastify({
    logger: {
      level: config.logLevel,
      serializers: {
        // The live socket takes its token as ?access_token= (browsers cannot set its headers): never log it.
        req: (request: { method: string; url: string; ip?: string }) => ({
          method: request.method,
          url: redactSecrets(request.url),
          remoteAddress: request.ip,
        }),
      },
    },
    logController: new LogController({
      disableRequestLogging: (request) => UNLOGGED_PATHS.has(request.url.split('?')[0] ?? ''),
    }),
    // Trust X-Forwarded-* from the reverse proxy in front (PUBLIC_URL), for logs and rate limits.
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    pluginTimeout: bootPluginTimeoutMs(config),
  }).withTypeProvider<TypeBoxTypeProvider>();
}
