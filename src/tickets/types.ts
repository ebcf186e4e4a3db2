import type { ClockName, SlaClock, Stage } from '../routing/sla-clock.js';

/** The ticket core's own types. Storage (src/store) maps them to documents; nothing here does I/O. */

export const CHANNELS = ['ivr', 'hotline', 'sms', 'web', 'email', 'api', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 投诉 · 咨询 · 求助 · 建议 · 举报 · 表扬 */
export const KINDS = ['complaint', 'consultation', 'help', 'suggestion', 'report', 'praise'] as const;
export type TicketKind = (typeof KINDS)[number];

/** 一般 · 紧急 · 特急 */
export const PRIORITIES = ['normal', 'urgent', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = [
  'received',
  'dispatched',
  'signed',
  'in_progress',
  'waiting_citizen',
  'replied',
  'closed',
  'reopened',
  'return_review',
  'merged',
  'cancelled',
  'rejected',
] as const;
export type TicketStatus = (typeof STATUSES)[number];

/** Where a ticket's life has ended: no clock runs, nothing more is dispatched. */
export const ENDED_STATUSES: readonly TicketStatus[] = ['closed', 'merged', 'cancelled', 'rejected'];
export const OPEN_STATUSES: readonly TicketStatus[] = STATUSES.filter((s) => !ENDED_STATUSES.includes(s));

export const ROLES = ['admin', 'supervisor', 'operator', 'department'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: a staff member or token, the citizen, or the hub itself. */
export interface Actor {
  kind: 'staff' | 'citizen' | 'system';
  id: string;
  role?: Role;
  /** Department code, for department staff. */
  department?: string;
  /**
   * A department head (科室负责人) rather than a clerk: same tickets as the department (access.ts
   * does not look at it), for pages and use-cases that let only the head approve something.
   */
  head?: boolean;
}

export interface Location {
  districtCode?: string;
  townshipCode?: string;
  villageCode?: string;
  text?: string;
}

export interface AttachmentRef {
  ref: string;
  name?: string;
  contentType?: string;
  size?: number;
  /** Not kept, and why (`type_not_allowed`, `too_large`): listed so staff know the citizen sent it. */
  refused?: string;
}

/** A name/value pair: how we keep vendor identifiers without letting their keys into ours. */
export interface NamedValue {
  name: string;
  value: string;
}

export type Visibility = 'public' | 'internal';

export interface TicketEvent {
  id: string;
  type: string;
  fromStatus?: TicketStatus;
  toStatus: TicketStatus;
  actor: Actor;
  channel: Channel;
  visibility: Visibility;
  at: Date;
  data?: Record<string, unknown>;
}

export type OutboxAudience = 'citizen' | 'department' | 'supervisor';
export type OutboxStatus = 'pending' | 'queued' | 'sent' | 'delivered' | 'failed';

/** What someone must hear about; the notification relay (issue 4) moves these to BullMQ. */
export interface OutboxEntry {
  id: string;
  eventId: string;
  /** The event type, which picks the message template. */
  template: string;
  audience: OutboxAudience;
  contactId?: string;
  department?: string;
  status: OutboxStatus;
  createdAt: Date;
}

export interface CoDepartment {
  department: string;
  status: 'pending' | 'signed' | 'answered';
  /** Its own limit for the opinion (the SLA policy's co-opinion clock, in its own working hours). */
  dueAt?: Date;
  opinion?: string;
  signedAt?: Date;
  answeredAt?: Date;
}

/** Why a clock stands still: waiting for the citizen, a hearing, an expert review, or another reason. */
export const PAUSE_REASONS = ['citizen', 'hearing', 'expert_review', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export interface TicketSla {
  policy?: string;
  policyVersion?: number;
  /** The department whose working hours the department clocks count in. */
  department?: string;
  clocks: Partial<Record<ClockName, SlaClock>>;
  pause?: { reason: PauseReason; since: Date; text?: string };
  extension?: {
    status: 'pending' | 'approved' | 'denied';
    workingDays: number;
    reason: string;
    requestedAt: Date;
    requestedBy: string;
    decidedAt?: Date;
    decidedBy?: string;
    /** The completion due time the approval set. */
    dueAt?: Date;
  };
}

/** How the ticket reached its department: which rule (id + version) and why, or an operator. */
export interface RoutingRecord {
  by: 'rule' | 'operator' | 'triage';
  rule?: { id: string; version: number; name: string };
  reasons: string[];
  considered: number;
  tags?: string[];
  at: Date;
}

export const SUPERVISION_KINDS = ['overdue', 'returned', 'dissatisfied', 'manual'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/** What supervisors (效能监察) see: the worst warning reached and the 督办 flags. */
export interface Supervision {
  flagged: boolean;
  warning?: Stage;
  flags: { kind: SupervisionKind; at: Date; clock?: ClockName; detail?: string }[];
}

export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type RatingValue = (typeof RATINGS)[number];

export interface TicketSource {
  channel: Channel;
  idempotencyKey: string;
  /** `${channel}:${idempotencyKey}`, unique across tickets. */
  dedupeKey: string;
  externalIds: NamedValue[];
  receivedAt: Date;
}

export interface Ticket {
  number: string;
  queryCode: string;
  channel: Channel;
  kind: TicketKind;
  category?: string;
  subject?: string;
  body: string;
  attachments: AttachmentRef[];
  contactId?: string;
  anonymous: boolean;
  location: Location;
  leadDepartment?: string;
  coDepartments: Record<string, CoDepartment>;
  assignee?: string;
  priority: Priority;
  status: TicketStatus;
  sla: TicketSla;
  routing?: RoutingRecord;
  supervision: Supervision;
  tags: string[];
  events: TicketEvent[];
  outbox: Record<string, OutboxEntry>;
  rating?: { value: RatingValue; comment?: string; at: Date };
  /**
   * 公示: `consent` — the citizen agreed their request may be published (submit form, API); `public`
   * — staff published it with `summary` (the `publish` command), shown on the public results board.
   */
  disclosure: { public: boolean; consent?: boolean; summary?: string; publishedAt?: Date };
  source: TicketSource;
  returnCount: number;
  mergedInto?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What every channel hands the core (DESIGN §1): one normalised message with its idempotency key. */
export interface InboundMessage {
  channel: Channel;
  /** Twilio MessageSid / CallSid, email Message-ID, form token, API Idempotency-Key. */
  idempotencyKey: string;
  sender: { phone?: string; email?: string; name?: string; language?: string };
  text: string;
  subject?: string;
  kind?: TicketKind;
  category?: string;
  priority?: Priority;
  location?: Location;
  anonymous?: boolean;
  /** The citizen agreed that the request and its answer may be published (同意公开). */
  publicConsent?: boolean;
  attachments?: AttachmentRef[];
  /** Vendor identifiers (MessageSid, AccountSid, Message-ID…), kept as name/value pairs. */
  externalIds?: NamedValue[];
  receivedAt?: Date;
  /**
   * False: no `received` notice to the citizen (mail loops: auto-replies, list mail, a sender
   * already acknowledged this hour). Default true.
   */
  acknowledge?: boolean;
  /** Tags the new ticket starts with (e.g. `needs_review`). */
  tags?: string[];
  /**
   * Other tickets this message refers to, for staff (an internal `linked` event each, so nothing of
   * the other ticket is shown to this ticket's citizen): a stranger quoting someone's number, a
   * reply to an ended ticket.
   */
  links?: { ticket: string; reason: string }[];
}
