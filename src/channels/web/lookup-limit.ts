import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LookupLimit {
  /** Look-ups allowed per hour for one IP and, separately, for one identity. */
  perHour: number;
}

export type LookupVerdict =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; by: 'ip' | 'identity' };

const HOUR_SECONDS = 3600;

/**
 * Counts a look-up by identity (a ticket number, an ID number, an application number) against two
 * hourly budgets: the caller's IP and the identity itself. Whoever walks through ID numbers from one
 * address, or tries one ID number from many, is slowed to `perHour` tries an hour — and is seen: the
 * caller records every refusal (audit log, metrics). The identity is kept only as a keyed hash.
 */
export async function countLookup(
  redis: Redis,
  secret: string,
  kind: string,
  ip: string,
  identity: string,
  limit: LookupLimit,
): Promise<LookupVerdict> {
  const identityKey = createHmac('sha256', secret).update(`${kind}:${identity}`).digest('hex').slice(0, 32);
  const keys = { ip: `web:lookups:${kind}:ip:${ip}`, identity: `web:lookups:${kind}:id:${identityKey}` };
  const counted = await redis
    .multi()
    .incr(keys.ip)
    .expire(keys.ip, HOUR_SECONDS, 'NX')
    .ttl(keys.ip)
    .incr(keys.identity)
    .expire(keys.identity, HOUR_SECONDS, 'NX')
    .ttl(keys.identity)
    .exec();
  const value = (i: number): number => Number(counted?.[i]?.[1] ?? 0);
  if (value(0) > limit.perHour) return { allowed: false, by: 'ip', retryAfterSeconds: Math.max(1, value(2)) };
  if (value(3) > limit.perHour)
    return { allowed: false, by: 'identity', retryAfterSeconds: Math.max(1, value(5)) };
  return { allowed: true };
}
