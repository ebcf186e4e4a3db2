import { HubErrors } from '../errors.js';
import { newId } from '../store/ids.js';
import type { CoreDeps } from './deps.js';
import { resume } from './sla.js';
import { isValidTicketNumber } from './ticket-number.js';
import { writeTicket } from './write-ticket.js';
import { ENDED_STATUSES, type AttachmentRef, type Channel, type Ticket, type TicketEvent } from './types.js';

/** The event a citizen's message on their own ticket appends (补充说明). */
export const CITIZEN_MESSAGE_EVENT = 'citizen_message';

export interface CitizenMessage {
  number: string;
  /** The citizen's contact id: a citizen adds only to a ticket that is theirs. */
  contactId: string;
  channel: Channel;
  text: string;
  /** `<channel>:<idempotency key>` of the inbound message (SMS MessageSid …): a replay adds nothing. */
  messageKey: string;
  /** Files sent with it (a mail reply's attachments), kept on the event. */
  attachments?: AttachmentRef[];
}

/**
 * A citizen's further message on their own open ticket (a text answering the department's question,
 * more detail, "still not fixed"): appended to the timeline as a public event by the citizen, in one
 * write under the ticket's lock (writeTicket). When the department was waiting for the citizen (ask),
 * this is the answer: the ticket goes back to `in_progress` and the completion clock runs again.
 * Nobody is notified by message (the citizen wrote it; the department sees it on the live desk).
 *
 * Not a state-machine command: no staff role runs it and it has no API route; the staff-side
 * equivalent is `resume` with a text. Throws TicketNotFound for a ticket that is not the citizen's,
 * CommandNotAllowed once the ticket has ended.
 */
export async function addCitizenMessage(
  deps: CoreDeps,
  message: CitizenMessage,
): Promise<{ ticket: Ticket; added: boolean }> {
  if (!isValidTicketNumber(message.number)) throw new HubErrors.TicketNotFound(message.number);
  const written = await writeTicket<Ticket>(deps, message.number, (ticket) => {
    if (!ticket || ticket.contactId === undefined || ticket.contactId !== message.contactId) {
      throw new HubErrors.TicketNotFound(message.number);
    }
    if (ticket.events.some((e) => e.data?.messageKey === message.messageKey)) return { done: ticket };
    if (ENDED_STATUSES.includes(ticket.status)) {
      throw new HubErrors.CommandNotAllowed(CITIZEN_MESSAGE_EVENT, ticket.status);
    }
    const now = new Date();
    const answers = ticket.status === 'waiting_citizen';
    const event: TicketEvent = {
      id: newId(),
      type: CITIZEN_MESSAGE_EVENT,
      fromStatus: ticket.status,
      toStatus: answers ? 'in_progress' : ticket.status,
      actor: { kind: 'citizen', id: message.contactId },
      channel: message.channel,
      visibility: 'public',
      at: now,
      data: {
        text: message.text,
        messageKey: message.messageKey,
        ...(message.attachments?.length ? { attachments: message.attachments } : {}),
      },
    };
    const set = answers ? { status: event.toStatus, sla: resume(deps.routing(), ticket.sla, now) } : {};
    return { change: { set, event, outbox: [] } };
  });
  return 'ticket' in written
    ? { ticket: written.ticket, added: true }
    : { ticket: written.done, added: false };
}
