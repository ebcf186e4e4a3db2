import { CsvError, parse } from 'csv-parse/sync';
import { toHalfWidth } from '../text/width.js';

/**
 * Reads a register exported from a spreadsheet: UTF-8 with or without a BOM (what Excel writes as
 * "CSV UTF-8"), UTF-16 with a BOM, or GB18030/GBK (what Excel on a Chinese Windows writes as plain
 * "CSV"); comma- or tab-separated. Rows keep the line of the file they start on (the header is line
 * 1), which is the row number a clerk sees in the spreadsheet unless a cell spans lines.
 */

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'gb18030';

export interface CsvRow {
  /** Line of the file the record starts on (an XLSX row: its number in the sheet). */
  row: number;
  /** The cells in header order, trimmed. */
  cells: string[];
  /** Cells whose text cannot be trusted as read (XLSX only), by cell index: see {@link CellFlag}. */
  flags?: Partial<Record<number, CellFlag>>;
}

/**
 * Why a spreadsheet cell's text cannot be trusted: `long-number` — a number of 16 digits or more
 * (Excel keeps 15 significant digits, so an ID or account typed as a number has lost its tail);
 * `formula-error` — an error value (#N/A, #VALUE! …); `formula-no-result` — a formula whose result
 * was never saved (a file written by a program, not by Excel).
 */
export type CellFlag = 'long-number' | 'formula-error' | 'formula-no-result';

/** A register read from any format: the header and the non-empty rows. */
export interface SheetTable {
  /** Normalised header names (see {@link normaliseHeader}). */
  header: string[];
  rows: CsvRow[];
}

export interface CsvTable extends SheetTable {
  encoding: CsvEncoding;
}

export class CsvReadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvReadError';
  }
}

/** Text of the file: the BOM decides, else valid UTF-8 is UTF-8, else GB18030 (a superset of GBK). */
export function decodeCsv(
  bytes: Uint8Array,
  encoding: CsvEncoding | 'auto' = 'auto',
): { text: string; encoding: CsvEncoding } {
  const chosen = encoding === 'auto' ? sniff(bytes) : encoding;
  // The BOM is dropped by TextDecoder (ignoreBOM: false) for UTF-8 and UTF-16.
  return { text: new TextDecoder(chosen).decode(bytes), encoding: chosen };
}

function sniff(bytes: Uint8Array): CsvEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** `金额（元）` / ` Amount_Yuan ` → `金额(元)` / `amount_yuan`: half-width, lower case, no spaces. */
export function normaliseHeader(name: string): string {
  return toHalfWidth(name).replace(/\s+/g, '').toLowerCase();
}

/** Parses decoded text; a malformed file (an unclosed quote …) throws {@link CsvReadError} with its line. */
export function readCsv(bytes: Uint8Array, encoding: CsvEncoding | 'auto' = 'auto'): CsvTable {
  const decoded = decodeCsv(bytes, encoding);
  const firstLine = decoded.text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decoded.text, {
      delimiter,
      info: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // With `info`, each record comes as { record, info } (the typings do not know).
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      throw new CsvReadError(error.message, (error as CsvError & { lines?: number }).lines);
    }
    throw error;
  }
  const [head, ...body] = records;
  if (!head) throw new CsvReadError('the file is empty');
  return {
    encoding: decoded.encoding,
    header: head.record.map(normaliseHeader),
    rows: startLines(body).filter(({ cells }) => cells.some((cell) => cell !== '')),
  };
}

/**
 * The line each record starts on. csv-parse reports the line a record ends on, and counts a CRLF
 * inside a quoted cell as two lines (for that record and every later one): both are undone here.
 */
function startLines(records: { record: string[]; info: { lines: number } }[]): CsvRow[] {
  let overcount = 0;
  return records.map(({ record, info }) => {
    let breaks = 0;
    for (const cell of record) {
      breaks += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
      overcount += cell.match(/\r\n/g)?.length ?? 0;
    }
    // Trimmed only now: a line break at the edge of a quoted cell still counts.
    return { row: info.lines - overcount - breaks, cells: record.map((cell) => cell.trim()) };
  });
}
