import type { CsvEncoding, SheetTable } from './csv-read.js';
import { mapColumns, type ColumnAliases, type ColumnIndex, type RowProblem } from './import-common.js';
import { readCsvTable, type ImportFormat, type TableRead } from './table-read.js';

/**
 * The validation report of a register import: JSON for scripts (stdout of `npm run import`) and a
 * readable summary for the clerk. It never contains an ID number, phone or account: rows and columns
 * say where to look in the file.
 */

/**
 * - `import`: valid rows are written, rows with problems are reported and left out;
 * - `dry-run`: nothing is written, the report says what would be;
 * - `all-or-nothing`: nothing is written when any row has a problem.
 */
export type ImportMode = 'import' | 'dry-run' | 'all-or-nothing';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  kind: 'subsidies' | 'applications';
  /** The file's base name (also kept as each record's `source`). */
  source: string;
  /** `xlsx` for a workbook; absent (older reports) or `csv` for CSV. */
  format?: ImportFormat;
  encoding?: string;
  mode: ImportMode;
  /** Whether anything was written (false for a dry run, a fatal error or all-or-nothing with problems). */
  written: boolean;
  /** Data rows read (blank lines not counted). */
  rows: number;
  /** Rows that passed every check (written when `written`). */
  validRows: number;
  invalidRows: number;
  /** Field (a problem's `column`) → the header it was read from in this file, e.g. idNumber → 身份证号. */
  columns: Record<string, string>;
  /** Header names that map to no field (left out, reported so a misspelt column is noticed). */
  ignoredColumns: string[];
  /** Per record kind (`households`, `payments`, `applications`): what was, or would be, done. */
  counts: Record<string, ImportCounts>;
  /** Sorted by row. */
  problems: RowProblem[];
  /** A problem with the whole file (unreadable, required columns missing): nothing was read further. */
  fatal?: { message: string; line?: number };
}

export function emptyReport(kind: ImportReport['kind'], source: string, mode: ImportMode): ImportReport {
  return {
    kind,
    source,
    mode,
    written: false,
    rows: 0,
    validRows: 0,
    invalidRows: 0,
    columns: {},
    ignoredColumns: [],
    counts: {},
    problems: [],
  };
}

/** Where an import is while it talks to the store: rows checked against it, rows written. */
export interface ImportProgress {
  phase: 'checking' | 'writing';
  done: number;
  total: number;
}

/** What a caller (the import job) may hook into; the CLI uses none. */
export interface ImportHooks {
  /** Called often (per household or case): keep it cheap and synchronous. */
  onProgress?: (progress: ImportProgress) => void;
  /** Awaited once, after every check and before the first write: the commit point of the import. */
  beforeWrite?: (report: ImportReport) => Promise<void>;
}

export const zeroCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 });

/** Exit status of the CLI: 0 clean, 2 rows with problems (see `written`), 1 the file could not be imported. */
export function exitCode(report: ImportReport): number {
  if (report.fatal) return 1;
  return report.problems.length > 0 ? 2 : 0;
}

/** Lines for a person: totals, then one line per problem under the file's own column names (`row 7 [身份证号] id-check-digit: …`). */
export function formatSummary(report: ImportReport): string {
  const lines = [`${report.kind} import of ${report.source} (${report.mode}${encodingNote(report)})`];
  if (report.fatal) {
    lines.push(`FAILED${report.fatal.line ? ` at line ${report.fatal.line}` : ''}: ${report.fatal.message}`);
    return lines.join('\n');
  }
  lines.push(`rows: ${report.rows}, valid: ${report.validRows}, with problems: ${report.invalidRows}`);
  const verb = report.written ? '' : ' (not written)';
  for (const [name, c] of Object.entries(report.counts)) {
    lines.push(`${name}${verb}: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`);
  }
  if (report.ignoredColumns.length > 0) lines.push(`ignored columns: ${report.ignoredColumns.join(', ')}`);
  if (!report.written && report.mode === 'all-or-nothing' && report.problems.length > 0) {
    lines.push('nothing was written: fix the rows below and import the file again');
  }
  for (const p of report.problems) {
    const column = p.column ? ` [${report.columns[p.column] ?? p.column}]` : '';
    lines.push(`  row ${p.row}${column} ${p.code}: ${p.message}`);
  }
  return lines.join('\n');
}

function encodingNote(report: ImportReport): string {
  if (report.format === 'xlsx') return ', xlsx';
  return report.encoding ? `, ${report.encoding}` : '';
}

/** Records the problems in row order (then column) and counts the rows they touch. */
export function setProblems(report: ImportReport, problems: RowProblem[]): void {
  // Plain code-unit order of the column: the same on every machine, whatever its locale.
  const byColumn = (a: RowProblem, b: RowProblem) => {
    const [x, y] = [a.column ?? '', b.column ?? ''];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  report.problems = [...problems].sort((a, b) => a.row - b.row || byColumn(a, b));
  report.invalidRows = new Set(problems.map((p) => p.row)).size;
  report.validRows = report.rows - report.invalidRows;
}

/**
 * The first step of every import: reads the file (or takes the table already read: an XLSX, a CSV
 * read with the API's limits) and maps its header onto our fields. An unreadable file, a missing required column (`extraMissing`: fields the caller requires in its own way) or a
 * column given twice is recorded as the report's fatal problem, and nothing is returned.
 */
export function openTable<F extends string>(
  file: { bytes: Uint8Array; encoding?: CsvEncoding | 'auto'; table?: TableRead },
  report: ImportReport,
  columnsOf: {
    aliases: ColumnAliases<F>;
    required: readonly F[];
    extraMissing?: (index: ColumnIndex<F>) => F[];
  },
): { table: SheetTable; index: ColumnIndex<F> } | undefined {
  const read = file.table ?? readCsvTable(file.bytes, file.encoding ?? 'auto');
  if (read.format === 'xlsx') report.format = 'xlsx';
  if (!read.ok) {
    report.fatal = { message: read.message, ...(read.line === undefined ? {} : { line: read.line }) };
    return undefined;
  }
  const { table } = read;
  if (read.encoding) report.encoding = read.encoding;
  report.rows = table.rows.length;
  const columns = mapColumns<F>(table.header, columnsOf.aliases, columnsOf.required);
  report.ignoredColumns = columns.ignored;
  report.columns = columns.names;
  const missing = [...columns.missing, ...(columnsOf.extraMissing?.(columns.index) ?? [])];
  if (missing.length > 0 || columns.duplicated.length > 0) {
    const names = missing.map((field) => columnsOf.aliases[field][0] ?? field);
    report.fatal = {
      line: 1,
      message: [
        names.length > 0 ? `missing columns: ${names.join(', ')}` : '',
        columns.duplicated.length > 0 ? `columns given twice: ${columns.duplicated.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
    return undefined;
  }
  return { table, index: columns.index };
}
