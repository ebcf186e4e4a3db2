import ExcelJS from 'exceljs';
import { toLocal } from '../time/zoned-time.js';
import type { CellValue, ExportColumn, ExportTable } from './export-lists.js';

/**
 * A table as an XLSX workbook (exceljs): bold, frozen header row with a filter, the columns' widths,
 * times as real dates in China time. Text cells are stored as text (shared strings), never as
 * formulas, so nothing needs the CSV's `'` guard here and the text stays exactly as it was.
 */

const FORMATS: Partial<Record<ExportColumn['type'], string>> = {
  datetime: 'yyyy-mm-dd hh:mm',
  date: 'yyyy-mm-dd',
};

/**
 * Excel dates have no time zone: a cell shows the wall-clock time it holds. The hub's local time is
 * written as if it were UTC, so 09:40 in Beijing shows as 09:40 wherever the file is opened.
 */
export function wallClock(at: Date, timeZone: string): Date {
  const local = toLocal(at, timeZone);
  return new Date(Date.parse(`${local.date}T00:00:00Z`) + Math.round(local.minutes * 60_000));
}

function cell(value: CellValue, column: ExportColumn, timeZone: string): ExcelJS.CellValue {
  if (value === null) return null;
  if (value instanceof Date) return wallClock(value, timeZone);
  if (column.type === 'date' && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  return value;
}

export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'citizen interaction hub';
  const sheet = workbook.addWorksheet(table.title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: FORMATS[column.type] ? { numFmt: FORMATS[column.type] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  if (table.columns.length > 0) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  for (const row of table.rows) {
    sheet.addRow(table.columns.map((column, i) => cell(row[i] ?? null, column, table.timeZone)));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
