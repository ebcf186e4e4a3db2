import type { Redis } from 'ioredis';
import type { Script, StepName } from '../../ivr/script.js';
import type { CallRecord, CallRepository } from '../../store/calls.js';

/**
 * The hotline's live calls, for the operator console (issue 7). The database cannot list calls by
 * status cheaply (FerretDB indexes only `_id`, DESIGN §5a), so Redis keeps the CallSids of the
 * inbound calls still going — a sorted set by start time — and of those waiting in the operator
 * queue (a hash: CallSid → when they joined). Only CallSids are kept there, never phones. Each
 * change is published on a pub/sub channel (like the tickets' live events) for the console's socket.
 *
 * Best effort, like the tickets' live events: the call record is the truth. The list heals itself:
 * a call whose record has ended is dropped when the list is read, and so is any call older than
 * Twilio's own limit on a call's length (4 hours), should its final status callback never come.
 */

/** What the console shows: waiting for an operator, ringing, or in progress (menu or talking). */
export const LIVE_CALL_STATES = ['queued', 'ringing', 'in-progress'] as const;
export type LiveCallState = (typeof LIVE_CALL_STATES)[number];

/** Twilio ends a call after 4 hours (its default and largest `timeLimit`): older entries are stale. */
export const LONGEST_CALL_MS = 4 * 3_600_000;
/** The most calls one list shows (a centre has tens of lines, not hundreds). */
const LIST_LIMIT = 200;

const LIVE_KEY = 'calls:live';
const QUEUED_KEY = 'calls:queued';

/** A live call as the console lists it (the phone is still the stored one: the page masks it). */
export interface LiveCall {
  call: CallRecord;
  state: LiveCallState;
  /** When it joined the operator queue (queued calls only). */
  queuedAt?: Date;
}

/** Published on every change: the console fetches the list again (no personal data on the wire). */
export interface LiveCallMessage {
  type: 'call';
  callSid: string;
  state: LiveCallState | 'ended';
  at: string;
}

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export function isFinished(call: Pick<CallRecord, 'status'>): boolean {
  return FINAL.has(call.status);
}

/** The console's word for a call: the provider's status, or `queued` while it waits for an operator. */
export function liveState(call: Pick<CallRecord, 'status'>, queued: boolean): LiveCallState {
  if (call.status === 'queued' || call.status === 'ringing') return call.status;
  return queued ? 'queued' : 'in-progress';
}

export class LiveCalls {
  constructor(
    private readonly redis: Redis,
    private readonly calls: Pick<CallRepository, 'find'>,
    /** The pub/sub channel (channels are not covered by ioredis' keyPrefix: it includes the prefix). */
    readonly channel: string,
    private readonly onError: (error: unknown, callSid: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * After the IVR answered a step: a call entering is listed; an answer that puts the caller in the
   * operator queue marks it queued; the queue's end step unmarks it. Other steps (keys in a menu)
   * change nothing the console shows, and publish nothing. Never throws: the caller must hear the
   * answer whatever happens here.
   */
  async ivrAnswered(callSid: string, step: StepName | 'entry', script: Script): Promise<void> {
    const enqueued = script.some((instruction) => instruction.kind === 'enqueue');
    if (step !== 'entry' && !enqueued && step !== 'queue-done') return;
    try {
      const call = await this.calls.find(callSid);
      if (!call || call.direction !== 'inbound') return;
      if (enqueued) await this.redis.hset(QUEUED_KEY, callSid, String(this.now().getTime()));
      else if (step === 'queue-done') await this.redis.hdel(QUEUED_KEY, callSid);
      await this.#track(call, enqueued);
    } catch (error) {
      this.onError(error, callSid);
    }
  }

  /** After the provider's status callback changed the record: listed, updated or dropped. Never throws. */
  async statusChanged(callSid: string): Promise<void> {
    try {
      const call = await this.calls.find(callSid);
      if (!call || call.direction !== 'inbound') return;
      const queued = (await this.redis.hexists(QUEUED_KEY, callSid)) === 1;
      await this.#track(call, queued);
    } catch (error) {
      this.onError(error, callSid);
    }
  }

  /**
   * An operator moved the call out of the operator queue (a transfer): no longer waiting. Twilio's
   * queue-end callback says the same a moment later; this keeps the console right without it.
   * Never throws.
   */
  async leftQueue(callSid: string): Promise<void> {
    try {
      await this.redis.hdel(QUEUED_KEY, callSid);
    } catch (error) {
      this.onError(error, callSid);
      return;
    }
    await this.statusChanged(callSid);
  }

  /** One call's state as the console words it (a call page), `ended` once its record is final. */
  async stateOf(call: CallRecord): Promise<LiveCallState | 'ended'> {
    if (isFinished(call)) return 'ended';
    return liveState(call, (await this.redis.hexists(QUEUED_KEY, call.callSid)) === 1);
  }

  /** The live calls, longest first; ended and stale entries are dropped on the way. */
  async list(): Promise<LiveCall[]> {
    const cutoff = this.now().getTime() - LONGEST_CALL_MS;
    await this.redis.zremrangebyscore(LIVE_KEY, '-inf', `(${String(cutoff)}`);
    const sids = await this.redis.zrange(LIVE_KEY, '0', String(LIST_LIMIT - 1));
    if (sids.length === 0) return [];
    const [records, queuedAt] = await Promise.all([
      Promise.all(sids.map((sid) => this.calls.find(sid))),
      this.redis.hmget(QUEUED_KEY, ...sids),
    ]);
    const live: LiveCall[] = [];
    const gone: string[] = [];
    sids.forEach((sid, i) => {
      const call = records[i];
      if (!call || isFinished(call)) {
        gone.push(sid);
        return;
      }
      const since = queuedAt[i];
      live.push({
        call,
        state: liveState(call, Boolean(since)),
        ...(since ? { queuedAt: new Date(Number(since)) } : {}),
      });
    });
    if (gone.length > 0) await this.#forget(gone);
    return live;
  }

  async #track(call: CallRecord, queued: boolean): Promise<void> {
    const ended = isFinished(call);
    if (ended) await this.#forget([call.callSid]);
    else await this.redis.zadd(LIVE_KEY, call.startedAt.getTime(), call.callSid);
    const message: LiveCallMessage = {
      type: 'call',
      callSid: call.callSid,
      state: ended ? 'ended' : liveState(call, queued),
      at: this.now().toISOString(),
    };
    await this.redis.publish(this.channel, JSON.stringify(message));
  }

  async #forget(sids: string[]): Promise<void> {
    await this.redis
      .multi()
      .zrem(LIVE_KEY, ...sids)
      .hdel(QUEUED_KEY, ...sids)
      .exec();
  }
}
