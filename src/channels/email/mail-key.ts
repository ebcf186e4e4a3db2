import { createHash } from 'node:crypto';

/** Longest Message-ID we key on; anything longer is keyed by the bytes' hash instead. */
const MAX_ID_LENGTH = 500;

/**
 * A mail's idempotency key (DESIGN §4.2): its Message-ID without the angle brackets, or — for a mail
 * without a usable one — `sha256:<hex of the raw bytes>` (a sender's retry sends the same bytes).
 * A Message-ID always has an `@` (RFC 5322 id-left "@" id-right), a hash key never, so the two
 * cannot collide; an id without `@` counts as none.
 *
 * Read from the raw header block, not from a full parse: the key must be known to store the mail
 * before anything else is trusted to work.
 */
export function mailKey(raw: Buffer): { key: string; messageId?: string } {
  const messageId = messageIdOf(raw);
  if (messageId) return { key: messageId, messageId };
  return { key: `sha256:${createHash('sha256').update(raw).digest('hex')}` };
}

/** The Message-ID header's id (first one), without brackets; undefined when absent or unusable. */
export function messageIdOf(raw: Buffer): string | undefined {
  const value = headerValue(headerBlock(raw), 'message-id');
  return value === undefined ? undefined : normaliseMessageId(value);
}

/** `<abc@x.cn>` (or a bare `abc@x.cn`, with comments or spaces around) → `abc@x.cn`. */
export function normaliseMessageId(value: string): string | undefined {
  const bracketed = /<([^<>\s]+)>/.exec(value);
  const id = (bracketed?.[1] ?? value.trim().split(/\s+/)[0] ?? '').replace(/\0/g, '');
  if (id.length === 0 || id.length > MAX_ID_LENGTH || !id.includes('@')) return undefined;
  return id;
}

/** Every `<id>` in an In-Reply-To / References value, in order, without brackets. */
export function messageIdsIn(value: string | string[] | undefined): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const text of values) {
    for (const match of text.matchAll(/<([^<>\s]+)>/g)) {
      const id = normaliseMessageId(`<${match[1] ?? ''}>`);
      if (id) ids.push(id);
    }
    // mailparser hands ids over already without brackets.
    if (!text.includes('<')) {
      for (const part of text.split(/\s+/)) {
        const id = normaliseMessageId(part);
        if (id) ids.push(id);
      }
    }
  }
  return ids;
}

/** The header section (up to the first empty line), as latin1 text (headers are 7-bit). */
function headerBlock(raw: Buffer): string {
  const limit = Math.min(raw.length, 256 * 1024);
  const head = raw.subarray(0, limit).toString('latin1');
  const end = /\r?\n\r?\n/.exec(head);
  return end ? head.slice(0, end.index) : head;
}

/** The first header of that name, unfolded. */
function headerValue(block: string, name: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
