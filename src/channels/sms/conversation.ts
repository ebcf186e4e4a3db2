import { HubErrors } from '../../errors.js';
import { OPEN_STATUSES, type Ticket } from '../../tickets/types.js';
import type { InboundSms, Outcome, SmsDeps } from './deps.js';
import { openTicket } from './open-ticket.js';

/** How many of a sender's open tickets are looked at for the one to continue. */
const RECENT_TICKETS = 20;

/**
 * Text without a keyword. From a number whose ticket is still open and changed in the last
 * `conversationMs` (7 days), it continues that ticket's conversation: added as the citizen's message
 * through the core (which also ends a wait for the citizen), and acknowledged at once. Otherwise,
 * or should that ticket have ended meanwhile, it opens a consultation (ZX).
 */
export async function converse(deps: SmsDeps, sms: InboundSms, text: string): Promise<Outcome> {
  const { contactId, locale } = sms.sender;
  const ticket = contactId === undefined ? undefined : await continuable(deps, contactId);
  if (ticket && contactId !== undefined) {
    try {
      await deps.tickets.addCitizenMessage({
        number: ticket.number,
        contactId,
        channel: 'sms',
        text,
        messageKey: `sms:${sms.messageSid}`,
      });
      const reply = deps.answers.text('conversation.added', locale, { number: ticket.number });
      return { keyword: 'conversation', ticketNumber: ticket.number, reply };
    } catch (error) {
      // Closed between the lookup and the write: the text starts a new consultation instead.
      if (!(error instanceof HubErrors.CommandNotAllowed)) throw error;
    }
  }
  return openTicket(deps, sms, 'consultation', text);
}

/** The sender's open ticket changed most recently, if that was within the conversation window. */
async function continuable(deps: SmsDeps, contactId: string): Promise<Ticket | undefined> {
  const since = Date.now() - deps.conversationMs;
  const recent = await deps.store.tickets.recentOfContact(contactId, RECENT_TICKETS);
  let latest: Ticket | undefined;
  for (const ticket of recent) {
    if (!OPEN_STATUSES.includes(ticket.status) || ticket.updatedAt.getTime() < since) continue;
    if (!latest || ticket.updatedAt > latest.updatedAt) latest = ticket;
  }
  return latest;
}
