import { CLOCK_NAMES, STAGES, type ClockName, type SlaClock, type Stage } from '../routing/sla-clock.js';
import type { BoardTicket } from '../store/ticket-board.js';
import { OPEN_STATUSES, type SupervisionKind } from '../tickets/types.js';

/**
 * Warnings (预警) and overdue tickets (超期), and the tickets flagged for supervision (督办): all
 * open tickets, whatever their age.
 */

/**
 * Where a clock stands now. A running clock's stage follows from its stage times, so the board is
 * right even before the timer job has fired; a paused clock keeps the stage it had reached (its stage
 * times move when it resumes); a stopped clock warns no more.
 */
export function clockStage(clock: SlaClock, now: Date): Stage | undefined {
  if (clock.state === 'stopped') return undefined;
  const running = clock.state === 'running';
  if (clock.overdueFiredAt || (running && now >= clock.dueAt)) return 'overdue';
  if (clock.redFiredAt || (running && now >= clock.redAt)) return 'red';
  if (clock.yellowFiredAt || (running && now >= clock.yellowAt)) return 'yellow';
  return undefined;
}

export interface TicketAlert {
  clock: ClockName;
  stage: Stage;
  dueAt: Date;
}

/** The ticket's worst clock now; between equally bad clocks, the one due first. */
export function ticketAlert(ticket: BoardTicket, now: Date): TicketAlert | undefined {
  let worst: TicketAlert | undefined;
  for (const name of CLOCK_NAMES) {
    const clock = ticket.clocks[name];
    const stage = clock && clockStage(clock, now);
    if (!clock || !stage) continue;
    const candidate = { clock: name, stage, dueAt: clock.dueAt };
    const rank = worst ? STAGES.indexOf(stage) - STAGES.indexOf(worst.stage) : 1;
    if (rank > 0 || (rank === 0 && worst && candidate.dueAt < worst.dueAt)) worst = candidate;
  }
  return worst;
}

export interface AlertRow extends TicketAlert {
  number: string;
  status: BoardTicket['status'];
  channel: BoardTicket['channel'];
  kind: BoardTicket['kind'];
  category?: string;
  priority: BoardTicket['priority'];
  leadDepartment?: string;
  /** Flagged for supervision (督办) already. */
  supervised: boolean;
  /** How long past the due time (overdue rows), else 0. */
  overdueMs: number;
  createdAt: Date;
}

function isOpen(ticket: BoardTicket): boolean {
  return OPEN_STATUSES.includes(ticket.status);
}

function alertRows(
  tickets: readonly BoardTicket[],
  now: Date,
  wanted: (stage: Stage) => boolean,
): AlertRow[] {
  const rows: AlertRow[] = [];
  for (const ticket of tickets) {
    const alert = isOpen(ticket) ? ticketAlert(ticket, now) : undefined;
    if (!alert || !wanted(alert.stage)) continue;
    rows.push({
      ...alert,
      number: ticket.number,
      status: ticket.status,
      channel: ticket.channel,
      kind: ticket.kind,
      category: ticket.category,
      priority: ticket.priority,
      leadDepartment: ticket.leadDepartment,
      supervised: ticket.supervision.flagged,
      overdueMs: alert.stage === 'overdue' ? Math.max(0, now.getTime() - alert.dueAt.getTime()) : 0,
      createdAt: ticket.createdAt,
    });
  }
  return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.number.localeCompare(b.number));
}

/** Open tickets whose worst clock is overdue, longest overdue first. */
export function overdueList(tickets: readonly BoardTicket[], now: Date): AlertRow[] {
  return alertRows(tickets, now, (stage) => stage === 'overdue');
}

/** Open tickets whose worst clock is in its yellow or red warning stage, the one due first at the top. */
export function warningList(tickets: readonly BoardTicket[], now: Date): AlertRow[] {
  return alertRows(tickets, now, (stage) => stage !== 'overdue');
}

export interface FlaggedRow {
  number: string;
  status: BoardTicket['status'];
  priority: BoardTicket['priority'];
  leadDepartment?: string;
  /** How many 督办 flags, and the kinds (overdue, returned, dissatisfied, manual), oldest first. */
  flags: number;
  kinds: SupervisionKind[];
  lastKind: SupervisionKind;
  lastFlaggedAt: Date;
}

/**
 * Open tickets flagged for supervision (督办: by a supervisor's `supervise` command, by an overdue
 * clock, by repeated returns, by a dissatisfied rating), most recently flagged first. The flags'
 * free-text details (a supervisor's note, the citizen's comment) stay on the ticket.
 */
export function flaggedList(tickets: readonly BoardTicket[]): FlaggedRow[] {
  const rows: FlaggedRow[] = [];
  for (const ticket of tickets) {
    const flags = [...ticket.supervision.flags].sort((a, b) => a.at.getTime() - b.at.getTime());
    const last = flags.at(-1);
    if (!isOpen(ticket) || !ticket.supervision.flagged || !last) continue;
    rows.push({
      number: ticket.number,
      status: ticket.status,
      priority: ticket.priority,
      leadDepartment: ticket.leadDepartment,
      flags: flags.length,
      kinds: flags.map((f) => f.kind),
      lastKind: last.kind,
      lastFlaggedAt: last.at,
    });
  }
  return rows.sort(
    (a, b) => b.lastFlaggedAt.getTime() - a.lastFlaggedAt.getTime() || a.number.localeCompare(b.number),
  );
}
