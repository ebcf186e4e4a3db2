import type { Actor } from './types.js';

/**
 * DESIGN §4.4: a department sees only tickets it leads or co-handles. Everyone else on the staff
 * side (admin, supervisor, operator) sees all. A citizen (actor id = their contact id, e.g. rating
 * by SMS) sees only their own tickets; so does one who proved they hold the ticket's query code (the
 * signed rating link of the web pages: a request sent without phone or email has no contact).
 * Callers answer "not found" when this is false, so a department cannot even learn that another
 * department's ticket number exists.
 */
export function canSee(
  actor: Actor,
  ticket: {
    number?: string;
    leadDepartment?: string;
    coDepartments: Record<string, unknown>;
    contactId?: string;
  },
): boolean {
  if (actor.kind === 'citizen') {
    if (ticket.contactId !== undefined && ticket.contactId === actor.id) return true;
    return ticket.number !== undefined && actor.id === codeHolder(ticket.number);
  }
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

/**
 * The citizen actor id of whoever proved they hold a ticket's query code (only a channel that checked
 * the code or a link signed with it may act as this): on the timeline instead of a contact id.
 */
export function codeHolder(number: string): string {
  return `code-holder:${number}`;
}
