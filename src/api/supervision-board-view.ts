import type { Department } from '../store/departments.js';
import type { AlertRow } from '../supervision/alerts.js';
import type { Board } from '../supervision/board.js';
import { EXPORT_LISTS } from '../supervision/export-lists.js';
import { CHANNELS } from '../tickets/types.js';
import type { BoardReply } from './supervision-board-schemas.js';

const HOUR = 3_600_000;
const hours = (ms: number): number => Math.round((ms / HOUR) * 100) / 100;
const iso = (at: Date): string => at.toISOString();

function alertView(row: AlertRow): BoardReply['warnings']['items'][number] {
  const { overdueMs, dueAt, createdAt, ...rest } = row;
  return { ...rest, dueAt: iso(dueAt), createdAt: iso(createdAt), overdueHours: hours(overdueMs) };
}

function page<T, V>(rows: readonly T[], limit: number, view: (row: T) => V): { total: number; items: V[] } {
  return { total: rows.length, items: rows.slice(0, limit).map(view) };
}

/** The departments the board names (lead departments, bottlenecks, who returned): their names. */
function namedDepartments(board: Board, departments: readonly Department[]): BoardReply['departments'] {
  const codes = new Set<string>();
  for (const row of board.counts.byDepartment) if (row.department) codes.add(row.department);
  for (const list of [board.warnings, board.overdue, board.flagged, board.returned, board.reopened]) {
    for (const row of list) if (row.leadDepartment) codes.add(row.leadDepartment);
  }
  for (const row of board.bottlenecks) codes.add(row.department);
  for (const row of board.returned) if (row.lastReturnedBy) codes.add(row.lastReturnedBy);
  const named: BoardReply['departments'] = {};
  for (const d of departments) if (codes.has(d.code)) named[d.code] = { name: d.name, nameEn: d.nameEn };
  return named;
}

export interface BoardViewOptions {
  limit: number;
  /** The 督办 command is offered (supervisors and admins). */
  maySupervise: boolean;
  departments: readonly Department[];
}

/** The board as the API's JSON: times as ISO strings, ages in hours, each list capped at `limit`. */
export function boardView(board: Board, options: BoardViewOptions): BoardReply {
  const { limit } = options;
  const days = board.window.days;
  return {
    generatedAt: iso(board.window.now),
    timeZone: board.window.timeZone,
    days,
    from: iso(board.window.from),
    scope: { department: board.scope.kind === 'department' ? board.scope.department : null },
    counts: board.counts,
    rates: board.rates,
    warnings: page(board.warnings, limit, alertView),
    overdue: page(board.overdue, limit, alertView),
    flagged: page(board.flagged, limit, (r) => ({ ...r, lastFlaggedAt: iso(r.lastFlaggedAt) })),
    bottlenecks: page(board.bottlenecks, limit, (r) => ({
      department: r.department,
      count: r.count,
      medianAgeHours: hours(r.medianAgeMs),
      maxAgeHours: hours(r.maxAgeMs),
      oldest: r.oldest,
    })),
    dailyVolume: { channels: [...CHANNELS], rows: board.dailyVolume },
    returned: page(board.returned, limit, (r) => ({ ...r, lastReturnedAt: iso(r.lastReturnedAt) })),
    reopened: page(board.reopened, limit, (r) => ({ ...r, lastReopenedAt: iso(r.lastReopenedAt) })),
    departments: namedDepartments(board, options.departments),
    links: {
      supervise: options.maySupervise ? '/api/v1/tickets/{number}/supervise' : null,
      exports: Object.fromEntries(
        EXPORT_LISTS.map((list) => [
          list,
          {
            csv: `/api/v1/supervision/export/${list}.csv?days=${days}`,
            xlsx: `/api/v1/supervision/export/${list}.xlsx?days=${days}`,
          },
        ]),
      ),
    },
  };
}
