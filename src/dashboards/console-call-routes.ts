import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { transferCall } from '../channels/voice/transfer.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { dialable } from '../ivr/flows/directory.js';
import type { CallRecord } from '../store/calls.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import { callerHistory } from './console-history.js';
import {
  consolePreview,
  openTicketForCall,
  readTicketForm,
  type ConsoleTicketForm,
  type ConsoleTicketProblems,
} from './console-ticket.js';
import { CONSOLE_ROLES, departmentNames, localClock, previewView, ticketFormView } from './console-view.js';
import { staffText } from './messages.js';

const CallParams = Type.Object({ callSid: Type.String({ pattern: '^CA[0-9a-fA-F]{32}$' }) });
const FormKey = Type.String({ pattern: '^[0-9a-f-]{36}$' });
const TicketFields = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  key: FormKey,
  kind: Type.String({ maxLength: 40, default: '' }),
  category: Type.String({ maxLength: 80, default: '' }),
  priority: Type.String({ maxLength: 20, default: '' }),
  place: Type.String({ maxLength: 20, default: '' }),
  // Longer than the form allows, so too long text gets its own message rather than a 400 page.
  text: Type.String({ maxLength: 8000, default: '' }),
};
const TicketForm = Type.Object({
  ...TicketFields,
  intent: Type.Union([Type.Literal('preview'), Type.Literal('create')], { default: 'create' }),
});
const PreviewForm = Type.Object({ ...TicketFields, intent: Type.Optional(Type.String({ maxLength: 20 })) });
const TransferForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  mode: Type.Union([Type.Literal('blind'), Type.Literal('warm')], { default: 'blind' }),
  department: Type.String({ maxLength: 40, default: '' }),
  ticket: Type.String({ maxLength: 30, default: '' }),
});
const Notes = Type.Object({
  opened: Type.Optional(Type.String({ pattern: '^\\d{6,30}$' })),
  again: Type.Optional(Type.Literal('1')),
  transferred: Type.Optional(Type.Union([Type.Literal('blind'), Type.Literal('warm')])),
  to: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' })),
});

/** Transfer refusals the operator reads in words; anything else is an error page. */
const TRANSFER_REFUSALS: Record<string, number> = {
  HUB_ERR_TELEPHONY_UNCONFIGURED: 409,
  HUB_ERR_CALL_NOT_LIVE: 409,
  HUB_ERR_DEPARTMENT_NOT_FOUND: 400,
  HUB_ERR_VALIDATION: 400,
  HUB_ERR_TICKET_NOT_FOUND: 400,
};

const EMPTY_FORM: ConsoleTicketForm = { kind: 'complaint', category: '', priority: '', place: '', text: '' };

interface CallPageExtras {
  form?: ConsoleTicketForm;
  formKey?: string;
  problems?: ConsoleTicketProblems;
  /** Show the routing preview of the form. */
  preview?: boolean;
  done?: string;
  transferProblem?: string;
  transferForm?: { mode: string; department: string; ticket: string };
}

/**
 * One call in the operator console (`/staff/console/calls/:callSid`): the caller's history pops up
 * (masked, the view audited), the call's path through the menu and its tickets; a form to open a
 * ticket while talking with the live routing preview (htmx posts the form to `…/preview` on every
 * change; without script the preview button posts it to `…/ticket`), linked to the call on
 * creation; and the transfer form (blind or warm, the same use-case as the API's). Operators and
 * admins.
 */
export const consoleCallRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const options = { config: { staffRoles: CONSOLE_ROLES } };

  async function findCall(callSid: string): Promise<CallRecord> {
    const call = await app.store.calls.find(callSid);
    if (!call) throw new HubErrors.NotFound();
    return call;
  }

  async function callPage(
    request: FastifyRequest,
    reply: FastifyReply,
    call: CallRecord,
    extras: CallPageExtras,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const now = new Date();
    const [state, events, linked, departments, history] = await Promise.all([
      app.liveCalls.stateOf(call),
      app.store.calls.eventsOf(call.callSid),
      app.store.calls.ticketsOf(call.callSid),
      app.store.departments.list(),
      call.from
        ? callerHistory(
            { store: app.store, timeZone: config.timezone, now: () => now },
            { phone: call.from, callSid: call.callSid, actor: request.actor, ip: request.ip },
          )
        : undefined,
    ]);
    const names = departmentNames(language, departments);
    const form = extras.form ?? EMPTY_FORM;
    const read = readTicketForm(form, false);
    const preview =
      extras.preview && read.ok
        ? consolePreview(app.routingService.tables(), read.ticket, call.from, now)
        : undefined;
    const transfer = extras.transferForm ?? { mode: 'blind', department: '', ticket: linked.at(-1) ?? '' };
    return reply.page(
      'console-call',
      {
        call: {
          callSid: call.callSid,
          caller: history?.caller,
          state,
          ended: state === 'ended',
          status: call.status,
          started: localClock(call.startedAt, config.timezone),
        },
        history,
        events: events.map((e) => ({
          at: localClock(e.at, config.timezone),
          type: e.type,
          detail: [e.node, e.digits, e.detail, e.ticket].filter(Boolean).join(' · '),
        })),
        linked,
        ticketForm: ticketFormView(language, form, extras.problems),
        formKey: extras.formKey ?? randomUUID(),
        formProblem: extras.problems && Object.keys(extras.problems).length > 0,
        preview: previewView(language, preview, names, config.timezone),
        transferModes: ['blind', 'warm'].map((mode) => ({ mode, checked: transfer.mode === mode })),
        transferDepartments: departments
          .filter((d) => d.active && dialable(d.phones))
          .map((d) => ({
            code: d.code,
            name: names.get(d.code) ?? d.code,
            line: d.phones.join(' / '),
            selected: d.code === transfer.department,
          })),
        transferTickets: linked.map((number) => ({ number, selected: number === transfer.ticket })),
        transferProblem: extras.transferProblem,
        done: extras.done,
      },
      staffText(language, 'console.call.title'),
    );
  }

  app.get(
    '/console/calls/:callSid',
    { ...options, schema: { hide: true, params: CallParams, querystring: Notes } },
    async (request, reply) => {
      const call = await findCall(request.params.callSid);
      const { opened, again, transferred, to } = request.query;
      const language = request.staffLanguage;
      let done: string | undefined;
      if (opened)
        done = staffText(language, again ? 'console.call.openedAgain' : 'console.call.opened', {
          number: opened,
        });
      if (transferred && to) {
        const names = departmentNames(language, await app.store.departments.list());
        done = staffText(language, `console.transfer.done.${transferred}`, {
          department: names.get(to) ?? to,
        });
      }
      return callPage(request, reply, call, { done });
    },
  );

  // htmx: the preview alone, on every change of the form (nothing stored, nothing audited).
  app.post(
    '/console/calls/:callSid/preview',
    { ...options, schema: { hide: true, params: CallParams, body: PreviewForm } },
    async (request, reply) => {
      const call = await findCall(request.params.callSid);
      const language = request.staffLanguage;
      const read = readTicketForm(formOf(request.body), false);
      const names = departmentNames(language, await app.store.departments.list());
      const preview = read.ok
        ? consolePreview(app.routingService.tables(), read.ticket, call.from, new Date())
        : undefined;
      return reply.page(
        'console-preview',
        { preview: previewView(language, preview, names, config.timezone), unreadable: !read.ok },
        staffText(language, 'console.preview.title'),
      );
    },
  );

  app.post(
    '/console/calls/:callSid/ticket',
    { ...options, schema: { hide: true, params: CallParams, body: TicketForm } },
    async (request, reply) => {
      const call = await findCall(request.params.callSid);
      const form = formOf(request.body);
      const formKey = request.body.key;
      if (request.body.intent === 'preview')
        return callPage(request, reply, call, { form, formKey, preview: true });
      const read = readTicketForm(form, true);
      if (!read.ok) {
        return callPage(request, reply.status(400), call, {
          form,
          formKey,
          problems: read.problems,
          preview: true,
        });
      }
      const opened = await openTicketForCall(
        {
          intake: (message, actor) => app.tickets.intake(message, actor),
          calls: app.store.calls,
          now: () => new Date(),
        },
        { call, ticket: read.ticket, formKey, actor: request.actor },
      );
      const query = new URLSearchParams({ opened: opened.number, ...(opened.created ? {} : { again: '1' }) });
      return reply.redirect(`/staff/console/calls/${call.callSid}?${query.toString()}`, 303);
    },
  );

  app.post(
    '/console/calls/:callSid/transfer',
    { ...options, schema: { hide: true, params: CallParams, body: TransferForm } },
    async (request, reply) => {
      const call = await findCall(request.params.callSid);
      const { mode, department, ticket } = request.body;
      const transferForm = { mode, department, ticket };
      try {
        if (ticket && !isValidTicketNumber(ticket)) throw new HubErrors.TicketNotFound(ticket);
        await transferCall(
          app.callTransfers,
          { callSid: call.callSid, mode, department, ...(ticket ? { ticket } : {}) },
          request.actor,
        );
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const status = typeof code === 'string' ? TRANSFER_REFUSALS[code] : undefined;
        if (status === undefined) throw error;
        const transferProblem = staffText(request.staffLanguage, `console.transfer.error.${String(code)}`);
        return callPage(request, reply.status(status), call, { transferProblem, transferForm });
      }
      await app.liveCalls.leftQueue(call.callSid);
      const query = new URLSearchParams({ transferred: mode, to: department });
      return reply.redirect(`/staff/console/calls/${call.callSid}?${query.toString()}`, 303);
    },
  );
};

function formOf(body: ConsoleTicketForm): ConsoleTicketForm {
  return {
    kind: body.kind,
    category: body.category,
    priority: body.priority,
    place: body.place,
    text: body.text,
  };
}
