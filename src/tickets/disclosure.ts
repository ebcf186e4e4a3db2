import { HubErrors } from '../errors.js';
import { redactPersonalData } from '../privacy/redact.js';
import type { Effect } from './command-effects.js';
import type { CoreDeps } from './deps.js';
import type { CommandName } from './state-machine.js';
import type { Ticket } from './types.js';

/** Commands after which the board's row must follow the ticket's `disclosure`. */
export const DISCLOSURE_COMMANDS: ReadonlySet<CommandName> = new Set(['publish', 'unpublish', 'reopen']);

/**
 * 公示: the ticket goes on the public results board with the staff's summary — only when the citizen
 * agreed (同意公开), and with phones, ID numbers and email addresses taken out of the summary whatever
 * staff typed. Publishing again replaces the summary.
 */
export function publish(ticket: Ticket, summary: string, now: Date): Effect {
  if (!ticket.disclosure.consent) throw new HubErrors.DisclosureNotAgreed(ticket.number);
  const safe = redactPersonalData(summary.trim());
  if (safe.length === 0) throw new HubErrors.Validation('summary is empty');
  return {
    set: { disclosure: { public: true, consent: true, summary: safe, publishedAt: now } },
    // The event keeps the summary as published, not as typed.
    data: { summary: safe },
  };
}

/** Off the board (unpublish, or a published ticket reopened: it is no longer a result). */
export function withdrawn(ticket: Ticket): Pick<Effect, 'set' | 'data'> {
  if (!ticket.disclosure.public) return { set: {} };
  return {
    set: { disclosure: { public: false, consent: ticket.disclosure.consent } },
    data: { unpublished: true },
  };
}

/**
 * Makes the board's row follow the ticket, after the ticket was written (the ticket is the truth:
 * should this write fail, running the command again repairs the row — publish and unpublish may be
 * repeated). The row holds nothing personal: kind, category, district, the redacted summary, dates.
 */
export async function syncDisclosure(deps: CoreDeps, ticket: Ticket): Promise<void> {
  const { disclosure } = ticket;
  if (!disclosure.public || !disclosure.summary || !disclosure.publishedAt) {
    await deps.store.disclosures.remove(ticket.number);
    return;
  }
  await deps.store.disclosures.put({
    number: ticket.number,
    kind: ticket.kind,
    category: ticket.category,
    districtCode: districtOf(ticket.location),
    summary: disclosure.summary,
    resolvedAt: ticket.events.findLast((e) => e.toStatus === 'closed' && e.fromStatus !== 'closed')?.at,
    publishedAt: disclosure.publishedAt,
  });
}

function districtOf(location: Ticket['location']): string | undefined {
  const code = location.districtCode ?? location.townshipCode ?? location.villageCode;
  return code?.slice(0, 6);
}
