import { toHalfWidth } from '../text/width.js';
import { isValidApplicationNumber } from './application-number.js';
import type { CsvRow } from './csv-read.js';
import {
  cell,
  parseDate,
  parseDateTime,
  type ColumnAliases,
  type ColumnIndex,
  type RowProblem,
} from './import-common.js';
import { phoneKey } from './phone-key.js';
import { APPLICATION_STATUSES, type ApplicationCase, type ApplicationStatus } from './types.js';

/**
 * One row of an application-case export (办件台账): the case and the times of its standard steps
 * (受理 / 审查 / 决定 / 办结), one column each. Pure validation, every problem of the row reported.
 */

export type ApplicationField =
  | 'number'
  | 'queryCode'
  | 'item'
  | 'applicantName'
  | 'applicantPhone'
  | 'department'
  | 'status'
  | 'promisedDate'
  | 'result'
  | 'acceptedAt'
  | 'reviewedAt'
  | 'decidedAt'
  | 'completedAt';

export const APPLICATION_COLUMNS: ColumnAliases<ApplicationField> = {
  number: ['办件编号', '受理编号', 'number'],
  queryCode: ['查询码', '查询密码', 'query_code'],
  item: ['事项名称', '事项', 'item'],
  applicantName: ['申请人', '申请人姓名', 'applicant_name'],
  applicantPhone: ['联系电话', '申请人电话', '手机号', 'applicant_phone'],
  department: ['部门编码', '承办部门编码', 'department'],
  status: ['状态', '办理状态', 'status'],
  promisedDate: ['承诺办结日期', '承诺日期', 'promised_date'],
  result: ['办理结果', '结果', 'result'],
  acceptedAt: ['受理时间', 'accepted_at'],
  reviewedAt: ['审查时间', 'reviewed_at'],
  decidedAt: ['决定时间', 'decided_at'],
  completedAt: ['办结时间', 'completed_at'],
};

export const APPLICATION_REQUIRED: readonly ApplicationField[] = [
  'number',
  'queryCode',
  'item',
  'applicantName',
  'department',
  'status',
  'acceptedAt',
];

const STEPS = [
  ['acceptedAt', '受理'],
  ['reviewedAt', '审查'],
  ['decidedAt', '决定'],
  ['completedAt', '办结'],
] as const;

const STATUS_NAMES: Record<string, ApplicationStatus> = {
  ...Object.fromEntries(
    Object.entries(APPLICATION_STATUSES).map(([code, name]) => [name, code as ApplicationStatus]),
  ),
  ...Object.fromEntries(Object.keys(APPLICATION_STATUSES).map((code) => [code, code as ApplicationStatus])),
  受理: 'accepted',
  审查: 'reviewing',
  办结: 'completed',
  不予许可: 'rejected',
};

export interface ApplicationRowContext {
  /** Department codes that exist; a row naming another is refused. */
  departments: ReadonlySet<string>;
  timeZone: string;
  now: Date;
}

export function validateApplicationRow(
  row: CsvRow,
  columns: { index: ColumnIndex<ApplicationField>; count: number },
  context: ApplicationRowContext,
): { ok: true; value: ApplicationCase; row: number } | { ok: false; problems: RowProblem[] } {
  const get = (field: ApplicationField) => toHalfWidth(cell(row, columns.index, field)).trim();
  const problems: RowProblem[] = [];
  const problem = (column: ApplicationField | undefined, code: RowProblem['code'], message: string) => {
    problems.push({ row: row.row, ...(column ? { column } : {}), code, message });
  };
  if (row.cells.length !== columns.count) {
    problem(undefined, 'columns', `the row has ${row.cells.length} cells, the header ${columns.count}`);
  }
  for (const field of APPLICATION_REQUIRED) if (!get(field)) problem(field, 'missing', `${field} is empty`);

  if (get('number') && !isValidApplicationNumber(get('number'))) {
    problem('number', 'number', 'case number must be 9 + date + sequence + check digit (mistyped?)');
  }
  if (get('queryCode') && !/^\d{6}$/.test(get('queryCode'))) problem('queryCode', 'query-code', 'six digits');
  if (get('department') && !context.departments.has(get('department'))) {
    problem('department', 'department', 'no department with this code');
  }
  const status = STATUS_NAMES[get('status').toLowerCase()];
  if (get('status') && !status)
    problem('status', 'status', `status must be one of ${Object.values(APPLICATION_STATUSES).join(' / ')}`);
  const applicantPhone = get('applicantPhone') ? phoneKey(get('applicantPhone')) : undefined;
  if (get('applicantPhone') && !applicantPhone)
    problem('applicantPhone', 'phone', 'not a mainland phone number');
  const promisedDate = get('promisedDate') ? parseDate(get('promisedDate')) : undefined;
  if (get('promisedDate') && !promisedDate) problem('promisedDate', 'date', 'date must be YYYY-MM-DD');

  const steps = parseSteps(get, context, (field, message) => {
    problem(field, 'date', message);
  });
  const [first] = steps;
  if (problems.length > 0 || !status || !first) return { ok: false, problems };
  return {
    ok: true,
    row: row.row,
    value: {
      number: get('number'),
      queryCode: get('queryCode'),
      item: get('item'),
      applicantName: get('applicantName'),
      applicantPhone,
      department: get('department'),
      steps,
      status,
      acceptedAt: first.at,
      promisedDate,
      result: get('result') || undefined,
      updatedAt: steps.at(-1)?.at ?? first.at,
    },
  };
}

/** The standard steps with a time, in order; later steps may not come before earlier ones or after now. */
function parseSteps(
  get: (field: ApplicationField) => string,
  context: ApplicationRowContext,
  fail: (field: ApplicationField, message: string) => void,
): ApplicationCase['steps'] {
  const steps: ApplicationCase['steps'] = [];
  for (const [field, name] of STEPS) {
    if (!get(field)) continue;
    const at = parseDateTime(get(field), context.timeZone);
    const previous = steps.at(-1);
    if (!at) fail(field, 'time must be YYYY-MM-DD HH:MM');
    else if (at > context.now) fail(field, 'time is in the future');
    else if (previous && at < previous.at) fail(field, `before the ${previous.name} time`);
    else steps.push({ name, at });
  }
  return steps;
}
