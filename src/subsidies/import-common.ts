import { fromLocal } from '../time/zoned-time.js';
import { toHalfWidth } from '../text/width.js';
import type { CellFlag, CsvRow } from './csv-read.js';

/**
 * What every register import shares: the problem list of the report, header → field mapping by
 * aliases (Chinese column names as registers write them, English for machine exports), dates.
 */

/** Stable codes of the import report (scripts and tests read them; messages are for people). */
export type ProblemCode =
  | 'missing'
  | 'columns'
  | 'id-format'
  | 'id-region'
  | 'id-birth-date'
  | 'id-check-digit'
  | 'phone'
  | 'name'
  | 'year'
  | 'type'
  | 'batch'
  | 'amount'
  | 'date'
  | 'status'
  | 'account'
  | 'number'
  | 'query-code'
  | 'department'
  | 'duplicate-row'
  | 'conflicting-rows'
  | 'household-mismatch'
  | 'conflict-stored'
  /** XLSX: an ID or account typed as a number (Excel kept 15 digits of it). */
  | 'stored-as-number'
  /** XLSX: a formula whose result is an error or was never saved. */
  | 'cell-error';

/**
 * One problem of one row. `row` is the line of the file the record starts on (header = 1); values
 * are never echoed (they may be ID numbers), the column and the row say where to look.
 */
export interface RowProblem {
  row: number;
  column?: string;
  code: ProblemCode;
  message: string;
  /** For duplicates and conflicts within the file: the row it repeats. */
  firstRow?: number;
}

/** Field → accepted header names (normalised: half-width, lower case, no spaces). */
export type ColumnAliases<F extends string> = Record<F, readonly string[]>;

export type ColumnIndex<F extends string> = Partial<Record<F, number>>;

/** Maps the header to fields; missing required fields, columns claimed twice and unknown names are reported. */
export function mapColumns<F extends string>(
  header: string[],
  aliases: ColumnAliases<F>,
  required: readonly F[],
): {
  index: ColumnIndex<F>;
  names: Record<string, string>;
  missing: F[];
  duplicated: string[];
  ignored: string[];
} {
  const index: ColumnIndex<F> = {};
  const duplicated: string[] = [];
  const ignored: string[] = [];
  header.forEach((name, i) => {
    const field = (Object.keys(aliases) as F[]).find((f) => aliases[f].includes(name));
    if (field === undefined) ignored.push(name);
    else if (index[field] !== undefined) duplicated.push(name);
    else index[field] = i;
  });
  const missing = required.filter((field) => index[field] === undefined);
  const names: Record<string, string> = {};
  for (const field of Object.keys(index) as F[]) names[field] = header[index[field] as number] ?? field;
  return { index, names, missing, duplicated, ignored };
}

/** The cell of a field in a row ('' when the column is absent or the row is short). */
export function cell<F extends string>(row: CsvRow, index: ColumnIndex<F>, field: F): string {
  const i = index[field];
  return i === undefined ? '' : (row.cells[i] ?? '');
}

/** How a problem of a flagged cell names the field (others are named by their column in the file). */
const FIELD_LABELS: Record<string, string> = {
  idNumber: 'ID number',
  account: 'account',
  phones: 'phone',
  applicantPhone: 'phone',
  number: 'case number',
  queryCode: 'query code',
  amountYuan: 'amount',
  amountFen: 'amount',
};

/**
 * The problems of a row's flagged cells (XLSX, see `CellFlag`) in columns the import reads; a
 * flagged cell in an ignored column does not matter. `names`: field → header in the file.
 */
export function flaggedCells<F extends string>(
  row: CsvRow,
  index: ColumnIndex<F>,
  names: Record<string, string>,
): RowProblem[] {
  if (!row.flags) return [];
  const problems: RowProblem[] = [];
  for (const field of Object.keys(index) as F[]) {
    const flag = row.flags[index[field] as number];
    if (!flag) continue;
    const label = FIELD_LABELS[field] ?? names[field] ?? field;
    problems.push({ row: row.row, column: field, ...FLAG_PROBLEMS[flag](label) });
  }
  return problems;
}

const FLAG_PROBLEMS: Record<CellFlag, (label: string) => Pick<RowProblem, 'code' | 'message'>> = {
  'long-number': (label) => ({
    code: 'stored-as-number',
    message: `${label} stored as a number; format the column as text (Excel keeps only 15 digits) and type it again`,
  }),
  'formula-error': (label) => ({
    code: 'cell-error',
    message: `${label}: the cell shows an error (#N/A, #VALUE! …)`,
  }),
  'formula-no-result': (label) => ({
    code: 'cell-error',
    message: `${label}: a formula without a saved result; open the file in Excel and save it again`,
  }),
};

/**
 * A row's problems when some of its cells were flagged: the flags' problems, and the validator's
 * for the other columns (its verdict on a flagged cell — "check digit does not match" for a rounded
 * ID — would send the clerk looking for a typo that is not there).
 */
export function withFlagged(flagged: RowProblem[], validated: RowProblem[]): RowProblem[] {
  const columns = new Set(flagged.map((p) => p.column));
  return [...flagged, ...validated.filter((p) => !columns.has(p.column))];
}

/**
 * `2025-05-20`, `2025/5/20`, `2025.5.20`, `20250520`, `2025年5月20日` (a time after it is ignored) →
 * `2025-05-20`; undefined for anything else or an impossible date. Day-first and month-first
 * spellings (`5/20/2025`) are refused: they are ambiguous.
 */
export function parseDate(text: string): string | undefined {
  const clean = toHalfWidth(text)
    .trim()
    .replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '');
  const match =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(clean) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(clean);
  if (!match) return undefined;
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/**
 * A local date with an optional time (`2026-11-02 09:40`, `2026/11/2 9:40:15`) in the hub's zone →
 * the instant; a date alone is local midnight. Undefined for anything {@link parseDate} refuses.
 */
export function parseDateTime(text: string, timeZone: string): Date | undefined {
  const clean = toHalfWidth(text).trim();
  const time = /\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(clean);
  const date = parseDate(time ? clean.slice(0, time.index) : clean);
  if (!date) return undefined;
  const [, h = '0', m = '0', sec = '0'] = time ?? [];
  if (Number(h) > 23 || Number(m) > 59 || Number(sec) > 59) return undefined;
  const at = fromLocal(date, Number(h) * 60 + Number(m), timeZone);
  return new Date(at.getTime() + Number(sec) * 1000);
}

/** Text from an uploaded file without NUL and other control characters (the store refuses `\0`, DESIGN §5a). */
export function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** Runs `task` over `items` with at most `limit` at a time (database round trips of an import). */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
