import type { FastifyInstance } from 'fastify';
import { HubErrors } from '../errors.js';
import { workingTime } from '../routing/tables.js';
import type { WorkingTimeOptions } from '../routing/working-time.js';
import { canSee, departmentScope } from '../tickets/access.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import type { Actor, Ticket, TicketStatus } from '../tickets/types.js';
import { DESK_TABS, inboxRow, type DeskTab, type InboxPage, type InboxRow } from './desk-inbox.js';
import type { TicketList } from '../store/ticket-lists.js';
import type { StaffLanguage } from './messages.js';

/**
 * What the desk reads, always through the ticket core's access rules (src/tickets/access.ts): the
 * lists are the store's department lists for the actor's own department, every ticket is checked
 * with `canSee` again, and a ticket the actor may not see is "not found" — the same answer as a
 * number that does not exist.
 */

/** Which status each lead tab lists (the co-handling and overdue tabs have their own lists). */
const TAB_STATUS: Record<Exclude<DeskTab, 'co' | 'overdue'>, TicketStatus> = {
  new: 'dispatched',
  signed: 'signed',
  in_progress: 'in_progress',
  waiting: 'waiting_citizen',
  replied: 'replied',
};

/** The department of a desk user (clerks and heads always have one; the page says so otherwise). */
export function deskDepartment(actor: Actor): string | undefined {
  const scope = departmentScope(actor);
  return scope?.length === 1 ? scope[0] : undefined;
}

export function hoursOf(app: FastifyInstance): (department?: string) => WorkingTimeOptions {
  const tables = app.routingService.tables();
  return (department) => workingTime(tables, department);
}

/**
 * One page of one tab of the department's desk, due soonest first, with every tab's count. Each
 * tab is one indexed list (src/store/ticket-lists.ts) and each count an indexed count, so the desk
 * costs the same with ten open tickets or ten thousand.
 */
export async function loadInbox(
  app: FastifyInstance,
  actor: Actor,
  now: Date,
  request: { tab: DeskTab; cursor?: string; limit: number },
): Promise<InboxPage> {
  const department = deskDepartment(actor);
  const counts = Object.fromEntries(DESK_TABS.map((t) => [t, 0])) as Record<DeskTab, number>;
  if (!department) return { tab: request.tab, counts, rows: [] };
  const tickets = app.store.tickets;
  const [page] = await Promise.all([
    tabPage(app, department, now, request),
    ...DESK_TABS.map(async (tab) => {
      counts[tab] = await tabCount(app, department, now, tab);
    }),
  ]);
  const found = await Promise.all(page.numbers.map((number) => tickets.findByNumber(number)));
  const hours = hoursOf(app);
  const rows = found
    .filter((ticket): ticket is Ticket => ticket !== undefined && canSee(actor, ticket))
    .map((ticket) => inboxRow(ticket, department, now, hours))
    .filter((row): row is InboxRow => row !== undefined);
  return { tab: request.tab, counts, rows, ...(page.next ? { next: page.next } : {}) };
}

async function tabPage(
  app: FastifyInstance,
  department: string,
  now: Date,
  request: { tab: DeskTab; cursor?: string; limit: number },
): Promise<{ numbers: string[]; next?: string }> {
  const { tab, cursor, limit } = request;
  if (tab === 'co') {
    const page = await app.store.tickets.coTasks.page(department, { cursor, limit });
    return { numbers: page.items, next: page.next };
  }
  const page = await app.store.tickets.page(tabList(department, now, tab), { cursor, limit });
  return { numbers: page.items.map((t) => t.number), next: page.next };
}

function tabCount(app: FastifyInstance, department: string, now: Date, tab: DeskTab): Promise<number> {
  if (tab === 'co') return app.store.tickets.coTasks.count(department);
  return app.store.tickets.countList(tabList(department, now, tab));
}

function tabList(department: string, now: Date, tab: Exclude<DeskTab, 'co'>): TicketList {
  if (tab === 'overdue') return { list: 'overdue', now, department };
  return { list: 'department', department, status: TAB_STATUS[tab], sort: 'due' };
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
