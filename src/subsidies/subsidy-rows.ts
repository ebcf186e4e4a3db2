import { parseResidentId, type ResidentIdProblem } from '../privacy/resident-id.js';
import { toHalfWidth } from '../text/width.js';
import type { CsvRow } from './csv-read.js';
import { cell, parseDate, type ColumnAliases, type ColumnIndex, type RowProblem } from './import-common.js';
import { maskAccount } from './mask.js';
import { phoneKey } from './phone-key.js';
import { parseFen, parseYuan } from './money.js';
import { SUBSIDY_TYPES, type PaymentInput, type PaymentStatus, type SubsidyType } from './types.js';

/**
 * One row of a subsidy register (发放花名册): a household and one payment to it. Validation is pure:
 * every problem of the row is reported (not just the first), with its column.
 */

export type SubsidyField =
  | 'idNumber'
  | 'headName'
  | 'phones'
  | 'township'
  | 'village'
  | 'year'
  | 'type'
  | 'batch'
  | 'amountYuan'
  | 'amountFen'
  | 'paidDate'
  | 'status'
  | 'account'
  | 'bank';

export const SUBSIDY_COLUMNS: ColumnAliases<SubsidyField> = {
  idNumber: ['身份证号', '身份证号码', '户主身份证号', '户主身份证号码', '公民身份号码', 'id_number'],
  headName: ['户主姓名', '姓名', '户主', 'head_name'],
  phones: ['联系电话', '手机号', '手机号码', '电话', 'phone', 'phones'],
  township: ['乡镇', '乡镇(街道)', 'township'],
  village: ['村', '行政村', '村(社区)', 'village'],
  year: ['年度', '年份', 'year'],
  type: ['补贴类型', '补贴项目', 'type'],
  batch: ['批次', '发放批次', 'batch'],
  amountYuan: ['金额(元)', '金额', '发放金额', '发放金额(元)', '补贴金额', 'amount_yuan'],
  amountFen: ['金额(分)', 'amount_fen'],
  paidDate: ['发放日期', '发放时间', 'paid_date'],
  status: ['状态', '发放状态', 'status'],
  account: ['银行账号', '账号', '一折通账号', '卡号', 'account'],
  bank: ['开户行', '开户银行', 'bank'],
};

export const SUBSIDY_REQUIRED: readonly SubsidyField[] = ['idNumber', 'headName', 'year', 'type'];

/** A valid row, ready to write (the plain ID number stays in memory only: the store hashes it). */
export interface SubsidyRow extends Pick<
  PaymentInput,
  'year' | 'type' | 'batch' | 'amountFen' | 'status' | 'paidDate' | 'accountMasked' | 'bank'
> {
  row: number;
  idNumber: string;
  headName: string;
  phones: string[];
  township?: string;
  village?: string;
}

const TYPE_NAMES: Record<string, SubsidyType> = {
  ...Object.fromEntries(Object.entries(SUBSIDY_TYPES).map(([code, name]) => [name, code as SubsidyType])),
  ...Object.fromEntries(Object.keys(SUBSIDY_TYPES).map((code) => [code, code as SubsidyType])),
  种粮直补: 'grain',
  粮食直接补贴: 'grain',
  农资综合补贴: 'farm-input',
  最低生活保障: 'dibao',
  最低生活保障金: 'dibao',
  五保供养: 'wubao',
  特困供养: 'wubao',
};

const STATUS_NAMES: Record<string, PaymentStatus> = {
  paid: 'paid',
  已发放: 'paid',
  已发: 'paid',
  发放成功: 'paid',
  pending: 'pending',
  待发放: 'pending',
  未发放: 'pending',
  returned: 'returned',
  已退回: 'returned',
  退回: 'returned',
  发放失败: 'returned',
};

const ID_MESSAGES: Record<ResidentIdProblem, string> = {
  format: 'ID number must be 18 characters (or 15 digits)',
  region: 'ID number has an impossible region code',
  'birth-date': 'ID number has an impossible birth date',
  'check-digit': 'ID number check character does not match (mistyped?)',
};

/** Above this a row is taken for a typo (fen typed into a yuan column …): ¥1,000,000. */
const MAX_AMOUNT_FEN = 100_000_000;

/** A field's value, or why the cell is wrong (`undefined` value: optional and empty). */
type Parsed<T> = { value: T } | { code: RowProblem['code']; message: string; column?: SubsidyField };

export interface SubsidyColumns {
  index: ColumnIndex<SubsidyField>;
  /** Cells in the header: a row with more or fewer is shifted (an unquoted `1,234.50` …). */
  count: number;
}

/**
 * Validates one row and reports every problem of it (not just the first), each with its column.
 * `today` (China date `YYYY-MM-DD`) bounds paid dates and years: nothing was paid tomorrow.
 */
export function validateSubsidyRow(
  row: CsvRow,
  columns: SubsidyColumns,
  today: string,
): { ok: true; value: SubsidyRow } | { ok: false; problems: RowProblem[] } {
  const get = (field: SubsidyField) => cell(row, columns.index, field);
  const fields = {
    idNumber: parseIdNumber(get('idNumber')),
    headName: parseName(get('headName')),
    phones: parsePhones(get('phones')),
    year: parseYear(get('year'), today),
    type: parseType(get('type')),
    batch: parseBatch(get('batch')),
    amountFen: parseAmount(get('amountYuan'), get('amountFen')),
    status: parseStatus(get('status')),
    accountMasked: parseAccount(get('account')),
  };
  const status = 'value' in fields.status ? fields.status.value : undefined;
  const paidDate = parsePaidDate(get('paidDate'), status, today);
  const problems: RowProblem[] = [];
  if (row.cells.length !== columns.count) {
    const message = `the row has ${row.cells.length} cells, the header ${columns.count} (an unquoted comma?)`;
    problems.push({ row: row.row, code: 'columns', message });
  }
  for (const [field, parsed] of Object.entries({ ...fields, paidDate })) {
    if (!('value' in parsed)) {
      problems.push({
        row: row.row,
        column: parsed.column ?? field,
        code: parsed.code,
        message: parsed.message,
      });
    }
  }
  const value = valueOf({ ...fields, paidDate });
  if (problems.length > 0 || !value) return { ok: false, problems };
  const optional = (text: string) => (text ? text : undefined);
  return {
    ok: true,
    value: {
      row: row.row,
      ...value,
      township: optional(get('township')),
      village: optional(get('village')),
      bank: optional(get('bank')),
    },
  };
}

type Values<T> = { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never };

/** All values when every field parsed, else undefined. */
function valueOf<T extends Record<string, Parsed<unknown>>>(fields: T): Values<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, parsed] of Object.entries(fields)) {
    if (!('value' in parsed)) return undefined;
    out[key] = parsed.value;
  }
  return out as Values<T>;
}

const missing = (message: string): Parsed<never> => ({ code: 'missing', message });

function parseIdNumber(text: string): Parsed<string> {
  if (!text) return missing('ID number is empty');
  const id = parseResidentId(text);
  return id.ok ? { value: id.id } : { code: `id-${id.problem}`, message: ID_MESSAGES[id.problem] };
}

function parseName(text: string): Parsed<string> {
  if (!text) return missing('head of household name is empty');
  return text.length > 30 || /[\d<>@]/.test(text) ? { code: 'name', message: 'not a name' } : { value: text };
}

/** `139 0311 0001;0311-86681001` (also `,` `/` `、` `；`) → phone keys; empty → none (kept as stored). */
function parsePhones(text: string): Parsed<string[]> {
  const parts = toHalfWidth(text)
    .split(/[;,/、]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const phones = parts.map((part) => phoneKey(part));
  if (phones.some((phone) => phone === undefined)) {
    return { code: 'phone', message: 'phone must be a mainland mobile or a landline with its area code' };
  }
  return { value: [...new Set(phones as string[])] };
}

function parseYear(text: string, today: string): Parsed<number> {
  if (!text) return missing('year is empty');
  const year = Number(toHalfWidth(text).replace(/年$/, ''));
  const last = Number(today.slice(0, 4)) + 1;
  return Number.isInteger(year) && year >= 2000 && year <= last
    ? { value: year }
    : { code: 'year', message: `year must be 2000–${last}` };
}

function parseType(text: string): Parsed<SubsidyType> {
  if (!text) return missing('subsidy type is empty');
  const type = TYPE_NAMES[toHalfWidth(text).trim().toLowerCase()];
  return type
    ? { value: type }
    : { code: 'type', message: `type must be one of ${Object.values(SUBSIDY_TYPES).join(' / ')}` };
}

function parseBatch(text: string): Parsed<string> {
  const batch = toHalfWidth(text).trim() || '1';
  return /^[A-Za-z0-9_-]{1,20}$/.test(batch)
    ? { value: batch }
    : { code: 'batch', message: 'letters, digits, - or _ only (e.g. 1, 2026-03)' };
}

/** Yuan (≤ 2 decimals) or whole fen; both given must agree. */
function parseAmount(yuan: string, fen: string): Parsed<number> {
  if (!yuan && !fen) return { ...missing('amount is empty (金额(元) or 金额(分))'), column: 'amountYuan' };
  const value = yuan ? parseYuan(yuan) : parseFen(fen);
  const column = yuan ? 'amountYuan' : 'amountFen';
  if (value === undefined || value <= 0 || value > MAX_AMOUNT_FEN) {
    return {
      code: 'amount',
      column,
      message: 'yuan with at most 2 decimals, or whole fen; 0 < amount ≤ ¥1,000,000',
    };
  }
  if (yuan && fen && parseFen(fen) !== value) {
    return { code: 'amount', column: 'amountFen', message: 'amount in yuan and in fen disagree' };
  }
  return { value };
}

function parseStatus(text: string): Parsed<PaymentStatus> {
  const clean = toHalfWidth(text).trim().toLowerCase();
  const status = clean ? STATUS_NAMES[clean] : 'paid';
  return status
    ? { value: status }
    : { code: 'status', message: 'status must be 已发放 / 待发放 / 已退回 (paid / pending / returned)' };
}

/** Required once paid or returned; never in the future. */
function parsePaidDate(
  text: string,
  status: PaymentStatus | undefined,
  today: string,
): Parsed<string | undefined> {
  if (!text)
    return status === 'paid' || status === 'returned' ? missing('paid date is empty') : { value: undefined };
  const date = parseDate(text);
  if (!date) return { code: 'date', message: 'date must be YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日)' };
  return date > today ? { code: 'date', message: 'paid date is in the future' } : { value: date };
}

function parseAccount(text: string): Parsed<string | undefined> {
  if (!text) return { value: undefined };
  const masked = maskAccount(text);
  return masked
    ? { value: masked }
    : { code: 'account', column: 'account', message: 'account must be 8–30 digits' };
}

/** Key of a payment within one file (the store's key uses the hashed household id instead). */
export function rowKey(row: SubsidyRow): string {
  return `${row.idNumber}:${row.year}:${row.type}:${row.batch}`;
}
