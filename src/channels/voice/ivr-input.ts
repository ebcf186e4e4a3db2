import type { CallInput } from '../../ivr/script.js';
import type { RecordingReport, TranscriptReport } from '../../ivr/recording.js';

/** Twilio's voice webhook parameters (the ones the IVR reads), as posted. */
export type TwilioVoiceParams = Partial<
  Record<
    | 'CallSid'
    | 'From'
    | 'To'
    | 'Digits'
    | 'QueuePosition'
    | 'QueueTime'
    | 'QueueResult'
    | 'DialCallStatus'
    | 'RecordingSid'
    | 'RecordingUrl'
    | 'RecordingStatus'
    | 'RecordingDuration'
    | 'TranscriptionText'
    | 'TranscriptionStatus',
    string
  >
>;

/** Twilio's QueueResult values in our words. */
const QUEUE_OUTCOME: Record<string, NonNullable<CallInput['queueOutcome']>> = {
  bridged: 'bridged',
  'bridging-in-process': 'bridged',
  'redirected-from-bridged': 'bridged',
  hangup: 'hangup',
  leave: 'left',
};

/** Twilio's DialCallStatus values in our words. */
const DIAL_OUTCOME: Record<string, NonNullable<CallInput['dialOutcome']>> = {
  completed: 'answered',
  answered: 'answered',
  busy: 'busy',
  'no-answer': 'no-answer',
  failed: 'failed',
  canceled: 'canceled',
};

/** Withheld numbers reach Twilio as these words (or nothing), never as a phone. */
const WITHHELD =
  /^(anonymous|restricted|unknown|unavailable|private|\+?266696687|\+?7378742833|\+?8656696)$/i;

function count(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}

/** A call step's request → the engine's input; undefined without a CallSid (not a call webhook). */
export function callInput(params: TwilioVoiceParams): CallInput | undefined {
  if (!params.CallSid) return undefined;
  const from = params.From?.trim();
  return {
    callSid: params.CallSid,
    ...(from && !WITHHELD.test(from) ? { from } : {}),
    ...(params.To ? { to: params.To } : {}),
    ...(params.Digits === undefined ? {} : { digits: params.Digits }),
    ...(params.QueuePosition === undefined ? {} : { queuePosition: count(params.QueuePosition) }),
    ...(params.QueueTime === undefined ? {} : { queueSeconds: count(params.QueueTime) }),
    ...(params.QueueResult === undefined
      ? {}
      : { queueOutcome: QUEUE_OUTCOME[params.QueueResult] ?? 'failed' }),
    ...(params.DialCallStatus === undefined
      ? {}
      : { dialOutcome: DIAL_OUTCOME[params.DialCallStatus] ?? 'failed' }),
  };
}

export function recordingReport(params: TwilioVoiceParams): RecordingReport | undefined {
  if (!params.CallSid || !params.RecordingSid) return undefined;
  const status = params.RecordingStatus;
  return {
    callSid: params.CallSid,
    recordingId: params.RecordingSid,
    ...(params.RecordingUrl ? { recordingUrl: params.RecordingUrl } : {}),
    ...(count(params.RecordingDuration) === undefined
      ? {}
      : { durationSeconds: count(params.RecordingDuration) }),
    status: status === 'completed' ? 'completed' : status === 'absent' ? 'absent' : 'failed',
  };
}

export function transcriptReport(params: TwilioVoiceParams): TranscriptReport | undefined {
  if (!params.CallSid || !params.RecordingSid) return undefined;
  return {
    callSid: params.CallSid,
    recordingId: params.RecordingSid,
    ...(params.RecordingUrl ? { recordingUrl: params.RecordingUrl } : {}),
    ...(params.TranscriptionText === undefined ? {} : { text: params.TranscriptionText }),
    status: params.TranscriptionStatus === 'completed' ? 'completed' : 'failed',
  };
}
