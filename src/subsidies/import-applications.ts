import type { ApplicationRepository } from '../store/applications.js';
import { APPLICATION_COLUMNS, APPLICATION_REQUIRED, validateApplicationRow } from './application-rows.js';
import type { CsvEncoding } from './csv-read.js';
import { flaggedCells, forEachLimit, withFlagged, type RowProblem } from './import-common.js';
import {
  emptyReport,
  openTable,
  setProblems,
  zeroCounts,
  type ImportHooks,
  type ImportMode,
  type ImportReport,
} from './import-report.js';
import type { TableRead } from './table-read.js';
import type { ApplicationCase } from './types.js';

/**
 * Use-case: import an application-case export (办件台账) from CSV. Cases are upserted by number: a
 * later export of the same case (more steps, a result) updates it; one whose query code, item or
 * applicant differs from the stored case is a conflict (a number reused for another case) and is
 * left alone. The same number twice in one file: identical repeats are dropped, differing ones
 * rejected. Re-running a file writes nothing.
 */

export interface ImportApplicationsInput extends ImportHooks {
  bytes: Uint8Array;
  /** The file already read (an XLSX, or a CSV read with limits): `bytes` and `encoding` are then unused. */
  table?: TableRead;
  source: string;
  mode: ImportMode;
  encoding?: CsvEncoding | 'auto';
  /** Department codes that exist. */
  departments: ReadonlySet<string>;
  timeZone: string;
  now?: Date;
  concurrency?: number;
}

type Planned = { value: ApplicationCase; row: number; action: 'created' | 'updated' | 'unchanged' };

export async function importApplications(
  repository: ApplicationRepository,
  input: ImportApplicationsInput,
): Promise<ImportReport> {
  const report = emptyReport('applications', input.source, input.mode);
  const parsed = parseFile(input, report);
  if (!parsed) return report;
  const planned: Planned[] = [];
  const problems = [...parsed.problems];
  let checked = 0;
  await forEachLimit(parsed.valid, input.concurrency ?? 8, async ({ value, row }) => {
    const stored = await repository.findByNumber(value.number);
    if (stored && !sameCase(stored, value)) problems.push(conflict(row));
    else
      planned.push({
        value,
        row,
        action: !stored ? 'created' : same(stored, value) ? 'unchanged' : 'updated',
      });
    input.onProgress?.({ phase: 'checking', done: ++checked, total: parsed.valid.length });
  });
  setProblems(report, problems);
  const counts = zeroCounts();
  for (const p of planned) counts[p.action]++;
  report.counts = { applications: counts };
  if (input.mode === 'import' || (input.mode === 'all-or-nothing' && problems.length === 0)) {
    await input.beforeWrite?.(report);
    let written = 0;
    await forEachLimit(planned, input.concurrency ?? 8, async (p) => {
      if (p.action !== 'unchanged') await repository.upsert(p.value);
      input.onProgress?.({ phase: 'writing', done: ++written, total: planned.length });
    });
    report.written = true;
  }
  return report;
}

function parseFile(
  input: ImportApplicationsInput,
  report: ImportReport,
): { valid: { value: ApplicationCase; row: number }[]; problems: RowProblem[] } | undefined {
  const opened = openTable(input, report, { aliases: APPLICATION_COLUMNS, required: APPLICATION_REQUIRED });
  if (!opened) return undefined;
  const { table, index } = opened;
  const context = { departments: input.departments, timeZone: input.timeZone, now: input.now ?? new Date() };
  const byNumber = new Map<string, { value: ApplicationCase; row: number }>();
  const problems: RowProblem[] = [];
  const rejected = new Set<string>();
  for (const row of table.rows) {
    const result = validateApplicationRow(row, { index, count: table.header.length }, context);
    const flagged = flaggedCells(row, index, report.columns);
    if (!result.ok || flagged.length > 0) {
      problems.push(...withFlagged(flagged, result.ok ? [] : result.problems));
      continue;
    }
    const first = byNumber.get(result.value.number);
    if (!first) byNumber.set(result.value.number, result);
    else if (same(first.value, result.value)) {
      problems.push({
        row: row.row,
        code: 'duplicate-row',
        message: `repeats row ${first.row}`,
        firstRow: first.row,
      });
    } else {
      rejected.add(result.value.number);
      const message = `the same case number differs in row ${first.row}`;
      problems.push({
        row: row.row,
        column: 'number',
        code: 'conflicting-rows',
        message,
        firstRow: first.row,
      });
      problems.push({
        row: first.row,
        column: 'number',
        code: 'conflicting-rows',
        message: `the same case number differs in row ${row.row}`,
        firstRow: row.row,
      });
    }
  }
  return { valid: [...byNumber.values()].filter((c) => !rejected.has(c.value.number)), problems };
}

/** The same case: number, query code, item and applicant agree (progress may differ). */
function sameCase(a: ApplicationCase, b: ApplicationCase): boolean {
  return a.queryCode === b.queryCode && a.item === b.item && a.applicantName === b.applicantName;
}

/** Nothing to write: every field agrees. */
function same(a: ApplicationCase, b: ApplicationCase): boolean {
  const steps = (c: ApplicationCase) =>
    JSON.stringify(c.steps.map((s) => [s.name, s.at.getTime(), s.by, s.note]));
  return (
    sameCase(a, b) &&
    a.applicantPhone === b.applicantPhone &&
    a.department === b.department &&
    a.status === b.status &&
    a.promisedDate === b.promisedDate &&
    a.result === b.result &&
    steps(a) === steps(b)
  );
}

function conflict(row: number): RowProblem {
  return {
    row,
    column: 'number',
    code: 'conflict-stored',
    message: 'a case with this number is stored with another query code, item or applicant',
  };
}
