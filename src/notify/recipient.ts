import { createHmac } from 'node:crypto';
import { maskEmail } from '../privacy/email.js';
import { maskPhone } from '../privacy/phone.js';
import type { Contact } from '../store/contacts.js';
import type { OutboxEntry, Ticket } from '../tickets/types.js';
import type { NotifyDeps } from './deps.js';
import type { OutboundChannel } from './types.js';

/** Where one message goes, read when it is sent (addresses and opt-outs may have changed). */
export interface Recipient {
  /** Undefined: nothing to send to on this channel. */
  to?: string;
  /** For the delivery record: the address masked. */
  masked?: string;
  language: 'zh-CN' | 'en';
  contact?: Contact;
  /** TD / 退订 / STOP on this channel (or on all of them). */
  optedOut: boolean;
  departmentName?: string;
}

export async function resolveRecipient(
  deps: NotifyDeps,
  entry: Pick<OutboxEntry, 'audience' | 'contactId' | 'department'>,
  channel: OutboundChannel,
  ticketNumber: string,
): Promise<Recipient> {
  if (entry.audience === 'citizen') {
    const contact = entry.contactId ? await deps.store.contacts.findById(entry.contactId) : undefined;
    return citizen(contact, channel, ticketNumber);
  }
  if (entry.audience === 'department') {
    const department = entry.department ? await deps.departments.get(entry.department) : undefined;
    const to =
      channel === 'push'
        ? `department:${entry.department ?? ''}`
        : channel === 'email'
          ? department?.email
          : department?.phones[0];
    return { to: department ? to : undefined, masked: to, language: 'zh-CN', optedOut: false };
  }
  const emails = deps.settings.supervisorEmails;
  const to =
    channel === 'push'
      ? 'supervisors'
      : channel === 'email' && emails.length > 0
        ? emails.join(',')
        : undefined;
  return { to, masked: to, language: 'zh-CN', optedOut: false };
}

function citizen(contact: Contact | undefined, channel: OutboundChannel, ticketNumber: string): Recipient {
  if (!contact) return { language: 'zh-CN', optedOut: false };
  const language = contact.language === 'en' ? 'en' : 'zh-CN';
  const optedOut = contact.optOuts[channel] !== undefined || contact.optOuts.all !== undefined;
  const phone = contact.phones.at(-1)?.number;
  const email = contact.emails.at(-1)?.address;
  switch (channel) {
    case 'sms':
    case 'voice':
      return { to: phone, masked: phone && maskPhone(phone), language, contact, optedOut };
    case 'email':
      return { to: email, masked: email && maskEmail(email), language, contact, optedOut };
    case 'push':
      return { to: `ticket:${ticketNumber}`, masked: `ticket:${ticketNumber}`, language, contact, optedOut };
  }
}

/** A rating link the citizen can open without an account: the number, signed with the hub secret. */
export function ratingToken(secret: string, ticket: Pick<Ticket, 'number' | 'queryCode'>): string {
  return createHmac('sha256', secret)
    .update(`rate:${ticket.number}:${ticket.queryCode}`)
    .digest('base64url')
    .slice(0, 16);
}
