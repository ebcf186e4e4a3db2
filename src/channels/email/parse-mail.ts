import { simpleParser, type AddressObject, type HeaderLines } from 'mailparser';
import { normaliseEmail } from '../../privacy/email.js';
import type { NamedValue } from '../../tickets/types.js';
import { sanitiseMailHtml, textOfHtml } from './html-text.js';
import { messageIdsIn, normaliseMessageId } from './mail-key.js';

/** One attachment as the mail carried it (not yet judged). */
export interface MailPart {
  filename?: string;
  contentType: string;
  content: Buffer;
  size: number;
  /** An inline part (a pasted picture), not a listed attachment. */
  inline: boolean;
}

/** A parsed mail in our words: nothing past this file sees mailparser's objects. */
export interface ParsedInbound {
  messageId?: string;
  /** The From mailbox, address normalised (lower case); undefined when there is none usable. */
  from?: { address: string; name?: string };
  subject: string;
  /** The text part, or the text of the sanitised HTML when there is none. */
  text: string;
  /** The HTML part, sanitised; undefined when there is none. */
  html?: string;
  /** Every header line, name as sent, value unfolded (encoded words left as sent). */
  headers: NamedValue[];
  /** Top-level content type, lower case. */
  contentType: string;
  inReplyTo: string[];
  references: string[];
  /** To and Cc addresses, lower case. */
  recipients: string[];
  attachments: MailPart[];
}

const MAX_HEADERS = 200;
const MAX_HEADER_VALUE = 4000;

/**
 * Parses a raw mail with mailparser: charsets (GB2312/GBK/GB18030, Big5 … through iconv-lite),
 * RFC 2047 encoded words, quoted-printable and base64, multipart trees. HTML is sanitised here,
 * before anything can store or show it; mailparser's own HTML→text is off so the text comes from
 * the sanitised HTML. `\0` is removed everywhere (the database refuses it).
 */
export async function parseMail(raw: Buffer): Promise<ParsedInbound> {
  const mail = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  const html = typeof mail.html === 'string' && mail.html.trim() ? sanitiseMailHtml(mail.html) : undefined;
  const plain = clean(mail.text ?? '').trim();
  const contentType = mail.headers.get('content-type');
  // mailparser gives a structured header ({ value, params }) for Content-Type.
  const structured = contentType as { value?: unknown } | undefined;
  const type = typeof structured?.value === 'string' ? structured.value : 'text/plain';
  const from = firstAddress(mail.from);
  return {
    messageId: mail.messageId ? normaliseMessageId(mail.messageId) : undefined,
    from,
    subject: clean(mail.subject ?? '').trim(),
    text: plain.length > 0 ? plain : html ? textOfHtml(html) : '',
    html,
    headers: namedHeaders(mail.headerLines),
    contentType: type.toLowerCase(),
    inReplyTo: messageIdsIn(mail.inReplyTo),
    references: messageIdsIn(mail.references),
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ? clean(a.filename) : undefined,
      contentType: a.contentType.toLowerCase(),
      content: a.content,
      size: a.content.length,
      inline: a.contentDisposition === 'inline' || a.related,
    })),
  };
}

function clean(text: string): string {
  return text.replace(/\0/g, '');
}

function firstAddress(field: AddressObject | undefined): { address: string; name?: string } | undefined {
  const first = field?.value.find((a) => a.address);
  const address = first?.address ? normaliseEmail(first.address) : undefined;
  if (!first || !address) return undefined;
  const name = clean(first.name).trim();
  return name ? { address, name: name.slice(0, 60) } : { address };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const found: string[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      for (const one of [entry, ...(entry.group ?? [])]) {
        if (one.address) found.push(one.address.toLowerCase());
      }
    }
  }
  return found;
}

/** Header lines as name/value pairs (never as object keys: names may contain dots). */
function namedHeaders(lines: HeaderLines): NamedValue[] {
  return lines.slice(0, MAX_HEADERS).map(({ key, line }) => {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : key;
    const value = colon > 0 ? line.slice(colon + 1) : '';
    return {
      name: clean(name).slice(0, 200),
      value: clean(value.replace(/\r?\n[ \t]+/g, ' ').trim()).slice(0, MAX_HEADER_VALUE),
    };
  });
}
