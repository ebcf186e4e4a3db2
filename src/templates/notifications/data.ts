import type { ClockName, Stage } from '../../routing/sla-clock.js';
import type { TicketKind, TicketStatus } from '../../tickets/types.js';
import { NOTIFICATION_EVENTS, type EventSpec, type NotificationEvent } from './events.js';

/**
 * What every notification template is rendered with. The caller (the notification relay) fills it
 * from the ticket and formats dates in the hub's time zone; templates never format or look anything
 * up. Optional fields are used inside `{{#if field}}` unless the event requires them
 * ({@link NOTIFICATION_EVENTS}); strict mode makes any other missing field throw.
 */
export interface NotificationData {
  number: string;
  queryCode: string;
  kind: TicketKind;
  status: TicketStatus;
  /** The lead department (citizen events), or the department concerned (staff events). */
  departmentName?: string;
  /** The reply, the question to the citizen, the notice of a broadcast, a reason or an opinion. */
  text?: string;
  /** A due date already formatted in local time, e.g. `2026-05-28 17:30`. */
  dueAt?: string;
  ratingUrl?: string;
  /** The citizen's status page for this ticket (staff: the ticket in the console). */
  trackUrl: string;
  stage?: Stage;
  clock?: ClockName;
  /** Further updates folded into this message (the relay collapses bursts): usually 0. */
  collapsed: number;
  citizenName?: string;
}

export type NotificationField = keyof NotificationData;

/** Every field a template may name: the static check refuses anything else before rendering. */
export const NOTIFICATION_FIELDS: readonly NotificationField[] = [
  'number',
  'queryCode',
  'kind',
  'status',
  'departmentName',
  'text',
  'dueAt',
  'ratingUrl',
  'trackUrl',
  'stage',
  'clock',
  'collapsed',
  'citizenName',
];

const ALWAYS: readonly NotificationField[] = [
  'number',
  'queryCode',
  'kind',
  'status',
  'trackUrl',
  'collapsed',
];

const SAMPLE_BASE = 'https://12345.example.gov.cn';

/**
 * Realistic data with every field set, for validation and previews. Its SMS part counts are the ones
 * the admin API shows, so its texts are of a usual length, and `collapsed` is 0 as it usually is.
 */
export const SAMPLE_DATA: Readonly<NotificationData> = sampleData(SAMPLE_BASE);

/** {@link SAMPLE_DATA} with links on this hub's public URL, so part counts match what is sent. */
export function sampleData(publicUrl: string = SAMPLE_BASE): NotificationData {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    number: '26051401270',
    queryCode: '483920',
    kind: 'complaint',
    status: 'dispatched',
    departmentName: '市城市管理局',
    text: '经现场核查，该路段路灯线路老化，已于5月16日更换，现已恢复照明。',
    dueAt: '2026-05-28 17:30',
    ratingUrl: `${base}/rate/26051401270`,
    trackUrl: `${base}/track/26051401270`,
    stage: 'red',
    clock: 'completion',
    collapsed: 0,
    citizenName: '张女士',
  };
}

/** The sample reduced to what an event is always given: optional fields used bare show up here. */
export function minimalData(event: NotificationEvent, sample: NotificationData): NotificationData {
  const spec: EventSpec = NOTIFICATION_EVENTS[event];
  const keep = new Set<NotificationField>([...ALWAYS, ...spec.requires]);
  return Object.fromEntries(
    Object.entries(sample).filter(([field]) => keep.has(field as NotificationField)),
  ) as unknown as NotificationData;
}
