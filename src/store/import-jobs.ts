import { Schema, type Connection, type Model } from 'mongoose';
import type { RowProblem } from '../subsidies/import-common.js';
import type { ImportCounts, ImportReport } from '../subsidies/import-report.js';
import type { Actor } from '../tickets/types.js';
import { toBuffer } from './binary.js';
import { insertUnlessTaken } from './errors.js';
import { collectionOf, readPage, type ListOrder, type Page, type PageRequest } from './paging.js';

/**
 * Register imports started through the API (`POST /api/v1/imports`), each run by one BullMQ job.
 *
 * Three collections, every read by `_id` but the list of imports (by `createdAt`, paged): `imports` (the record: what, by whom, status, progress,
 * the report without its problem list), `import_files` (the uploaded file, sealed, `_id` = import
 * id; deleted when the import has finished — it holds plain ID numbers) and `import_problems`
 * (the report's problems in chunks of {@link PROBLEM_CHUNK}, `_id` = `<import>.<n>`, so a report of
 * 50,000 bad rows never nears the document size limit). The route inserts the record; after that
 * only the import's job writes it (one writer per document, DESIGN §5a).
 */

export type ImportKind = 'subsidies' | 'applications';
/** `validate`: nothing written; `all-or-nothing`: written only when every row is valid; `valid-rows`: valid rows written. */
export type ImportJobMode = 'validate' | 'all-or-nothing' | 'valid-rows';
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
export type ImportPhase = 'queued' | 'reading' | 'checking' | 'writing' | 'done';

/** The report as kept on the record: everything but the problems (see `problemCount`). */
export type ImportSummary = Omit<ImportReport, 'problems'>;

export interface ImportRecord {
  id: string;
  kind: ImportKind;
  mode: ImportJobMode;
  format: 'csv' | 'xlsx';
  /** The encoding asked for (`auto` unless the uploader said); what was found is in the report. */
  encoding: 'auto' | 'utf-8' | 'gb18030';
  /** The file's name as uploaded (no path): the report's and the payments' `source`. */
  source: string;
  size: number;
  sha256: string;
  status: ImportStatus;
  /** Rows of the file handled in the current phase, out of every data row of the file. */
  progress: { phase: ImportPhase; done: number; total: number };
  createdBy: Actor;
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  /**
   * When the job passed its commit point (every check done, about to write). A run that finds it
   * set resumes an interrupted write instead of deciding again (see import-job-run.ts).
   */
  writeStartedAt?: Date;
  /** What the run that passed the commit point planned to write (a resumed run finds those rows stored). */
  plannedCounts?: Record<string, ImportCounts>;
  finishedAt?: Date;
  /** Runs of the job so far (more than one after a crash or a retry). */
  runs: number;
  report?: ImportSummary;
  problemCount: number;
  problemChunks: number;
  /** Why the job gave up (status `failed`); never a stack or a cell value. */
  error?: string;
}

export const PROBLEM_CHUNK = 1000;

type ImportDoc = Omit<ImportRecord, 'id'> & { _id: string };

const ImportSchema = new Schema<ImportDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    mode: { type: String, required: true },
    format: { type: String, required: true },
    encoding: { type: String, required: true },
    source: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    status: { type: String, required: true },
    progress: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    startedAt: Date,
    writeStartedAt: Date,
    plannedCounts: Schema.Types.Mixed,
    finishedAt: Date,
    runs: { type: Number, required: true },
    report: Schema.Types.Mixed,
    problemCount: { type: Number, required: true },
    problemChunks: { type: Number, required: true },
    error: String,
  },
  { versionKey: false, collection: 'imports', minimize: false },
);
// The list of imports (admin page and API), newest first, paged by cursor.
ImportSchema.index({ createdAt: -1, _id: -1 });
const NEWEST_FIRST: ListOrder = { list: 'imports', field: 'createdAt', type: 'date', direction: -1 };

interface FileDoc {
  _id: string;
  sealed: Buffer;
  createdAt: Date;
}

const FileSchema = new Schema<FileDoc>(
  {
    _id: { type: String, required: true },
    sealed: { type: Buffer, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'import_files' },
);

interface ProblemChunkDoc {
  _id: string;
  importId: string;
  n: number;
  problems: RowProblem[];
}

const ProblemChunkSchema = new Schema<ProblemChunkDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    n: { type: Number, required: true },
    problems: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, collection: 'import_problems' },
);

export class ImportJobRepository {
  readonly model: Model<ImportDoc>;
  readonly files: Model<FileDoc>;
  readonly problemChunks: Model<ProblemChunkDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<ImportDoc>('ImportJob', ImportSchema);
    this.files = connection.model<FileDoc>('ImportFile', FileSchema);
    this.problemChunks = connection.model<ProblemChunkDoc>('ImportProblemChunk', ProblemChunkSchema);
  }

  /**
   * Keeps the sealed file, then the record (a record always has its file until it finishes). False
   * when an import with this id exists (a retried request with the same Idempotency-Key).
   */
  async create(record: ImportRecord, sealed: Buffer): Promise<boolean> {
    if (await this.findById(record.id)) return false;
    await this.files.replaceOne(
      { _id: record.id },
      { _id: record.id, sealed, createdAt: record.createdAt },
      { upsert: true },
    );
    const { id, ...rest } = record;
    return insertUnlessTaken(this.model.collection, { ...rest, _id: id });
  }

  async findById(id: string): Promise<ImportRecord | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toRecord(doc) : undefined;
  }

  /** The imports, newest first, one page at a time. */
  async list(request: PageRequest): Promise<Page<ImportRecord>> {
    const page = await readPage(collectionOf<ImportDoc>(this.model), {}, NEWEST_FIRST, request);
    const items = page.items.map(toRecord);
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /** Sets fields of the record (only the import's job calls this: one writer). */
  async update(id: string, fields: Partial<Omit<ImportRecord, 'id'>>): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: fields });
  }

  async sealedFile(id: string): Promise<Buffer | undefined> {
    const doc = await this.files.findById(id).lean();
    return doc ? toBuffer(doc.sealed) : undefined;
  }

  async deleteFile(id: string): Promise<void> {
    await this.files.deleteOne({ _id: id });
  }

  /**
   * Stores the problems (already sorted) in chunks, replacing what an earlier run stored, and
   * returns the number of chunks. Chunks of an earlier, longer list are removed (by `_id`).
   */
  async saveProblems(id: string, problems: RowProblem[], previousChunks: number): Promise<number> {
    const chunks = Math.ceil(problems.length / PROBLEM_CHUNK);
    for (let n = 0; n < chunks; n++) {
      const doc = {
        _id: `${id}.${n}`,
        importId: id,
        n,
        problems: problems.slice(n * PROBLEM_CHUNK, (n + 1) * PROBLEM_CHUNK),
      };
      await this.problemChunks.replaceOne({ _id: doc._id }, doc, { upsert: true });
    }
    for (let n = chunks; n < previousChunks; n++) await this.problemChunks.deleteOne({ _id: `${id}.${n}` });
    return chunks;
  }

  /** Problems `offset` … `offset + limit - 1` of an import's report, in report order. */
  async problems(record: ImportRecord, offset = 0, limit = Number.POSITIVE_INFINITY): Promise<RowProblem[]> {
    const end = Math.min(record.problemCount, offset + limit);
    const out: RowProblem[] = [];
    for (let n = Math.floor(offset / PROBLEM_CHUNK); n * PROBLEM_CHUNK < end; n++) {
      const doc = await this.problemChunks.findById(`${record.id}.${n}`).lean();
      if (!doc) break;
      const from = Math.max(0, offset - n * PROBLEM_CHUNK);
      const to = Math.min(doc.problems.length, end - n * PROBLEM_CHUNK);
      out.push(...doc.problems.slice(from, to));
    }
    return out;
  }
}

function toRecord(doc: ImportDoc): ImportRecord {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
