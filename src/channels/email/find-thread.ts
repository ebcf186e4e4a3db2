import type { Ticket } from '../../tickets/types.js';
import type { MailDeps } from './deps.js';
import type { ThreadHint } from './thread-token.js';

/** Hints looked up per mail at most (each is one read by `_id`). */
const MAX_LOOKUPS = 6;

/**
 * The ticket a reply refers to: the first hint that leads to an existing ticket. A notice we sent
 * is found by its delivery (`_id` = the Message-ID's local part); a merged ticket leads on to the
 * one it was merged into. Says nothing about whether the sender may add to it.
 */
export async function findThread(
  deps: Pick<MailDeps, 'store'>,
  hints: ThreadHint[],
): Promise<{ ticket: Ticket; via: ThreadHint['via'] } | undefined> {
  for (const hint of hints.slice(0, MAX_LOOKUPS)) {
    const number =
      hint.via === 'delivery' ? (await deps.store.deliveries.findById(hint.deliveryId))?.ticket : hint.number;
    if (number === undefined) continue;
    let ticket = await deps.store.tickets.findByNumber(number);
    if (ticket?.status === 'merged' && ticket.mergedInto) {
      ticket = (await deps.store.tickets.findByNumber(ticket.mergedInto)) ?? ticket;
    }
    if (ticket) return { ticket, via: hint.via };
  }
  return undefined;
}
