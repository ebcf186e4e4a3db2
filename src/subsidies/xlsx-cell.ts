import type { CellFlag } from './csv-read.js';

/**
 * One XLSX cell as the text the CSV path would have read, so both formats go through one
 * validation. Excel keeps dates as day numbers, numbers as doubles and formulas with their last
 * result; a CSV saved from the same sheet would show what the sheet shows, and that is the aim:
 *
 * - a date → `YYYY-MM-DD` (`YYYY-MM-DD HH:MM[:SS]` with a time). Excel dates have no time zone:
 *   they are the wall-clock date the clerk typed. exceljs turns a day number into the UTC instant
 *   of that wall clock, so the UTC fields are read back — never the server's local ones.
 * - a number → its shortest text at Excel's 15 significant digits (`0.1+0.2` → `0.3`), padded to
 *   the width of a zeros-only number format (`000000`: a query code keeps its leading zero). A
 *   number of 16 digits or more is flagged `long-number`: Excel has already dropped its tail (an
 *   18-digit ID typed as a number), and guessing the digits back would import the wrong person.
 * - a formula → its saved result (flagged when it is an error or was never computed);
 * - rich text and hyperlinks → their text; booleans → `TRUE` / `FALSE`.
 */

export interface CellText {
  text: string;
  flag?: CellFlag;
}

const DAY_MS = 24 * 3600 * 1000;
/** Day number of 1970-01-01 in Excel's 1900 date system; the 1904 system counts 1462 days fewer. */
const EPOCH_1900 = 25569;
const EPOCH_1904_SHIFT = 1462;

export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): CellText {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'number') {
    // A formula's date result comes as a plain day number (plain date cells come as Dates).
    return isDateFormat(numFmt) ? dateText(fromSerial(value, date1904)) : numberText(value, numFmt);
  }
  if (typeof value !== 'object') return { text: '', flag: 'formula-error' };
  const object = value as Record<string, unknown>;
  if ('error' in object) return { text: '', flag: 'formula-error' };
  if ('formula' in object || 'sharedFormula' in object) {
    const result = object.result;
    if (result === undefined || result === null) return { text: '', flag: 'formula-no-result' };
    // The streaming reader parses an error result (#N/A) as a number: NaN.
    if (typeof result === 'number' && Number.isNaN(result)) return { text: '', flag: 'formula-error' };
    return cellText(result, numFmt, date1904);
  }
  if (Array.isArray(object.richText)) {
    const runs = object.richText as { text?: unknown }[];
    return {
      text: runs
        .map((run) => (typeof run.text === 'string' ? run.text : ''))
        .join('')
        .trim(),
    };
  }
  if ('text' in object) return cellText(object.text, numFmt, date1904);
  return { text: '', flag: 'formula-error' };
}

function numberText(value: number, numFmt: string | undefined): CellText {
  if (!Number.isFinite(value)) return { text: '', flag: 'formula-error' };
  if (Math.abs(value) >= 1e15) return { text: String(value), flag: 'long-number' };
  const shown = Number(value.toPrecision(15));
  const zeros = numFmt ? /^0+$/.exec(numFmt.trim()) : null;
  const text = String(shown);
  return {
    text: zeros && Number.isInteger(shown) && shown >= 0 ? text.padStart(zeros[0].length, '0') : text,
  };
}

function fromSerial(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - EPOCH_1900 + (date1904 ? EPOCH_1904_SHIFT : 0)) * DAY_MS));
}

function dateText(date: Date): CellText {
  if (Number.isNaN(date.getTime())) return { text: '', flag: 'formula-error' };
  // Day numbers are doubles: 09:40 may come back as 09:39:59.9996.
  const at = new Date(Math.round(date.getTime() / 1000) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}`;
  const [h, m, s] = [at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()];
  if (h === 0 && m === 0 && s === 0) return { text: day };
  return { text: `${day} ${two(h)}:${two(m)}${s === 0 ? '' : `:${two(s)}`}` };
}

/** Excel's test for a date format: y, m, d, h or s outside quoted text and [brackets] (`[Red]`, `[$-804]`). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhs]/i.test(bare);
}
