/**
 * What the engine answers for one step of a call, in our own words; the voice channel renders it as
 * TwiML (src/channels/voice/twiml.ts). A step is a URL under the voice webhook, and the call's state
 * travels in its query (see state.ts): Twilio signs the whole URL, so no server session is needed.
 */

/** The steps under `/webhooks/twilio/voice/<step>`; the call enters at the webhook itself. */
export const STEP_NAMES = [
  'choose',
  'status',
  'status-confirm',
  'subsidy-id',
  'directory',
  'directory-entry',
  'dial-done',
  'message-done',
  'queue-wait',
  'queue-done',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** The state a step URL carries. Every field is short and never personal data. */
export interface CallState {
  /** Menu version the call started with. */
  v: number;
  /** Current menu node. */
  n: string;
  /** Failed attempts in a row at the current prompt (invalid key, silence, wrong number). */
  s: number;
  /** A keyed ticket or application number waiting for confirmation. */
  num?: string;
  /** Directory page (0-based). */
  p?: number;
  /** Chosen department code. */
  d?: string;
}

export interface StepLink {
  step: StepName;
  state: CallState;
}

export type Instruction =
  | { kind: 'say'; text: string }
  | { kind: 'pause'; seconds: number }
  /**
   * Wait for keys while saying `say`. The renderer follows it with a redirect to the same action,
   * so silence reaches the same step without digits — one code path for "nothing pressed".
   */
  | {
      kind: 'gather';
      action: StepLink;
      say: string[];
      timeoutSeconds: number;
      /** One key (menus) or a keyed number ended by `finishOnKey`. */
      numDigits?: number;
      finishOnKey?: string;
    }
  | { kind: 'redirect'; to: StepLink }
  /** A voicemail; its recording (and transcript) arrive at the recording callbacks. */
  | { kind: 'record'; action: StepLink; maxSeconds: number; transcribe: boolean }
  /** Without `wait` the provider's hold music plays; without `action` the call ends with the queue. */
  | { kind: 'enqueue'; queue: string; wait?: StepLink; action?: StepLink }
  | { kind: 'dial'; number: string; timeoutSeconds: number; action: StepLink }
  /** Only inside a queue's wait answer: leave the queue (its action step runs next). */
  | { kind: 'leave' }
  | { kind: 'hangup' };

export type Script = Instruction[];

/** What the caller did, as the channel read it from the provider's request. */
export interface CallInput {
  callSid: string;
  /** Caller ID as given (withheld callers have none). */
  from?: string;
  to?: string;
  /** Keys pressed; undefined or '' when the caller pressed nothing. */
  digits?: string;
  /** In the queue: 1 = next to be answered. */
  queuePosition?: number;
  /** Seconds this caller has waited in the queue. */
  queueSeconds?: number;
  /** How the queue ended for the caller. */
  queueOutcome?: 'bridged' | 'hangup' | 'left' | 'failed';
  /** How a `dial` ended. */
  dialOutcome?: 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
}
