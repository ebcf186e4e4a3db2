import type { Contact } from '../store/contacts.js';
import type { Department } from '../store/departments.js';
import type { Channel, OutboxEntry, Ticket } from '../tickets/types.js';
import { OUTBOUND_CHANNELS, type OutboundChannel } from './types.js';

/** Who an outbox entry is for, as far as planning needs to know. */
export interface PlanRecipient {
  contact?: Pick<Contact, 'phones' | 'emails' | 'preferences'>;
  department?: Pick<Department, 'email'>;
  supervisorEmails: readonly string[];
}

/** The delivery id of one outbox entry on one channel: stable, so a re-send is a no-op. */
export function deliveryIdOf(entryId: string, channel: OutboundChannel): string {
  return `${entryId}.${channel}`;
}

/** Where a citizen first hears back: the channel they came in on, mapped to one we can send on. */
const ANSWER_ON: Record<Channel, (reach: Reach) => OutboundChannel[]> = {
  sms: (r) => (r.phone ? ['sms'] : []),
  ivr: (r) => (r.phone ? ['sms'] : []),
  hotline: (r) => (r.phone ? ['sms'] : []),
  email: (r) => (r.email ? ['email'] : []),
  // The web status page gets pushes while it is open; the phone or mailbox keeps the record.
  web: (r) => ['push', ...(r.phone ? (['sms'] as const) : r.email ? (['email'] as const) : [])],
  api: (r) => (r.phone ? ['sms'] : r.email ? ['email'] : []),
  open311: (r) => (r.phone ? ['sms'] : r.email ? ['email'] : []),
};

interface Reach {
  phone: boolean;
  email: boolean;
}

/**
 * The channels one outbox entry goes out on (pure). Opt-outs are not applied here: a planned send to
 * an opted-out channel is skipped and recorded by the worker, so the record shows it was never sent.
 * - citizen: the channel they came from, plus every channel they opted into that we can reach;
 * - department: its staff pages (push) and its mailbox when it has one;
 * - supervisors: their pages, and mail when SUPERVISOR_EMAILS is set.
 */
export function plannedChannels(
  entry: Pick<OutboxEntry, 'audience'>,
  ticket: Pick<Ticket, 'channel'>,
  recipient: PlanRecipient,
): OutboundChannel[] {
  if (entry.audience === 'department') {
    return recipient.department?.email ? ['push', 'email'] : ['push'];
  }
  if (entry.audience === 'supervisor') {
    return recipient.supervisorEmails.length > 0 ? ['push', 'email'] : ['push'];
  }
  const contact = recipient.contact;
  if (!contact) return [];
  const reach: Reach = { phone: contact.phones.length > 0, email: contact.emails.length > 0 };
  const chosen = new Set<OutboundChannel>(ANSWER_ON[ticket.channel](reach));
  for (const channel of contact.preferences.channels) {
    if (!isOutbound(channel)) continue;
    if ((channel === 'sms' || channel === 'voice') && !reach.phone) continue;
    if (channel === 'email' && !reach.email) continue;
    chosen.add(channel);
  }
  return OUTBOUND_CHANNELS.filter((channel) => chosen.has(channel));
}

export function isOutbound(channel: string): channel is OutboundChannel {
  return (OUTBOUND_CHANNELS as readonly string[]).includes(channel);
}
