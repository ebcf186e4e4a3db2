import type { OutboundChannel } from '../notify/types.js';
import type { ClockName, Stage } from '../routing/sla-clock.js';

/**
 * Every BullMQ queue the hub uses. NEVER RENAME a value: jobs already in Redis would be orphaned.
 * One queue per outbound channel (DESIGN §1); job data carries ids only (STYLE 4).
 */
export const QueueName = {
  NotifySms: 'notify-sms',
  NotifyVoice: 'notify-voice',
  NotifyEmail: 'notify-email',
  NotifyPush: 'notify-push',
  /** SLA warnings and overdue: delayed jobs that re-check the ticket when they fire. */
  SlaTimers: 'sla-timers',
  /** Broadcast notices: one job per notice, which queues its recipients in resumable chunks. */
  Broadcasts: 'broadcasts',
  /** One-time codes of the web subsidy look-up: send the SMS, later delete the expired challenge. */
  SubsidyCodes: 'subsidy-codes',
  /** Register imports (subsidies, application cases) started through the API: one job per import. */
  Imports: 'imports',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];
/** The outbound notification queues. */
export const NOTIFY_QUEUE_NAMES = [
  QueueName.NotifySms,
  QueueName.NotifyVoice,
  QueueName.NotifyEmail,
  QueueName.NotifyPush,
] as const;
export type NotifyQueueName = (typeof NOTIFY_QUEUE_NAMES)[number];

const QUEUE_OF_CHANNEL = {
  sms: QueueName.NotifySms,
  voice: QueueName.NotifyVoice,
  email: QueueName.NotifyEmail,
  push: QueueName.NotifyPush,
} as const satisfies Record<OutboundChannel, NotifyQueueName>;

/** The queue of an outbound channel. */
export function notifyQueueOf(channel: OutboundChannel): NotifyQueueName {
  return QUEUE_OF_CHANNEL[channel];
}

/** The channel a notification queue sends on. */
export function channelOfQueue(queue: NotifyQueueName): OutboundChannel {
  const found = (Object.keys(QUEUE_OF_CHANNEL) as OutboundChannel[]).find(
    (c) => QUEUE_OF_CHANNEL[c] === queue,
  );
  if (!found) throw new Error(`not a notification queue: ${queue}`);
  return found;
}

/**
 * A notification job: which outbox entry of which ticket to deliver on the queue's channel. Job id =
 * entry id. Ids only: addresses and bodies are read from the store when the job runs (STYLE 4).
 * A broadcast recipient's job carries the broadcast id and the contact id instead.
 */
export type NotifyJob = TicketNotifyJob | { broadcastId: string; contactId: string };

export interface TicketNotifyJob {
  ticketId: string;
  outboxEntryId: string;
  /**
   * Set only by the relay right after the ticket write that made the entry: nothing can have sent
   * it before this job, so its first run may send before writing anything (src/notify/send-first.ts).
   * Every other way a job is queued (the reconciler, a fallback, an admin's retry) leaves it unset.
   */
  fresh?: true;
}

/** A broadcast: one tracked job per notice, job id = broadcast id. */
export interface BroadcastJob {
  broadcastId: string;
}

/**
 * A one-time code of the web subsidy look-up (`/subsidies`): job `send` sends it by SMS, job `purge`
 * deletes the expired challenge. Only the challenge id: the code and the phone are read from the
 * store when the job runs. Job id = `<name>.<challengeId>`.
 */
export interface SubsidyCodeJob {
  challengeId: string;
}

/**
 * A register import: validate, then (by its mode) write the rows of the file stored with the
 * import record. Only the import id: the file is read (sealed) from the store. Job id = import id.
 */
export interface ImportJobData {
  importId: string;
}

/**
 * An SLA timer: re-check one stage (yellow, red, overdue) of one clock of one ticket. The version is
 * the clock's: when a pause, resumption or extension moves the stage, a new version is scheduled and
 * jobs of older versions find nothing to do. Job id = `sla.<number>.<clock>.<stage>.v<version>`.
 */
export interface SlaTimerJob {
  number: string;
  clock: ClockName;
  stage: Stage;
  version: number;
}
