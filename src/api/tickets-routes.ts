import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HubErrors } from '../errors.js';
import { canSee, departmentScope } from '../tickets/access.js';
import { COMMAND_NAMES } from '../tickets/state-machine.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import { visibleReferences } from '../tickets/references.js';
import type { Actor, InboundMessage, Ticket, TicketStatus } from '../tickets/types.js';
import { parseMailbox } from '../channels/email/address.js';
import {
  COMMAND_BODIES,
  ContactView,
  CreateTicketBody,
  errorReplies,
  IdempotencyHeaders,
  IntakeReply,
  ListQuery,
  ListReply,
  TicketNumber,
  TicketView,
} from './schemas.js';
import { revealContact } from './reveal-contact.js';
import { contactView, ticketSummary, ticketView } from './ticket-view.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { normalisePhone } from '../privacy/phone.js';
import type { Contact } from '../store/contacts.js';
import type { TicketList } from '../store/ticket-lists.js';
import type { CommandInput } from '../tickets/execute-command.js';

const NumberParams = Type.Object({ number: TicketNumber });

/**
 * Which list a `GET /tickets` asks for: a caller's tickets (by phone, audited), a title prefix, a
 * department's desk (a department's staff always get their own), one status, or every ticket.
 */
async function listFor(
  app: FastifyInstance,
  request: FastifyRequest,
  query: {
    department?: string;
    status?: TicketStatus;
    sort?: 'due' | 'received';
    phone?: string;
    title?: string;
  },
): Promise<TicketList> {
  const scope = departmentScope(request.actor);
  if (query.phone !== undefined) {
    const phone = normalisePhone(query.phone);
    if (!phone) throw new HubErrors.Validation('phone is not a phone number');
    const contactId = app.store.contacts.idFor({ phone });
    await app.store.audit.append({
      actor: request.actor,
      action: 'ticket_search_phone',
      contactId,
      fields: ['tickets'],
      ip: request.ip,
      at: new Date(),
    });
    return { list: 'contact', contactId };
  }
  if (query.title !== undefined) return { list: 'title', prefix: query.title };
  if (scope && query.department && !scope.includes(query.department)) {
    throw new HubErrors.Forbidden('another department');
  }
  const department = query.department ?? scope?.[0];
  if (department) return { list: 'department', department, status: query.status, sort: query.sort ?? 'due' };
  return { list: 'all', status: query.status };
}

/** Staff API for tickets: intake, read, list, the personal-data view and one route per command. */
export const ticketsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/tickets',
    {
      schema: {
        summary: 'Open a ticket (idempotent with an Idempotency-Key header)',
        tags: ['tickets'],
        headers: IdempotencyHeaders,
        body: CreateTicketBody,
        response: { 200: IntakeReply, 201: IntakeReply, ...errorReplies },
      },
    },
    async (request, reply) => {
      const { body, actor } = request;
      if (actor.role === 'department') throw new HubErrors.Forbidden('departments do not open tickets');
      const result = await app.tickets.intake(
        {
          channel: body.channel ?? 'api',
          // Without a key a retry makes a second ticket: clients that retry must send one.
          idempotencyKey: request.headers['idempotency-key'] ?? randomUUID(),
          sender: sender(body.contact),
          text: body.body,
          subject: body.subject,
          kind: body.kind,
          category: body.category,
          priority: body.priority,
          location: body.location,
          anonymous: body.anonymous,
          publicConsent: body.publicConsent,
          attachments: body.attachments,
        },
        actor,
      );
      const ticket = await viewFor(app, result.ticket, actor, result.madeContact);
      void reply.status(result.created ? 201 : 200);
      return { created: result.created, acknowledgement: result.acknowledgement, ticket };
    },
  );

  app.get(
    '/tickets',
    {
      schema: {
        summary: 'List tickets (a department sees only its own)',
        tags: ['tickets'],
        querystring: ListQuery,
        response: { 200: ListReply, ...errorReplies },
      },
    },
    async (request) => {
      const { department, status, sort, phone, title, limit, cursor } = request.query;
      const page = await app.store.tickets.page(
        await listFor(app, request, { department, status, sort, phone, title }),
        {
          limit,
          cursor,
        },
      );
      // The list is already limited to the actor's department; a ticket is checked again on its own.
      const items = page.items.filter((ticket) => canSee(request.actor, ticket)).map(ticketSummary);
      return page.next ? { items, next: page.next } : { items };
    },
  );

  app.get(
    '/tickets/:number',
    {
      schema: {
        summary: 'A ticket with its timeline and outbox; personal data masked',
        tags: ['tickets'],
        params: NumberParams,
        response: { 200: TicketView, ...errorReplies },
      },
    },
    async (request) => {
      const ticket = await visibleTicket(app, request.params.number, request.actor);
      return viewFor(app, ticket, request.actor);
    },
  );

  app.get(
    '/tickets/:number/contact',
    {
      schema: {
        summary: "The citizen's unmasked contact details; every call is audited (全程留痕)",
        tags: ['tickets'],
        params: NumberParams,
        response: { 200: ContactView, ...errorReplies },
      },
    },
    async (request) => {
      const ticket = await visibleTicket(app, request.params.number, request.actor);
      const contact = await revealContact(app.store, request.actor, ticket);
      return contactView(contact, false);
    },
  );

  for (const command of COMMAND_NAMES) {
    app.post(
      `/tickets/:number/${command}`,
      {
        schema: {
          summary: `Command: ${command}`,
          tags: ['commands'],
          params: NumberParams,
          body: COMMAND_BODIES[command],
          response: { 200: TicketView, ...errorReplies },
        },
      },
      async (request) => {
        const ticket = await app.tickets.execute({
          number: request.params.number,
          command,
          actor: request.actor,
          channel: 'api',
          input: request.body as CommandInput,
        });
        return viewFor(app, ticket, request.actor);
      },
    );
  }
};

/** An operator may paste `张三 <zhang@example.com>`: the display name fills a missing name. */
function sender(contact: CreateTicketBody['contact']): InboundMessage['sender'] {
  if (!contact?.email) return contact ?? {};
  const mailbox = parseMailbox(contact.email);
  if (!mailbox) throw new HubErrors.Validation('contact.email is not one email address');
  return { ...contact, email: mailbox.address, name: contact.name ?? mailbox.name };
}

async function visibleTicket(app: FastifyInstance, number: string, actor: Actor): Promise<Ticket> {
  // The check digit is verified before any lookup: a mistyped number never touches the database.
  if (!isValidTicketNumber(number)) throw new HubErrors.TicketNotFound(number);
  const ticket = await app.store.tickets.findByNumber(number);
  if (!ticket || !canSee(actor, ticket)) throw new HubErrors.TicketNotFound(number);
  return ticket;
}

/** The API's view of a ticket for this actor: its contact (masked) and only the references it may see. */
async function viewFor(app: FastifyInstance, ticket: Ticket, actor: Actor, known?: Contact) {
  const [contact, references] = await Promise.all([
    ticket.contactId === undefined
      ? undefined
      : known?.id === ticket.contactId
        ? known
        : app.store.contacts.findById(ticket.contactId),
    visibleReferences((number) => app.store.tickets.findByNumber(number), actor, ticket),
  ]);
  return ticketView(ticket, contact, actor, references);
}
