import type { FastifyInstance } from 'fastify';
import { HubErrors } from '../errors.js';
import { workingTime } from '../routing/tables.js';
import type { WorkingTimeOptions } from '../routing/working-time.js';
import { canSee, departmentScope } from '../tickets/access.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import type { Actor, Ticket } from '../tickets/types.js';
import { INBOX_STATUSES, inboxRow, type InboxRow } from './desk-inbox.js';
import type { StaffLanguage } from './messages.js';

/**
 * What the desk reads, always through the ticket core's access rules (src/tickets/access.ts): the
 * list is the staff API's own department query (`store.tickets.list` with the actor's department
 * scope), every ticket is checked with `canSee` again, and a ticket the actor may not see is
 * "not found" — the same answer as a number that does not exist.
 */

/**
 * How many open tickets one inbox reads at most. Sorting by urgency needs every open ticket of the
 * department in hand (the embedded database cannot sort by a computed deadline), so the list is
 * read whole up to this cap; a department with more is told so on the page.
 */
export const INBOX_CAP = 1000;

/** The department of a desk user (clerks and heads always have one; the page says so otherwise). */
export function deskDepartment(actor: Actor): string | undefined {
  const scope = departmentScope(actor);
  return scope?.length === 1 ? scope[0] : undefined;
}

export function hoursOf(app: FastifyInstance): (department?: string) => WorkingTimeOptions {
  const tables = app.routingService.tables();
  return (department) => workingTime(tables, department);
}

export async function loadInbox(
  app: FastifyInstance,
  actor: Actor,
  now: Date,
): Promise<{ rows: InboxRow[]; truncated: boolean }> {
  const department = deskDepartment(actor);
  if (!department) return { rows: [], truncated: false };
  const { total, items } = await app.store.tickets.list(
    { status: [...INBOX_STATUSES], departments: [department] },
    { offset: 0, limit: INBOX_CAP },
  );
  const hours = hoursOf(app);
  const rows = items
    .filter((ticket) => canSee(actor, ticket))
    .map((ticket) => inboxRow(ticket, department, now, hours))
    .filter((row): row is InboxRow => row !== undefined);
  return { rows, truncated: total > INBOX_CAP };
}

/** The ticket, if this actor may see it; otherwise the same "not found" as a number never issued. */
export async function visibleTicket(app: FastifyInstance, actor: Actor, number: string): Promise<Ticket> {
  // A mistyped number (bad check digit) never reaches the database.
  const ticket = isValidTicketNumber(number) ? await app.store.tickets.findByNumber(number) : undefined;
  if (!ticket || !canSee(actor, ticket)) throw new HubErrors.TicketNotFound(number);
  return ticket;
}

/** Department code → name in the page's language (a handful of rows, read per page). */
export async function departmentNames(
  app: FastifyInstance,
  language: StaffLanguage,
): Promise<Map<string, string>> {
  const departments = await app.store.departments.list();
  return new Map(departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]));
}
