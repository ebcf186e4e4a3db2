import { canSee } from './access.js';
import { isValidTicketNumber } from './ticket-number.js';
import type { Actor, Ticket } from './types.js';

/** The event data fields that name another ticket (a `linked` event's `ticket`, a merge's `into`). */
const REFERENCE_KEYS = ['ticket', 'into'] as const;

/** The other tickets a ticket names: the merge target and every number in its events' data. */
function namedTickets(ticket: Ticket): Set<string> {
  const named = new Set<string>();
  if (ticket.mergedInto) named.add(ticket.mergedInto);
  for (const event of ticket.events) {
    for (const key of REFERENCE_KEYS) {
      const value = event.data?.[key];
      if (typeof value === 'string' && isValidTicketNumber(value)) named.add(value);
    }
  }
  return named;
}

/**
 * The other tickets a ticket names that this actor may see. A department must not learn even the
 * number of another department's ticket (issue 7), so whoever shows a timeline shows only these.
 */
export async function visibleReferences(
  findByNumber: (number: string) => Promise<Ticket | undefined>,
  actor: Actor,
  ticket: Ticket,
): Promise<Set<string>> {
  const visible = new Set<string>();
  for (const number of namedTickets(ticket)) {
    const other = await findByNumber(number);
    if (other && canSee(actor, other)) visible.add(number);
  }
  return visible;
}

/** An event's data without the numbers of tickets outside `visible` (the key is left out). */
export function withoutHiddenReferences(
  data: Record<string, unknown> | undefined,
  visible: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  if (!data) return data;
  const hidden = REFERENCE_KEYS.filter((key) => {
    const value = data[key];
    return typeof value === 'string' && isValidTicketNumber(value) && !visible.has(value);
  });
  if (hidden.length === 0) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !(hidden as string[]).includes(key)));
}
