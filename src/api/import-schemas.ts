import { Type, type Static } from 'typebox';
import { literalUnion } from './schemas.js';

/** Schemas of the register import routes (`import-routes.ts`). */

export const IMPORT_KINDS = ['subsidies', 'applications'] as const;
export const IMPORT_MODES = ['validate', 'all-or-nothing', 'valid-rows'] as const;
const ENCODINGS = ['auto', 'utf-8', 'gbk', 'gb18030'] as const;

/** The media types a file may come under; the format itself is told by the bytes. */
export const IMPORT_FILE_TYPES = [
  'text/csv',
  'application/csv',
  'text/tab-separated-values',
  // What Windows calls a .csv when Excel is installed (and .xls, which is refused with a reason).
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

export const StartImportQuery = Type.Object(
  {
    kind: literalUnion(IMPORT_KINDS, {
      description: 'subsidy households and payments, or application cases',
    }),
    mode: literalUnion(IMPORT_MODES, {
      default: 'all-or-nothing',
      description:
        'validate: write nothing; all-or-nothing (default): write only when every row is valid; valid-rows: write the valid rows, report the others',
    }),
    encoding: literalUnion(ENCODINGS, {
      default: 'auto',
      description: 'CSV only; auto tells UTF-8 from GBK',
    }),
    name: Type.Optional(Type.String({ maxLength: 255, description: "the file's name, for the report" })),
  },
  { additionalProperties: false },
);
export type StartImportQuery = Static<typeof StartImportQuery>;

export const ImportIdParams = Type.Object({ id: Type.String({ pattern: '^imp-[0-9a-f]{16}$' }) });

export const ImportViewQuery = Type.Object(
  {
    offset: Type.Integer({ minimum: 0, default: 0, description: 'first problem to list' }),
    limit: Type.Integer({ minimum: 0, maximum: 10_000, default: 2000, description: 'problems to list' }),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() });

export const ImportProblemView = Type.Object({
  row: Type.Integer({ description: 'the row as the spreadsheet numbers it (header = 1)' }),
  column: Type.Optional(Type.String({ description: 'field code (idNumber …)' })),
  columnName: Type.Optional(Type.String({ description: 'the column as the file names it (身份证号 …)' })),
  code: Type.String(),
  message: Type.String(),
  firstRow: Type.Optional(Type.Integer()),
});

export const ImportView = Type.Object({
  id: Type.String(),
  kind: literalUnion(IMPORT_KINDS),
  mode: literalUnion(IMPORT_MODES),
  format: literalUnion(['csv', 'xlsx'] as const),
  source: Type.String(),
  size: Type.Integer(),
  status: literalUnion(['queued', 'running', 'done', 'failed'] as const),
  /** done only: what came of it. */
  outcome: Type.Optional(
    literalUnion([
      'imported',
      'imported-with-problems',
      'nothing-written',
      'validated',
      'file-refused',
    ] as const),
  ),
  progress: Type.Object({
    phase: literalUnion(['queued', 'reading', 'checking', 'writing', 'done'] as const),
    done: Type.Integer({ description: 'rows of the file handled in this phase' }),
    total: Type.Integer({ description: 'data rows of the file (0 until it is read)' }),
    percent: Type.Integer(),
  }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  writeStartedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  runs: Type.Integer({ description: 'runs of the job (more than 1: resumed after a crash or retried)' }),
  written: Type.Boolean(),
  rows: Type.Integer(),
  validRows: Type.Integer(),
  invalidRows: Type.Integer(),
  encoding: Type.Optional(Type.String()),
  counts: Type.Record(Type.String(), Counts),
  columns: Type.Record(Type.String(), Type.String()),
  ignoredColumns: Type.Array(Type.String()),
  fatal: Type.Optional(Type.Object({ message: Type.String(), line: Type.Optional(Type.Integer()) })),
  problemCount: Type.Integer(),
  problems: Type.Array(ImportProblemView),
  /** What the mode promises, in plain words (the store has no transactions). */
  guarantee: Type.String(),
  error: Type.Optional(Type.String()),
});
export type ImportView = Static<typeof ImportView>;
