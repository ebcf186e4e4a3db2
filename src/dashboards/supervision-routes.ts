import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { Department } from '../store/departments.js';
import type { AlertRow } from '../supervision/alerts.js';
import type { Board } from '../supervision/board.js';
import { EXPORT_LISTS } from '../supervision/export-lists.js';
import { label } from '../supervision/labels.js';
import { loadBoard } from '../supervision/load-board.js';
import type { Rate } from '../supervision/rates.js';
import { DEFAULT_DAYS, MAX_DAYS } from '../supervision/window.js';
import { localMinute } from '../time/local-format.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import { CHANNELS, STATUSES } from '../tickets/types.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { SUPERVISION_WORDS } from './words/supervision.js';

addStaffMessages(SUPERVISION_WORDS);

/** Rows per list on the page; the exports have every row. */
const PAGE_ROWS = 50;
const WINDOWS = [7, 30, 90, 365];
const REASON_MAX = 1000;

const Query = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: MAX_DAYS, default: DEFAULT_DAYS }),
  done: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
});
const SuperviseForm = Type.Object({
  _csrf: Type.Optional(Type.String()),
  number: Type.String({ maxLength: 40 }),
  reason: Type.String({ maxLength: 5000 }),
  days: Type.Integer({ minimum: 1, maximum: MAX_DAYS, default: DEFAULT_DAYS }),
});

/**
 * `/staff/supervision` (效能监察) for supervisors: the board of src/supervision rendered on the
 * server (works without JavaScript), charts drawn by `dashboards/static/supervision.js` with the
 * hub's own ECharts from the JSON API, which also refreshes the page's figures every 30 seconds.
 * `POST /staff/supervision/supervise` runs the core's `supervise` command (督办) from a row.
 */
export const supervisionRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const roles = AREAS.supervision.roles;

  app.get(
    '/supervision',
    { config: { staffRoles: roles }, schema: { hide: true, querystring: Query } },
    async (request, reply) => {
      const { days, done } = request.query;
      const notice = done
        ? staffText(request.staffLanguage, 'sv.supervise.done', { number: done })
        : undefined;
      return render(request, reply, days, { notice });
    },
  );

  app.post(
    '/supervision/supervise',
    { config: { staffRoles: roles }, schema: { hide: true, body: SuperviseForm } },
    async (request, reply) => {
      const { number, days } = request.body;
      const reason = request.body.reason.trim();
      if (reason.length === 0 || reason.length > REASON_MAX) {
        return render(request, reply.status(400), days, { problem: 'reason' });
      }
      if (!isValidTicketNumber(number))
        return render(request, reply.status(404), days, { problem: 'ticket' });
      try {
        await app.tickets.execute({
          number,
          command: 'supervise',
          actor: request.actor,
          channel: 'api',
          input: { reason },
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'HUB_ERR_TICKET_NOT_FOUND' || code === 'HUB_ERR_COMMAND_NOT_ALLOWED') {
          return render(request, reply.status(code === 'HUB_ERR_TICKET_NOT_FOUND' ? 404 : 409), days, {
            problem: 'ticket',
          });
        }
        throw error;
      }
      // Post/redirect/get: a reload does not order the same 督办 twice.
      return reply.redirect(`/staff/supervision?days=${days}&done=${number}`, 303);
    },
  );

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    days: number,
    message: { notice?: string; problem?: 'reason' | 'ticket' },
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const board = await loadBoard(app.store, request.actor, { days, timeZone: config.timezone });
    const departments = await app.store.departments.list();
    const data = pageData(board, language, departments, config.timezone);
    return reply.page(
      'supervision',
      {
        ...data,
        days,
        windows: WINDOWS.map((value) => ({ value, selected: value === days })),
        notice: message.notice,
        problem: message.problem && staffText(language, `sv.supervise.problem.${message.problem}`),
        words: JSON.stringify(chartWords(language)),
        boardUrl: `/api/v1/supervision/board?days=${days}&limit=1`,
      },
      staffText(language, 'sv.title'),
    );
  }
};

function percent(rate: Rate): string | undefined {
  return rate.rate === null ? undefined : `${(rate.rate * 100).toFixed(1)}%`;
}

const hours = (ms: number): string => (ms / 3_600_000).toFixed(1);

function pageData(
  board: Board,
  language: StaffLanguage,
  departments: readonly Department[],
  timeZone: string,
): Record<string, unknown> {
  const names = new Map(departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]));
  const department = (code: string | undefined | null) =>
    code ? (names.get(code) ?? code) : staffText(language, 'sv.noDepartment');
  const at = (date: Date) => localMinute(date, timeZone);
  const alert = (row: AlertRow) => ({
    number: row.number,
    status: label('status', row.status, language),
    department: department(row.leadDepartment),
    category: row.category,
    clock: label('clock', row.clock, language),
    stage: label('stage', row.stage, language),
    stageCode: row.stage,
    due: at(row.dueAt),
    overdueHours: row.stage === 'overdue' ? hours(row.overdueMs) : undefined,
    supervised: row.supervised,
  });
  const list = <T, V>(name: string, rows: readonly T[], view: (row: T) => V) => ({
    name,
    rows: rows.slice(0, PAGE_ROWS).map(view),
    more: rows.length > PAGE_ROWS ? { shown: PAGE_ROWS, total: rows.length } : undefined,
  });
  const { rates, counts } = board;
  return {
    updated: at(board.window.now),
    kpis: {
      total: counts.total,
      open: counts.open,
      response: { ...rates.response, percent: percent(rates.response) },
      resolution: { ...rates.resolution, percent: percent(rates.resolution) },
      satisfaction: { ...rates.satisfaction, percent: percent(rates.satisfaction) },
    },
    byStatus: STATUSES.filter((s) => counts.byStatus[s] > 0).map((s) => ({
      label: label('status', s, language),
      count: counts.byStatus[s],
    })),
    byChannel: CHANNELS.filter((c) => counts.byChannel[c] > 0).map((c) => ({
      label: label('channel', c, language),
      count: counts.byChannel[c],
    })),
    byDepartment: counts.byDepartment.map((d) => ({ label: department(d.department), count: d.count })),
    overdue: list('overdue', board.overdue, alert),
    warnings: list('warnings', board.warnings, alert),
    flagged: list('flagged', board.flagged, (r) => ({
      number: r.number,
      status: label('status', r.status, language),
      department: department(r.leadDepartment),
      kinds: r.kinds.map((k) => label('flag', k, language)).join(language === 'en' ? ', ' : '、'),
      flaggedAt: at(r.lastFlaggedAt),
    })),
    bottlenecks: list('bottlenecks', board.bottlenecks, (r) => ({
      department: department(r.department),
      count: r.count,
      median: hours(r.medianAgeMs),
      max: hours(r.maxAgeMs),
      oldest: r.oldest,
    })),
    returned: list('returned', board.returned, (r) => ({
      number: r.number,
      status: label('status', r.status, language),
      department: department(r.leadDepartment),
      returns: r.returns,
      returnedAt: at(r.lastReturnedAt),
      returnedBy: r.lastReturnedBy ? department(r.lastReturnedBy) : '',
    })),
    reopened: list('reopened', board.reopened, (r) => ({
      number: r.number,
      status: label('status', r.status, language),
      department: department(r.leadDepartment),
      reopens: r.reopens,
      reopenedAt: at(r.lastReopenedAt),
      cause: label('cause', r.lastCause, language),
    })),
    exports: EXPORT_LISTS.map((name) => ({
      name,
      csv: `/api/v1/supervision/export/${name}.csv?days=${board.window.days}&lang=${language}`,
      xlsx: `/api/v1/supervision/export/${name}.xlsx?days=${board.window.days}&lang=${language}`,
    })),
  };
}

/** The words the chart script needs (legends, axes), in the page's language. */
function chartWords(language: StaffLanguage): Record<string, unknown> {
  const t = (key: string) => staffText(language, key);
  return {
    language,
    status: Object.fromEntries(STATUSES.map((s) => [s, label('status', s, language)])),
    channel: Object.fromEntries(CHANNELS.map((c) => [c, label('channel', c, language)])),
    noDepartment: t('sv.noDepartment'),
    count: t('sv.count'),
    median: t('sv.chart.median'),
    max: t('sv.chart.max'),
  };
}
