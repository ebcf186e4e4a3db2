import type { Script } from '../script.js';
import { link, note, prompt, say, type Turn } from '../turn.js';

/**
 * IVR 3 — leave a message (and after hours, or when the queue cannot take the call). The recording
 * itself becomes a ticket when the provider reports it stored (recording.ts); this step only says
 * thanks. Should nothing be recorded (silence), the caller hears goodbye.
 */

export function askMessage(turn: Turn, lead: string): Script {
  return [
    say(lead),
    {
      kind: 'record',
      action: link(turn, 'message-done'),
      maxSeconds: turn.menu.recordMaxSeconds,
      transcribe: turn.deps.settings.transcribe,
    },
    // Reached only when nothing was recorded: the provider skips the action then.
    say(prompt(turn, 'goodbye')),
    { kind: 'hangup' },
  ];
}

/** `message-done`: the caller finished (`#`, silence or the length limit). */
export async function onMessageDone(turn: Turn): Promise<Script> {
  await note(turn, { type: 'message_left', node: turn.state.n });
  return [say(prompt(turn, 'messageThanks')), { kind: 'hangup' }];
}
