import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { AuditEntry, AuditSearch } from '../store/audit-log.js';
import { localMinute } from '../time/local-format.js';
import { fromLocal } from '../time/zoned-time.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { AUDIT_WORDS } from './words/audit.js';

addStaffMessages(AUDIT_WORDS);

export const AUDIT_PAGE_SIZE = 50;

const Filters = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 80 })),
  action: Type.Optional(Type.String({ maxLength: 60 })),
  ticket: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
  // The next page is read after `cursor` (the last entry shown); `page` only numbers it on screen.
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
});
type FilterForm = { actor?: string; action?: string; ticket?: string; from?: string; to?: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `/staff/audit` (全程留痕), for supervisors and admins: the audit log filtered by actor id, action,
 * ticket number and a date range (China time, both days included), newest first, 50 a page, paged by
 * cursor (a "next" link carries it, so the 500th page costs what the first does; "first" goes back to
 * the newest). A filter that cannot be read is shown as a form error and nothing is searched; a cursor
 * of another search is a 400.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.get(
    '/audit',
    { config: { staffRoles: AREAS.audit.roles }, schema: { hide: true, querystring: Filters } },
    async (request, reply) => {
      const language = request.staffLanguage;
      const form: FilterForm = {
        actor: request.query.actor?.trim() ?? '',
        action: request.query.action?.trim() ?? '',
        ticket: request.query.ticket?.trim() ?? '',
        from: request.query.from?.trim() ?? '',
        to: request.query.to?.trim() ?? '',
      };
      const page = request.query.page ?? 1;
      const parsed = toSearch(form, config.timezone);
      const title = staffText(language, 'audit.title');
      if (!parsed.ok) {
        const problem = staffText(language, `audit.problem.${parsed.problem}`);
        return reply.status(400).page('audit', { form, problem, entries: [] }, title);
      }
      const { items, next } = await app.store.audit.search(parsed.search, {
        limit: AUDIT_PAGE_SIZE,
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
      });
      const link = (more: Record<string, string>) =>
        `/staff/audit?${new URLSearchParams({ ...form, ...more }).toString()}`;
      return reply.page(
        'audit',
        {
          form,
          entries: items.map((entry) => row(entry, config.timezone)),
          pageNumber: page,
          first: request.query.cursor === undefined ? undefined : link({}),
          next: next === undefined ? undefined : link({ cursor: next, page: String(page + 1) }),
        },
        title,
      );
    },
  );
};

function toSearch(
  form: FilterForm,
  timeZone: string,
): { ok: true; search: AuditSearch } | { ok: false; problem: 'date' | 'ticket' | 'range' } {
  const search: AuditSearch = {};
  if (form.actor) {
    // A username finds that account's entries (`user:NAME`); a full id (`token:…`) finds itself.
    search.actorIds = form.actor.includes(':')
      ? [form.actor]
      : [form.actor, `user:${form.actor.toLowerCase()}`];
  }
  if (form.action) search.action = form.action;
  if (form.ticket) {
    if (!/^\d{6,30}$/.test(form.ticket)) return { ok: false, problem: 'ticket' };
    search.ticketNumber = form.ticket;
  }
  for (const bound of ['from', 'to'] as const) {
    const date = form[bound];
    if (!date) continue;
    if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
      return { ok: false, problem: 'date' };
    // `to` includes its whole day: the search ends at the next local midnight.
    search[bound] = fromLocal(date, bound === 'to' ? 24 * 60 : 0, timeZone);
  }
  if (search.from && search.to && search.from >= search.to) return { ok: false, problem: 'range' };
  return { ok: true, search };
}

function row(entry: AuditEntry, timeZone: string): Record<string, unknown> {
  return {
    at: localMinute(entry.at, timeZone),
    actor: entry.actor.id,
    role: entry.actor.role,
    department: entry.actor.department,
    action: entry.action,
    ticketNumber: entry.ticketNumber,
    detail: [entry.detail, entry.fields?.join(', ')].filter(Boolean).join(' · '),
    ip: entry.ip,
  };
}
