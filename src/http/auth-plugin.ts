import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { sessionTokenFromHeader } from '../staff/session-cookie.js';
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

    /**
     * The staff pages' session cookie stands in for a token on reads only: GETs (the pages' partial
     * updates) and the live socket. A call that changes something needs a bearer token: the cookie
     * goes with every request the browser makes, so accepting it there would open the API to
     * cross-site request forgery; the pages post their own CSRF-checked forms instead. A socket must
     * come from our own origin (SameSite=Strict already keeps other sites' pages out).
     */
    async function fromSession(request: FastifyRequest): Promise<Actor | undefined> {
      if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
      if (request.ws && !fromOwnOrigin(request, config.publicUrl)) return undefined;
      const token = sessionTokenFromHeader(request.headers.cookie, config.secret);
      return token ? (await app.staff.sessions.resolve(token))?.actor : undefined;
    }

    app.decorateRequest('actor', null as unknown as Actor);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const query = request.query as { access_token?: unknown } | undefined;
      // Browsers cannot set headers on a WebSocket: there the token may come as ?access_token=.
      const token =
        /^Bearer\s+(\S+)$/i.exec(header)?.[1] ??
        (request.ws && typeof query?.access_token === 'string' ? query.access_token : undefined);
      const actor = token ? await resolve(token) : await fromSession(request);
      if (!actor) throw new HubErrors.Unauthorized();
      request.actor = actor;
    });
  },
  { name: 'hub-auth', dependencies: ['hub-store', 'hub-staff'] },
);

/** A browser's socket from our own pages: its Origin is the host it asked, or PUBLIC_URL's. */
function fromOwnOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).host;
    return host === request.host || host === new URL(publicUrl).host;
  } catch {
    return false;
  }
}
