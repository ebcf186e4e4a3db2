import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HubErrors } from '../errors.js';
import { covers, dayKind, isWorkingDay } from '../routing/calendar.js';
import { calendarProblems, hoursProblems, policyProblems } from '../routing/validate.js';
import { addDays } from '../time/zoned-time.js';
import type { TicketList } from '../store/ticket-lists.js';
import { requireAdmin, requireHotline } from './guards.js';
import { afterChange, problemsError } from './routing-routes.js';
import {
  CalendarDaysQuery,
  CalendarDaysReply,
  CalendarYearPutBody,
  CalendarYearView,
  PolicyPutBody,
  PolicyView,
  WorkingHoursBody,
} from './routing-schemas.js';
import { DepartmentView, errorReplies, ListReply, PageQuery } from './schemas.js';
import { ticketSummary } from './ticket-view.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
/** The longest span of days one calendar query may ask for. */
const MAX_CALENDAR_DAYS = 400;

/**
 * SLA policies, the working-day calendar and department working hours (admin writes), and the two
 * hotline work lists: the triage queue (人工派单) and the supervision view (效能监察).
 */
export const slaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/sla/policies',
    {
      schema: {
        summary: 'SLA policies',
        tags: ['sla'],
        response: { 200: Type.Array(PolicyView), ...errorReplies },
      },
    },
    async () => app.store.slaPolicies.list(),
  );

  app.put(
    '/sla/policies/:code',
    {
      schema: {
        summary: 'Create or change an SLA policy (admin); saved as its next version',
        tags: ['sla'],
        params: CodeParams,
        body: PolicyPutBody,
        response: { 200: PolicyView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'SLA policies, the calendar and working hours');
      const { version, ...body } = request.body;
      const problems = policyProblems(body);
      if (problems.length > 0) throw problemsError(problems);
      const { code } = request.params;
      const saved = await app.store.slaPolicies.save(
        { ...body, code },
        new Date(),
        request.actor.id,
        version,
      );
      if (!saved.ok) {
        if (version === 0) throw new HubErrors.AlreadyExists(`SLA policy ${code}`);
        throw new HubErrors.VersionConflict(`SLA policy ${code}`, String(saved.current?.version ?? 0));
      }
      await afterChange(app, request.actor, 'save_sla_policy', `${code}@${String(saved.policy.version)}`);
      return saved.policy;
    },
  );

  app.get(
    '/calendar',
    {
      schema: {
        summary: 'The working-day calendar: official holidays and make-up workdays, by year',
        tags: ['sla'],
        response: { 200: Type.Array(CalendarYearView), ...errorReplies },
      },
    },
    async () =>
      (await app.store.calendar.list()).map((y) => ({
        ...y,
        holidays: [...y.holidays],
        makeupWorkdays: [...y.makeupWorkdays],
      })),
  );

  app.get(
    '/calendar/days',
    {
      schema: {
        summary: 'Each day between two dates: workday, weekend, holiday or make-up workday',
        tags: ['sla'],
        querystring: CalendarDaysQuery,
        response: { 200: CalendarDaysReply, ...errorReplies },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (to < from || addDays(from, MAX_CALENDAR_DAYS) < to) {
        throw problemsError([
          { path: '/to', message: `on or after from, at most ${String(MAX_CALENDAR_DAYS)} days later` },
        ]);
      }
      const { calendar } = app.routingService.tables();
      const days = [];
      for (let date = from; date <= to; date = addDays(date, 1)) {
        days.push({
          date,
          kind: dayKind(calendar, date),
          working: isWorkingDay(calendar, date),
          name: calendar.holidays.get(date),
        });
      }
      return { covered: covers(calendar, from) && covers(calendar, to), days };
    },
  );

  app.put(
    '/calendar/:year',
    {
      schema: {
        summary: "Replace a year's holidays and make-up workdays (admin); saved as its next version",
        tags: ['sla'],
        params: YearParams,
        body: CalendarYearPutBody,
        response: { 200: CalendarYearView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'SLA policies, the calendar and working hours');
      const { version, ...body } = request.body;
      const year = { ...body, year: request.params.year };
      const problems = calendarProblems(year);
      if (problems.length > 0) throw problemsError(problems);
      const saved = await app.store.calendar.save(year, new Date(), request.actor.id, version);
      if (!saved.ok) {
        if (version === 0) throw new HubErrors.AlreadyExists(`calendar ${String(year.year)}`);
        throw new HubErrors.VersionConflict(
          `calendar ${String(year.year)}`,
          String(saved.current?.version ?? 0),
        );
      }
      await afterChange(app, request.actor, 'save_calendar', String(year.year));
      return {
        ...saved.year,
        holidays: [...saved.year.holidays],
        makeupWorkdays: [...saved.year.makeupWorkdays],
      };
    },
  );

  app.put(
    '/departments/:code/working-hours',
    {
      schema: {
        summary: "A department's working hours (its SLA clocks count in them) (admin)",
        tags: ['departments'],
        params: CodeParams,
        body: WorkingHoursBody,
        response: { 200: DepartmentView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'SLA policies, the calendar and working hours');
      const problems = hoursProblems(request.body.workingHours);
      if (problems.length > 0) throw problemsError(problems);
      if (!(await app.store.departments.setWorkingHours(request.params.code, request.body.workingHours))) {
        throw new HubErrors.DepartmentNotFound(request.params.code);
      }
      await afterChange(app, request.actor, 'save_working_hours', request.params.code);
      const department = await app.store.departments.findActive(request.params.code);
      if (!department) throw new HubErrors.DepartmentNotFound(request.params.code);
      return department;
    },
  );

  const lists: { path: string; summary: string; list: (now: Date) => TicketList }[] = [
    {
      path: '/triage',
      summary:
        'The triage queue: tickets no rule routed, waiting for manual dispatch (人工派单), oldest first',
      list: () => ({ list: 'lane', lane: 'triage' }),
    },
    {
      path: '/supervision/returns',
      summary: "Tickets a department returned (退单), awaiting the hotline's review, oldest first",
      list: () => ({ list: 'lane', lane: 'review' }),
    },
    {
      path: '/supervision/overdue',
      summary: 'Open tickets past a deadline now (超期), longest overdue first',
      list: (now) => ({ list: 'overdue', now }),
    },
    {
      path: '/supervision',
      summary: 'Open tickets with a supervision (督办) flag, newest flag first',
      list: () => ({ list: 'flagged' }),
    },
  ];
  for (const { path, summary, list } of lists) {
    app.get(
      path,
      {
        schema: {
          summary,
          tags: ['sla'],
          querystring: PageQuery,
          response: { 200: ListReply, ...errorReplies },
        },
      },
      async (request) => {
        requireHotline(request.actor);
        const page = await app.store.tickets.page(list(new Date()), request.query);
        const items = page.items.map(ticketSummary);
        return page.next ? { items, next: page.next } : { items };
      },
    );
  }
};
