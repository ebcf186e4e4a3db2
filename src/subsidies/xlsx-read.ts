import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { normaliseHeader, type CsvRow, type SheetTable } from './csv-read.js';
import type { ImportLimits } from './import-limits.js';
import { cellText } from './xlsx-cell.js';
import { workbookFacts, type WorkbookFacts } from './xlsx-workbook.js';
import { entryData, readZipEntry, zipEntries, type ZipEntry } from './zip-entries.js';

/**
 * Reads a register saved as XLSX: the first worksheet (as the tabs are ordered), its first row the
 * column names — the same names the CSV import accepts — and every non-empty row after it, numbered
 * as the sheet numbers them (the header is row 1), cells turned into the text the CSV path reads
 * (see xlsx-cell.ts).
 *
 * The archive is opened through its central directory (zip-entries.ts), not by exceljs' own single
 * streaming pass: that pass intermittently loses parts it meets before the worksheet (exceljs issues
 * #683, #3064 — cells come back as `{ sharedString: n }`, or the reader throws), most often on files
 * exceljs itself wrote. So the shared strings and styles are handed to exceljs' reader first, and
 * only then the worksheet, inflated as a stream (memory stays flat whatever the sheet's size) and
 * counted (a sheet inflating beyond what its archive declared is stopped). This uses four internal
 * methods of exceljs' WorkbookReader (see {@link ReaderInternals}); the tests exercise each.
 */

export class TableReadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'TableReadError';
  }
}

type XlsxLimits = Pick<ImportLimits, 'maxRows' | 'maxXlsxSharedStringsBytes' | 'maxXlsxInflatedBytes'>;

/** exceljs' WorkbookReader parts we drive ourselves (its `parse()` is the unreliable single pass). */
interface ReaderInternals {
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<Buffer>,
    sheetNo: string,
  ): Iterable<{ eventType: string; value: unknown }>;
}

const STYLES_MAX_BYTES = 16 * 1024 * 1024;

/** The first worksheet as a table; throws {@link TableReadError} for a file that is not a usable workbook. */
export async function readXlsx(bytes: Uint8Array, limits: XlsxLimits): Promise<SheetTable> {
  const { entries, facts } = checkArchive(bytes, limits);
  const part = (name: string) => entries.find((entry) => entry.name === name);
  const sheetEntry = part(facts.firstSheetPart);
  const sheetData = sheetEntry && entryData(bytes, sheetEntry);
  if (!sheetEntry || !sheetData)
    throw new TableReadError('not an Excel workbook (its first worksheet cannot be read)');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  }) as unknown as ReaderInternals;
  // What the worksheet reader looks up on its workbook: the sheet list (names, unused here) and the date system.
  Object.assign(reader, { model: { sheets: [] }, properties: { model: { date1904: facts.date1904 } } });
  try {
    const strings = part('xl/sharedStrings.xml');
    if (strings) {
      const text = readZipEntry(bytes, strings, limits.maxXlsxSharedStringsBytes);
      if (!text) throw new TableReadError('not a readable XLSX workbook (its shared strings cannot be read)');
      for await (const _ of reader._parseSharedStrings(Readable.from([text])));
    }
    const styles = part('xl/styles.xml');
    const styleText = styles && readZipEntry(bytes, styles, STYLES_MAX_BYTES);
    if (styleText) await reader._parseStyles(Readable.from([styleText]));
    const chunks = capped(inflated(sheetData, sheetEntry.method), limits.maxXlsxInflatedBytes);
    for (const { eventType, value } of reader._parseWorksheet(chunks, sheetNumber(facts.firstSheetPart))) {
      if (eventType === 'worksheet')
        return await readSheet(value as SheetReader, facts.date1904, limits.maxRows);
    }
  } catch (error) {
    if (error instanceof TableReadError) throw error;
    throw new TableReadError(
      `not a readable XLSX workbook (${error instanceof Error ? error.message : 'unknown'})`,
    );
  }
  throw new TableReadError('the workbook has no worksheet');
}

function checkArchive(bytes: Uint8Array, limits: XlsxLimits): { entries: ZipEntry[]; facts: WorkbookFacts } {
  const entries = zipEntries(bytes);
  if (!entries) throw new TableReadError('not an XLSX file (an .xlsx workbook is a ZIP archive)');
  if (!entries.some((entry) => entry.name === 'xl/workbook.xml')) {
    throw new TableReadError('not an Excel workbook (the archive has no xl/workbook.xml)');
  }
  const strings = entries.find((entry) => entry.name === 'xl/sharedStrings.xml')?.size ?? 0;
  const total = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (strings > limits.maxXlsxSharedStringsBytes || total > limits.maxXlsxInflatedBytes) {
    throw tooLarge(total);
  }
  const facts = workbookFacts(bytes, entries);
  if (!facts) throw new TableReadError('not an Excel workbook (its list of worksheets cannot be read)');
  return { entries, facts };
}

function tooLarge(bytes: number): TableReadError {
  const mib = Math.round(bytes / 1024 / 1024);
  return new TableReadError(
    `the workbook inflates to ${mib} MiB, more than an import takes: split the register`,
  );
}

function sheetNumber(part: string): string {
  // exceljs names its worksheet readers by this number; any part name works for reading.
  return /sheet(\d+)\.xml$/.exec(part)?.[1] ?? '1';
}

function inflated(data: Uint8Array, method: number): AsyncIterable<Buffer> {
  const stored = Readable.from([Buffer.from(data)]);
  return method === 8 ? stored.pipe(createInflateRaw()) : stored;
}

/** The chunks, stopped once more than `max` bytes came out: declared sizes may lie. */
async function* capped(chunks: AsyncIterable<Buffer>, max: number): AsyncIterable<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > max) throw tooLarge(total);
    yield chunk;
  }
}

type SheetReader = AsyncIterable<ExcelJS.Row>;

async function readSheet(worksheet: SheetReader, d1904: boolean, maxRows: number): Promise<SheetTable> {
  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  for await (const row of worksheet) {
    if (!header) {
      header = headerOf(row);
      continue;
    }
    const read = rowOf(row, header.length, d1904);
    if (!read) continue;
    if (rows.length === maxRows) {
      throw new TableReadError(`more than ${maxRows} rows: split the register (by township)`, row.number);
    }
    rows.push(read);
  }
  if (!header) throw new TableReadError('the first worksheet is empty', 1);
  return { header, rows };
}

function headerOf(row: ExcelJS.Row): string[] {
  if (row.number !== 1) {
    throw new TableReadError('the first row of the first worksheet must hold the column names', 1);
  }
  const names: string[] = [];
  for (let column = 1; column <= row.cellCount; column++) {
    const cell = row.getCell(column);
    names.push(normaliseHeader(cellText(cell.value, cell.numFmt, false).text));
  }
  while (names.length > 0 && names.at(-1) === '') names.pop();
  if (names.length === 0) {
    throw new TableReadError('the first row of the first worksheet must hold the column names', 1);
  }
  return names;
}

/** The row's cells under the header (cells right of it have no column name and are left out); undefined when empty. */
function rowOf(row: ExcelJS.Row, width: number, d1904: boolean): CsvRow | undefined {
  const cells: string[] = [];
  const flags: NonNullable<CsvRow['flags']> = {};
  let flagged = false;
  for (let column = 1; column <= width; column++) {
    const cell = row.getCell(column);
    const read = cellText(cell.value, cell.numFmt, d1904);
    cells.push(read.text);
    if (read.flag) {
      flags[column - 1] = read.flag;
      flagged = true;
    }
  }
  if (!flagged && cells.every((text) => text === '')) return undefined;
  return flagged ? { row: row.number, cells, flags } : { row: row.number, cells };
}
