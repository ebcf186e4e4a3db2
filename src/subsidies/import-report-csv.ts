import type { RowProblem } from './import-common.js';
import type { ImportReport } from './import-report.js';

/**
 * An import's problems as CSV for the clerk who fixes the file: one line per problem, the column
 * under the name the file gives it (身份证号, not idNumber). UTF-8 with a BOM and CRLF, which is
 * what Excel on a Chinese Windows opens without garbling; cells starting with = + - @ are prefixed
 * with ' so Excel never runs them as formulas. Like the report, it never holds a cell's value.
 */

const HEADER = ['行号 row', '列 column', '代码 code', '问题 problem', '对应行 related row'];

export function reportCsv(
  report: Pick<ImportReport, 'columns' | 'fatal'> | undefined,
  problems: readonly RowProblem[],
): string {
  const lines = [HEADER];
  if (report?.fatal) lines.push([String(report.fatal.line ?? ''), '', 'file', report.fatal.message, '']);
  for (const p of problems) {
    const column = p.column ? (report?.columns[p.column] ?? p.column) : '';
    lines.push([
      String(p.row),
      column,
      p.code,
      p.message,
      p.firstRow === undefined ? '' : String(p.firstRow),
    ]);
  }
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
