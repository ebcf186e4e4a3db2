import { randomInt } from 'node:crypto';
import { HubErrors } from '../errors.js';
import type { Contact } from '../store/contacts.js';
import { normaliseEmail } from '../privacy/email.js';
import { normalisePhone } from '../privacy/phone.js';
import { newId } from '../store/ids.js';
import type { NewTicket } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import type { IssuedNumber } from './number-sequence.js';
import { routeNewTicket } from './route-ticket.js';
import type { Actor, InboundMessage, OutboxEntry, Ticket, TicketEvent } from './types.js';

export interface IntakeResult {
  ticket: Ticket;
  /** False when the idempotency key was seen before: this is the first result again. */
  created: boolean;
  /** What to tell the citizen now, in their language. */
  acknowledgement: string;
  /** The ticket's contact as this intake created it (absent when it existed already: read it). */
  madeContact?: Contact;
}

const MAX_ATTEMPTS = 5;

/**
 * Turns one inbound message into one ticket, in one database write (DESIGN §4.1–4.3):
 * - the idempotency key is claimed in Redis together with its ticket number (one atomic script), so
 *   a replay — also a concurrent one — knows the number at once and reads the ticket by `_id`;
 * - the ticket is inserted with its "received" event and, when there is someone to tell, the outbox
 *   entry for it; the stored ticket is the persisted message, written before we answer;
 * - a twin racing on the same key inserts the same number: `_id` lets exactly one win, the other
 *   reads it; and should Redis have lost the claim, the unique index on the source key still refuses
 *   a second ticket, and the first one is found by that key.
 */
export async function intake(deps: CoreDeps, message: InboundMessage, actor: Actor): Promise<IntakeResult> {
  const dedupeKey = `${message.channel}:${message.idempotencyKey}`;
  const language = message.sender.language;
  const now = new Date();
  let { issued, fresh } = await deps.sequence.claim(dedupeKey, now);
  const phone = message.sender.phone ? normalisePhone(message.sender.phone) : undefined;
  const contact = await ensureContact(deps, message, phone);
  const contactId = contact?.id;
  const made = contact?.made;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // A freshly claimed number has no ticket yet; a replayed claim may (the usual replay).
    const replayed = fresh ? undefined : await deps.store.tickets.findByNumber(issued.number);
    if (replayed?.source.dedupeKey === dedupeKey) return result(deps, replayed, false, language);
    if (!replayed) {
      const ticket = routeNewTicket(
        deps.routing(),
        newTicket(message, dedupeKey, issued, contactId, actor, now),
        phone,
      );
      const entries = Object.values(ticket.outbox);
      if (entries.length > 0)
        await deps.outbox.mark(
          ticket.number,
          entries.map((e) => e.id),
        );
      const inserted = await deps.store.tickets.insert(ticket);
      if (inserted.ok) {
        for (const event of inserted.ticket.events) deps.live.publish(inserted.ticket, event);
        await deps.timers.schedule(inserted.ticket);
        await deps.outbox.afterWrite(inserted.ticket, entries, made);
        return { ...result(deps, inserted.ticket, true, language), ...(made ? { madeContact: made } : {}) };
      }
      const twin = await deps.store.tickets.findByNumber(issued.number);
      if (twin?.source.dedupeKey === dedupeKey) return result(deps, twin, false, language);
      if (!twin) {
        // Not the number, so the source key: Redis had forgotten this key's claim.
        const first = await deps.store.tickets.findBySourceKey(dedupeKey);
        if (first) {
          await deps.sequence.reclaim(dedupeKey, first.number);
          return result(deps, first, false, language);
        }
      }
    }
    // The number belongs to another ticket: the day's counter was behind the database.
    await deps.sequence.reseed(issued.numberDate);
    issued = await deps.sequence.next(now);
    fresh = true;
    await deps.sequence.reclaim(dedupeKey, issued.number);
  }
  throw new HubErrors.Internal();
}

async function ensureContact(
  deps: CoreDeps,
  message: InboundMessage,
  phone: string | undefined,
): Promise<{ id: string; made?: Contact } | undefined> {
  const email = message.sender.email ? normaliseEmail(message.sender.email) : undefined;
  return deps.store.contacts.ensureMade({
    phone,
    email,
    name: message.sender.name,
    language: message.sender.language,
  });
}

function newTicket(
  message: InboundMessage,
  dedupeKey: string,
  issued: IssuedNumber,
  contactId: string | undefined,
  actor: Actor,
  now: Date,
): NewTicket {
  const received: TicketEvent = {
    id: newId(),
    type: 'received',
    toStatus: 'received',
    actor,
    channel: message.channel,
    visibility: 'public',
    at: now,
  };
  // Links to other tickets are for staff only: internal events, nothing shown to this citizen.
  const links: TicketEvent[] = (message.links ?? []).map((link) => ({
    id: newId(),
    type: 'linked',
    fromStatus: 'received',
    toStatus: 'received',
    actor,
    channel: message.channel,
    visibility: 'internal',
    at: now,
    data: { ticket: link.ticket, reason: link.reason },
  }));
  const outbox: Record<string, OutboxEntry> = {};
  // acknowledge: false (mail loops, a sender acknowledged this hour) → no `received` notice.
  if (contactId && message.acknowledge !== false) {
    const entry: OutboxEntry = {
      id: newId(),
      eventId: received.id,
      template: 'received',
      audience: 'citizen',
      contactId,
      status: 'pending',
      createdAt: now,
    };
    outbox[entry.id] = entry;
  }
  return {
    ...issued,
    queryCode: String(randomInt(0, 1_000_000)).padStart(6, '0'),
    channel: message.channel,
    kind: message.kind ?? 'consultation',
    category: message.category,
    subject: message.subject,
    body: message.text,
    attachments: message.attachments ?? [],
    contactId,
    anonymous: message.anonymous ?? false,
    location: message.location ?? {},
    coDepartments: {},
    priority: message.priority ?? 'normal',
    status: 'received',
    sla: { clocks: {} },
    supervision: { flagged: false, flags: [] },
    tags: [...new Set(message.tags ?? [])],
    events: [received, ...links],
    outbox,
    disclosure: { public: false, consent: message.publicConsent ?? false },
    source: {
      channel: message.channel,
      idempotencyKey: message.idempotencyKey,
      dedupeKey,
      externalIds: message.externalIds ?? [],
      receivedAt: message.receivedAt ?? now,
    },
    returnCount: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

function result(deps: CoreDeps, ticket: Ticket, created: boolean, language = 'zh-CN'): IntakeResult {
  return {
    ticket,
    created,
    acknowledgement: deps.render('intake.received', language, {
      kind: ticket.kind,
      number: ticket.number,
      queryCode: ticket.queryCode,
    }),
  };
}
