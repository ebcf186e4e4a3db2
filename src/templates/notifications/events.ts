import { OUTBOUND_CHANNELS, type OutboundChannel } from '../../notify/types.js';
import type { NotificationField } from './data.js';

/**
 * Every notification event (an outbox entry's `template`), who hears it, on which channels, and the
 * optional data fields its templates may use without `{{#if}}` because the caller always gives them.
 */
export interface EventSpec {
  audiences: readonly ('citizen' | 'department' | 'supervisor')[];
  channels: readonly OutboundChannel[];
  /** Optional fields of {@link NotificationData} the caller must give for this event. */
  requires: readonly NotificationField[];
}

const CITIZEN_CHANNELS = OUTBOUND_CHANNELS;
/** Staff have no phone call from us: email, their console (push) and SMS. */
const STAFF_CHANNELS = ['email', 'push', 'sms'] as const satisfies readonly OutboundChannel[];

const citizen = (requires: readonly NotificationField[] = []): EventSpec => ({
  audiences: ['citizen'],
  channels: CITIZEN_CHANNELS,
  requires,
});
const staff = (
  audiences: EventSpec['audiences'],
  requires: readonly NotificationField[] = [],
): EventSpec => ({ audiences, channels: STAFF_CHANNELS, requires });

/**
 * One template serves every audience of an event (an outbox entry names the event, not the reader):
 * `sla.red` reads right for the department and for the supervisors alike.
 */
export const NOTIFICATION_EVENTS = {
  received: citizen(),
  dispatched: citizen(),
  transferred: citizen(),
  signed: citizen(),
  asked_citizen: citizen(['text']),
  replied: citizen(['text']),
  resolved: citizen(),
  reopened: citizen(),
  extension_approved: citizen(['dueAt']),
  cancelled: citizen(),
  rejected: citizen(),
  merged: citizen(),
  rated: citizen(),
  broadcast: citizen(['text']),
  'department.new_ticket': staff(['department']),
  'department.co_ticket': staff(['department']),
  'department.co_answered': staff(['department']),
  'sla.yellow': staff(['department', 'supervisor'], ['clock', 'dueAt']),
  'sla.red': staff(['department', 'supervisor'], ['clock', 'dueAt']),
  'sla.overdue': staff(['department', 'supervisor'], ['clock', 'dueAt']),
  'sla.extension_requested': staff(['supervisor']),
  'sla.extension_approved': staff(['department'], ['dueAt']),
  'sla.extension_denied': staff(['department']),
  'supervision.flagged': staff(['department', 'supervisor']),
} as const satisfies Record<string, EventSpec>;

export type NotificationEvent = keyof typeof NOTIFICATION_EVENTS;
export const NOTIFICATION_EVENT_NAMES = Object.keys(NOTIFICATION_EVENTS) as NotificationEvent[];

export function isNotificationEvent(name: string): name is NotificationEvent {
  return Object.hasOwn(NOTIFICATION_EVENTS, name);
}

/** Whether the event is sent on the channel at all (a template must exist for it in zh-CN). */
export function eventHasChannel(event: NotificationEvent, channel: OutboundChannel): boolean {
  const spec: EventSpec = NOTIFICATION_EVENTS[event];
  return spec.channels.includes(channel);
}
