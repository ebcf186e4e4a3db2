import { Redis } from 'ioredis';

/**
 * Deletes every key starting with `prefix` (the hub's own keys and BullMQ's `<prefix>bull:*` alike).
 * SCAN rather than KEYS: the Redis is shared and KEYS would block it for everyone.
 */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    await redis.quit();
  }
}
