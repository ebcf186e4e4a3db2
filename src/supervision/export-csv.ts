import { localMinute } from '../time/local-format.js';
import type { CellValue, ExportColumn, ExportTable } from './export-lists.js';

/**
 * A table as CSV that Excel (and WPS) open correctly: UTF-8 with a byte-order mark (without it
 * Excel on Chinese Windows reads GBK and the Chinese is garbled), CRLF line ends, RFC 4180 quoting,
 * and text that a spreadsheet would run as a formula neutralised.
 */

const BOM = '\uFEFF';

/**
 * CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
 * a spreadsheet (`=HYPERLINK(…)`, `=cmd|…`); a leading `'` makes it text. Only text cells are
 * touched: our numbers and times are ours, and a `'` would turn them into text.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field with a comma, quote or line break (quotes doubled), or edge whitespace. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(value: CellValue, column: ExportColumn, timeZone: string): string {
  if (value === null) return '';
  if (value instanceof Date) return localMinute(value, timeZone);
  if (typeof value === 'number') return String(value);
  return csvField(column.type === 'text' ? neutralise(value) : value);
}

export function toCsv(table: ExportTable): Buffer {
  const lines = [
    table.columns.map((c) => csvField(neutralise(c.header))).join(','),
    ...table.rows.map((row) =>
      table.columns.map((column, i) => cell(row[i] ?? null, column, table.timeZone)).join(','),
    ),
  ];
  return Buffer.from(`${BOM}${lines.join('\r\n')}\r\n`, 'utf8');
}
