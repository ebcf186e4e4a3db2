import type { ImportJobMode, ImportRecord } from '../store/import-jobs.js';
import type { RowProblem } from '../subsidies/import-common.js';
import type { ImportView } from './import-schemas.js';

/** An import record (and a page of its problems) as the API shows it. */

const GUARANTEES: Record<ImportJobMode, string> = {
  validate: 'Nothing is written: every row is checked and the report says what an import would do.',
  'all-or-nothing':
    'Every row is checked (against the file and the stored records) before anything is written, and nothing is written unless every row passes. ' +
    'The database has no transactions: if the import is interrupted while writing, the rows written so far stay and the job, run again automatically, ' +
    'completes the same rows (records already stored are found unchanged and skipped); until then the import shows running / writing.',
  'valid-rows':
    'Rows that pass every check are written, rows with problems are left out and listed. ' +
    'If the import is interrupted while writing, the job, run again automatically, completes the same rows (records already stored are skipped).',
};

export function importView(
  record: ImportRecord,
  problems: readonly RowProblem[],
  jobFailed: boolean,
): ImportView {
  const report = record.report;
  const { total, done } = record.progress;
  // BullMQ gave up on a job that kept killing its worker (stalled too often) without a failure
  // event to record it by: shown as failed, which it is.
  const lost = jobFailed && (record.status === 'queued' || record.status === 'running');
  return {
    id: record.id,
    kind: record.kind,
    mode: record.mode,
    format: record.format,
    source: record.source,
    size: record.size,
    status: lost ? 'failed' : record.status,
    ...(record.status === 'done' && report
      ? { outcome: outcome(record.mode, report, record.problemCount) }
      : {}),
    progress: {
      ...record.progress,
      percent: total > 0 ? Math.floor((done * 100) / total) : record.status === 'done' ? 100 : 0,
    },
    createdBy: record.createdBy.id,
    createdAt: record.createdAt.toISOString(),
    ...(record.startedAt ? { startedAt: record.startedAt.toISOString() } : {}),
    ...(record.writeStartedAt ? { writeStartedAt: record.writeStartedAt.toISOString() } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt.toISOString() } : {}),
    runs: record.runs,
    written: report?.written ?? false,
    rows: report?.rows ?? 0,
    validRows: report?.validRows ?? 0,
    invalidRows: report?.invalidRows ?? 0,
    ...(report?.encoding ? { encoding: report.encoding } : {}),
    counts: report?.counts ?? {},
    columns: report?.columns ?? {},
    ignoredColumns: report?.ignoredColumns ?? [],
    ...(report?.fatal ? { fatal: report.fatal } : {}),
    problemCount: record.problemCount,
    problems: problems.map((p) => ({
      ...p,
      ...(p.column && report?.columns[p.column] ? { columnName: report.columns[p.column] } : {}),
    })),
    guarantee: GUARANTEES[record.mode],
    ...(record.error
      ? { error: record.error }
      : lost
        ? { error: 'the import job failed repeatedly; see the server log' }
        : {}),
  };
}

function outcome(
  mode: ImportJobMode,
  report: NonNullable<ImportRecord['report']>,
  problemCount: number,
): NonNullable<ImportView['outcome']> {
  if (report.fatal) return 'file-refused';
  if (report.written) return problemCount > 0 ? 'imported-with-problems' : 'imported';
  return mode === 'validate' ? 'validated' : 'nothing-written';
}
