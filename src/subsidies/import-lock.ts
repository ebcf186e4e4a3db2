import type { Redis } from 'ioredis';

/**
 * One register import at a time per database: imports upsert households by read-and-write-back on
 * FerretDB (DESIGN §5a), and an import's checks against the store are only true while no other
 * import writes (so a `validate` run takes it too). The lock is a Redis key holding the import id:
 *
 * - taken when the import is requested (a second request gets HUB_ERR_IMPORT_BUSY at once), for
 *   {@link QUEUED_LOCK_MS} while the job waits for a worker;
 * - claimed again by the job when it runs (its own id: extended; free: taken; another import's:
 *   the job waits and retries), and kept alive every {@link RUN_LOCK_MS}/4 while it runs;
 * - released when the import has finished. A process that dies holding it lets it expire; its job
 *   is picked up again by BullMQ and claims the lock anew.
 */

export const IMPORT_LOCK_KEY = 'lock:import';
/** A queued import's hold: long enough for a busy or restarting worker to get to it. */
export const QUEUED_LOCK_MS = 15 * 60_000;
/** A running import's hold, renewed while it runs: how long the lock outlives a crashed run. */
export const RUN_LOCK_MS = 60_000;

/** Ours already: extend; free: take; else answer the holder. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 'OK' end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'OK' end
return v`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Claims the lock for `importId`; `{ holder }` when another import holds it. */
export async function claimImportLock(
  redis: Redis,
  importId: string,
  ttlMs: number,
): Promise<{ ok: true } | { ok: false; holder: string }> {
  const answer = (await redis.eval(CLAIM, 1, IMPORT_LOCK_KEY, importId, String(ttlMs))) as string;
  return answer === 'OK' ? { ok: true } : { ok: false, holder: answer };
}

/** Frees the lock if `importId` holds it (an expired hold never frees another import's). */
export async function releaseImportLock(redis: Redis, importId: string): Promise<void> {
  await redis.eval(RELEASE, 1, IMPORT_LOCK_KEY, importId);
}
