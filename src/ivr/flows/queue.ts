import type { Script } from '../script.js';
import { note, prompt, say, type Turn } from '../turn.js';
import { askMessage } from './voicemail.js';

/**
 * IVR 4 — the operator queue. Joining it is `toOperator` (turn.ts: the option, or the strike limit);
 * these are its two callbacks: the wait message said again and again with the caller's position,
 * and the end of the wait. A caller who waited longer than IVR_QUEUE_MAX_WAIT_SECONDS, or whom the
 * queue could not take, is offered voicemail: nobody leaves without being heard.
 */

/** Silence between two wait messages (the provider asks again when the answer has been played). */
const WAIT_PAUSE_SECONDS = 15;

/** `queue-wait`: position (1 = next) and a pause; leave the queue after the longest wait. */
export function onQueueWait(turn: Turn): Script {
  const waited = turn.input.queueSeconds ?? 0;
  if (waited > turn.deps.settings.queueMaxWaitSeconds) return [{ kind: 'leave' }];
  const position = Math.max(1, turn.input.queuePosition ?? 1);
  return [say(prompt(turn, 'queueWait', { position })), { kind: 'pause', seconds: WAIT_PAUSE_SECONDS }];
}

/** `queue-done`: bridged calls and hang-ups are over; anything else is offered voicemail. */
export async function onQueueDone(turn: Turn): Promise<Script> {
  const outcome = turn.input.queueOutcome ?? 'failed';
  await note(turn, { type: 'queue_result', node: turn.state.n, detail: outcome });
  if (outcome === 'bridged' || outcome === 'hangup') return [{ kind: 'hangup' }];
  return askMessage(turn, prompt(turn, 'queueFailed'));
}
