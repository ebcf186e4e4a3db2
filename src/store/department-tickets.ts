import { OPEN_STATUSES } from '../tickets/types.js';
import type { TicketRepository } from './tickets.js';

/**
 * How many open tickets a department has — those it leads or co-handles, as its desk lists them —
 * counted by the database (no ticket is loaded). The admin page shows it per department, and
 * disabling a department says how many it keeps.
 */
export async function countOpenTickets(
  tickets: Pick<TicketRepository, 'model'>,
  code: string,
): Promise<number> {
  return tickets.model.countDocuments({
    status: { $in: [...OPEN_STATUSES] },
    $or: [{ leadDepartment: code }, { [`coDepartments.${code}.department`]: code }],
  });
}
