import twilio from 'twilio';
import { sayAttributes, type IvrRendering } from './ivr-twiml.js';

/** How the hotline speaks: `language` (cmn-CN) and a matching voice (Polly.Zhiyu), from config. */
export type Speech = Pick<IvrRendering, 'language' | 'voice'>;

/** How long a department line may ring before the caller hears that nobody answered. */
export const DEPARTMENT_RING_SECONDS = 30;

function say(response: twilio.twiml.VoiceResponse, text: string, speech: Speech): void {
  response.say(sayAttributes(speech), text);
}

/**
 * Blind transfer (直接转接): the caller hears one line, then the department's phone rings. Before the
 * two are joined, the department hears the whisper (`whisperUrl`: the ticket number, digit by digit);
 * the caller never hears it. When the department does not answer, Twilio asks `actionUrl` what next.
 */
export function blindTransferTwiml(input: {
  announcement: string;
  to: string;
  callerId: string;
  whisperUrl: string;
  actionUrl: string;
  speech: Speech;
}): string {
  const response = new twilio.twiml.VoiceResponse();
  say(response, input.announcement, input.speech);
  const dial = response.dial({
    action: input.actionUrl,
    method: 'POST',
    timeout: DEPARTMENT_RING_SECONDS,
    callerId: input.callerId,
  });
  dial.number({ url: input.whisperUrl, method: 'POST' }, input.to);
  return response.toString();
}

/**
 * A leg joining the transfer's conference room (warm transfer, 三方转接). The room is named after the
 * call record, never after a person (Twilio's advice). The caller's leaving ends the room; the
 * operator's and the department's do not, so the operator can drop out once the two are talking.
 */
export function conferenceTwiml(input: {
  room: string;
  announcement?: string;
  endsRoomOnExit: boolean;
  statusCallback: string;
  speech: Speech;
}): string {
  const response = new twilio.twiml.VoiceResponse();
  if (input.announcement) say(response, input.announcement, input.speech);
  const dial = response.dial();
  dial.conference(
    {
      beep: 'false',
      startConferenceOnEnter: true,
      endConferenceOnExit: input.endsRoomOnExit,
      statusCallback: input.statusCallback,
      statusCallbackEvent: ['join', 'leave', 'end'],
    },
    input.room,
  );
  return response.toString();
}

/** Said to the department before it is joined to the caller: where the call comes from and its ticket. */
export function whisperTwiml(text: string, speech: Speech): string {
  const response = new twilio.twiml.VoiceResponse();
  say(response, text, speech);
  return response.toString();
}

/** The transfer failed: said why, then back in the operators' queue (the provider's hold music). */
export function backToOperatorsTwiml(text: string, queue: string, speech: Speech): string {
  const response = new twilio.twiml.VoiceResponse();
  say(response, text, speech);
  response.enqueue(queue);
  return response.toString();
}

export function hangUpTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}
