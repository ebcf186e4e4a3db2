import { normaliseEmail } from '../../privacy/email.js';
import type { InboundMail, InboundMailOutcome, ParsedFields } from '../../store/inbound-mails.js';
import { ENDED_STATUSES, type AttachmentRef, type InboundMessage } from '../../tickets/types.js';
import { claimAcknowledgement, releaseAcknowledgement } from './ack-limit.js';
import type { MailDeps } from './deps.js';
import { findThread } from './find-thread.js';
import { judgeLoop } from './loop-guard.js';
import { keepAttachments } from './mail-attachments.js';
import { parseMail, type ParsedInbound } from './parse-mail.js';
import { stripQuotedReply } from './quote-strip.js';
import { threadHints } from './thread-token.js';

export interface Processed {
  status: 'processed' | 'ignored';
  outcome: InboundMailOutcome;
  fields: ParsedFields;
}

/** The longest body a ticket takes from a mail (the raw mail keeps everything). */
const MAX_BODY = 20_000;
/** The longest sanitised HTML kept for display (the raw mail has it all). */
const MAX_HTML = 1_000_000;

/**
 * What one stored mail becomes (the caller holds the mail's lock and records the result):
 * 1. a delivery report → ignored (`bounce`/`report`); our own mail coming back → ignored; a mail
 *    with no subject, text or attachment → ignored (`empty`);
 * 2. a reply (thread-token.ts hints) from the ticket's own citizen (contact id of the From address =
 *    ticket.contactId) → appended to that open ticket (`thread`, core addCitizenMessage, message key
 *    `email:<Message-ID>`); to an ended ticket → a new ticket linked to it (`linked`, `ticket_ended`,
 *    tag `follow_up`);
 * 3. a reply from anyone else → a new ticket linked for staff review (`linked`, `not_ticket_citizen`,
 *    tag `needs_review`): the other ticket is untouched and nothing of it reaches this sender;
 * 4. anything else → a new ticket (`ticket`).
 * Every step is idempotent on the mail's key, so a mail processed again (after a failure) does
 * nothing twice. New tickets are acknowledged (the core's `received` notice) unless the loop guard
 * says otherwise or the sender was acknowledged within the hour.
 */
export async function processMail(deps: MailDeps, mail: InboundMail): Promise<Processed> {
  const parsed = await parseMail(mail.raw);
  const fields: ParsedFields = {
    messageId: parsed.messageId,
    subject: parsed.subject.slice(0, 1000),
    from: parsed.from?.address,
    headers: parsed.headers,
    // Kept beside a raw mail of up to SMTP_MAX_BYTES: a huge HTML part would not fit in one document.
    html: parsed.html && parsed.html.length <= MAX_HTML ? parsed.html : undefined,
  };
  const verdict = judgeLoop(
    {
      envelopeFrom: envelopeFromOf(mail, parsed),
      from: parsed.from?.address,
      contentType: parsed.contentType,
      headers: parsed.headers,
      subject: parsed.subject,
    },
    deps.settings.ownAddresses,
  );
  if (verdict.ignore)
    return { status: 'ignored', outcome: { kind: 'ignored', reason: verdict.ignore }, fields };

  if (!parsed.text && !parsed.subject && parsed.attachments.length === 0) {
    // Nothing to act on (the raw mail is kept all the same).
    return { status: 'ignored', outcome: { kind: 'ignored', reason: 'empty' }, fields };
  }
  const attachments = await keepAttachments(deps.store, parsed.attachments, deps.settings.attachments);
  const sender = parsed.from ?? envelopeSender(mail.envelope.from);
  const contactId = sender ? deps.store.contacts.idFor({ email: sender.address }) : undefined;
  const hints = threadHints({
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    recipients: [...mail.envelope.to, ...parsed.recipients],
    subject: parsed.subject,
    mailboxes: deps.settings.mailboxes,
    mailDomain: deps.settings.mailDomain,
  });
  const thread = hints.length > 0 ? await findThread(deps, hints) : undefined;
  const mailOf = { mail, parsed, sender, attachments, noAck: verdict.noAck };

  if (thread && contactId !== undefined && thread.ticket.contactId === contactId) {
    const appended = ENDED_STATUSES.includes(thread.ticket.status)
      ? undefined
      : await deps.tickets
          .addCitizenMessage({
            number: thread.ticket.number,
            contactId,
            channel: 'email',
            text: stripQuotedReply(parsed.text).slice(0, MAX_BODY),
            messageKey: `email:${mail.id}`,
            attachments,
          })
          .catch((error: unknown) => {
            // Ended between our read and the write: a new ticket linked to it, as below.
            if ((error as { code?: unknown }).code === 'HUB_ERR_COMMAND_NOT_ALLOWED') return undefined;
            throw error;
          });
    if (appended) {
      return {
        status: 'processed',
        outcome: { kind: 'thread', ticketNumber: appended.ticket.number },
        fields,
      };
    }
    const number = await openTicket(deps, mailOf, { ticket: thread.ticket.number, reason: 'ticket_ended' });
    return {
      status: 'processed',
      outcome: { kind: 'linked', ticketNumber: number, reason: 'ticket_ended' },
      fields,
    };
  }
  if (thread) {
    const link = { ticket: thread.ticket.number, reason: 'not_ticket_citizen' };
    const number = await openTicket(deps, mailOf, link);
    return {
      status: 'processed',
      outcome: { kind: 'linked', ticketNumber: number, reason: link.reason },
      fields,
    };
  }
  const number = await openTicket(deps, mailOf);
  return { status: 'processed', outcome: { kind: 'ticket', ticketNumber: number }, fields };
}

interface MailOf {
  mail: InboundMail;
  parsed: ParsedInbound;
  sender: { address: string; name?: string } | undefined;
  attachments: AttachmentRef[];
  noAck: string | undefined;
}

const TAG_OF_LINK: Record<string, string> = { not_ticket_citizen: 'needs_review', ticket_ended: 'follow_up' };

/** A new ticket by the core's intake, keyed by the mail's key (a replay finds the same ticket). */
async function openTicket(
  deps: MailDeps,
  of: MailOf,
  link?: { ticket: string; reason: string },
): Promise<string> {
  const { mail, parsed, sender } = of;
  const contactId = sender ? deps.store.contacts.idFor({ email: sender.address }) : undefined;
  // Only claim the hour's acknowledgement when one would be sent at all.
  const claimed =
    contactId !== undefined && of.noAck === undefined
      ? await claimAcknowledgement(deps.redis, contactId, deps.settings.ackWindowSeconds)
      : false;
  const text = (link ? stripQuotedReply(parsed.text) : parsed.text).slice(0, MAX_BODY);
  const message: InboundMessage = {
    channel: 'email',
    idempotencyKey: mail.id,
    sender: sender ? { email: sender.address, name: sender.name, language: languageOf(parsed) } : {},
    // The core wants a body: a mail of only attachments (or only a subject) still says something.
    text: text || parsed.subject || (of.attachments.length > 0 ? '（见附件）' : '（无正文）'),
    subject: parsed.subject ? parsed.subject.slice(0, 200) : undefined,
    attachments: of.attachments,
    externalIds: [
      ...(parsed.messageId ? [{ name: 'Message-ID', value: parsed.messageId }] : []),
      { name: 'To', value: mail.envelope.to.join(', ').slice(0, 500) },
    ],
    receivedAt: mail.receivedAt,
    acknowledge: claimed,
    ...(link ? { links: [link], tags: [TAG_OF_LINK[link.reason] ?? 'needs_review'] } : {}),
  };
  try {
    const result = await deps.tickets.intake(message, { kind: 'citizen', id: contactId ?? 'email' });
    if (claimed && contactId !== undefined && !result.created)
      await releaseAcknowledgement(deps.redis, contactId);
    if (!claimed && contactId !== undefined) {
      deps.log.info({ mail: mail.id, reason: of.noAck ?? 'ack_limit' }, 'mail not acknowledged');
    }
    return result.ticket.number;
  } catch (error) {
    if (claimed && contactId !== undefined)
      await releaseAcknowledgement(deps.redis, contactId).catch(() => undefined);
    throw error;
  }
}

/**
 * The envelope sender. Polled mail (IMAP) has none of its own: '' there means the Return-Path was
 * `<>` (a null sender) only if the mail says so; without a Return-Path it is unknown.
 */
function envelopeFromOf(mail: InboundMail, parsed: ParsedInbound): string | undefined {
  if (mail.envelope.via === 'smtp' || mail.envelope.from !== '') return mail.envelope.from;
  const returnPath = parsed.headers.find((h) => h.name.toLowerCase() === 'return-path')?.value;
  return returnPath !== undefined && /^<?\s*>?$/.test(returnPath.trim()) ? '' : undefined;
}

/** A mail without a usable From: the envelope sender, when it is an address. */
function envelopeSender(from: string): { address: string } | undefined {
  const address = from ? normaliseEmail(from) : undefined;
  return address ? { address } : undefined;
}

/** The citizen's language for their notices: Chinese unless the mail has no Chinese at all. */
function languageOf(parsed: ParsedInbound): string {
  return /[\u3400-\u9fff]/.test(`${parsed.subject}\n${parsed.text}`) ? 'zh-CN' : 'en';
}
