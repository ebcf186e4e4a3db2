import { randomBytes } from 'node:crypto';
import type { SimulatedAnswer } from '../channels/simulator/twilio-requests.js';
import { readVoiceAnswer, type VoiceAnswer } from '../channels/simulator/twiml-read.js';

/**
 * A simulated hotline call, driven through the hub's own voice webhooks as Twilio would drive it:
 * the call enters at the voice webhook, each key goes to the `<Gather>`'s action, silence follows
 * the `<Redirect>` after it, a `<Redirect>` alone is followed at once, the operator queue plays its
 * wait message, `<Dial>` and `<Record>` wait for the tester to say how they ended, and the end of the
 * call is reported to the call status callback. The call's state lives in the page (a hidden field),
 * so no server session is needed; every URL in it is checked again before it is posted to.
 */

/** What the call waits for next. */
export type Pending =
  | { kind: 'gather'; action: string; silence?: string; numDigits?: number; finishOnKey?: string }
  | { kind: 'queue'; waitUrl?: string; action?: string; waited: number }
  | { kind: 'dial'; number: string; action?: string }
  | { kind: 'record'; action?: string; recordingCallback?: string; transcribeCallback?: string }
  | { kind: 'ended' };

/** A line of the call as the page shows it: what the IVR said, what the caller did, what happened. */
export interface CallLine {
  who: 'ivr' | 'caller' | 'system';
  /** IVR and caller lines: the words. */
  text?: string;
  /** System lines: a words key (`sim.call.*`) and its one value. */
  key?: string;
  value?: string;
}

export interface SimCall {
  callSid: string;
  from: string;
  to: string;
  startedAt: number;
  pending: Pending;
  log: CallLine[];
}

export type CallAction =
  | { do: 'keys'; digits: string }
  | { do: 'silence' }
  | { do: 'wait' }
  | { do: 'dial'; outcome: 'completed' | 'no-answer' | 'busy' }
  | { do: 'record'; text: string }
  | { do: 'hangup' };

export interface CallDriver {
  /** Signed POST to a webhook of the hub (absolute URL under PUBLIC_URL, or a path). */
  post(url: string, params: Record<string, string>): Promise<SimulatedAnswer>;
  /** The only URLs a call may be sent on to: the voice webhook and its steps. */
  voiceUrl: string;
  accountSid: string;
  now(): Date;
}

/** The voice webhook paths that are not IVR steps. */
export const CALL_STATUS_URL_PATH = '/webhooks/twilio/voice/call-status';
const LOG_LIMIT = 60;
const REDIRECT_HOPS = 5;
const WAIT_STEP_SECONDS = 30;
/** Keys a caller can press on a phone pad. */
export const KEYS = /^[0-9*#]{1,20}$/;

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** A call from `from` to the hotline `to`: the entry answer settled. */
export async function startCall(driver: CallDriver, from: string, to: string): Promise<SimCall> {
  const call: SimCall = {
    callSid: newCallSid(),
    from,
    to,
    startedAt: driver.now().getTime(),
    pending: { kind: 'ended' },
    log: [{ who: 'system', key: 'sim.call.dialled', value: to }],
  };
  return settle(driver, call, await driver.post(driver.voiceUrl, params(driver, call)));
}

/** One thing the caller does; the call comes back with what the IVR answered. */
export async function actOnCall(driver: CallDriver, call: SimCall, action: CallAction): Promise<SimCall> {
  const p = call.pending;
  const next: SimCall = { ...call, log: [...call.log] };
  if (action.do === 'hangup') return hangUp(driver, next);
  if (p.kind === 'gather' && action.do === 'keys') {
    next.log.push({ who: 'caller', text: action.digits });
    return settle(driver, next, await post(driver, next, p.action, { Digits: action.digits }));
  }
  if (p.kind === 'gather' && action.do === 'silence' && p.silence) {
    next.log.push({ who: 'system', key: 'sim.call.silence' });
    return settle(driver, next, await post(driver, next, p.silence, {}));
  }
  if (p.kind === 'queue' && action.do === 'wait') return waitInQueue(driver, next, p);
  if (p.kind === 'dial' && action.do === 'dial' && p.action) {
    next.log.push({ who: 'system', key: `sim.call.dial.${action.outcome}` });
    return settle(driver, next, await post(driver, next, p.action, { DialCallStatus: action.outcome }));
  }
  if (p.kind === 'record' && action.do === 'record') return finishRecording(driver, next, p, action.text);
  next.log.push({ who: 'system', key: 'sim.call.notNow' });
  return next;
}

function params(
  driver: CallDriver,
  call: SimCall,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: driver.accountSid,
    CallSid: call.callSid,
    From: call.from,
    To: call.to,
    CallStatus: 'in-progress',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/** Only the hub's own voice URLs: a tampered page cannot make the simulator sign anything else. */
async function post(
  driver: CallDriver,
  call: SimCall,
  url: string,
  extra: Record<string, string>,
): Promise<SimulatedAnswer> {
  if (!url.startsWith(`${driver.voiceUrl}/`) && url !== driver.voiceUrl) {
    return { status: 400, body: '' };
  }
  return driver.post(url, params(driver, call, extra));
}

async function settle(
  driver: CallDriver,
  call: SimCall,
  answer: SimulatedAnswer,
  hops = 0,
): Promise<SimCall> {
  if (answer.status !== 200) {
    call.log.push({ who: 'system', key: 'sim.call.refused', value: String(answer.status) });
    return end(driver, call);
  }
  const voice: VoiceAnswer = readVoiceAnswer(answer.body);
  for (const text of voice.said) call.log.push({ who: 'ivr', text });
  if (voice.gather) {
    const g = voice.gather;
    call.pending = {
      kind: 'gather',
      action: g.action,
      ...(g.silence ? { silence: g.silence } : {}),
      ...(g.numDigits ? { numDigits: g.numDigits } : {}),
      ...(g.finishOnKey ? { finishOnKey: g.finishOnKey } : {}),
    };
    return trimmed(call);
  }
  if (voice.redirect && hops < REDIRECT_HOPS) {
    return settle(driver, call, await post(driver, call, voice.redirect, {}), hops + 1);
  }
  if (voice.enqueue) {
    call.log.push({ who: 'system', key: 'sim.call.queued', value: voice.enqueue.queue });
    const queue: Pending = { kind: 'queue', waited: 0, ...voice.enqueue };
    call.pending = queue;
    return waitInQueue(driver, call, queue, false);
  }
  if (voice.dial) {
    call.log.push({ who: 'system', key: 'sim.call.dialling', value: voice.dial.number });
    call.pending = { kind: 'dial', ...voice.dial };
    return trimmed(call);
  }
  if (voice.record) {
    call.log.push({ who: 'system', key: 'sim.call.recording' });
    call.pending = { kind: 'record', ...voice.record };
    return trimmed(call);
  }
  return end(driver, call);
}

/** The provider plays the queue's wait message (position 1) and asks again after each pause. */
async function waitInQueue(
  driver: CallDriver,
  call: SimCall,
  queue: Extract<Pending, { kind: 'queue' }>,
  later = true,
): Promise<SimCall> {
  const waited = later ? queue.waited + WAIT_STEP_SECONDS : queue.waited;
  call.pending = { ...queue, waited };
  if (!queue.waitUrl) return trimmed(call);
  const answer = await post(driver, call, queue.waitUrl, {
    QueuePosition: '1',
    QueueTime: String(waited),
    CurrentQueueSize: '1',
  });
  if (answer.status !== 200) return trimmed(call);
  const voice = readVoiceAnswer(answer.body);
  for (const text of voice.said) call.log.push({ who: 'ivr', text });
  if (!voice.leave || !queue.action) return trimmed(call);
  // Waited too long: the caller leaves the queue, and its action decides what follows.
  return settle(driver, call, await post(driver, call, queue.action, { QueueResult: 'leave' }));
}

async function finishRecording(
  driver: CallDriver,
  call: SimCall,
  record: Extract<Pending, { kind: 'record' }>,
  text: string,
): Promise<SimCall> {
  const recordingSid = `RE${randomBytes(16).toString('hex')}`;
  // A made-up address under the reserved `.invalid` name: there is no audio in a simulation.
  const recording = {
    RecordingSid: recordingSid,
    RecordingUrl: `https://simulator.invalid/recordings/${recordingSid}.wav`,
    RecordingDuration: '12',
  };
  call.log.push({ who: 'caller', text: text || '…' });
  const next = record.action
    ? await settle(driver, call, await post(driver, call, record.action, { ...recording, Digits: '#' }))
    : await end(driver, call);
  if (record.recordingCallback) {
    await post(driver, next, record.recordingCallback, { ...recording, RecordingStatus: 'completed' });
  }
  if (record.transcribeCallback && text) {
    await post(driver, next, record.transcribeCallback, {
      ...recording,
      TranscriptionText: text,
      TranscriptionStatus: 'completed',
    });
  }
  return next;
}

async function hangUp(driver: CallDriver, call: SimCall): Promise<SimCall> {
  const p = call.pending;
  if (p.kind === 'ended') return call;
  call.log.push({ who: 'system', key: 'sim.call.hungUp' });
  if (p.kind === 'queue' && p.action) await post(driver, call, p.action, { QueueResult: 'hangup' });
  return end(driver, call);
}

/** The call is over: the provider reports it to the call status callback (the console drops it). */
async function end(driver: CallDriver, call: SimCall): Promise<SimCall> {
  if (call.pending.kind !== 'ended') {
    call.pending = { kind: 'ended' };
    const seconds = Math.max(0, Math.round((driver.now().getTime() - call.startedAt) / 1000));
    await driver.post(CALL_STATUS_URL_PATH, {
      ...params(driver, call),
      CallStatus: 'completed',
      CallDuration: String(seconds),
    });
    call.log.push({ who: 'system', key: 'sim.call.ended' });
  }
  return trimmed(call);
}

function trimmed(call: SimCall): SimCall {
  if (call.log.length > LOG_LIMIT) call.log = call.log.slice(-LOG_LIMIT);
  return call;
}

/** The call as the page kept it (a hidden field): undefined unless every field is well formed. */
export function readCall(json: string, voiceUrl: string): SimCall | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Partial<SimCall>;
  if (typeof c.callSid !== 'string' || !/^CA[0-9a-f]{32}$/.test(c.callSid)) return undefined;
  if (typeof c.from !== 'string' || typeof c.to !== 'string' || typeof c.startedAt !== 'number')
    return undefined;
  if (!Array.isArray(c.log) || !isPending(c.pending, voiceUrl)) return undefined;
  const log = (c.log as unknown[]).filter(isLine);
  return { callSid: c.callSid, from: c.from, to: c.to, startedAt: c.startedAt, pending: c.pending, log };
}

function isLine(value: unknown): value is CallLine {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  if (!['ivr', 'caller', 'system'].includes(String(fields.who))) return false;
  return ['text', 'key', 'value'].every((f) => fields[f] === undefined || typeof fields[f] === 'string');
}

const KINDS = new Set(['gather', 'queue', 'dial', 'record', 'ended']);
const URL_FIELDS = ['action', 'silence', 'waitUrl', 'recordingCallback', 'transcribeCallback'];

function isPending(value: unknown, voiceUrl: string): value is Pending {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  if (typeof fields.kind !== 'string' || !KINDS.has(fields.kind)) return false;
  return URL_FIELDS.every((f) => {
    const url = fields[f];
    return url === undefined || (typeof url === 'string' && url.startsWith(voiceUrl));
  });
}
