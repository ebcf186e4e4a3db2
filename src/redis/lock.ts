import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** Deletes the lock only if we still own it (our token), so an expired lock never frees another's. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** One writer per contact (opt-outs, preferences): FerretDB applies updates by read-and-write-back. */
export function contactLockKey(contactId: string): string {
  return `lock:contact:${contactId}`;
}

export interface LockOptions {
  /** How long the lock lives if we die holding it. */
  ttlMs: number;
  /** How long to wait for it before giving up. */
  waitMs: number;
}

/**
 * One writer at a time for a key (DESIGN §5a: FerretDB updates are not atomic under concurrency).
 * Runs `work` holding the lock; returns undefined when the lock could not be had within `waitMs`.
 * The ticket's version number is the second guard should the lock expire mid-write.
 */
export async function withLock<T>(
  redis: Redis,
  key: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  const token = randomBytes(12).toString('hex');
  const deadline = Date.now() + options.waitMs;
  let pause = 2;
  while ((await redis.set(key, token, 'PX', options.ttlMs, 'NX')) !== 'OK') {
    if (Date.now() >= deadline) return undefined;
    // Jittered backoff, capped low: commands on one ticket are short.
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 25);
  }
  try {
    return { value: await work() };
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
