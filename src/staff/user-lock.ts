import type { Redis } from 'ioredis';
import { HubErrors } from '../errors.js';
import { withLock } from '../redis/lock.js';

/** Writes to one account are short: a sign-in stamp, a flag, a new hash. */
const LOCK = { ttlMs: 5000, waitMs: 5000 };

/**
 * One writer per staff account (DESIGN §5a): the embedded database writes a whole document back on
 * every update, so a sign-in stamping `lastLoginAt` must not race an admin's password reset and put
 * the old hash back.
 */
export async function withUserLock<T>(redis: Redis, username: string, work: () => Promise<T>): Promise<T> {
  const done = await withLock(redis, `lock:staff-user:${username}`, LOCK, work);
  if (!done) throw new HubErrors.StaffUserBusy(username);
  return done.value;
}
