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

/** A register row's cells, in SUBSIDY_HEADER's order; what a test leaves out is a plain grain payment in 北庄村. */
export interface RegisterFields {
  name: string;
  id: SheetCell;
  phone: SheetCell;
  village?: string;
  year?: number;
  kind?: string;
  batch?: string;
  amount?: SheetCell;
  paid?: SheetCell;
  account?: SheetCell;
  bank?: SheetCell;
}

export function registerRow(f: RegisterFields): SheetCell[] {
  return [
    f.name,
    f.id,
    f.phone,
    '口头镇',
    f.village ?? '北庄村',
    f.year ?? 2025,
    f.kind ?? '粮食直补',
    f.batch ?? '1',
    f.amount ?? 900,
    f.paid ?? excelDate(2025, 5, 20),
    '已发放',
    f.account ?? null,
    f.bank ?? null,
  ];
}

/** An application case's cells, in APPLICATION_HEADER's order; the step times a test leaves out are empty. */
export interface CaseFields {
  caseNo: string;
  code: SheetCell;
  matter: string;
  applicant: string;
  phone: SheetCell;
  dept: string;
  status: string;
  due: SheetCell;
  result?: string;
  accepted: SheetCell;
  reviewed?: SheetCell;
  decided?: SheetCell;
  closed?: SheetCell;
}

export function applicationRow(f: CaseFields): SheetCell[] {
  return [
    f.caseNo,
    f.code,
    f.matter,
    f.applicant,
    f.phone,
    f.dept,
    f.status,
    f.due,
    f.result ?? null,
    f.accepted,
    f.reviewed ?? null,
    f.decided ?? null,
    f.closed ?? null,
  ];
}

/**
 * Three good households (an empty row between the first two): a text ID, a landline, a formula
 * amount, a phone typed as a number, a date with a time.
 */
export const GOOD_REGISTER_ROWS: SheetRow[] = [
  registerRow({
    name: '刘振华',
    id: '130125196001011238',
    phone: '13903120001',
    village: '东庄村',
    amount: 1023.5,
    account: '6217000011112201',
    bank: '行唐县农村信用社',
  }),
  null,
  registerRow({
    name: '陈玉兰',
    id: '130125196503152348',
    phone: '0311-82661234',
    village: '东庄村',
    year: 2026,
    kind: '低保',
    batch: '2026-10',
    amount: { formula: '310*2', result: 620 },
    paid: '2026/10/10',
    account: '6217000011112202',
  }),
  registerRow({
    name: '孙立军',
    id: '13012519480808456X',
    phone: { value: 13903120003, numFmt: '0' },
    village: '西庄村',
    year: 2026,
    kind: '五保',
    batch: '2026-H2',
    amount: 4500,
    paid: excelDate(2026, 7, 8, 9, 40),
  }),
];

/** A register without the 身份证号 column: the header and one row, for the "missing column" refusal. */
export function registerWithoutIdColumn(): { header: string[]; rows: SheetRow[] } {
  const row = registerRow({ name: '刘振华', id: null, phone: '13903120001', village: '东庄村' });
  return {
    header: SUBSIDY_HEADER.filter((name) => name !== '身份证号'),
    rows: [row.filter((_, i) => i !== SUBSIDY_HEADER.indexOf('身份证号'))],
  };
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
    rows.push(registerRow({ name: '张农户', id, phone, village: '东庄村', amount: 800 + (i % 50) }));
  }
  return rows;
}
