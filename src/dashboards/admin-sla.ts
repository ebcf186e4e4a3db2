import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { afterChange } from '../api/routing-routes.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { buildCalendar } from '../routing/calendar.js';
import type { StoredPolicy } from '../store/sla-policies.js';
import type { StoredYear } from '../store/calendar.js';
import { toLocal } from '../time/zoned-time.js';
import {
  CalendarForm,
  holidayLines,
  makeupLines,
  readCalendarForm,
  yearGrid,
  type CalendarFormInput,
  type CalendarProblem,
} from './admin-sla-calendar.js';
import {
  blankPolicyForm,
  PolicyForm,
  policyFormValues,
  readPolicyForm,
  validCode,
  type FieldProblem,
  type PolicyFormInput,
} from './admin-sla-policy-form.js';
import {
  calendarProblemTexts,
  changedText,
  gridView,
  policyFormView,
  policyRow,
  yearRow,
  type RuleRef,
} from './admin-sla-view.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_SLA_WORDS } from './words/admin-sla.js';
import './words/ticket.js';

addStaffMessages(ADMIN_SLA_WORDS);

const ADMINS = AREAS.admin.roles;
const BASE = '/staff/admin/sla';
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });
const CodeParams = Type.Object({ code: Code });
const Year = Type.Integer({ minimum: FIRST_YEAR, maximum: LAST_YEAR });
const YearParams = Type.Object({ year: Year });
const Done = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('saved'), Type.Literal('created')])),
  code: Type.Optional(Code),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
});
const NewPolicy = Type.Object({ copy: Type.Optional(Code) });

interface PolicyPageInput {
  /** The policy being edited (absent on the create form). */
  current?: StoredPolicy;
  form: PolicyFormInput;
  problems?: FieldProblem[];
  /** Someone saved meanwhile: what is stored now. */
  conflict?: StoredPolicy;
}

interface YearPageInput {
  year: number;
  form?: CalendarFormInput & { version: number };
  problems?: CalendarProblem[];
  conflict?: StoredYear;
  done?: string;
}

/**
 * `/staff/admin/sla` (admins only): the SLA policies (承诺时限) — each limit in working or calendar
 * time, the warning thresholds, version, who changed it, the routing rules that name it — with a form
 * per policy and one for a new policy; and the working-day calendar — the stored years, the years
 * the SLA clock needs but lacks, each year as a month grid with its holidays and make-up workdays
 * edited as text lines. Forms are plain (no JavaScript), checked with the API's schemas and
 * `policyProblems` / `calendarProblems`, saved against the version they started from (a concurrent
 * save is refused, never overwritten), audited and rebuilt in every process with `afterChange`, as
 * `PUT /api/v1/sla/policies/:code` and `PUT /api/v1/calendar/:year` do.
 */
export const adminSlaRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const tz = config.timezone;

  async function overviewPage(request: FastifyRequest, reply: FastifyReply, done?: string) {
    const language = request.staffLanguage;
    const [policies, years, usedBy] = await Promise.all([
      app.store.slaPolicies.list(),
      app.store.calendar.list(),
      rulesByPolicy(app),
    ]);
    policies.sort((a, b) => a.order - b.order || a.code.localeCompare(b.code));
    const thisYear = Number(toLocal(new Date(), tz).date.slice(0, 4));
    const stored = new Set(years.map((y) => y.year));
    const missing = [thisYear, thisYear + 1].filter((y) => !stored.has(y));
    return reply.page(
      'admin-sla',
      {
        done,
        policies: policies.map((p) => policyRow(language, p, usedBy.get(p.code) ?? [], tz)),
        years: years.map((y) => yearRow(language, y, tz, buildCalendar([y]).holidays.size)),
        missing: missing.map((year) => ({
          year,
          text: staffText(language, 'sla.missingYear', { year }),
        })),
        nextYear: missing[0] ?? thisYear + 1,
        firstYear: FIRST_YEAR,
        lastYear: LAST_YEAR,
      },
      staffText(language, 'sla.title'),
    );
  }

  async function policyPage(request: FastifyRequest, reply: FastifyReply, input: PolicyPageInput) {
    const language = request.staffLanguage;
    const { current, conflict } = input;
    const [usedBy, history] = await Promise.all([
      rulesByPolicy(app),
      current ? app.store.slaPolicies.history(current.code) : [],
    ]);
    const rules = current ? (usedBy.get(current.code) ?? []) : [];
    const title = current
      ? staffText(language, 'sla.editTitle', { name: current.name, code: current.code })
      : staffText(language, 'sla.createTitle');
    return reply.page(
      'admin-sla-policy',
      {
        heading: title,
        create: !current,
        action: current ? `${BASE}/policies/${current.code}` : `${BASE}/new-policy`,
        current: current && policyRow(language, current, rules, tz),
        form: policyFormView(language, input.form, input.problems ?? []),
        conflict:
          conflict &&
          staffText(language, 'sla.conflict', {
            version: conflict.version,
            changed: changedText(language, conflict, tz),
          }),
        conflictRow: conflict && policyRow(language, conflict, rules, tz),
        history: history.map((old) => policyRow(language, old, [], tz)),
      },
      title,
    );
  }

  async function yearPage(request: FastifyRequest, reply: FastifyReply, input: YearPageInput) {
    const language = request.staffLanguage;
    const stored = await app.store.calendar.find(input.year);
    const form = input.form ?? {
      version: stored?.version ?? 0,
      source: stored?.source ?? '',
      holidays: stored ? holidayLines(stored) : '',
      makeupWorkdays: stored ? makeupLines(stored) : '',
    };
    const calendar = buildCalendar(stored ? [stored] : []);
    const title = staffText(language, 'sla.yearTitle', { year: input.year });
    const { conflict } = input;
    return reply.page(
      'admin-sla-year',
      {
        year: input.year,
        previous: input.year > FIRST_YEAR ? input.year - 1 : undefined,
        next: input.year < LAST_YEAR ? input.year + 1 : undefined,
        stored: stored && yearRow(language, stored, tz, calendar.holidays.size),
        months: gridView(language, yearGrid(calendar, stored ?? input.year)),
        weekdays: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
          short: staffText(language, `sla.weekday.${String(n)}`),
          long: staffText(language, `sla.weekdayLong.${String(n)}`),
          weekend: n > 5,
        })),
        form,
        placeholder: staffText(language, 'sla.sourcePlaceholder', { year: input.year }),
        problems: calendarProblemTexts(language, input.problems ?? []),
        invalid: Object.fromEntries((input.problems ?? []).map((p) => [p.field, true])),
        conflict:
          conflict &&
          staffText(language, 'sla.yearConflict', {
            year: input.year,
            version: conflict.version,
            changed: changedText(language, conflict, tz),
          }),
        done: input.done,
      },
      title,
    );
  }

  app.get(
    '/admin/sla',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: Done } },
    (request, reply) => {
      const { done, code = '', version } = request.query;
      const note = done && staffText(request.staffLanguage, `sla.done.${done}`, { code, version });
      return overviewPage(request, reply, note);
    },
  );

  app.get(
    '/admin/sla/new-policy',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: NewPolicy } },
    async (request, reply) => {
      const copy = request.query.copy && (await app.store.slaPolicies.findByCode(request.query.copy));
      const form = copy ? { ...policyFormValues(copy), version: 0, code: '', name: '' } : blankPolicyForm();
      return policyPage(request, reply, { form });
    },
  );

  app.post(
    '/admin/sla/new-policy',
    { config: { staffRoles: ADMINS }, schema: { hide: true, body: PolicyForm } },
    async (request, reply) => {
      const { _csrf: _token, ...form } = request.body;
      const code = (form.code ?? '').trim();
      const read = readPolicyForm(form);
      const problems = [
        ...(validCode(code) ? [] : [{ field: 'code', reason: 'code' }]),
        ...(read.ok ? [] : read.problems),
      ];
      if (!read.ok || problems.length > 0) {
        return policyPage(request, reply.status(400), { form: { ...form, version: 0 }, problems });
      }
      const saved = await app.store.slaPolicies.save({ ...read.body, code }, new Date(), request.actor.id, 0);
      if (!saved.ok) {
        const taken = [{ field: 'code', reason: 'codeTaken' }];
        return policyPage(request, reply.status(409), { form: { ...form, version: 0 }, problems: taken });
      }
      await afterChange(app, request.actor, 'save_sla_policy', `${code}@${String(saved.policy.version)}`);
      return reply.redirect(`${BASE}?done=created&code=${code}&version=1#policy-${code}`, 303);
    },
  );

  app.get(
    '/admin/sla/policies/:code',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: CodeParams } },
    async (request, reply) => {
      const current = await existingPolicy(app, request.params.code);
      return policyPage(request, reply, { current, form: policyFormValues(current) });
    },
  );

  app.post(
    '/admin/sla/policies/:code',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: CodeParams, body: PolicyForm } },
    async (request, reply) => {
      const current = await existingPolicy(app, request.params.code);
      const { _csrf: _token, ...typed } = request.body;
      const form = { ...typed, code: current.code };
      const read = readPolicyForm(form);
      if (!read.ok) {
        return policyPage(request, reply.status(400), { current, form, problems: read.problems });
      }
      const { code } = current;
      const saved = await app.store.slaPolicies.save(
        { ...read.body, code },
        new Date(),
        request.actor.id,
        form.version,
      );
      if (!saved.ok) {
        // What was typed stays; saving again is a deliberate choice over the version now shown.
        const now = saved.current ?? current;
        const next = { ...form, version: now.version };
        return policyPage(request, reply.status(409), { current: now, form: next, conflict: now });
      }
      const version = saved.policy.version;
      await afterChange(app, request.actor, 'save_sla_policy', `${code}@${String(version)}`);
      return reply.redirect(`${BASE}?done=saved&code=${code}&version=${String(version)}#policy-${code}`, 303);
    },
  );

  /** The "open a year" form of the list works without JavaScript: a GET, sent on to the year. */
  app.get(
    '/admin/sla/calendar',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: Type.Object({ year: Year }) } },
    (request, reply) => reply.redirect(`${BASE}/calendar/${String(request.query.year)}`, 303),
  );

  app.get(
    '/admin/sla/calendar/:year',
    {
      config: { staffRoles: ADMINS },
      schema: { hide: true, params: YearParams, querystring: Done },
    },
    (request, reply) => {
      const { year } = request.params;
      const { done, version } = request.query;
      const note =
        done === 'saved' ? staffText(request.staffLanguage, 'sla.done.year', { year, version }) : undefined;
      return yearPage(request, reply, { year, done: note });
    },
  );

  app.post(
    '/admin/sla/calendar/:year',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: YearParams, body: CalendarForm } },
    async (request, reply) => {
      const { year } = request.params;
      const { _csrf: _token, ...form } = request.body;
      const read = readCalendarForm(year, form);
      if (!read.ok) return yearPage(request, reply.status(400), { year, form, problems: read.problems });
      const saved = await app.store.calendar.save(read.year, new Date(), request.actor.id, form.version);
      if (!saved.ok) {
        const next = { ...form, version: saved.current?.version ?? 0 };
        return yearPage(request, reply.status(409), { year, form: next, conflict: saved.current });
      }
      await afterChange(app, request.actor, 'save_calendar', String(year));
      const version = String(saved.year.version);
      return reply.redirect(`${BASE}/calendar/${String(year)}?done=saved&version=${version}`, 303);
    },
  );
};

async function existingPolicy(app: FastifyInstance, code: string): Promise<StoredPolicy> {
  const policy = await app.store.slaPolicies.findByCode(code);
  if (!policy) throw new HubErrors.NotFound();
  return policy;
}

/** The routing rules that name each policy (a rule's `slaPolicy` action), in the order they are tried. */
async function rulesByPolicy(app: FastifyInstance): Promise<Map<string, RuleRef[]>> {
  const rules = (await app.store.rules.list()).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  const byPolicy = new Map<string, RuleRef[]>();
  for (const rule of rules) {
    const code = rule.actions.slaPolicy;
    if (code) byPolicy.set(code, [...(byPolicy.get(code) ?? []), { id: rule.id, name: rule.name }]);
  }
  return byPolicy;
}
