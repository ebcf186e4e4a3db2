import type { Redis } from 'ioredis';

/**
 * The limits around the subsidy look-up's one-time codes, per household, in Redis (atomic counters
 * with expiries, so no clean-up job and no read-and-write-back on the database):
 *
 * - a new code at most once a minute and {@link CODES_PER_HOUR} times an hour (each one is an SMS to
 *   a farmer's phone: a stranger who knows an ID number and a name must not flood it);
 * - {@link MAX_WRONG_CODES} wrong codes within an hour lock the household's web look-up for
 *   {@link LOCK_SECONDS}, whatever code comes next (six digits are guessable only by trying);
 * - the household's current challenge: a newer code replaces the older one.
 *
 * Keys name the household id (a keyed hash of the ID number), never a phone or a code.
 */
export const CODE_TTL_SECONDS = 600;
export const RESEND_AFTER_SECONDS = 60;
export const CODES_PER_HOUR = 5;
export const MAX_WRONG_CODES = 3;
export const LOCK_SECONDS = 3600;
const HOUR_SECONDS = 3600;

const keys = {
  lock: (household: string) => `web:subsidy:lock:${household}`,
  wrong: (household: string) => `web:subsidy:wrong:${household}`,
  wait: (household: string) => `web:subsidy:wait:${household}`,
  sends: (household: string) => `web:subsidy:sends:${household}`,
  current: (household: string) => `web:subsidy:current:${household}`,
};

export type SendVerdict = { ok: true } | { ok: false; reason: 'wait' | 'hourly'; retryAfterSeconds: number };

export class SubsidyCodeGuard {
  constructor(private readonly redis: Redis) {}

  /** Seconds the household's look-up stays locked; 0 when it is not. */
  async lockedFor(household: string): Promise<number> {
    const ttl = await this.redis.ttl(keys.lock(household));
    return ttl > 0 ? ttl : 0;
  }

  /** Counts a wrong code; the one that makes {@link MAX_WRONG_CODES} locks the household. */
  async wrongCode(household: string): Promise<{ locked: boolean; left: number }> {
    const result = await this.redis
      .multi()
      .incr(keys.wrong(household))
      .expire(keys.wrong(household), HOUR_SECONDS, 'NX')
      .exec();
    const wrong = Number(result?.[0]?.[1] ?? MAX_WRONG_CODES);
    if (wrong < MAX_WRONG_CODES) return { locked: false, left: MAX_WRONG_CODES - wrong };
    await this.redis
      .multi()
      .set(keys.lock(household), '1', 'EX', LOCK_SECONDS)
      .del(keys.wrong(household))
      .exec();
    return { locked: true, left: 0 };
  }

  async rightCode(household: string): Promise<void> {
    await this.redis.del(keys.wrong(household));
  }

  /** May the household be sent a new code now? Counts the send when it may. */
  async allowSend(household: string): Promise<SendVerdict> {
    const waiting = await this.redis.set(keys.wait(household), '1', 'EX', RESEND_AFTER_SECONDS, 'NX');
    if (waiting !== 'OK') {
      const ttl = await this.redis.ttl(keys.wait(household));
      return { ok: false, reason: 'wait', retryAfterSeconds: Math.max(1, ttl) };
    }
    const counted = await this.redis
      .multi()
      .incr(keys.sends(household))
      .expire(keys.sends(household), HOUR_SECONDS, 'NX')
      .ttl(keys.sends(household))
      .exec();
    const sends = Number(counted?.[0]?.[1] ?? CODES_PER_HOUR + 1);
    if (sends > CODES_PER_HOUR) {
      return { ok: false, reason: 'hourly', retryAfterSeconds: Math.max(1, Number(counted?.[2]?.[1] ?? 0)) };
    }
    return { ok: true };
  }

  /** A send that could not be made (database down) does not hold the visitor back a minute. */
  async sendFailed(household: string): Promise<void> {
    await this.redis.multi().del(keys.wait(household)).decr(keys.sends(household)).exec();
  }

  async setCurrent(household: string, challengeId: string): Promise<void> {
    await this.redis.set(keys.current(household), challengeId, 'EX', CODE_TTL_SECONDS);
  }

  /** The household's newest unexpired challenge, if any. */
  async current(household: string): Promise<string | undefined> {
    return (await this.redis.get(keys.current(household))) ?? undefined;
  }
}
