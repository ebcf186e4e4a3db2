import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { checkSubsidyFile } from '../../src/subsidies/import-subsidies.js';
import { formatSummary } from '../../src/subsidies/import-report.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const TODAY = '2026-11-22';

function check(bytes: Uint8Array, source = 'test.csv') {
  return checkSubsidyFile({ bytes, source, mode: 'dry-run', today: TODAY });
}

const HEADER = '户主姓名,身份证号,联系电话,乡镇,村,年度,补贴类型,批次,金额(元),发放日期,状态,银行账号,开户行';
const GOOD = '马建军,130125198307076789,13903120011,口头镇,北庄村,2025,粮食直补,1,900.00,2025-05-20,已发放,,';

/**
 * A file of the header and these rows (row 2 onwards). Each row gets its own batch unless it names
 * one, so rows are separate payments (not duplicates) unless a test wants them to be.
 */
function csv(...rows: string[]): Uint8Array {
  return Buffer.from([HEADER, ...rows.map((row, i) => row.replace(',1,', `,${i + 1},`))].join('\n'));
}

/** The problems as [row, code, column] for compact, exact assertions. */
function problemsOf(bytes: Uint8Array): [number, string, string | undefined][] {
  return check(bytes).report.problems.map((p) => [p.row, p.code, p.column]);
}

describe('subsidy register validation (no store)', () => {
  it('reports every problem of the error fixture with its row number', () => {
    const { report, rows } = check(fixture('subsidies-errors.csv'), 'subsidies-errors.csv');
    assert.equal(report.fatal, undefined);
    assert.deepEqual(
      report.problems.map((p) => [p.row, p.code, p.column, p.firstRow]),
      [
        [3, 'id-check-digit', 'idNumber', undefined],
        [4, 'phone', 'phones', undefined],
        [5, 'type', 'type', undefined],
        [6, 'amount', 'amountYuan', undefined],
        [7, 'duplicate-row', undefined, 2],
        [8, 'date', 'paidDate', undefined],
        [9, 'conflicting-rows', undefined, 10],
        [10, 'conflicting-rows', undefined, 9],
        [11, 'household-mismatch', 'headName', 2],
        // An unquoted 1,200.00 shifts the row: the cell count says why the rest is wrong.
        [12, 'columns', undefined, undefined],
        [12, 'account', 'account', undefined],
        [12, 'date', 'paidDate', undefined],
        [12, 'status', 'status', undefined],
        [13, 'missing', 'headName', undefined],
        [13, 'missing', 'idNumber', undefined],
      ],
    );
    assert.equal(report.rows, 13);
    assert.equal(report.invalidRows, 11);
    assert.equal(report.validRows, 2);
    assert.deepEqual(
      rows.map((r) => [r.row, r.headName, r.type, r.amountFen, r.status]),
      [
        [2, '马建军', 'grain', 90_000, 'paid'],
        [14, '吴秀梅', 'dibao', 62_000, 'pending'],
      ],
    );
  });

  it('never echoes an ID number, phone or account into the report', () => {
    const { report } = check(fixture('subsidies-errors.csv'));
    const text = JSON.stringify(report) + formatSummary(report);
    for (const secret of ['130125197611117895', '130125198307076789', '1390312000', '6217000011112211']) {
      assert.ok(!text.includes(secret), `report contains ${secret}`);
    }
    assert.match(formatSummary(report), /^ {2}row 3 \[身份证号\] id-check-digit: /m);
  });

  it('a bad check character, a bad region, an impossible birth date', () => {
    assert.deepEqual(problemsOf(csv(GOOD.replace('130125198307076789', '130125198307076788'))), [
      [2, 'id-check-digit', 'idNumber'],
    ]);
    assert.deepEqual(problemsOf(csv(GOOD.replace('130125198307076789', '930125198307076789'))), [
      [2, 'id-region', 'idNumber'],
    ]);
    assert.deepEqual(problemsOf(csv(GOOD.replace('130125198307076789', '130125198302306789'))), [
      [2, 'id-birth-date', 'idNumber'],
    ]);
    assert.deepEqual(problemsOf(csv(GOOD.replace('130125198307076789', '13012519830707678'))), [
      [2, 'id-format', 'idNumber'],
    ]);
  });

  it('phones: mobiles and landlines with area code pass, short or foreign numbers do not', () => {
    const withPhone = (phone: string) => GOOD.replace('13903120011', phone);
    assert.deepEqual(
      problemsOf(csv(withPhone('0311-82661234'), withPhone('"139 0312 0011；0311 8266 1234"'))),
      [],
    );
    assert.deepEqual(problemsOf(csv(withPhone(''))), [], 'no phone: reachable by ID only');
    const bad = problemsOf(
      csv(
        withPhone('82661234'),
        withPhone('+14155550100'),
        withPhone('13903120011;123'),
        withPhone('12345678901'),
      ),
    );
    assert.deepEqual(bad, [
      [2, 'phone', 'phones'],
      [3, 'phone', 'phones'],
      [4, 'phone', 'phones'],
      [5, 'phone', 'phones'],
    ]);
  });

  it('amounts: yuan with at most 2 decimals or whole fen, positive, not absurd', () => {
    const amount = (text: string) => GOOD.replace(',900.00,', `,${text},`);
    const { rows } = check(csv(amount('"1,234.5"'), amount('８００'), amount('¥0.01')));
    assert.deepEqual(
      rows.map((r) => r.amountFen),
      [123_450, 80_000, 1],
    );
    assert.deepEqual(
      problemsOf(csv(amount('12.345'), amount('0'), amount('-5'), amount('abc'), amount('2000000'))),
      [
        [2, 'amount', 'amountYuan'],
        [3, 'amount', 'amountYuan'],
        [4, 'amount', 'amountYuan'],
        [5, 'amount', 'amountYuan'],
        [6, 'amount', 'amountYuan'],
      ],
    );
    assert.deepEqual(problemsOf(csv(amount(''))), [[2, 'missing', 'amountYuan']]);
  });

  it('amounts in a fen column', () => {
    const header = HEADER.replace('金额(元)', '金额(分)');
    const file = (amount: string) => Buffer.from(`${header}\n${GOOD.replace(',900.00,', `,${amount},`)}`);
    assert.equal(check(file('90000')).rows[0]?.amountFen, 90_000);
    assert.deepEqual(
      check(file('900.5')).report.problems.map((p) => [p.code, p.column]),
      [['amount', 'amountFen']],
    );
  });

  it('types by code, Chinese name or alias; dates in the usual spellings; status needs a date once paid', () => {
    const row = (type: string, date: string, status: string) =>
      GOOD.replace('粮食直补', type).replace('2025-05-20', date).replace('已发放', status);
    const { rows, report } = check(
      csv(
        row('farm-input', '2025/6/1', 'paid'),
        row('最低生活保障金', '2025年6月2日', '已发放'),
        row('特困供养', '20250603', ''),
        row('医疗救助', '', '待发放'),
        row('五保', '2025-06-04 00:00:00', '已退回'),
      ),
    );
    assert.deepEqual(report.problems, []);
    assert.deepEqual(
      rows.map((r) => [r.type, r.paidDate, r.status]),
      [
        ['farm-input', '2025-06-01', 'paid'],
        ['dibao', '2025-06-02', 'paid'],
        ['wubao', '2025-06-03', 'paid'],
        ['medical-aid', undefined, 'pending'],
        ['wubao', '2025-06-04', 'returned'],
      ],
    );
    assert.deepEqual(
      problemsOf(
        csv(
          row('粮食直补', '', '已发放'),
          row('粮食直补', '2025-02-30', '已发放'),
          row('x', '6/1/2025', '?'),
        ),
      ),
      [
        [2, 'missing', 'paidDate'],
        [3, 'date', 'paidDate'],
        [4, 'date', 'paidDate'],
        [4, 'status', 'status'],
        [4, 'type', 'type'],
      ],
    );
  });

  it('a year outside 2000…next year, a batch with other characters', () => {
    assert.deepEqual(problemsOf(csv(GOOD.replace(',2025,', ',1999,'), GOOD.replace(',2025,', ',2028,'))), [
      [2, 'year', 'year'],
      [3, 'year', 'year'],
    ]);
    assert.deepEqual(problemsOf(csv(GOOD.replace(',1,900', ',第一批,900'))), [[2, 'batch', 'batch']]);
  });

  it('duplicates: identical repeats point at the first row; different batches are not duplicates', () => {
    const second = GOOD.replace(',1,900', ',2,900');
    const { rows, report } = check(Buffer.from([HEADER, GOOD, second, GOOD, GOOD].join('\n')));
    assert.deepEqual(
      report.problems.map((p) => [p.row, p.code, p.firstRow]),
      [
        [4, 'duplicate-row', 2],
        [5, 'duplicate-row', 2],
      ],
    );
    assert.deepEqual(
      rows.map((r) => r.row),
      [2, 3],
    );
  });

  it('a file without a required column is refused whole, naming the column', () => {
    const { report } = check(Buffer.from('姓名,联系电话\n张三,13903120011\n'));
    assert.equal(report.fatal?.line, 1);
    // 姓名 is read as the head's name; the rest is named as registers write it.
    assert.equal(report.fatal.message, 'missing columns: 身份证号, 年度, 补贴类型, 金额(元)');
    assert.equal(report.rows, 1);
    assert.deepEqual(report.problems, []);
  });

  it('a broken quote is a fatal problem with its line', () => {
    const { report } = check(csv(GOOD, '"马建军,130125198307076789'));
    assert.ok(report.fatal);
    assert.match(report.fatal.message, /Quote Not Closed/i);
    assert.equal(report.fatal.line, 3);
  });

  it('lists unknown columns so a misspelt header is noticed', () => {
    const { report } = check(Buffer.from(`${HEADER},备注\n${GOOD},无\n`));
    assert.deepEqual(report.ignoredColumns, ['备注']);
    assert.deepEqual(report.problems, []);
  });
});
