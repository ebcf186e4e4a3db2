import type { Redis } from 'ioredis';
import { withLock } from '../redis/lock.js';
import type { Store } from '../store/store.js';

/** What the directory use-cases work with. */
export interface DirectoryDeps {
  store: Pick<Store, 'directoryEntries' | 'audit'>;
  redis: Redis;
}

/** A save or delete reads, compares the version and writes: short. */
const LOCK = { ttlMs: 5000, waitMs: 3000 };

/**
 * One writer per entry (DESIGN §5a: the embedded database applies an update by reading and
 * writing the document back, so the version filter alone does not stop two saves of the same
 * version). Undefined when the lock could not be had: the caller says "being changed, try again".
 */
export async function withEntryLock<T>(
  redis: Redis,
  id: string,
  work: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  return withLock(redis, `lock:directory-entry:${id}`, LOCK, work);
}
