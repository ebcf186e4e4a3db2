import twilio from 'twilio';
import type * as VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { encodeState } from '../../ivr/state.js';
import type { Instruction, Script, StepLink } from '../../ivr/script.js';

/** Where the IVR's steps live: the voice webhook (DESIGN §5) and its sub-paths. */
export const VOICE_PATH = '/webhooks/twilio/voice';
/** The recording and transcript callbacks (no TwiML answer, no call state). */
export const RECORDING_PATH = `${VOICE_PATH}/recording`;
export const TRANSCRIPTION_PATH = `${VOICE_PATH}/transcription`;

export interface IvrRendering {
  /** PUBLIC_URL: Twilio signs the absolute URL it requests, so every step URL is absolute. */
  publicUrl: string;
  /** `<Say>` language (cmn-CN) and voice (Polly.Zhiyu), from IVR_LANGUAGE / IVR_VOICE. */
  language: string;
  voice: string;
}

// The SDK's namespace exports the attribute interfaces, not the unions they are made of; Twilio
// accepts any voice and language it knows, whatever the SDK's lists say.
type SayAttributes = VoiceResponse.SayAttributes;

/** `<Say>`'s attributes for the hotline's configured language and voice (also for transfers). */
export function sayAttributes(speech: Pick<IvrRendering, 'language' | 'voice'>): SayAttributes {
  return {
    language: speech.language as SayAttributes['language'],
    voice: speech.voice as SayAttributes['voice'],
  };
}

/** The absolute, signed-to-be URL of a step, its state in the query. */
export function stepUrl(publicUrl: string, link: StepLink): string {
  return `${publicUrl}${VOICE_PATH}/${link.step}?${encodeState(link.state)}`;
}

/** A {@link Script} as TwiML. Every URL is POSTed to, so Twilio signs its parameters. */
export function renderScript(script: Script, rendering: IvrRendering): string {
  const response = new twilio.twiml.VoiceResponse();
  for (const instruction of script) render(response, instruction, rendering);
  return response.toString();
}

function render(response: twilio.twiml.VoiceResponse, step: Instruction, r: IvrRendering): void {
  const say = sayAttributes(r);
  const url = (link: StepLink) => stepUrl(r.publicUrl, link);
  switch (step.kind) {
    case 'say':
      response.say(say, step.text);
      return;
    case 'pause':
      response.pause({ length: step.seconds });
      return;
    case 'gather': {
      const gather = response.gather({
        action: url(step.action),
        method: 'POST',
        input: ['dtmf'],
        timeout: step.timeoutSeconds,
        // Menus take one key; numbers end with `finishOnKey` (an empty one would end nothing).
        ...(step.numDigits === undefined ? {} : { numDigits: step.numDigits }),
        finishOnKey: step.finishOnKey ?? '',
      });
      for (const text of step.say) gather.say(say, text);
      // Silence falls through the gather: the same step hears it, without digits.
      response.redirect({ method: 'POST' }, url(step.action));
      return;
    }
    case 'redirect':
      response.redirect({ method: 'POST' }, url(step.to));
      return;
    case 'record':
      response.record({
        action: url(step.action),
        method: 'POST',
        maxLength: step.maxSeconds,
        finishOnKey: '#',
        playBeep: true,
        recordingStatusCallback: `${r.publicUrl}${RECORDING_PATH}`,
        recordingStatusCallbackMethod: 'POST',
        recordingStatusCallbackEvent: ['completed', 'absent'],
        ...(step.transcribe
          ? { transcribe: true, transcribeCallback: `${r.publicUrl}${TRANSCRIPTION_PATH}` }
          : {}),
      });
      return;
    case 'enqueue':
      response.enqueue(
        {
          ...(step.action ? { action: url(step.action), method: 'POST' } : {}),
          ...(step.wait ? { waitUrl: url(step.wait), waitUrlMethod: 'POST' } : {}),
        },
        step.queue,
      );
      return;
    case 'dial':
      response.dial({ action: url(step.action), method: 'POST', timeout: step.timeoutSeconds }, step.number);
      return;
    case 'leave':
      response.leave();
      return;
    case 'hangup':
      response.hangup();
      return;
  }
}
