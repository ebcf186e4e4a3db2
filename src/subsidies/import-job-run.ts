import type { Redis } from 'ioredis';
import type { ImportJobMode, ImportRecord, ImportSummary } from '../store/import-jobs.js';
import type { Store } from '../store/store.js';
import { toLocal } from '../time/zoned-time.js';
import { importApplications } from './import-applications.js';
import { withoutControls } from './import-common.js';
import { unsealFile } from './import-file-seal.js';
import { claimImportLock, releaseImportLock, RUN_LOCK_MS } from './import-lock.js';
import type { ImportHooks, ImportMode, ImportReport } from './import-report.js';
import { importSubsidies } from './import-subsidies.js';
import { readTable } from './table-read.js';

/**
 * Use-case of the `imports` job: run one import of a stored file (import-job-start.ts) with the
 * same use-cases as the CLI, keeping the record's progress up to date, then store the report and
 * delete the file.
 *
 * What "nothing half-imported" means here, without transactions (DESIGN §5a): every row is read,
 * validated and checked against the store before the first write, and in all-or-nothing mode
 * nothing is written unless every row passed. Writing is then many single-document writes; the
 * record notes the moment they begin (`writeStartedAt`, the commit point). If the process dies
 * after it, the rows written so far stay, the job is picked up again (BullMQ stalled-job recovery,
 * or a retry) and the new run, seeing the commit point, does not decide again: it writes every
 * valid row of the file, finding the ones already stored unchanged (records are keyed: household
 * by ID hash, payment by household × year × type × batch, case by number), so it completes exactly
 * the same rows. Until it has, the import shows `running` with phase `writing`. A crash before the
 * commit point has written nothing; the new run starts over.
 */

export interface RunImportDeps {
  store: Pick<Store, 'imports' | 'audit' | 'subsidies' | 'applications' | 'departments'>;
  redis: Redis;
  secret: string;
  timeZone: string;
  now?: () => Date;
}

export interface RunImportHooks {
  /** Each progress saved on the record is passed on (the job's own progress, for the queue monitor). */
  progress?: (progress: ImportRecord['progress']) => Promise<void>;
}

/**
 * `done`: finished now; `finished`: it had finished before (a repeated job); `busy`: another import
 * holds the lock, try later; `unknown`: no such import.
 */
export type RunOutcome = 'done' | 'finished' | 'busy' | 'unknown';

const MODES: Record<ImportJobMode, ImportMode> = {
  validate: 'dry-run',
  'all-or-nothing': 'all-or-nothing',
  'valid-rows': 'import',
};

/** How often progress is written to the record (a write per row would slow the import down). */
const PROGRESS_EVERY_MS = 500;

export async function runImport(
  deps: RunImportDeps,
  importId: string,
  hooks: RunImportHooks = {},
): Promise<RunOutcome> {
  const now = () => deps.now?.() ?? new Date();
  const record = await deps.store.imports.findById(importId);
  if (!record) return 'unknown';
  if (record.status === 'done' || record.status === 'failed') {
    // A run that died between its last steps: finish them (both are no-ops otherwise).
    await releaseImportLock(deps.redis, importId);
    await deps.store.imports.deleteFile(importId);
    return 'finished';
  }
  if (!(await claimImportLock(deps.redis, importId, RUN_LOCK_MS)).ok) return 'busy';
  const keeper = keepLock(deps.redis, importId);
  let progress: ReturnType<typeof progressWriter> | undefined;
  try {
    const started = now();
    await deps.store.imports.update(importId, {
      status: 'running',
      startedAt: record.startedAt ?? started,
      runs: record.runs + 1,
      progress: { phase: 'reading', done: 0, total: 0 },
      updatedAt: started,
    });
    const sealed = await deps.store.imports.sealedFile(importId);
    const bytes = sealed && unsealFile(deps.secret, importId, sealed);
    if (!bytes) {
      await failImport(deps, importId, 'the uploaded file is no longer readable; upload it again');
      return 'done';
    }
    const table = await readTable(bytes, { encoding: record.encoding });
    const total = table.ok ? table.table.rows.length : 0;
    const writer = progressWriter(deps, importId, total, hooks);
    progress = writer;
    const resumed = record.writeStartedAt !== undefined;
    const input = {
      bytes,
      table,
      source: record.source,
      // After the commit point a run completes the write instead of deciding again (see above).
      mode: resumed ? 'import' : MODES[record.mode],
      today: toLocal(now(), deps.timeZone).date,
      onProgress: writer.onProgress,
      beforeWrite: async (report: ImportReport) => {
        // Another import got the lock while we checked (ours expired): its writes would make our
        // checks stale. Give up before writing; the job retries.
        if (keeper.lost()) throw new Error('the import lock was lost before writing; retrying');
        if (resumed) return;
        // One write at a time to the record: FerretDB applies updates by read-and-write-back.
        await writer.flush();
        await deps.store.imports.update(importId, {
          writeStartedAt: now(),
          plannedCounts: report.counts,
          updatedAt: now(),
        });
      },
    } satisfies Partial<ImportHooks> & Record<string, unknown>;
    const report =
      record.kind === 'subsidies'
        ? await importSubsidies(deps.store.subsidies, input)
        : await importApplications(deps.store.applications, {
            ...input,
            departments: new Set((await deps.store.departments.list()).map((d) => d.code)),
            timeZone: deps.timeZone,
          });
    await writer.flush();
    report.mode = MODES[record.mode];
    // A resumed run finds the rows the first run wrote unchanged: report what the import did.
    if (resumed && record.plannedCounts) report.counts = record.plannedCounts;
    await finish(deps, record, report, total, now());
    return 'done';
  } finally {
    keeper.stop();
    // A failed run leaves no save of its progress in flight behind it.
    await progress?.flush();
  }
}

async function finish(
  deps: RunImportDeps,
  record: ImportRecord,
  report: ImportReport,
  total: number,
  at: Date,
): Promise<void> {
  const { problems, ...summary } = report;
  const chunks = await deps.store.imports.saveProblems(record.id, problems, record.problemChunks);
  await deps.store.audit.append({
    actor: record.createdBy,
    action: 'import_finished',
    fields: [record.id, report.written ? 'written' : 'nothing-written'],
    at,
  });
  // Free before the record says done: whoever sees "done" may start the next import at once.
  await releaseImportLock(deps.redis, record.id);
  await deps.store.imports.update(record.id, {
    status: 'done',
    progress: { phase: 'done', done: total, total },
    report: clean(summary),
    problemCount: problems.length,
    problemChunks: chunks,
    finishedAt: at,
    updatedAt: at,
  });
  // Last: until the record says done, a new run may need the file.
  await deps.store.imports.deleteFile(record.id);
}

/**
 * The job gave up (retries spent, or the file is gone): recorded as failed, the file deleted, the
 * end audited and the lock freed. Nothing more is written for it; what a write phase stored before
 * stays (see the module comment), and the record says so through `writeStartedAt`.
 */
export async function failImport(
  deps: Pick<RunImportDeps, 'store' | 'redis' | 'now'>,
  importId: string,
  reason: string,
): Promise<void> {
  const record = await deps.store.imports.findById(importId);
  if (!record || record.status === 'done' || record.status === 'failed') return;
  const at = deps.now?.() ?? new Date();
  await deps.store.audit.append({
    actor: record.createdBy,
    action: 'import_finished',
    fields: [importId, 'failed'],
    at,
  });
  await releaseImportLock(deps.redis, importId);
  await deps.store.imports.update(importId, {
    status: 'failed',
    error: reason,
    finishedAt: at,
    updatedAt: at,
  });
  await deps.store.imports.deleteFile(importId);
}

/**
 * Progress of the use-case (rows of its own lists) as rows of the file: the rows it does not go
 * through in a phase (refused earlier, nothing to write) count as done. Saved at most every
 * {@link PROGRESS_EVERY_MS}, one write at a time (the job is the record's one writer).
 */
function progressWriter(deps: RunImportDeps, importId: string, total: number, hooks: RunImportHooks) {
  let latest: ImportRecord['progress'] | undefined;
  let saving: Promise<void> | undefined;
  let savedAt = 0;
  const save = async (): Promise<void> => {
    while (latest) {
      const progress = latest;
      latest = undefined;
      savedAt = Date.now();
      await deps.store.imports.update(importId, { progress, updatedAt: new Date() });
      await hooks.progress?.(progress);
    }
  };
  const start = () => {
    // A failed save is not the import's failure: the next one (or the final record) catches up.
    saving ??= save()
      .catch(() => undefined)
      .finally(() => {
        saving = undefined;
      });
  };
  return {
    onProgress: (p: { phase: 'checking' | 'writing'; done: number; total: number }) => {
      latest = { phase: p.phase, done: Math.min(total, total - p.total + p.done), total };
      if (Date.now() - savedAt >= PROGRESS_EVERY_MS || p.done === p.total) start();
    },
    /** Waits until every progress seen so far is saved (or its save has failed). */
    async flush() {
      if (latest) start();
      await saving;
    },
  };
}

/** Keeps the lock alive while the run lasts; notes when another import has taken it. */
function keepLock(redis: Redis, importId: string) {
  let lost = false;
  const timer = setInterval(() => {
    claimImportLock(redis, importId, RUN_LOCK_MS)
      .then((claim) => {
        if (!claim.ok) lost = true;
      })
      // Redis away for a moment: the next round tries again; the hold lasts RUN_LOCK_MS.
      .catch(() => undefined);
  }, RUN_LOCK_MS / 4);
  timer.unref();
  return {
    lost: () => lost,
    stop: () => {
      clearInterval(timer);
    },
  };
}

/** No NUL or control characters from the file's header in the stored summary (DESIGN §5a). */
function clean(summary: ImportSummary): ImportSummary {
  return {
    ...summary,
    ignoredColumns: summary.ignoredColumns.map(withoutControls),
    ...(summary.fatal
      ? { fatal: { ...summary.fatal, message: withoutControls(summary.fatal.message) } }
      : {}),
  };
}
