import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StaffUser, StaffUserRepository } from '../store/staff-users.js';
import type { Actor } from '../tickets/types.js';
import { actorFor } from './roles.js';

export interface SessionLimits {
  /** A session nobody used for this long is gone (its Redis key expires). */
  idleMs: number;
  /** A session is gone this long after sign-in, however busy. */
  absoluteMs: number;
}

/** 30 minutes idle, 12 hours at most: a shift, with a new sign-in after any long break. */
export const SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** 32 random bytes, base64url: the only form in which the browser holds a session. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The Redis key of a session: `staff:session:` + the SHA-256 of its token, so what Redis holds
 * (and what a copy of it leaks) cannot be replayed as a cookie.
 */
export function sessionKey(token: string): string {
  return `staff:session:${createHash('sha256').update(token).digest('hex')}`;
}

/** The set of one account's session keys, to end them all at once. */
function userSessionsKey(username: string): string {
  return `staff:user-sessions:${username}`;
}

export interface ResolvedSession {
  user: StaffUser;
  actor: Actor;
}

/**
 * Staff sign-in sessions in Redis (shared by every hub process). A session is a hash
 * `{ user, created }` whose key expires after the idle time and is pushed back on every use, never
 * past the absolute limit. Every use also reads the account (one `_id` lookup), so a disabled
 * account, a changed password or a changed role take effect on the next request.
 */
export class StaffSessions {
  constructor(
    private readonly redis: Redis,
    private readonly users: Pick<StaffUserRepository, 'findByUsername'>,
    readonly limits: SessionLimits = SESSION_LIMITS,
  ) {}

  /** A new session for `username`; the token goes into the cookie, never into Redis. */
  async create(username: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const key = sessionKey(token);
    const all = userSessionsKey(username);
    await this.redis
      .multi()
      .hset(key, { user: username, created: String(Date.now()) })
      .pexpire(key, Math.min(this.limits.idleMs, this.limits.absoluteMs))
      .sadd(all, key)
      .pexpire(all, this.limits.absoluteMs)
      .exec();
    return token;
  }

  /** The account and actor of a live session (its idle clock restarted), or undefined. */
  async resolve(token: string | undefined): Promise<ResolvedSession | undefined> {
    if (!token || !TOKEN.test(token)) return undefined;
    const key = sessionKey(token);
    const stored = await this.redis.hgetall(key);
    const created = Number(stored.created);
    if (!stored.user || !Number.isFinite(created)) return undefined;
    const left = created + this.limits.absoluteMs - Date.now();
    const user = left > 0 ? await this.users.findByUsername(stored.user) : undefined;
    if (!user || user.disabled || created < user.sessionsNotBefore.getTime()) {
      await this.redis.del(key);
      return undefined;
    }
    await this.redis.pexpire(key, Math.min(this.limits.idleMs, left));
    return { user, actor: actorFor(user) };
  }

  /** Ends one session (sign-out, or the old one when signing in again). */
  async destroy(token: string | undefined): Promise<void> {
    if (!token || !TOKEN.test(token)) return;
    await this.redis.del(sessionKey(token));
  }

  /** Ends every session of an account (disabled, password changed). */
  async revokeUser(username: string): Promise<void> {
    const all = userSessionsKey(username);
    const keys = await this.redis.smembers(all);
    // The members are keys as we name them; ioredis adds the hub's prefix when deleting them.
    if (keys.length > 0) await this.redis.del(...keys);
    await this.redis.del(all);
  }
}
