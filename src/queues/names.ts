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

/** A notification job: which outbox entry of which ticket to deliver. Job id = entry id. */
export interface NotifyJob {
  ticketId: string;
  outboxEntryId: string;
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
