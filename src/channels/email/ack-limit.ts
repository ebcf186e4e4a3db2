import type { Redis } from 'ioredis';

/**
 * At most one automatic acknowledgement per sender per window (3600 s): a citizen writing five
 * mails in an hour, or a misbehaving auto-responder that slipped through the loop guard, hears
 * from us once. `SET NX EX` on the contact id (an opaque hash, no address in Redis).
 */
export async function claimAcknowledgement(
  redis: Redis,
  contactId: string,
  seconds: number,
): Promise<boolean> {
  return (await redis.set(ackKey(contactId), '1', 'EX', seconds, 'NX')) === 'OK';
}

/** Gives a claimed slot back (the mail turned out to be a replay: nothing was acknowledged). */
export async function releaseAcknowledgement(redis: Redis, contactId: string): Promise<void> {
  await redis.del(ackKey(contactId));
}

function ackKey(contactId: string): string {
  return `mail-ack:${contactId}`;
}
