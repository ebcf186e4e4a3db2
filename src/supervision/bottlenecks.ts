import type { BoardTicket } from '../store/ticket-board.js';
import type { TicketStatus } from '../tickets/types.js';

/**
 * Bottleneck departments (积压): for each department, the open tickets it holds and how long it has
 * held them. "Holds" means dispatched, signed or in progress; a ticket waiting for the citizen is
 * left out (the citizen holds it and its clock stands still), and so are tickets back at the hotline
 * (return review, reopened, answered and waiting for the callback).
 *
 * A ticket's age is counted from when it reached its current department: its latest `dispatched`
 * (派单, by a rule or the hotline) or `transferred` (转办) event; from its creation if it has none.
 */

const HELD: readonly TicketStatus[] = ['dispatched', 'signed', 'in_progress'];
const ARRIVALS: ReadonlySet<string> = new Set(['dispatched', 'transferred']);

export interface Bottleneck {
  department: string;
  /** Open tickets the department holds. */
  count: number;
  medianAgeMs: number;
  maxAgeMs: number;
  /** The ticket held longest (ties: the lower number). */
  oldest: string;
}

/** When the ticket reached its current department. */
export function arrivedAt(ticket: BoardTicket): Date {
  let at = ticket.createdAt;
  for (const event of ticket.events) if (ARRIVALS.has(event.type) && event.at > at) at = event.at;
  return at;
}

/** The middle value; for an even count the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/** Departments by the age of the oldest ticket they hold, oldest first (ties: more tickets, then code). */
export function bottlenecks(tickets: readonly BoardTicket[], now: Date): Bottleneck[] {
  const held = new Map<string, { number: string; ageMs: number }[]>();
  for (const ticket of tickets) {
    if (!ticket.leadDepartment || !HELD.includes(ticket.status)) continue;
    const ages = held.get(ticket.leadDepartment) ?? [];
    ages.push({ number: ticket.number, ageMs: Math.max(0, now.getTime() - arrivedAt(ticket).getTime()) });
    held.set(ticket.leadDepartment, ages);
  }
  const rows: Bottleneck[] = [];
  for (const [department, ages] of held) {
    ages.sort((a, b) => b.ageMs - a.ageMs || a.number.localeCompare(b.number));
    const oldest = ages[0];
    if (!oldest) continue;
    rows.push({
      department,
      count: ages.length,
      medianAgeMs: median(ages.map((a) => a.ageMs)),
      maxAgeMs: oldest.ageMs,
      oldest: oldest.number,
    });
  }
  return rows.sort(
    (a, b) => b.maxAgeMs - a.maxAgeMs || b.count - a.count || a.department.localeCompare(b.department),
  );
}
