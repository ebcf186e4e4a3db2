import { HubErrors } from '../errors.js';
import type { BoardTicket } from '../store/ticket-board.js';
import type { Actor } from '../tickets/types.js';

/**
 * Whose board it is. Supervisors and admins see the whole hub; department staff see their own
 * department's board; operators have no board (their work lists are the triage queue).
 *
 * A department's board holds only the tickets it **leads**: every count, rate and list is about work
 * the department is answerable for, and nothing of another department's tickets — not even a number —
 * reaches it. Tickets it only co-handles (并联) are on its desk, not on its board.
 */
export type BoardScope = { kind: 'all' } | { kind: 'department'; department: string };

export function boardScope(actor: Actor): BoardScope {
  if (actor.kind !== 'staff') throw new HubErrors.Forbidden('the supervision board is for staff');
  if (actor.role === 'admin' || actor.role === 'supervisor') return { kind: 'all' };
  if (actor.role === 'department') {
    // A department token without a department sees an empty board, never everyone's.
    return { kind: 'department', department: actor.department ?? '' };
  }
  throw new HubErrors.Forbidden('the supervision board is for supervisors, admins and departments');
}

/** Restricts the tickets to the scope (the store query already does; this is the rule itself). */
export function scopeTickets(tickets: readonly BoardTicket[], scope: BoardScope): BoardTicket[] {
  if (scope.kind === 'all') return [...tickets];
  return tickets.filter((t) => t.leadDepartment !== undefined && t.leadDepartment === scope.department);
}
