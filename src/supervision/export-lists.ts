import { CHANNELS } from '../tickets/types.js';
import type { AlertRow, FlaggedRow } from './alerts.js';
import type { Board } from './board.js';
import type { Bottleneck } from './bottlenecks.js';
import type { VolumeRow } from './daily-volume.js';
import { label, type ExportLanguage } from './labels.js';
import type { ReopenedRow, ReturnedRow } from './returns.js';

/**
 * The board's lists as tables for CSV and XLSX: which columns, in which words, with which values.
 * Nothing personal is in any of them: no contact, no name, no subject or text (a citizen writes
 * names and phone numbers into those), no staff ids — only codes, counts and times.
 */

export const EXPORT_LISTS = [
  'overdue',
  'warnings',
  'flagged',
  'bottlenecks',
  'returned',
  'reopened',
  'daily-volume',
] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

/** A cell: text, a number, an instant (`datetime`), a local `YYYY-MM-DD` (`date`) or empty. */
export type CellValue = string | number | Date | null;

export interface ExportColumn {
  header: string;
  /** Width in characters (XLSX). */
  width: number;
  type: 'text' | 'number' | 'datetime' | 'date';
}

export interface ExportTable {
  list: ExportList;
  /** The sheet's name. */
  title: string;
  columns: ExportColumn[];
  rows: CellValue[][];
  /** Instants are shown in this zone's local time. */
  timeZone: string;
}

interface Context {
  language: ExportLanguage;
  /** A department's name by code, in the export's language. */
  departmentName: (code: string) => string | undefined;
}

interface ColumnDef<R> {
  header: [zh: string, en: string];
  width: number;
  type?: ExportColumn['type'];
  value: (row: R, context: Context) => CellValue;
}

const HOUR = 3_600_000;
const hours = (ms: number): number => Math.round((ms / HOUR) * 100) / 100;

function departmentColumns<R extends { leadDepartment?: string }>(): ColumnDef<R>[] {
  return [
    { header: ['承办部门', 'Department'], width: 12, value: (r) => r.leadDepartment ?? null },
    {
      header: ['部门名称', 'Department name'],
      width: 24,
      value: (r, c) => (r.leadDepartment ? (c.departmentName(r.leadDepartment) ?? null) : null),
    },
  ];
}

const NUMBER: ColumnDef<{ number: string }> = {
  header: ['工单编号', 'Ticket number'],
  width: 16,
  value: (r) => r.number,
};

const STATUS: ColumnDef<{ status: AlertRow['status'] }> = {
  header: ['状态', 'Status'],
  width: 12,
  value: (r, c) => label('status', r.status, c.language),
};

const ALERT_COLUMNS: ColumnDef<AlertRow>[] = [
  NUMBER,
  STATUS,
  ...departmentColumns<AlertRow>(),
  { header: ['渠道', 'Channel'], width: 10, value: (r, c) => label('channel', r.channel, c.language) },
  { header: ['类型', 'Kind'], width: 10, value: (r, c) => label('kind', r.kind, c.language) },
  { header: ['分类', 'Category'], width: 16, value: (r) => r.category ?? null },
  { header: ['紧急程度', 'Priority'], width: 10, value: (r, c) => label('priority', r.priority, c.language) },
  { header: ['时限', 'Clock'], width: 10, value: (r, c) => label('clock', r.clock, c.language) },
  { header: ['预警', 'Stage'], width: 12, value: (r, c) => label('stage', r.stage, c.language) },
  { header: ['到期时间', 'Due'], width: 18, type: 'datetime', value: (r) => r.dueAt },
  {
    header: ['超期小时', 'Hours overdue'],
    width: 12,
    type: 'number',
    value: (r) => hours(r.overdueMs),
  },
  {
    header: ['已督办', 'Supervised'],
    width: 8,
    value: (r, c) => label('yesNo', r.supervised ? 'yes' : 'no', c.language),
  },
  { header: ['受理时间', 'Created'], width: 18, type: 'datetime', value: (r) => r.createdAt },
];

const FLAGGED_COLUMNS: ColumnDef<FlaggedRow>[] = [
  NUMBER,
  STATUS,
  ...departmentColumns<FlaggedRow>(),
  { header: ['紧急程度', 'Priority'], width: 10, value: (r, c) => label('priority', r.priority, c.language) },
  { header: ['督办次数', 'Flags'], width: 10, type: 'number', value: (r) => r.flags },
  {
    header: ['督办原因', 'Reasons'],
    width: 28,
    value: (r, c) => r.kinds.map((k) => label('flag', k, c.language)).join(c.language === 'en' ? ', ' : '、'),
  },
  { header: ['最近督办', 'Last flag'], width: 12, value: (r, c) => label('flag', r.lastKind, c.language) },
  { header: ['最近督办时间', 'Last flagged'], width: 18, type: 'datetime', value: (r) => r.lastFlaggedAt },
];

const BOTTLENECK_COLUMNS: ColumnDef<Bottleneck>[] = [
  { header: ['承办部门', 'Department'], width: 12, value: (r) => r.department },
  {
    header: ['部门名称', 'Department name'],
    width: 24,
    value: (r, c) => c.departmentName(r.department) ?? null,
  },
  { header: ['在办件数', 'Open tickets'], width: 10, type: 'number', value: (r) => r.count },
  {
    header: ['中位时长(小时)', 'Median age (h)'],
    width: 14,
    type: 'number',
    value: (r) => hours(r.medianAgeMs),
  },
  { header: ['最长时长(小时)', 'Max age (h)'], width: 14, type: 'number', value: (r) => hours(r.maxAgeMs) },
  { header: ['最久工单', 'Oldest ticket'], width: 16, value: (r) => r.oldest },
];

const RETURNED_COLUMNS: ColumnDef<ReturnedRow>[] = [
  NUMBER,
  STATUS,
  ...departmentColumns<ReturnedRow>(),
  { header: ['期间退单次数', 'Returns in period'], width: 12, type: 'number', value: (r) => r.returns },
  { header: ['累计退单次数', 'Returns in total'], width: 12, type: 'number', value: (r) => r.returnCount },
  { header: ['最近退单时间', 'Last returned'], width: 18, type: 'datetime', value: (r) => r.lastReturnedAt },
  { header: ['退单部门', 'Returned by'], width: 12, value: (r) => r.lastReturnedBy ?? null },
];

const REOPENED_COLUMNS: ColumnDef<ReopenedRow>[] = [
  NUMBER,
  STATUS,
  ...departmentColumns<ReopenedRow>(),
  { header: ['重办次数', 'Reopened'], width: 10, type: 'number', value: (r) => r.reopens },
  { header: ['最近重办时间', 'Last reopened'], width: 18, type: 'datetime', value: (r) => r.lastReopenedAt },
  { header: ['原因', 'Cause'], width: 14, value: (r, c) => label('cause', r.lastCause, c.language) },
];

const VOLUME_COLUMNS: ColumnDef<VolumeRow>[] = [
  { header: ['日期', 'Date'], width: 12, type: 'date', value: (r) => r.date },
  ...CHANNELS.map((channel): ColumnDef<VolumeRow> => ({
    header: [label('channel', channel, 'zh-CN'), label('channel', channel, 'en')],
    width: 10,
    type: 'number',
    value: (r) => r.byChannel[channel],
  })),
  { header: ['合计', 'Total'], width: 10, type: 'number', value: (r) => r.total },
];

const TITLES: Record<ExportList, [zh: string, en: string]> = {
  overdue: ['超期工单', 'Overdue'],
  warnings: ['预警工单', 'Warnings'],
  flagged: ['督办工单', 'Supervised'],
  bottlenecks: ['部门积压', 'Bottlenecks'],
  returned: ['退单工单', 'Returned'],
  reopened: ['重办工单', 'Reopened'],
  'daily-volume': ['每日受理量', 'Daily volume'],
};

function table<R>(
  list: ExportList,
  defs: ColumnDef<R>[],
  rows: readonly R[],
  board: Board,
  context: Context,
): ExportTable {
  const en = context.language === 'en';
  return {
    list,
    title: TITLES[list][en ? 1 : 0],
    columns: defs.map((d) => ({ header: d.header[en ? 1 : 0], width: d.width, type: d.type ?? 'text' })),
    rows: rows.map((row) => defs.map((d) => d.value(row, context))),
    timeZone: board.window.timeZone,
  };
}

/** One list of the board as a table. */
export function exportTable(board: Board, list: ExportList, context: Context): ExportTable {
  switch (list) {
    case 'overdue':
      return table(list, ALERT_COLUMNS, board.overdue, board, context);
    case 'warnings':
      return table(list, ALERT_COLUMNS, board.warnings, board, context);
    case 'flagged':
      return table(list, FLAGGED_COLUMNS, board.flagged, board, context);
    case 'bottlenecks':
      return table(list, BOTTLENECK_COLUMNS, board.bottlenecks, board, context);
    case 'returned':
      return table(list, RETURNED_COLUMNS, board.returned, board, context);
    case 'reopened':
      return table(list, REOPENED_COLUMNS, board.reopened, board, context);
    case 'daily-volume':
      return table(list, VOLUME_COLUMNS, board.dailyVolume, board, context);
  }
}
