import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { HubErrors, withDetails } from '../errors.js';
import type { ImportJobData } from '../queues/names.js';
import type { ImportJobMode, ImportKind, ImportRecord } from '../store/import-jobs.js';
import type { Store } from '../store/store.js';
import type { Actor } from '../tickets/types.js';
import { withoutControls } from './import-common.js';
import { sealFile } from './import-file-seal.js';
import { IMPORT_LIMITS } from './import-limits.js';
import { claimImportLock, QUEUED_LOCK_MS, releaseImportLock } from './import-lock.js';
import { detectFormat } from './table-read.js';

/**
 * Use-case: an admin hands in a register file to import. Checked at once (not empty, not too large,
 * not an old .xls), the one-import-at-a-time lock taken (HUB_ERR_IMPORT_BUSY otherwise), the file
 * kept sealed with the import record, the job queued (job id = import id) and the start audited.
 * Everything else — reading, every row's checks, writing — is the job's (import-job-run.ts), so the
 * request answers at once and the page follows the progress.
 */

export interface StartImportDeps {
  store: Pick<Store, 'imports' | 'audit'>;
  redis: Redis;
  queue: { add(name: string, data: ImportJobData, options: JobsOptions): Promise<unknown> };
  secret: string;
  now?: () => Date;
}

export interface StartImportInput {
  kind: ImportKind;
  mode: ImportJobMode;
  encoding: ImportRecord['encoding'];
  /** The file's name as the browser gave it (a path is cut off). */
  name?: string;
  bytes: Buffer;
  actor: Actor;
  /** A retried request with the same key gets the same import back. */
  idempotencyKey?: string;
}

/** BullMQ options of an import job: retried with backoff (a database away), kept a while for the queue monitor. */
export const IMPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export async function startImport(deps: StartImportDeps, input: StartImportInput): Promise<ImportRecord> {
  const now = deps.now?.() ?? new Date();
  const format = checkFile(input.bytes);
  const id = importIdFor(deps.secret, input.actor, input.idempotencyKey);
  const twin = await deps.store.imports.findById(id);
  if (twin) return twin;
  const lock = await claimImportLock(deps.redis, id, QUEUED_LOCK_MS);
  if (!lock.ok) throw withDetails(new HubErrors.ImportBusy(lock.holder), { importId: lock.holder });
  const record: ImportRecord = {
    id,
    kind: input.kind,
    mode: input.mode,
    format,
    encoding: input.encoding,
    source: sourceName(input.name, format),
    size: input.bytes.length,
    sha256: createHash('sha256').update(input.bytes).digest('hex'),
    status: 'queued',
    progress: { phase: 'queued', done: 0, total: 0 },
    createdBy: input.actor,
    createdAt: now,
    updatedAt: now,
    runs: 0,
    problemCount: 0,
    problemChunks: 0,
  };
  try {
    if (!(await deps.store.imports.create(record, sealFile(deps.secret, id, input.bytes)))) {
      // A twin request made it between our look-up and our insert: its import stands.
      return (await deps.store.imports.findById(id)) ?? record;
    }
    await deps.queue.add('import', { importId: id }, { ...IMPORT_JOB_OPTIONS, jobId: id });
  } catch (error) {
    // Not queued: nothing will run it, so nothing may keep other imports out.
    await releaseImportLock(deps.redis, id).catch(() => undefined);
    throw error;
  }
  await deps.store.audit.append({
    actor: input.actor,
    action: 'import_started',
    fields: [id, input.kind, input.mode],
    at: now,
  });
  return record;
}

function checkFile(bytes: Buffer): ImportRecord['format'] {
  if (bytes.length === 0)
    throw withDetails(new HubErrors.ImportFileRefused('the file is empty'), { reason: 'empty' });
  if (bytes.length > IMPORT_LIMITS.maxFileBytes) {
    const mib = IMPORT_LIMITS.maxFileBytes / 1024 / 1024;
    throw withDetails(new HubErrors.ImportFileRefused(`larger than ${mib} MiB: split the register`), {
      reason: 'too-large',
    });
  }
  const format = detectFormat(bytes);
  if (format === 'xls') {
    throw withDetails(
      new HubErrors.ImportFileRefused('an Excel 97–2003 (.xls) file: save it as .xlsx or CSV UTF-8'),
      { reason: 'xls' },
    );
  }
  return format;
}

/** Random, or derived from the actor and the Idempotency-Key (the same retried request → the same import). */
function importIdFor(secret: string, actor: Actor, key: string | undefined): string {
  const suffix = key
    ? createHmac('sha256', secret).update(`import:${actor.id}:${key}`).digest('hex').slice(0, 16)
    : randomBytes(8).toString('hex');
  return `imp-${suffix}`;
}

/** The base name, without control characters, at most 120 characters; a default when nothing is left. */
function sourceName(name: string | undefined, format: ImportRecord['format']): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = withoutControls(base).trim().slice(0, 120);
  return clean || `upload.${format}`;
}
