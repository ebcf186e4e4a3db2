import { fitSms } from '../../templates/notifications/sms-fit.js';
import type { TicketKind } from '../../tickets/types.js';
import type { InboundSms, Outcome, SmsDeps } from './deps.js';
import type { CustomMatch } from './keywords.js';

/**
 * TS / ZX / JY / QZ, a custom keyword (GN 供暖 …), and free text nobody is waiting for: a new ticket
 * of that kind through the core's intake, idempotent on the MessageSid. The number and query code
 * reach the citizen as the ticket's "received" notice through the outbox, like every later update
 * (opt-outs, quiet hours and delivery records apply) — answering them here too would say it twice.
 * A custom keyword gives the ticket its category (routing rules on it apply) and may have a reply
 * of its own: that one is answered here, at once, signed and within SMS_MAX_PARTS.
 */
export async function openTicket(
  deps: SmsDeps,
  sms: InboundSms,
  kind: TicketKind,
  text: string,
  custom?: CustomMatch,
): Promise<Outcome> {
  const { sender } = sms;
  const { ticket } = await deps.tickets.intake(
    {
      channel: 'sms',
      idempotencyKey: sms.messageSid,
      sender: { phone: sender.from },
      text,
      kind,
      category: custom?.category,
      externalIds: sms.externalIds,
    },
    // The contact id, not the phone number, goes on the timeline.
    { kind: 'citizen', id: sender.contactId ?? sender.from },
  );
  // `custom:GN`: what the message was taken for, as the answer store and the log keep it.
  const outcome: Outcome = {
    keyword: custom ? `custom:${custom.keyword}` : 'open',
    ticketNumber: ticket.number,
  };
  if (custom?.reply !== undefined) {
    const { signature, maxParts } = deps.answers.options;
    // Checked to fit when saved; SMS_SIGNATURE or SMS_MAX_PARTS may have changed since.
    outcome.reply = fitSms((text) => signature + (text ?? ''), custom.reply, maxParts);
  }
  return outcome;
}
