import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { usesDevOutbox } from '../notify/plugin.js';
import { DIRECTORY_QUERY_MAX, searchDirectory } from '../directory/search.js';
import { callRow, CONSOLE_ROLES, departmentNames, departmentOptions, ticketRow } from './console-view.js';
import { addStaffMessages, staffText } from './messages.js';
import { DIRECTORY_WORDS } from './words/admin-directory.js';
import { CONSOLE_WORDS } from './words/console.js';
import './words/ticket.js';

addStaffMessages(CONSOLE_WORDS);
// The directory's category names (the 查号 results show them).
addStaffMessages(DIRECTORY_WORDS);

/** How many triage tickets the console lists (newest first, as the API's triage list). */
export const TRIAGE_SHOWN = 30;

const Notes = Type.Object({
  dispatched: Type.Optional(Type.String({ pattern: '^\\d{6,30}$' })),
  to: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' })),
});
const DirectoryQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) });
const TicketParams = Type.Object({ number: Type.String({ pattern: '^\\d{6,30}$' }) });
const DispatchForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  department: Type.String({ maxLength: 40, default: '' }),
});

/** Errors a dispatch from the triage list words for the operator (anything else is an error page). */
const DISPATCH_REFUSALS = new Set([
  'HUB_ERR_COMMAND_NOT_ALLOWED',
  'HUB_ERR_DEPARTMENT_NOT_FOUND',
  'HUB_ERR_TICKET_NOT_FOUND',
  'HUB_ERR_TICKET_BUSY',
  'HUB_ERR_VALIDATION',
]);

/**
 * The operator console's lists (话务台): `/staff/console` — the live calls (pushed over the live
 * socket by console.js; a refresh link without script), the directory search (查号) and the triage
 * queue with a dispatch form per ticket (派单, the core's `dispatch` command); `/staff/console/calls`
 * (the calls alone, what the script refetches) and `/staff/console/directory` (the search's page).
 */
export const consoleRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const options = { config: { staffRoles: CONSOLE_ROLES } };
  const simulator = usesDevOutbox(config);

  async function calls(request: FastifyRequest) {
    const now = new Date();
    const live = await app.liveCalls.list();
    return live.map((call) => callRow(request.staffLanguage, call, config.timezone, now));
  }

  async function consolePage(
    request: FastifyRequest,
    reply: FastifyReply,
    notes: { done?: string; problem?: string },
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const triageList = { list: 'lane', lane: 'triage' } as const;
    const [liveCalls, departments, triage, triageTotal] = await Promise.all([
      calls(request),
      app.store.departments.list(),
      app.store.tickets.page(triageList, { limit: TRIAGE_SHOWN }),
      app.store.tickets.countList(triageList),
    ]);
    return reply.page(
      'console',
      {
        calls: liveCalls,
        simulator,
        departments: departmentOptions(language, departments),
        triage: triage.items.map((t) => ticketRow(language, t, config.timezone)),
        triageTotal,
        triageShown: triage.items.length,
        directoryMax: DIRECTORY_QUERY_MAX,
        ...notes,
      },
      staffText(language, 'console.title'),
    );
  }

  app.get('/console', { ...options, schema: { hide: true, querystring: Notes } }, async (request, reply) => {
    const { dispatched, to } = request.query;
    const names = departmentNames(request.staffLanguage, await app.store.departments.list());
    const done =
      dispatched && to
        ? staffText(request.staffLanguage, 'console.triage.done', {
            number: dispatched,
            department: names.get(to) ?? to,
          })
        : undefined;
    return consolePage(request, reply, { done });
  });

  app.get('/console/calls', { ...options, schema: { hide: true } }, async (request, reply) =>
    reply.page(
      'console-calls',
      { calls: await calls(request) },
      staffText(request.staffLanguage, 'console.calls.title'),
    ),
  );

  app.get(
    '/console/directory',
    { ...options, schema: { hide: true, querystring: DirectoryQuery } },
    async (request, reply) => {
      const q = (request.query.q ?? '').trim().slice(0, DIRECTORY_QUERY_MAX);
      const [departments, entries] = await Promise.all([
        app.store.departments.list(),
        app.store.directoryEntries.listActive(),
      ]);
      const results = searchDirectory(departments, q, entries);
      return reply.page(
        'console-directory',
        { q, results, count: results.length, directoryMax: DIRECTORY_QUERY_MAX },
        staffText(request.staffLanguage, 'console.directory.title'),
      );
    },
  );

  app.post(
    '/console/triage/:number/dispatch',
    { ...options, schema: { hide: true, params: TicketParams, body: DispatchForm } },
    async (request, reply) => {
      const { number } = request.params;
      const department = request.body.department.trim();
      const refuse = (code: string, status: number) =>
        consolePage(request, reply.status(status), {
          problem: staffText(request.staffLanguage, `console.triage.error.${code}`, { number }),
        });
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(department)) return refuse('HUB_ERR_DEPARTMENT_NOT_FOUND', 400);
      try {
        await app.tickets.execute({
          number,
          command: 'dispatch',
          actor: request.actor,
          channel: 'hotline',
          input: { department },
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !DISPATCH_REFUSALS.has(code)) throw error;
        if (code === 'HUB_ERR_TICKET_NOT_FOUND') return refuse(code, 404);
        if (code === 'HUB_ERR_COMMAND_NOT_ALLOWED' || code === 'HUB_ERR_TICKET_BUSY')
          return refuse(code, 409);
        return refuse('HUB_ERR_DEPARTMENT_NOT_FOUND', 400);
      }
      const query = new URLSearchParams({ dispatched: number, to: department });
      return reply.redirect(`/staff/console?${query.toString()}#triage`, 303);
    },
  );
};
