import type { BoardEvent, BoardTicket } from '../store/ticket-board.js';
import type { BoardWindow } from './window.js';

/**
 * Returned (退单) and reopened (重办) tickets: those with such an event inside the window, most
 * recent first. Of each event only its time and the returning department are shown; the reasons are
 * on the ticket's timeline.
 */

export interface ReturnedRow {
  number: string;
  status: BoardTicket['status'];
  leadDepartment?: string;
  /** `returned` events in the window. */
  returns: number;
  /** Returns over the ticket's whole life. */
  returnCount: number;
  lastReturnedAt: Date;
  /** The department that returned it last. */
  lastReturnedBy?: string;
}

export interface ReopenedRow {
  number: string;
  status: BoardTicket['status'];
  leadDepartment?: string;
  /** Times it went back to `reopened` in the window. */
  reopens: number;
  lastReopenedAt: Date;
  /** `reopen`: the hotline reopened it (重办); `rating`: the citizen's dissatisfied rating did. */
  lastCause: 'reopen' | 'rating';
}

function eventsIn(
  ticket: BoardTicket,
  window: BoardWindow,
  wanted: (e: BoardEvent) => boolean,
): BoardEvent[] {
  return ticket.events
    .filter((e) => wanted(e) && e.at >= window.from)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function returnedList(tickets: readonly BoardTicket[], window: BoardWindow): ReturnedRow[] {
  const rows: ReturnedRow[] = [];
  for (const ticket of tickets) {
    const returns = eventsIn(ticket, window, (e) => e.type === 'returned');
    const last = returns.at(-1);
    if (!last) continue;
    rows.push({
      number: ticket.number,
      status: ticket.status,
      leadDepartment: ticket.leadDepartment,
      returns: returns.length,
      returnCount: ticket.returnCount,
      lastReturnedAt: last.at,
      lastReturnedBy: last.department,
    });
  }
  return rows.sort(
    (a, b) => b.lastReturnedAt.getTime() - a.lastReturnedAt.getTime() || a.number.localeCompare(b.number),
  );
}

/**
 * The `reopen` command, or a dissatisfied rating under DISSATISFIED_ACTION=reopen (a `rated` event
 * leading to `reopened`). Other events on a reopened ticket (notes, messages) also carry
 * `toStatus: reopened`, so the type decides.
 */
function isReopening(event: BoardEvent): boolean {
  return event.type === 'reopened' || (event.type === 'rated' && event.toStatus === 'reopened');
}

export function reopenedList(tickets: readonly BoardTicket[], window: BoardWindow): ReopenedRow[] {
  const rows: ReopenedRow[] = [];
  for (const ticket of tickets) {
    const reopens = eventsIn(ticket, window, isReopening);
    const last = reopens.at(-1);
    if (!last) continue;
    rows.push({
      number: ticket.number,
      status: ticket.status,
      leadDepartment: ticket.leadDepartment,
      reopens: reopens.length,
      lastReopenedAt: last.at,
      lastCause: last.type === 'rated' ? 'rating' : 'reopen',
    });
  }
  return rows.sort(
    (a, b) => b.lastReopenedAt.getTime() - a.lastReopenedAt.getTime() || a.number.localeCompare(b.number),
  );
}
