import { randomInt } from 'node:crypto';
import { HubErrors } from '../errors.js';
import { normaliseEmail } from '../privacy/email.js';
import { normalisePhone } from '../privacy/phone.js';
import { newId } from '../store/ids.js';
import type { NewTicket } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import type { IssuedNumber } from './number-sequence.js';
import type { Actor, InboundMessage, OutboxEntry, Ticket, TicketEvent } from './types.js';

export interface IntakeResult {
  ticket: Ticket;
  /** False when the idempotency key was seen before: this is the first result again. */
  created: boolean;
  /** What to tell the citizen now, in their language. */
  acknowledgement: string;
}

const MAX_NUMBER_ATTEMPTS = 5;

/**
 * Turns one inbound message into one ticket (DESIGN §4.1–4.3):
 * 1. the message is stored first, keyed by channel + idempotency key, so nothing accepted is lost;
 * 2. a replay of the key returns the ticket the first delivery made, also when both race: the unique
 *    index on the ticket's source key lets exactly one insert win;
 * 3. the ticket is inserted with its "received" event and, when there is someone to tell, the outbox
 *    entry for it, in that same single write.
 */
export async function intake(deps: CoreDeps, message: InboundMessage, actor: Actor): Promise<IntakeResult> {
  const dedupeKey = `${message.channel}:${message.idempotencyKey}`;
  const { stored, replay } = await deps.store.inbound.record(dedupeKey, message);
  if (replay) {
    const first = await deps.store.tickets.findBySourceKey(dedupeKey);
    if (first) return result(deps, first, false, message.sender.language);
  }
  // Always build from the first stored copy: a retry cannot change what the citizen first sent.
  const first = stored.message;
  const contactId = await resolveContact(deps, first);
  const now = new Date();
  for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
    const issued = await deps.sequence.next(now);
    const inserted = await deps.store.tickets.insert(
      newTicket(first, stored.id, dedupeKey, issued, contactId, actor, now),
    );
    if (inserted.ok) {
      const [received] = inserted.ticket.events;
      if (received) deps.live.publish(inserted.ticket, received);
      return result(deps, inserted.ticket, true, first.sender.language);
    }
    if (inserted.duplicate === 'source') {
      const winner = await deps.store.tickets.findBySourceKey(dedupeKey);
      if (winner) return result(deps, winner, false, first.sender.language);
    } else {
      // The counter was behind the database (Redis lost it mid-race): move it on and try again.
      await deps.sequence.reseed(issued.numberDate);
    }
  }
  throw new HubErrors.Internal();
}

async function resolveContact(deps: CoreDeps, message: InboundMessage): Promise<string | undefined> {
  const phone = message.sender.phone ? normalisePhone(message.sender.phone) : undefined;
  const email = message.sender.email ? normaliseEmail(message.sender.email) : undefined;
  if (!phone && !email) return undefined;
  const contact = await deps.store.contacts.findOrCreate({
    phone,
    email,
    name: message.sender.name,
    language: message.sender.language,
  });
  return contact.id;
}

function newTicket(
  message: InboundMessage,
  inboundId: string,
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
  const outbox: Record<string, OutboxEntry> = {};
  if (contactId) {
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
    sla: {},
    events: [received],
    outbox,
    disclosure: { public: false },
    source: {
      channel: message.channel,
      idempotencyKey: message.idempotencyKey,
      dedupeKey,
      inboundId,
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
