import { maskEmail } from '../privacy/email.js';
import { maskPhone } from '../privacy/phone.js';
import type { Contact } from '../store/contacts.js';
import { withoutHiddenReferences } from '../tickets/references.js';
import { allowedCommands } from '../tickets/state-machine.js';
import type { Actor, Ticket, TicketSla } from '../tickets/types.js';
import type { ContactView as ContactViewT, TicketView } from './schemas.js';
import type { Static } from 'typebox';
import type { TicketSummary } from './schemas.js';

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name stays recognisable for a phone call. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return (chars[0] ?? '') + '*'.repeat(chars.length - 1);
}

/** Personal data masked (DESIGN §4.4); the unmasked view is a separate, audited request. */
export function contactView(contact: Contact, masked: boolean): Static<typeof ContactViewT> {
  return {
    id: contact.id,
    name: contact.name === undefined ? undefined : masked ? maskName(contact.name) : contact.name,
    phones: contact.phones.map((p) => (masked ? maskPhone(p.number) : p.number)),
    emails: contact.emails.map((e) => (masked ? maskEmail(e.address) : e.address)),
    masked,
  };
}

/** Whether this actor may see who the citizen is at all: an anonymous ticket hides them from departments. */
export function mayKnowContact(actor: Actor, ticket: Ticket): boolean {
  return !(ticket.anonymous && actor.role === 'department');
}

export function ticketSummary(ticket: Ticket): Static<typeof TicketSummary> {
  return {
    number: ticket.number,
    channel: ticket.channel,
    kind: ticket.kind,
    category: ticket.category,
    subject: ticket.subject,
    priority: ticket.priority,
    status: ticket.status,
    leadDepartment: ticket.leadDepartment,
    anonymous: ticket.anonymous,
    dueAt: ticket.sla.clocks.completion?.dueAt.toISOString(),
    warning: ticket.supervision.warning,
    supervised: ticket.supervision.flagged,
    version: ticket.version,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}

/**
 * A ticket as the API shows it to `actor`. `references` are the other tickets it names that the actor
 * may see (`visibleReferences`); any other number is left out of the events and `mergedInto`.
 */
export function ticketView(
  ticket: Ticket,
  contact: Contact | undefined,
  actor: Actor,
  references: ReadonlySet<string>,
): TicketView {
  return {
    ...ticketSummary(ticket),
    queryCode: ticket.queryCode,
    body: ticket.body,
    attachments: ticket.attachments,
    contact: contact && mayKnowContact(actor, ticket) ? contactView(contact, true) : null,
    location: ticket.location,
    coDepartments: Object.values(ticket.coDepartments).map((c) => ({
      department: c.department,
      status: c.status,
      dueAt: c.dueAt?.toISOString(),
      opinion: c.opinion,
    })),
    assignee: ticket.assignee,
    sla: slaView(ticket.sla),
    routing: ticket.routing && { ...ticket.routing, at: ticket.routing.at.toISOString() },
    supervision: {
      flagged: ticket.supervision.flagged,
      warning: ticket.supervision.warning,
      flags: ticket.supervision.flags.map((f) => ({ ...f, at: f.at.toISOString() })),
    },
    tags: ticket.tags,
    events: ticket.events.map((e) => ({
      ...e,
      data: withoutHiddenReferences(e.data, references),
      at: e.at.toISOString(),
    })),
    outbox: Object.values(ticket.outbox)
      .map((o) => ({
        id: o.id,
        eventId: o.eventId,
        template: o.template,
        audience: o.audience,
        department: o.department,
        status: o.status,
        createdAt: o.createdAt.toISOString(),
      }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    rating: ticket.rating ? { ...ticket.rating, at: ticket.rating.at.toISOString() } : undefined,
    disclosure: {
      public: ticket.disclosure.public,
      consent: ticket.disclosure.consent ?? false,
      summary: ticket.disclosure.summary,
      publishedAt: ticket.disclosure.publishedAt?.toISOString(),
    },
    source: {
      channel: ticket.source.channel,
      idempotencyKey: ticket.source.idempotencyKey,
      externalIds: ticket.source.externalIds,
      receivedAt: ticket.source.receivedAt.toISOString(),
    },
    returnCount: ticket.returnCount,
    mergedInto: ticket.mergedInto && references.has(ticket.mergedInto) ? ticket.mergedInto : undefined,
    allowedCommands: allowedCommands(ticket.status),
  };
}

function slaView(sla: TicketSla): TicketView['sla'] {
  const iso = (at: Date | undefined) => at?.toISOString();
  return {
    policy: sla.policy,
    policyVersion: sla.policyVersion,
    department: sla.department,
    clocks: Object.fromEntries(
      Object.entries(sla.clocks).map(([name, c]) => [
        name,
        {
          unit: c.unit,
          state: c.state,
          startedAt: c.startedAt.toISOString(),
          dueAt: c.dueAt.toISOString(),
          yellowAt: c.yellowAt.toISOString(),
          redAt: c.redAt.toISOString(),
          pausedAt: iso(c.pausedAt),
          stoppedAt: iso(c.stoppedAt),
          met: c.met,
          warning: c.overdueFiredAt
            ? 'overdue'
            : c.redFiredAt
              ? 'red'
              : c.yellowFiredAt
                ? 'yellow'
                : undefined,
        },
      ]),
    ),
    pause: sla.pause && { ...sla.pause, since: sla.pause.since.toISOString() },
    extension: sla.extension && {
      status: sla.extension.status,
      workingDays: sla.extension.workingDays,
      reason: sla.extension.reason,
      requestedAt: sla.extension.requestedAt.toISOString(),
      decidedAt: iso(sla.extension.decidedAt),
      dueAt: iso(sla.extension.dueAt),
    },
  };
}
