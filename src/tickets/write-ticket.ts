import { HubErrors } from '../errors.js';
import { withLock } from '../redis/lock.js';
import type { TicketChange } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import type { Ticket } from './types.js';

/** What to do with the ticket as read: write a change, or stop with a result and write nothing. */
export type Plan<R> = { change: TicketChange } | { done: R };

const VERSION_RETRIES = 3;

/**
 * Every change to a stored ticket goes through here (DESIGN §5a: one writer per ticket). Under the
 * ticket's Redis lock: read it, let `plan` decide, write the change in one single-document write
 * guarded by the version number — reading and deciding again should the lock have expired and
 * someone else written — then publish the event live, schedule the clocks' timers when they changed,
 * and queue the new outbox entries (marked for the reconciler before the write).
 */
export async function writeTicket<R>(
  deps: CoreDeps,
  number: string,
  plan: (ticket: Ticket | undefined) => Plan<R> | Promise<Plan<R>>,
): Promise<{ ticket: Ticket } | { done: R }> {
  const locked = await withLock(deps.redis, `lock:ticket:${number}`, deps.lock, async () => {
    for (let attempt = 0; attempt < VERSION_RETRIES; attempt++) {
      const ticket = await deps.store.tickets.findByNumber(number);
      const next = await plan(ticket);
      if ('done' in next || !ticket) return next as { done: R };
      if (next.change.outbox.length > 0) {
        await deps.outbox.mark(
          ticket.number,
          next.change.outbox.map((e) => e.id),
        );
      }
      const updated = await deps.store.tickets.applyChange(ticket, next.change);
      if (updated) {
        deps.live.publish(updated, next.change.event, ticket);
        if (next.change.set.sla) await deps.timers.schedule(updated);
        await deps.outbox.afterWrite(updated, next.change.outbox);
        return { ticket: updated };
      }
    }
    throw new HubErrors.TicketBusy(number);
  });
  if (!locked) throw new HubErrors.TicketBusy(number);
  return locked.value;
}
