import type { Schema } from 'mongoose';
import { ENDED_STATUSES, type Ticket, type TicketStatus } from '../tickets/types.js';
import type { ListOrder } from './paging.js';

/**
 * How the ticket lists are served by indexes (DESIGN §5a): every ticket document carries a few
 * scalar list keys, derived from the ticket by {@link listKeys} and written in the same
 * single-document write as the change that moves them (insert and `applyChange`), so they are never
 * out of step with the ticket. Each list is then an equality prefix on these keys, sorted by one of
 * them, paged by cursor (src/store/paging.ts) — a SEARCH on one of the indexes below, on MongoDB and
 * on the embedded database alike.
 *
 * Keys:
 * - `lane`: which work queue the ticket is in — `triage` (received or reopened, waiting for a
 *   dispatch), `desk` (with a department: dispatched … replied), `review` (returned by a department,
 *   awaiting the hotline's review) or `ended`;
 * - `dueAt`: the nearest deadline of a running clock (or of a paused clock that is already overdue),
 *   {@link NO_DEADLINE} when none: "due soonest" and "overdue now" (`dueAt < now`) are ranges on it;
 * - `flaggedAt`: the latest supervision (督办) flag of an open, flagged ticket; absent otherwise;
 * - `titleKey`: the subject (or the start of the text) case-folded, for prefix search.
 */

/** Year 2286: after every real deadline, so tickets without one sort last when "due soonest". */
export const NO_DEADLINE = new Date(9_999_999_999_999);

export const LANES = ['triage', 'desk', 'review', 'ended'] as const;
export type Lane = (typeof LANES)[number];
/** The lanes of a ticket still open. */
export const OPEN_LANES: Lane[] = ['triage', 'desk', 'review'];

const TITLE_KEY_CHARS = 32;

export interface ListKeys {
  lane: Lane;
  dueAt: Date;
  flaggedAt?: Date;
  titleKey: string;
}

export function laneOf(status: TicketStatus): Lane {
  if (ENDED_STATUSES.includes(status)) return 'ended';
  if (status === 'received' || status === 'reopened') return 'triage';
  if (status === 'return_review') return 'review';
  return 'desk';
}

export function listKeys(
  ticket: Pick<Ticket, 'status' | 'sla' | 'supervision' | 'subject' | 'body'>,
): ListKeys {
  const lane = laneOf(ticket.status);
  const keys: ListKeys = { lane, dueAt: NO_DEADLINE, titleKey: titleKey(ticket.subject ?? ticket.body) };
  if (lane === 'ended') return keys;
  for (const clock of Object.values(ticket.sla.clocks)) {
    const counts = clock.state === 'running' || (clock.state === 'paused' && clock.overdueFiredAt);
    if (counts && clock.dueAt < keys.dueAt) keys.dueAt = clock.dueAt;
  }
  if (ticket.supervision.flagged) {
    const times = ticket.supervision.flags.map((flag) => flag.at.getTime());
    if (times.length > 0) keys.flaggedAt = new Date(Math.max(...times));
  }
  return keys;
}

/**
 * Case-folded, width-folded (NFKC) start of a title without whitespace or the characters JSON
 * escapes: what prefix search matches (and a key that sorts alike as text, see paging.ts).
 */
export function titleKey(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      // eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
      .replace(/[\s!"\\<>&\u0000-\u001f\u2028\u2029]+/g, '')
      .slice(0, TITLE_KEY_CHARS)
  );
}

/**
 * The indexes behind the lists, declared once here for MongoDB and the embedded database alike;
 * every list below names the one it reads.
 */
export function declareListIndexes(schema: Schema): void {
  schema.index({ lane: 1, createdAt: 1, _id: 1 });
  schema.index({ leadDepartment: 1, lane: 1, dueAt: 1, _id: 1 });
  schema.index({ leadDepartment: 1, lane: 1, createdAt: 1, _id: 1 });
  schema.index({ leadDepartment: 1, status: 1, dueAt: 1, _id: 1 });
  schema.index({ leadDepartment: 1, status: 1, createdAt: 1, _id: 1 });
  schema.index({ dueAt: 1, _id: 1 });
  schema.index({ flaggedAt: 1, _id: 1 });
  schema.index({ contactId: 1, createdAt: 1, _id: 1 });
  schema.index({ status: 1, createdAt: 1, _id: 1 });
  schema.index({ createdAt: 1, _id: 1 });
  schema.index({ titleKey: 1, _id: 1 });
}

/** The ticket lists staff see. Each is one index's equality prefix and sort. */
export type TicketList =
  /** A department's desk: the tickets it leads, all open ones or one status, by due time or received time. */
  | { list: 'department'; department: string; status?: TicketStatus; sort: 'due' | 'received' }
  /** The hotline's work queues, waiting longest first: triage (人工派单) or returns to review (退单审核). */
  | { list: 'lane'; lane: 'triage' | 'review' }
  /** Open tickets past a deadline now, longest overdue first; one department's or the hub's. */
  | { list: 'overdue'; now: Date; department?: string }
  /** Open tickets with a supervision (督办) flag, newest flag first. */
  | { list: 'flagged'; department?: string }
  /** A caller's tickets, newest first (the console's caller history, search by phone). */
  | { list: 'contact'; contactId: string }
  /** Tickets whose title starts with `prefix` (case- and width-folded). */
  | { list: 'title'; prefix: string }
  /** Every ticket, or every ticket in one status, newest first. */
  | { list: 'all'; status?: TicketStatus };

export interface ListQuery {
  filter: Record<string, unknown>;
  order: ListOrder;
  /** What the filter depends on: a cursor made under another scope is refused. */
  scope: unknown;
}

/** The filter, order and cursor scope of a list. */
export function listQuery(list: TicketList): ListQuery {
  switch (list.list) {
    case 'department': {
      const filter = list.status
        ? { leadDepartment: list.department, status: list.status }
        : { leadDepartment: list.department, lane: 'desk' };
      const name = `department-${list.sort}`;
      return {
        filter,
        order: list.sort === 'due' ? order(name, 'dueAt', 'date', 1) : order(name, 'createdAt', 'date', -1),
        scope: list,
      };
    }
    case 'lane':
      return { filter: { lane: list.lane }, order: order(list.lane, 'createdAt', 'date', 1), scope: list };
    case 'overdue': {
      const filter: Record<string, unknown> = { dueAt: { $lt: list.now } };
      if (list.department) Object.assign(filter, { leadDepartment: list.department, lane: 'desk' });
      // `now` moves between pages; the cursor is tied to the department only.
      return { filter, order: order('overdue', 'dueAt', 'date', 1), scope: list.department ?? null };
    }
    case 'flagged': {
      const filter = list.department ? { leadDepartment: list.department } : {};
      return { filter, order: order('flagged', 'flaggedAt', 'date', -1), scope: list };
    }
    case 'contact':
      return {
        filter: { contactId: list.contactId },
        order: order('contact', 'createdAt', 'date', -1),
        scope: list,
      };
    case 'title': {
      const prefix = titleKey(list.prefix);
      return {
        filter: { titleKey: { $gte: prefix, $lt: `${prefix}\uffff` } },
        order: order('title', 'titleKey', 'string', 1),
        scope: list,
      };
    }
    case 'all': {
      const filter = list.status ? { status: list.status } : {};
      return { filter, order: order('all', 'createdAt', 'date', -1), scope: list };
    }
  }
}

function order(list: string, field: string, type: ListOrder['type'], direction: 1 | -1): ListOrder {
  return { list, field, type, direction };
}
