import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import { toHalfWidth } from '../../text/width.js';

/** How a mail names the ticket it answers, strongest first. */
export type ThreadHint =
  | { via: 'delivery'; deliveryId: string }
  | { via: 'thread_id'; number: string }
  | { via: 'plus_address'; number: string }
  | { via: 'subject'; number: string };

/**
 * Every hint a reply carries, strongest first (pure; the caller looks deliveries up by `_id`):
 * 1. In-Reply-To, then References newest first: our own Message-IDs — `<DELIVERYID@mailDomain>` or
 *    `<DELIVERYID.rN@mailDomain>` (a notice we sent: unguessable, found by `_id`) and the thread root
 *    `<ticket-NUMBER@mailDomain>`;
 * 2. a plus address of one of our mailboxes, `12345+NUMBER@domain`;
 * 3. `[#NUMBER]` in the subject (full-width brackets and digits too).
 * Only numbers with a valid check digit count. None of these proves who is writing: the caller
 * checks that the sender is the ticket's citizen.
 */
export function threadHints(input: {
  inReplyTo: string[];
  references: string[];
  recipients: string[];
  subject: string;
  mailboxes: readonly string[];
  mailDomain: string;
}): ThreadHint[] {
  const hints: ThreadHint[] = [];
  const domain = input.mailDomain.toLowerCase();
  const ids = [...input.inReplyTo, ...[...input.references].reverse()];
  for (const id of new Set(ids)) {
    const at = id.lastIndexOf('@');
    if (at <= 0 || id.slice(at + 1).toLowerCase() !== domain) continue;
    const local = id.slice(0, at);
    const thread = /^ticket-(\d+)$/.exec(local)?.[1];
    if (thread !== undefined) {
      if (isValidTicketNumber(thread)) hints.push({ via: 'thread_id', number: thread });
      continue;
    }
    const delivery = /^([0-9a-f]{24})(?:\.r\d+)?$/i.exec(local)?.[1];
    if (delivery !== undefined) hints.push({ via: 'delivery', deliveryId: delivery.toLowerCase() });
  }
  const plus = plusAddressNumber(input.recipients, input.mailboxes);
  if (plus !== undefined) hints.push({ via: 'plus_address', number: plus });
  const subject = subjectNumber(input.subject);
  if (subject !== undefined) hints.push({ via: 'subject', number: subject });
  return hints;
}

/** `[#26112100425]` (or `［＃２６１１２１００４２５］`) in a subject, when its check digit is right. */
export function subjectNumber(subject: string): string | undefined {
  for (const match of toHalfWidth(subject).matchAll(/\[\s*#\s*(\d{11,16})\s*\]/g)) {
    const number = match[1];
    if (number !== undefined && isValidTicketNumber(number)) return number;
  }
  return undefined;
}

/** `12345+26112100425@domain` where `12345@domain` is one of our mailboxes. */
export function plusAddressNumber(recipients: string[], mailboxes: readonly string[]): string | undefined {
  for (const recipient of recipients) {
    const base = baseMailbox(recipient);
    if (base.token !== undefined && mailboxes.includes(base.address) && isValidTicketNumber(base.token)) {
      return base.token;
    }
  }
  return undefined;
}

/** `Local+Token@Domain` → `local@domain` and `token` (lower case). */
export function baseMailbox(address: string): { address: string; token?: string } {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return { address: lower };
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  if (plus <= 0) return { address: lower };
  return { address: local.slice(0, plus) + lower.slice(at), token: local.slice(plus + 1) };
}

/** True when the address is one of our mailboxes, or a plus address of one. */
export function isOurMailbox(address: string, mailboxes: readonly string[]): boolean {
  return mailboxes.includes(baseMailbox(address).address);
}
