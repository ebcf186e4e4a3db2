import type { Redis } from 'ioredis';

/** Five wrong passwords in a row lock the account … */
export const LOCK_AFTER_FAILURES = 5;
/** … for 15 minutes (also the window in which the wrong passwords are counted). */
export const LOCK_MS = 15 * 60_000;
/** Sign-in attempts per username per minute, right or wrong, before the page says "wait". */
export const ATTEMPTS_PER_USERNAME_PER_MINUTE = 10;

/** INCR, and start the key's clock on the first count (atomically, so no counter lives forever). */
const COUNT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/**
 * The sign-in counters of one username, in Redis with expiry (shared by every hub process): wrong
 * passwords toward the lock, the lock itself, and attempts per minute. Kept per typed username,
 * known or not, so an unknown name behaves exactly as a known one.
 */
export class LoginGuard {
  constructor(private readonly redis: Redis) {}

  /** How long the account stays locked (0: not locked). */
  async lockedForMs(username: string): Promise<number> {
    const ttl = await this.redis.pttl(lockKey(username));
    return ttl > 0 ? ttl : 0;
  }

  /** Counts an attempt; false when this username has had too many this minute. */
  async allowAttempt(username: string): Promise<boolean> {
    const count = Number(await this.redis.eval(COUNT, 1, `staff:login-rate:${username}`, 60_000));
    return count <= ATTEMPTS_PER_USERNAME_PER_MINUTE;
  }

  /** Counts a wrong password; true when this one locked the account. */
  async recordFailure(username: string): Promise<boolean> {
    const failures = Number(await this.redis.eval(COUNT, 1, failuresKey(username), LOCK_MS));
    if (failures < LOCK_AFTER_FAILURES) return false;
    await this.redis.multi().set(lockKey(username), '1', 'PX', LOCK_MS).del(failuresKey(username)).exec();
    return true;
  }

  /** A good sign-in, or an admin's new password: the count starts again and any lock is lifted. */
  async clear(username: string): Promise<void> {
    await this.redis.del(failuresKey(username), lockKey(username));
  }
}

export function lockKey(username: string): string {
  return `staff:login-lock:${username}`;
}

function failuresKey(username: string): string {
  return `staff:login-fails:${username}`;
}
