import { usedMs, type ClockName, type SlaClock, type Stage } from '../routing/sla-clock.js';
import type { WorkingTimeOptions } from '../routing/working-time.js';
import { CO_OPEN_STATUSES } from '../store/co-tasks.js';
import { type Priority, type Ticket, type TicketKind, type TicketStatus } from '../tickets/types.js';

/**
 * The department desk's inbox (承办单位工作台), as pure functions over tickets the loader already
 * limited to the department: which tab a ticket sits in for this department, its SLA countdown,
 * the order of urgency, and the page of a tab. No I/O here, so every rule has a unit test.
 */

/**
 * 待签收 · 已签收 · 办理中 · 待群众补充 · 已答复待办结 (the tickets the department leads, by status) ·
 * 协办 (its co-handling parts, 并联) · 超期 (led tickets past a deadline, whatever their status).
 */
export const DESK_TABS = ['new', 'signed', 'in_progress', 'waiting', 'replied', 'co', 'overdue'] as const;
export type DeskTab = (typeof DESK_TABS)[number];

const LEAD_TAB: Partial<Record<TicketStatus, Exclude<DeskTab, 'overdue'>>> = {
  dispatched: 'new',
  signed: 'signed',
  in_progress: 'in_progress',
  waiting_citizen: 'waiting',
  replied: 'replied',
};

/** The clock a countdown shows: one of the ticket's clocks, or a co-department's opinion limit. */
export type CountdownClock = ClockName | 'co_opinion';

export interface Countdown {
  clock: CountdownClock;
  state: 'running' | 'paused';
  dueAt: Date;
  /** Counted in working time (the department's hours on working days) rather than real time. */
  working: boolean;
  /** What is left of the limit in the clock's own metric (working time for working clocks); 0 once overdue. */
  leftMs: number;
  /** Real time since the due moment (until the pause, for a paused clock), when overdue. */
  overdueMs?: number;
  /** How far the clock has come: yellow and red are the policy's warnings. */
  stage?: Stage;
}

export interface InboxRow {
  number: string;
  /** The subject, or the start of the citizen's text. */
  title: string;
  kind: TicketKind;
  category?: string;
  priority: Priority;
  status: TicketStatus;
  /** Whether this department leads the ticket or gives a co-department opinion (并联). */
  part: 'lead' | 'co';
  coStatus?: 'pending' | 'signed' | 'answered';
  tab: Exclude<DeskTab, 'overdue'>;
  overdue: boolean;
  countdown?: Countdown;
  supervised: boolean;
  extensionPending: boolean;
  createdAt: Date;
}

const TITLE_CHARS = 40;

/**
 * The row of `ticket` on `department`'s desk, or undefined when the department has nothing to do
 * with it now (a co-department that has answered, or a ticket the lead is not working any more).
 * `hours` gives a department's working time (src/routing/tables.ts `workingTime`).
 */
export function inboxRow(
  ticket: Ticket,
  department: string,
  now: Date,
  hours: (department?: string) => WorkingTimeOptions,
): InboxRow | undefined {
  const base = {
    number: ticket.number,
    title: titleOf(ticket),
    kind: ticket.kind,
    category: ticket.category,
    priority: ticket.priority,
    status: ticket.status,
    supervised: ticket.supervision.flagged,
    extensionPending: ticket.sla.extension?.status === 'pending',
    createdAt: ticket.createdAt,
  };
  if (ticket.leadDepartment === department) {
    const tab = LEAD_TAB[ticket.status];
    if (!tab) return undefined;
    const countdown = leadCountdown(ticket, now, hours(ticket.sla.department ?? department));
    return { ...base, part: 'lead', tab, countdown, overdue: countdown?.overdueMs !== undefined };
  }
  const co = ticket.coDepartments[department];
  if (!co || co.status === 'answered' || !CO_OPEN_STATUSES.includes(ticket.status)) return undefined;
  const countdown = co.dueAt ? coCountdown(co.dueAt, now) : undefined;
  return {
    ...base,
    part: 'co',
    coStatus: co.status,
    tab: 'co',
    countdown,
    overdue: countdown?.overdueMs !== undefined,
  };
}

/** The clock the lead works against in each state; any other department clock that is overdue wins. */
function leadCountdown(ticket: Ticket, now: Date, options: WorkingTimeOptions): Countdown | undefined {
  if (ticket.status === 'replied') return undefined;
  const clocks = ticket.sla.clocks;
  const primary: ClockName[] = ticket.status === 'dispatched' ? ['sign', 'completion'] : ['completion'];
  const live = (name: ClockName) => {
    const clock = clocks[name];
    return clock && clock.state !== 'stopped' ? countdownOf(name, clock, now, options) : undefined;
  };
  const shown = primary.map(live).find((c) => c !== undefined);
  if (shown?.overdueMs !== undefined) return shown;
  const overdue = (['sign', 'response', 'completion'] as const)
    .map(live)
    .find((c) => c?.overdueMs !== undefined);
  return overdue ?? shown;
}

/** A running or paused clock's countdown at `now` (its metric: working time for working units). */
export function countdownOf(
  name: ClockName,
  clock: SlaClock,
  now: Date,
  options: WorkingTimeOptions,
): Countdown {
  const state = clock.state === 'paused' ? 'paused' : 'running';
  const until = state === 'paused' && clock.pausedAt ? clock.pausedAt : now;
  const overdue = clock.overdueFiredAt !== undefined || until >= clock.dueAt;
  const reached = (fired: Date | undefined, at: Date) => fired !== undefined || until >= at;
  const stage: Stage | undefined = overdue
    ? 'overdue'
    : reached(clock.redFiredAt, clock.redAt)
      ? 'red'
      : reached(clock.yellowFiredAt, clock.yellowAt)
        ? 'yellow'
        : undefined;
  return {
    clock: name,
    state,
    dueAt: clock.dueAt,
    working: clock.unit === 'working_hours' || clock.unit === 'working_days',
    leftMs: overdue ? 0 : Math.max(0, clock.limitMs - usedMs(clock, now, options)),
    overdueMs: overdue ? Math.max(0, until.getTime() - clock.dueAt.getTime()) : undefined,
    stage,
  };
}

/** A co-department's opinion limit: a moment, counted in real time. */
function coCountdown(dueAt: Date, now: Date): Countdown {
  const left = dueAt.getTime() - now.getTime();
  return {
    clock: 'co_opinion',
    state: 'running',
    dueAt,
    working: false,
    leftMs: Math.max(0, left),
    overdueMs: left <= 0 ? -left : undefined,
    stage: left <= 0 ? 'overdue' : undefined,
  };
}

function titleOf(ticket: Ticket): string {
  const text = (ticket.subject ?? ticket.body).replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length > TITLE_CHARS ? `${chars.slice(0, TITLE_CHARS).join('')}…` : text;
}

/** One page of one desk tab, due soonest first (the store's order), with every tab's count. */
export interface InboxPage {
  tab: DeskTab;
  counts: Record<DeskTab, number>;
  rows: InboxRow[];
  /** The cursor of the next page, when there is one. */
  next?: string;
}
