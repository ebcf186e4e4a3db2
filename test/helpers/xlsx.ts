import ExcelJS from 'exceljs';
import { residentIdCheckChar } from '../../src/privacy/resident-id.js';

/**
 * Builds XLSX registers for the import tests with exceljs, as Excel would save them: text cells
 * (IDs with leading zeros, typed after formatting the column as text), numbers, dates, formulas
 * with their saved results. A cell given as `{ value, numFmt }` gets that number format.
 */

export type SheetCell = ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string };
/** A row: its cells, or `null` for an empty row (skipped by the reader, still numbered by the sheet). */
export type SheetRow = SheetCell[] | null;

export const SUBSIDY_HEADER = [
  '户主姓名',
  '身份证号',
  '联系电话',
  '乡镇',
  '村',
  '年度',
  '补贴类型',
  '批次',
  '金额(元)',
  '发放日期',
  '状态',
  '银行账号',
  '开户行',
];

export const APPLICATION_HEADER = [
  '办件编号',
  '查询码',
  '事项名称',
  '申请人',
  '联系电话',
  '部门编码',
  '状态',
  '承诺办结日期',
  '办理结果',
  '受理时间',
  '审查时间',
  '决定时间',
  '办结时间',
];

/** A workbook whose first sheet is `header` + `rows`; `more` adds later sheets (ignored by the import). */
export async function xlsx(
  header: string[],
  rows: SheetRow[],
  options: { more?: SheetRow[][]; date1904?: boolean } = {},
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  if (options.date1904) workbook.properties.date1904 = true;
  fill(workbook.addWorksheet('花名册'), [header, ...rows]);
  for (const [i, sheet] of (options.more ?? []).entries()) fill(workbook.addWorksheet(`其他${i + 1}`), sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function fill(sheet: ExcelJS.Worksheet, rows: SheetRow[]): void {
  rows.forEach((cells, i) => {
    if (!cells) return;
    const row = sheet.getRow(i + 1);
    cells.forEach((value, j) => {
      const cell = row.getCell(j + 1);
      if (value !== null && typeof value === 'object' && 'numFmt' in value) {
        cell.value = value.value;
        cell.numFmt = value.numFmt;
      } else {
        cell.value = value;
      }
    });
    row.commit();
  });
}

/** The wall-clock date (and time) a clerk types into Excel: exceljs stores Dates by their UTC fields. */
export function excelDate(y: number, m: number, d: number, h = 0, min = 0): Date {
  return new Date(Date.UTC(y, m - 1, d, h, min));
}

/**
 * `count` valid register rows (one household and one grain payment each), IDs made up with a
 * correct check character: for imports long enough to watch (progress, a second import refused,
 * a worker killed while it writes).
 */
export function registerRows(count: number, from = 0): SheetCell[][] {
  const rows: SheetCell[][] = [];
  for (let i = from; i < from + count; i++) {
    const birth = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const first17 = `130125${birth}${String(100 + (i % 900)).padStart(3, '0')}`;
    const id = first17 + residentIdCheckChar(first17);
    const phone = `139${String(10_000_000 + i).padStart(8, '0')}`;
    rows.push([
      '张农户',
      id,
      phone,
      '口头镇',
      '东庄村',
      2025,
      '粮食直补',
      '1',
      800 + (i % 50),
      excelDate(2025, 5, 20),
      '已发放',
      null,
      null,
    ]);
  }
  return rows;
}
