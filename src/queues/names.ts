/**
 * Every BullMQ queue the hub uses. NEVER RENAME a value: jobs already in Redis would be orphaned.
 * One queue per outbound channel (DESIGN §1); job data carries ids only (STYLE 4).
 */
export const QueueName = {
  NotifySms: 'notify-sms',
  NotifyVoice: 'notify-voice',
  NotifyEmail: 'notify-email',
  NotifyPush: 'notify-push',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);

/** A notification job: which outbox entry of which ticket to deliver. Job id = entry id. */
export interface NotifyJob {
  ticketId: string;
  outboxEntryId: string;
}
