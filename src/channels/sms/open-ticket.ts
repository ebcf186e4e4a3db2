import type { TicketKind } from '../../tickets/types.js';
import type { InboundSms, Outcome, SmsDeps } from './deps.js';

/**
 * TS / ZX / JY / QZ (and free text nobody is waiting for): a new ticket of that kind through the
 * core's intake, idempotent on the MessageSid. Nothing is answered here: the number and query code
 * reach the citizen as the ticket's "received" notice through the outbox, like every later update
 * (opt-outs, quiet hours and delivery records apply) — answering here too would say it twice.
 */
export async function openTicket(
  deps: SmsDeps,
  sms: InboundSms,
  kind: TicketKind,
  text: string,
): Promise<Outcome> {
  const { sender } = sms;
  const { ticket } = await deps.tickets.intake(
    {
      channel: 'sms',
      idempotencyKey: sms.messageSid,
      sender: { phone: sender.from },
      text,
      kind,
      externalIds: sms.externalIds,
    },
    // The contact id, not the phone number, goes on the timeline.
    { kind: 'citizen', id: sender.contactId ?? sender.from },
  );
  return { keyword: 'open', ticketNumber: ticket.number };
}
