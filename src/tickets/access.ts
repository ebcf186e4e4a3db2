import type { Actor } from './types.js';

/**
 * DESIGN §4.4: a department sees only tickets it leads or co-handles. Everyone else on the staff
 * side (admin, supervisor, operator) sees all. A citizen (actor id = their contact id, e.g. rating
 * by SMS) sees only their own tickets. Callers answer "not found" when this is false, so a
 * department cannot even learn that another department's ticket number exists.
 */
export function canSee(
  actor: Actor,
  ticket: { leadDepartment?: string; coDepartments: Record<string, unknown>; contactId?: string },
): boolean {
  if (actor.kind === 'citizen') return ticket.contactId !== undefined && ticket.contactId === actor.id;
  if (actor.kind !== 'staff') return false;
  if (actor.role !== 'department') return true;
  if (!actor.department) return false;
  return ticket.leadDepartment === actor.department || actor.department in ticket.coDepartments;
}

/** The department codes a list must be limited to, or undefined for no limit. */
export function departmentScope(actor: Actor): string[] | undefined {
  if (actor.role !== 'department') return undefined;
  return actor.department ? [actor.department] : [];
}
