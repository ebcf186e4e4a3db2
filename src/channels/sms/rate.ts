import { HubErrors } from '../../errors.js';
import type { RatingValue, Ticket, TicketStatus } from '../../tickets/types.js';
import type { InboundSms, Outcome, SmsDeps } from './deps.js';

/** How many of the sender's recent tickets are looked at for the one to rate. */
const RECENT_TICKETS = 20;
/** Where a rating can still land: answered, closed, or reopened after one. */
const RATEABLE: readonly TicketStatus[] = ['replied', 'closed', 'reopened'];

/**
 * PJ / 评价: the sender rates their latest answered (replied) ticket through the core's `rate`
 * command, as the citizen themselves (回访 without the hotline): satisfied closes it, dissatisfied
 * reopens it or flags it for supervision (DISSATISFIED_ACTION). The result is answered at once; the
 * citizen gets no outbox notice of their own rating. Should the rating have been made already by
 * this very message (a retry after a crash), the same answer is given again and nothing changes.
 */
export async function rateLatest(
  deps: SmsDeps,
  sms: InboundSms,
  rating: { value: RatingValue; comment?: string },
): Promise<Outcome> {
  const { contactId, locale } = sms.sender;
  const none: Outcome = { keyword: 'rate', reply: deps.answers.text('rate.none', locale, {}) };
  if (contactId === undefined) return none;
  const messageKey = `sms:${sms.messageSid}`;
  const items = (await deps.store.tickets.recentOfContact(contactId, RECENT_TICKETS)).filter((t) =>
    RATEABLE.includes(t.status),
  );
  const already = items.find((t) =>
    t.events.some((e) => e.type === 'rated' && e.data?.messageKey === messageKey),
  );
  if (already) return rated(deps, sms, already);
  const latest = latestReplied(items);
  if (!latest) return none;
  try {
    const ticket = await deps.tickets.execute({
      number: latest.number,
      command: 'rate',
      actor: { kind: 'citizen', id: contactId },
      channel: 'sms',
      input: { value: rating.value, comment: rating.comment, messageKey },
    });
    return rated(deps, sms, ticket);
  } catch (error) {
    // Rated or closed by the hotline meanwhile: there is nothing left to rate.
    if (error instanceof HubErrors.CommandNotAllowed) return none;
    throw error;
  }
}

function latestReplied(tickets: readonly Ticket[]): Ticket | undefined {
  let latest: Ticket | undefined;
  for (const ticket of tickets) {
    if (ticket.status !== 'replied') continue;
    if (!latest || ticket.updatedAt > latest.updatedAt) latest = ticket;
  }
  return latest;
}

function rated(deps: SmsDeps, sms: InboundSms, ticket: Ticket): Outcome {
  const value = ticket.rating?.value ?? 'satisfied';
  const reply = deps.answers.text('rate.done', sms.sender.locale, {
    number: ticket.number,
    value,
    reopened: ticket.status === 'reopened',
  });
  return { keyword: 'rate', ticketNumber: ticket.number, reply };
}
