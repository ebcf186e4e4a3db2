import type { Redis } from 'ioredis';
import { HubErrors } from '../../errors.js';
import { withLock, type LockOptions } from '../../redis/lock.js';
import type { SmsAnswer, SmsAnswerRepository } from '../../store/sms-answers.js';

export interface AnswerOnceDeps {
  answers: Pick<SmsAnswerRepository, 'find' | 'record'>;
  /** The hub's prefixed client: one lock per MessageSid. */
  redis: Redis;
  /** Long enough for the slowest answer (intake waits for a ticket lock); Twilio gives up at 15 s. */
  lock: LockOptions;
}

/** What answering a message produced: the TwiML and what to keep about it. */
export type Answered = Omit<SmsAnswer, 'messageSid' | 'at'>;

/**
 * Answers one inbound SMS once (DESIGN §4.2). Under a Redis lock per MessageSid, so a concurrent
 * twin waits instead of doing the work too: an answer already stored is returned byte for byte;
 * otherwise `work` runs and its answer is stored (unique `_id` = MessageSid) before it is returned.
 * Should the lock have expired during a slow answer and a twin answered meanwhile, the first answer
 * stored stands and both return it. A twin that cannot get the lock in time gets MessageBusy (503):
 * Twilio retries.
 */
export async function answerOnce(
  deps: AnswerOnceDeps,
  messageSid: string,
  work: () => Promise<Answered>,
): Promise<SmsAnswer> {
  const locked = await withLock(deps.redis, `lock:sms:${messageSid}`, deps.lock, async () => {
    const given = await deps.answers.find(messageSid);
    if (given) return given;
    const answered = await work();
    return deps.answers.record({ ...answered, messageSid, at: new Date() });
  });
  if (!locked) throw new HubErrors.MessageBusy(messageSid);
  return locked.value;
}

/**
 * Answers a pure query (CX, BZ, a usage hint: nothing changes but the answer store) without the lock
 * and without looking first. The answer is worked out and stored; when the MessageSid was answered
 * already (a Twilio retry, a concurrent twin) the unique insert refuses the new one and the first
 * answer stored is returned, byte for byte. Two database round trips and both Redis ones fewer than
 * {@link answerOnce} on the commonest message there is.
 */
export async function answerQuery(
  deps: Pick<AnswerOnceDeps, 'answers'>,
  messageSid: string,
  work: () => Promise<Answered>,
): Promise<SmsAnswer> {
  const answered = await work();
  return deps.answers.record({ ...answered, messageSid, at: new Date() });
}
