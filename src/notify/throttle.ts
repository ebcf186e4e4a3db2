import type { Redis } from 'ioredis';

/**
 * One message per citizen per channel per window. The first update in a window goes at once and
 * opens the window; later ones are held (their ids join the window's digest) until it closes, and the
 * one that then goes first carries them all: one message for the burst. Ids only in Redis. Should
 * Redis lose a digest, the held entries still have their own delayed jobs (or the reconciler's) and
 * go out one by one: late, never lost.
 */
const GATE = `
if redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1], 'NX') then
  local held = redis.call('ZRANGE', KEYS[2], 0, -1)
  redis.call('DEL', KEYS[2])
  return {1, held}
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 20)
return {0, redis.call('PTTL', KEYS[1])}
`;

export type Gate = { go: true; carries: string[] } | { go: false; waitMs: number };

/** A held member: `<ticket number>|<entry id>`. */
export function throttleMember(ticket: string, entryId: string): string {
  return `${ticket}|${entryId}`;
}

export function parseMember(member: string): { ticket: string; entryId: string } | undefined {
  const [ticket, entryId] = member.split('|');
  return ticket && entryId ? { ticket, entryId } : undefined;
}

export async function passGate(
  redis: Redis,
  key: string,
  windowMs: number,
  member: string,
  at: Date,
): Promise<Gate> {
  const [go, value] = (await redis.eval(
    GATE,
    2,
    `throttle:${key}`,
    `throttle-digest:${key}`,
    windowMs,
    member,
    at.getTime(),
  )) as [number, string[] | number];
  if (go === 1) return { go: true, carries: (value as string[]).filter((m) => m !== member) };
  return { go: false, waitMs: Math.max(Number(value), 1) };
}

/**
 * Opens (or extends) the window without being held: for a message that must go at once, such as the
 * "received" notice with the ticket's number and query code, which no burst may swallow.
 */
export async function openWindow(redis: Redis, key: string, windowMs: number, member: string): Promise<void> {
  await redis.set(`throttle:${key}`, member, 'PX', windowMs);
}
