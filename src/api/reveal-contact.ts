import { HubErrors } from '../errors.js';
import type { Contact } from '../store/contacts.js';
import type { Store } from '../store/store.js';
import type { Actor, Ticket } from '../tickets/types.js';
import { mayKnowContact } from './ticket-view.js';

/**
 * The unmasked contact of a ticket the actor may see, recorded in the audit log (全程留痕) before it
 * is returned: the API's GET /tickets/:number/contact and the desk's "show full contact" alike.
 * No contact, or an anonymous ticket seen by a department → NotFound.
 */
export async function revealContact(store: Store, actor: Actor, ticket: Ticket): Promise<Contact> {
  const contact = ticket.contactId ? await store.contacts.findById(ticket.contactId) : undefined;
  if (!contact || !mayKnowContact(actor, ticket)) throw new HubErrors.NotFound();
  await store.audit.append({
    actor,
    action: 'view_personal_data',
    ticketNumber: ticket.number,
    contactId: contact.id,
    fields: ['name', 'phones', 'emails'],
    at: new Date(),
  });
  return contact;
}
