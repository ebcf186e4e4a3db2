import { CsvReadError, readCsv, type CsvEncoding, type SheetTable } from './csv-read.js';
import { IMPORT_LIMITS, type ImportLimits } from './import-limits.js';
import { readXlsx, TableReadError } from './xlsx-read.js';

/**
 * A register file of either format, read into the one table shape every import validates. The
 * format is told by the bytes, not by a name or a MIME type a browser guessed (Windows labels a
 * `.csv` as `application/vnd.ms-excel` when Excel is installed).
 */

export type ImportFormat = 'csv' | 'xlsx';

/** The outcome of reading: the table, or why the file cannot be imported at all (with the line, if known). */
export type TableRead =
  | { ok: true; format: ImportFormat; encoding?: CsvEncoding; table: SheetTable }
  | { ok: false; format: ImportFormat; message: string; line?: number };

/** `xlsx` for a ZIP archive, `xls` for Excel 97–2003's binary format (refused), else `csv`. */
export function detectFormat(bytes: Uint8Array): ImportFormat | 'xls' {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'xlsx';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'xls';
  return 'csv';
}

export async function readTable(
  bytes: Uint8Array,
  options: { encoding?: CsvEncoding | 'auto'; limits?: ImportLimits } = {},
): Promise<TableRead> {
  const limits = options.limits ?? IMPORT_LIMITS;
  const format = detectFormat(bytes);
  if (format === 'xls') {
    return {
      ok: false,
      format: 'xlsx',
      message: 'an Excel 97–2003 (.xls) file: save it as .xlsx or as CSV UTF-8 and import that',
    };
  }
  if (format === 'csv') return readCsvTable(bytes, options.encoding, limits.maxRows);
  try {
    return { ok: true, format, table: await readXlsx(bytes, limits) };
  } catch (error) {
    if (!(error instanceof TableReadError)) throw error;
    return {
      ok: false,
      format,
      message: error.message,
      ...(error.line === undefined ? {} : { line: error.line }),
    };
  }
}

/** CSV, synchronously (the CLI and the pure checks); `maxRows` undefined: no limit. */
export function readCsvTable(
  bytes: Uint8Array,
  encoding: CsvEncoding | 'auto' = 'auto',
  maxRows?: number,
): TableRead {
  try {
    const table = readCsv(bytes, encoding);
    if (maxRows !== undefined && table.rows.length > maxRows) {
      const line = table.rows[maxRows]?.row;
      return {
        ok: false,
        format: 'csv',
        message: `more than ${maxRows} rows: split the register (by township)`,
        line,
      };
    }
    return { ok: true, format: 'csv', encoding: table.encoding, table };
  } catch (error) {
    if (!(error instanceof CsvReadError)) throw error;
    const line = error.line === undefined ? {} : { line: error.line };
    return { ok: false, format: 'csv', message: `not a readable CSV file: ${error.message}`, ...line };
  }
}
