import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { AUDIT_SEARCH_CAP, type AuditEntry, type AuditSearch } from '../store/audit-log.js';
import { localMinute } from '../time/local-format.js';
import { fromLocal } from '../time/zoned-time.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { AUDIT_WORDS } from './words/audit.js';

addStaffMessages(AUDIT_WORDS);

export const AUDIT_PAGE_SIZE = 50;
const LAST_PAGE = AUDIT_SEARCH_CAP / AUDIT_PAGE_SIZE;

const Filters = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 80 })),
  action: Type.Optional(Type.String({ maxLength: 60 })),
  ticket: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: LAST_PAGE, default: 1 })),
});
type FilterForm = { actor?: string; action?: string; ticket?: string; from?: string; to?: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `/staff/audit` (全程留痕), for supervisors and admins: the audit log filtered by actor id, action,
 * ticket number and a date range (China time, both days included), newest first, 50 a page, at most
 * {@link AUDIT_SEARCH_CAP} entries deep. A filter that cannot be read is shown as a form error and
 * nothing is searched.
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
      const { entries, more } = await app.store.audit.search(parsed.search, {
        skip: (page - 1) * AUDIT_PAGE_SIZE,
        limit: AUDIT_PAGE_SIZE,
      });
      const link = (to: number) =>
        `/staff/audit?${new URLSearchParams({ ...form, page: String(to) }).toString()}`;
      return reply.page(
        'audit',
        {
          form,
          entries: entries.map((entry) => row(entry, config.timezone)),
          pageNumber: page,
          previous: page > 1 ? link(page - 1) : undefined,
          next: more ? link(page + 1) : undefined,
          capped: !more && page === LAST_PAGE && entries.length === AUDIT_PAGE_SIZE,
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
