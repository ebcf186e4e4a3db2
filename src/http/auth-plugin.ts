import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import type { Actor } from '../tickets/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for staff routes: sets `request.actor` or answers 401. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const CACHE_MS = 30_000;

/**
 * Bearer tokens for the staff API. Tokens are stored as SHA-256 hashes (they are long random
 * strings, so a fast hash suffices); `HUB_API_TOKEN` is accepted as an admin token. A lookup is
 * cached for 30 s, so a revoked token stops working within that time.
 */
export const authPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const bootstrap = config.apiToken ? hashToken(config.apiToken) : undefined;
    const cache = new Map<string, { actor: Actor; until: number }>();

    async function resolve(token: string): Promise<Actor | undefined> {
      const hash = hashToken(token);
      if (bootstrap && timingSafeEqual(hash, bootstrap))
        return { kind: 'staff', id: 'bootstrap-token', role: 'admin' };
      const key = hash.toString('hex');
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) return hit.actor;
      const stored = await app.store.tokens.findActiveByHash(key);
      if (!stored) return undefined;
      const actor: Actor = {
        kind: 'staff',
        id: `token:${stored.id}`,
        role: stored.role,
        department: stored.department,
      };
      cache.set(key, { actor, until: Date.now() + CACHE_MS });
      return actor;
    }

    app.decorateRequest('actor', null as unknown as Actor);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const query = request.query as { access_token?: unknown } | undefined;
      // Browsers cannot set headers on a WebSocket: there the token may come as ?access_token=.
      const token =
        /^Bearer\s+(\S+)$/i.exec(header)?.[1] ??
        (request.ws && typeof query?.access_token === 'string' ? query.access_token : undefined);
      const actor = token ? await resolve(token) : undefined;
      if (!actor) throw new HubErrors.Unauthorized();
      request.actor = actor;
    });
  },
  { name: 'hub-auth', dependencies: ['hub-store'] },
);
