import type { Store } from '../../store/store.js';
import type { Ticket } from '../../tickets/types.js';
import { sameSecret } from './form-token.js';
import type { TrackProof } from './track-form.js';

/**
 * The ticket a citizen proved they may see: its query code, or the last four digits of a phone of
 * the contact it was opened with. Compared in constant time, the phone never leaves this function;
 * unknown number and wrong proof are the same `undefined`, so nobody learns a number exists.
 */
export async function findTrackedTicket(
  store: Pick<Store, 'tickets' | 'contacts'>,
  number: string,
  proof: TrackProof,
): Promise<Ticket | undefined> {
  const ticket = await store.tickets.findByNumber(number);
  if (!ticket) return undefined;
  if ('code' in proof) return sameSecret(ticket.queryCode, proof.code) ? ticket : undefined;
  const contact = ticket.contactId ? await store.contacts.findById(ticket.contactId) : undefined;
  let matches = false;
  // Every number is compared (no early exit): the answer takes as long whichever one matched.
  for (const phone of contact?.phones ?? []) {
    if (sameSecret(phone.number.replace(/\D/g, '').slice(-4), proof.tail)) matches = true;
  }
  return matches ? ticket : undefined;
}
