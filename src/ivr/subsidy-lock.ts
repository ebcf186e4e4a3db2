import type { Redis } from 'ioredis';
import { addDays, fromLocal, toLocal } from '../time/zoned-time.js';

/**
 * Failed subsidy verifications per caller per China-time day (IVR 2): after {@link MAX_FAILURES}
 * the caller is locked until midnight. The key names the caller's contact id (a keyed hash, never
 * the phone) and expires at the next local midnight, so no clean-up job is needed.
 */
export const MAX_FAILURES = 3;

function key(callerId: string, date: string): string {
  return `ivr:subsidy-failures:${callerId}:${date}`;
}

export class SubsidyLock {
  constructor(
    private readonly redis: Redis,
    private readonly timeZone: string,
  ) {}

  async isLocked(callerId: string, now: Date): Promise<boolean> {
    const count = await this.redis.get(key(callerId, toLocal(now, this.timeZone).date));
    return Number(count ?? 0) >= MAX_FAILURES;
  }

  /** Counts one failure; returns true when that locks the caller for the rest of the day. */
  async fail(callerId: string, now: Date): Promise<boolean> {
    const today = toLocal(now, this.timeZone).date;
    const midnight = fromLocal(addDays(today, 1), 0, this.timeZone);
    const [[incrError, count] = [], [expireError] = []] =
      (await this.redis
        .multi()
        .incr(key(callerId, today))
        .pexpireat(key(callerId, today), midnight.getTime())
        .exec()) ?? [];
    if (incrError) throw incrError;
    if (expireError) throw expireError;
    return Number(count) >= MAX_FAILURES;
  }

  /** When today's lock ends (for tests and the operator's screen). */
  expiresAt(now: Date): Date {
    return fromLocal(addDays(toLocal(now, this.timeZone).date, 1), 0, this.timeZone);
  }
}
