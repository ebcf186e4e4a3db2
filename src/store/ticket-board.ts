import type { ClockName, SlaClock } from '../routing/sla-clock.js';
import {
  ENDED_STATUSES,
  type Channel,
  type Priority,
  type RatingValue,
  type SupervisionKind,
  type TicketKind,
  type TicketStatus,
} from '../tickets/types.js';
import type { TicketRepository } from './tickets.js';

/**
 * What the supervision board (效能监察, src/supervision) reads of a ticket: states, clocks, flags,
 * rating and the type and time of each event — no subject, body, contact, event texts or outbox.
 */
export interface BoardEvent {
  type: string;
  toStatus: TicketStatus;
  at: Date;
  /** The department of the staff member who ran it (who returned a ticket). */
  department?: string;
}

export interface BoardTicket {
  number: string;
  channel: Channel;
  kind: TicketKind;
  category?: string;
  priority: Priority;
  status: TicketStatus;
  leadDepartment?: string;
  clocks: Partial<Record<ClockName, SlaClock>>;
  supervision: {
    flagged: boolean;
    flags: { kind: SupervisionKind; at: Date; clock?: ClockName }[];
  };
  rating?: RatingValue;
  returnCount: number;
  events: BoardEvent[];
  createdAt: Date;
}

export interface BoardQuery {
  /** Tickets created at or after this instant … */
  createdFrom: Date;
  /** Only tickets this department leads (a department's own board). */
  leadDepartment?: string;
}

// Only what the board computes with: a dashboard must not drag ticket texts out of the database.
const PROJECTION = {
  channel: 1,
  kind: 1,
  category: 1,
  priority: 1,
  status: 1,
  leadDepartment: 1,
  'sla.clocks': 1,
  'supervision.flagged': 1,
  'supervision.flags.kind': 1,
  'supervision.flags.at': 1,
  'supervision.flags.clock': 1,
  'rating.value': 1,
  returnCount: 1,
  'events.type': 1,
  'events.toStatus': 1,
  'events.at': 1,
  'events.actor.department': 1,
  createdAt: 1,
} as const;

interface BoardDoc {
  _id: string;
  channel: Channel;
  kind: TicketKind;
  category?: string;
  priority: Priority;
  status: TicketStatus;
  leadDepartment?: string;
  sla?: { clocks?: BoardTicket['clocks'] };
  supervision?: Partial<BoardTicket['supervision']>;
  rating?: { value?: RatingValue };
  returnCount?: number;
  events?: { type: string; toStatus: TicketStatus; at: Date; actor?: { department?: string } }[];
  createdAt: Date;
}

/**
 * The tickets of the supervision board: every ticket created since `createdFrom`, and every ticket
 * still open whatever its age (the oldest open tickets are what a supervisor must see).
 *
 * The embedded database (FerretDB) only indexes `_id`, so this is a scan of the collection whatever
 * the filter: it runs when someone opens or exports the board, never as a poll; it reads only the
 * fields above (a projection) and the window caps how many ended tickets come back. MongoDB answers
 * the same query from the `status`/`createdAt` indexes. Statistics other than counts are computed
 * in code (DESIGN §5a: `$group` only with `$sum`/`$count`).
 */
export async function findBoardTickets(tickets: TicketRepository, query: BoardQuery): Promise<BoardTicket[]> {
  const filter: Record<string, unknown> = {
    $or: [{ createdAt: { $gte: query.createdFrom } }, { status: { $nin: [...ENDED_STATUSES] } }],
  };
  if (query.leadDepartment !== undefined) filter.leadDepartment = query.leadDepartment;
  const docs = await tickets.model.find(filter, PROJECTION).lean<BoardDoc[]>();
  return docs.map(toBoardTicket);
}

function toBoardTicket(doc: BoardDoc): BoardTicket {
  return {
    number: doc._id,
    channel: doc.channel,
    kind: doc.kind,
    category: doc.category,
    priority: doc.priority,
    status: doc.status,
    leadDepartment: doc.leadDepartment,
    clocks: doc.sla?.clocks ?? {},
    supervision: { flagged: doc.supervision?.flagged ?? false, flags: doc.supervision?.flags ?? [] },
    rating: doc.rating?.value,
    returnCount: doc.returnCount ?? 0,
    events: (doc.events ?? []).map((e) => ({
      type: e.type,
      toStatus: e.toStatus,
      at: e.at,
      department: e.actor?.department,
    })),
    createdAt: doc.createdAt,
  };
}
