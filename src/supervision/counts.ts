import type { BoardTicket } from '../store/ticket-board.js';
import { CHANNELS, OPEN_STATUSES, STATUSES, type Channel, type TicketStatus } from '../tickets/types.js';
import { inWindow, type BoardWindow } from './window.js';

export interface DepartmentCount {
  /** Null: not dispatched to any department yet. */
  department: string | null;
  count: number;
}

export interface BoardCounts {
  /** Tickets created in the window. */
  total: number;
  /** Open tickets, whatever their age. */
  open: number;
  /** Tickets created in the window, by their status now (every status listed, zeros included). */
  byStatus: Record<TicketStatus, number>;
  /** … by the channel they came in on (every channel listed). */
  byChannel: Record<Channel, number>;
  /** … by lead department, most tickets first (ties by code; not yet dispatched last). */
  byDepartment: DepartmentCount[];
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Counts by state, channel and department of the tickets created in the window. */
export function boardCounts(tickets: readonly BoardTicket[], window: BoardWindow): BoardCounts {
  const byStatus = zeros(STATUSES);
  const byChannel = zeros(CHANNELS);
  const byDepartment = new Map<string | null, number>();
  let total = 0;
  for (const ticket of tickets) {
    if (!inWindow(window, ticket.createdAt)) continue;
    total += 1;
    byStatus[ticket.status] += 1;
    byChannel[ticket.channel] += 1;
    const department = ticket.leadDepartment ?? null;
    byDepartment.set(department, (byDepartment.get(department) ?? 0) + 1);
  }
  return {
    total,
    open: tickets.filter((t) => OPEN_STATUSES.includes(t.status)).length,
    byStatus,
    byChannel,
    byDepartment: [...byDepartment]
      .map(([department, count]) => ({ department, count }))
      .sort(
        (a, b) =>
          Number(a.department === null) - Number(b.department === null) ||
          b.count - a.count ||
          (a.department ?? '').localeCompare(b.department ?? ''),
      ),
  };
}
