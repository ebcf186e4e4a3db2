import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { openStore } from './store/store.js';
import { importApplications } from './subsidies/import-applications.js';
import { exitCode, formatSummary, type ImportMode, type ImportReport } from './subsidies/import-report.js';
import { importSubsidies } from './subsidies/import-subsidies.js';
import type { CsvEncoding } from './subsidies/csv-read.js';
import { IMPORT_LIMITS } from './subsidies/import-limits.js';
import { detectFormat, readTable } from './subsidies/table-read.js';
import { toLocal } from './time/zoned-time.js';

/**
 * `npm run import -- subsidies|applications <file.csv|file.xlsx> [--dry-run | --all-or-nothing] [--encoding gbk]`
 *
 * A workbook (XLSX, told by its bytes) is read from its first worksheet, with the same columns.
 * Validates every row and prints the report: JSON on stdout (for scripts), a readable summary on
 * stderr. Exit 0: every row imported; 2: some rows had problems (the others were imported, unless
 * --dry-run or --all-or-nothing); 1: the file could not be imported at all (or bad arguments).
 * Connects like the hub (MONGODB_URI, or the embedded database under DATA_DIR — with the embedded
 * database, stop the hub first or point MONGODB_URI at the hub's running embedded server).
 */

const USAGE =
  'usage: npm run import -- subsidies|applications <file.csv|file.xlsx> [--dry-run | --all-or-nothing] [--encoding utf-8|gbk]';

const ENCODINGS: Record<string, CsvEncoding | 'auto'> = {
  auto: 'auto',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  gb18030: 'gb18030',
  'utf-16le': 'utf-16le',
};

function parseCommandLine(): {
  kind: string;
  file: string;
  mode: ImportMode;
  encoding: CsvEncoding | 'auto';
} {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'all-or-nothing': { type: 'boolean', default: false },
      encoding: { type: 'string', default: 'auto' },
    },
  });
  const [kind = '', file = '', ...rest] = positionals;
  const encoding = ENCODINGS[values.encoding.toLowerCase()];
  if (!['subsidies', 'applications'].includes(kind) || !file || rest.length > 0 || !encoding) {
    throw new Error(USAGE);
  }
  if (values['dry-run'] && values['all-or-nothing']) throw new Error('choose --dry-run or --all-or-nothing');
  const mode = values['dry-run'] ? 'dry-run' : values['all-or-nothing'] ? 'all-or-nothing' : 'import';
  return { kind, file, mode, encoding };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseCommandLine();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(args.file);
  } catch (error) {
    console.error(`cannot read ${args.file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const config = loadConfig();
  // stdout carries the JSON report only: the store's messages go to stderr.
  const store = await openStore(config, {
    info: (m) => {
      console.error(m);
    },
    warn: (m) => {
      console.error(m);
    },
  });
  let report: ImportReport;
  try {
    // No row limit here: the limits protect the HTTP process (see import-limits.ts), not a one-off run.
    const table =
      detectFormat(bytes) === 'csv'
        ? undefined
        : await readTable(bytes, { limits: { ...IMPORT_LIMITS, maxRows: Number.POSITIVE_INFINITY } });
    const input = {
      bytes,
      table,
      source: path.basename(args.file),
      mode: args.mode,
      encoding: args.encoding,
      today: toLocal(new Date(), config.timezone).date,
    };
    if (args.kind === 'subsidies') report = await importSubsidies(store.subsidies, input);
    else {
      const departments = new Set((await store.departments.list()).map((d) => d.code));
      report = await importApplications(store.applications, {
        ...input,
        departments,
        timeZone: config.timezone,
      });
    }
  } finally {
    await store.close();
  }
  console.log(JSON.stringify(report, null, 2));
  console.error(formatSummary(report));
  return exitCode(report);
}

process.exitCode = await main();
