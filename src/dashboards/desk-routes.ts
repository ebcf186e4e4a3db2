import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { literalUnion, TicketNumber } from '../api/schemas.js';
import { revealContact } from '../api/reveal-contact.js';
import type { Config } from '../config.js';
import { localMinute } from '../time/local-format.js';
import { visibleReferences } from '../tickets/references.js';
import type { Actor, Ticket } from '../tickets/types.js';
import { DESK_ACTIONS, readActionForm, type FormValues } from './desk-actions.js';
import { inboxView } from './desk-inbox-view.js';
import { departmentNames, deskDepartment, hoursOf, loadInbox, visibleTicket } from './desk-load.js';
import { refusalText, REFUSALS } from './desk-refusal.js';
import { ticketPage, type TicketPageInput } from './desk-ticket.js';
import { DESK_TABS } from './desk-inbox.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { DESK_WORDS } from './words/desk.js';
import './words/ticket.js';

addStaffMessages(DESK_WORDS);

export const DESK_PAGE_SIZE = 20;

const InboxQuery = Type.Object({
  tab: Type.Optional(literalUnion(DESK_TABS)),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});
const NumberParams = Type.Object({ number: TicketNumber });
const ActionParams = Type.Object({
  number: TicketNumber,
  action: literalUnion(DESK_ACTIONS),
});
const DoneQuery = Type.Object({ done: Type.Optional(literalUnion(DESK_ACTIONS)) });
/** Every field any action form has; the exact limits per command are the API's (readActionForm). */
const ActionForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  text: Type.Optional(Type.String({ maxLength: 20_000 })),
  reason: Type.Optional(Type.String({ maxLength: 5_000 })),
  basis: Type.Optional(Type.String({ maxLength: 5_000 })),
  overrideReason: Type.Optional(Type.String({ maxLength: 5_000 })),
  workingDays: Type.Optional(Type.String({ maxLength: 10 })),
});
const ContactForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })) });
const GoQuery = Type.Object({ number: Type.Optional(Type.String({ maxLength: 40 })) });

/**
 * The department desk (承办单位工作台) under `/staff/desk`, for clerks and heads. Every page, form
 * and fragment is limited to the actor's department on the server: lists through the API's own
 * department query, single tickets through `canSee` (not theirs → the 404 page, like a number that
 * does not exist). Actions are the ticket core's commands (`app.tickets.execute`), each posted by a
 * CSRF-checked form (the shell checks the token before any handler runs); a refused command shows
 * the page again with the core's coded error in words and what was typed.
 */
export const deskRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const staffOnly = { staffRoles: AREAS.desk.roles };

  app.get(
    '/desk',
    { config: staffOnly, schema: { hide: true, querystring: InboxQuery } },
    async (request, reply) => {
      const language = request.staffLanguage;
      const now = new Date();
      const department = deskDepartment(request.actor);
      const names = await departmentNames(app, language);
      const { tab = 'new', cursor } = request.query;
      const page = await loadInbox(app, request.actor, now, { tab, cursor, limit: DESK_PAGE_SIZE });
      const data = inboxView(page, {
        language,
        timeZone: config.timezone,
        now,
        paged: cursor !== undefined,
        departmentName: department ? (names.get(department) ?? department) : undefined,
      });
      return reply.page('desk-inbox', data, staffText(language, 'desk.title'));
    },
  );

  app.get(
    '/desk/go',
    { config: staffOnly, schema: { hide: true, querystring: GoQuery } },
    (request, reply) => {
      const number = request.query.number?.replace(/\s+/g, '') ?? '';
      if (!/^[0-9]{1,20}$/.test(number)) return reply.redirect('/staff/desk', 303);
      return reply.redirect(`/staff/desk/tickets/${number}`, 303);
    },
  );

  app.get(
    '/desk/tickets/:number',
    { config: staffOnly, schema: { hide: true, params: NumberParams, querystring: DoneQuery } },
    async (request, reply) => {
      const ticket = await visibleTicket(app, request.actor, request.params.number);
      const done = request.query.done;
      return renderTicket(request, reply, ticket, {
        done: done && staffText(request.staffLanguage, `desk.done.${done}`),
      });
    },
  );

  // The full contact: a POST (a link could be prefetched or followed by a crawler), audited like
  // the API's GET /tickets/:number/contact, shown on this answer only.
  app.post(
    '/desk/tickets/:number/contact',
    { config: staffOnly, schema: { hide: true, params: NumberParams, body: ContactForm } },
    async (request, reply) => {
      const ticket = await visibleTicket(app, request.actor, request.params.number);
      await revealContact(app.store, request.actor, ticket);
      return renderTicket(request, reply, ticket, { revealed: true });
    },
  );

  app.post(
    '/desk/tickets/:number/:action',
    { config: staffOnly, schema: { hide: true, params: ActionParams, body: ActionForm } },
    async (request, reply) => {
      const { number, action } = request.params;
      const language = request.staffLanguage;
      // Not theirs → 404 before anything is read from the form.
      const before = await visibleTicket(app, request.actor, number);
      const values = formValues(request.body);
      const form = readActionForm(action, values);
      if (!form.ok) {
        const refusal = { text: staffText(language, 'desk.problem.form') };
        return renderTicket(request, reply.status(400), before, {
          refusal,
          failed: { action, values: shown(values), problems: form.problems },
        });
      }
      try {
        await app.tickets.execute({
          number,
          command: action,
          actor: request.actor,
          channel: 'api',
          input: form.input,
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !REFUSALS.has(code)) throw error;
        const current = await visibleTicket(app, request.actor, number);
        const names = await departmentNames(app, language);
        const refusal = {
          text: refusalText(language, action, error as Error & { code: string }, names),
          code,
        };
        const status = (error as { statusCode?: number }).statusCode ?? 409;
        return renderTicket(request, reply.status(status), current, {
          refusal,
          failed: { action, values: shown(values), problems: {} },
        });
      }
      return reply.redirect(`/staff/desk/tickets/${number}?done=${action}`, 303);
    },
  );

  async function renderTicket(
    request: FastifyRequest,
    reply: FastifyReply,
    ticket: Ticket,
    extra: {
      done?: string;
      revealed?: boolean;
      refusal?: { text: string; code?: string };
      failed?: TicketPageInput['failed'];
    },
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const actor: Actor = request.actor;
    const [departments, deliveries, visibleTickets, contact] = await Promise.all([
      departmentNames(app, language),
      app.store.deliveries.forTicket(ticket.number),
      visibleReferences((n) => app.store.tickets.findByNumber(n), actor, ticket),
      ticket.contactId ? app.store.contacts.findById(ticket.contactId) : undefined,
    ]);
    const now = new Date();
    const data = ticketPage({
      ticket,
      actor,
      language,
      timeZone: config.timezone,
      now,
      hours: hoursOf(app),
      departments,
      contact,
      revealed: extra.revealed,
      deliveries,
      visibleTickets,
      failed: extra.failed,
    });
    return reply.page(
      'desk-ticket',
      {
        ...data,
        done: extra.done,
        refusal: extra.refusal,
        loadedAt: localMinute(now, config.timezone),
      },
      staffText(language, 'desk.ticket', { number: ticket.number }),
    );
  }
};

function formValues(body: Record<string, string | undefined>): FormValues {
  const { _csrf: _, ...fields } = body;
  return fields;
}

/** What was typed, to put back into the form (never the CSRF token). */
function shown(values: FormValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}
