import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { readCsv } from '../../src/subsidies/csv-read.js';
import { IMPORT_LIMITS } from '../../src/subsidies/import-limits.js';
import { checkSubsidyFile } from '../../src/subsidies/import-subsidies.js';
import { readTable, type TableRead } from '../../src/subsidies/table-read.js';
import {
  APPLICATION_HEADER,
  applicationRow,
  excelDate,
  GOOD_REGISTER_ROWS,
  registerRow,
  registerRows,
  registerWithoutIdColumn,
  SUBSIDY_HEADER,
  xlsx,
  type SheetRow,
} from '../helpers/xlsx.js';
import { zipEntries } from '../../src/subsidies/zip-entries.js';

// Excel dates are wall-clock dates: reading them must not depend on the server's zone. West of UTC,
// reading a date's local fields would give the day before.
process.env.TZ = 'America/Los_Angeles';

const TODAY = '2026-11-22';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

async function read(bytes: Buffer, limits = IMPORT_LIMITS): Promise<Extract<TableRead, { ok: true }>> {
  const table = await readTable(bytes, { limits });
  assert.ok(table.ok, table.ok ? '' : table.message);
  return table;
}

async function check(rows: SheetRow[], header = SUBSIDY_HEADER) {
  const table = await readTable(await xlsx(header, rows));
  return checkSubsidyFile({
    bytes: new Uint8Array(),
    table,
    source: 'register.xlsx',
    mode: 'dry-run',
    today: TODAY,
  });
}

describe('XLSX registers', () => {
  it('reads good rows: text IDs, dates as the sheet shows them, formulas by result, empty rows skipped', async () => {
    const { report, rows } = await check([
      ...GOOD_REGISTER_ROWS,
      [null, null, null, null, null, null, null, null, null, null, null, null, null],
    ]);
    assert.deepEqual(report.problems, []);
    assert.equal(report.format, 'xlsx');
    assert.equal(report.encoding, undefined);
    assert.deepEqual([report.rows, report.validRows, report.invalidRows], [3, 3, 0]);
    assert.deepEqual(
      rows.map((r) => [r.row, r.idNumber, r.phones, r.amountFen, r.paidDate, r.batch]),
      [
        [2, '130125196001011238', ['+8613903120001'], 102350, '2025-05-20', '1'],
        [4, '130125196503152348', ['+8631182661234'], 62000, '2026-10-10', '2026-10'],
        [5, '13012519480808456X', ['+8613903120003'], 450000, '2026-07-08', '2026-H2'],
      ],
    );
  });

  it('reports every bad row with its row and reason: an 18-digit ID typed as a number is never rounded into the store', async () => {
    const good = registerRow({
      name: '刘振华',
      id: '130125196001011238',
      phone: '13903120001',
      village: '东庄村',
    });
    const { report, rows } = await check([
      registerRow({ name: '马建军', id: Number('130125198307076789'), phone: '13903120011' }),
      registerRow({ name: '赵国庆', id: '130125197611117896', phone: '13903120012' }),
      registerRow({ name: '钱文斌', id: '130125195909098914', phone: '13903120013', paid: '2025-13-45' }),
      good,
      registerRow({
        name: '杨春花',
        id: '130125197611117894',
        phone: '13903120014',
        kind: '低保',
        amount: 600,
        paid: excelDate(2025, 1, 10),
        account: Number('6217000011112201234'),
      }),
      registerRow({
        name: '吴秀梅',
        id: '130125198307076789',
        phone: '13903120017',
        kind: '低保',
        batch: '2',
        amount: { formula: 'VLOOKUP(A7,X:Y,2,0)', result: undefined },
        paid: excelDate(2025, 1, 10),
      }),
    ]);
    assert.equal(report.fatal, undefined);
    assert.deepEqual(report.problems, [
      {
        row: 2,
        column: 'idNumber',
        code: 'stored-as-number',
        message:
          'ID number stored as a number; format the column as text (Excel keeps only 15 digits) and type it again',
      },
      {
        row: 3,
        column: 'idNumber',
        code: 'id-check-digit',
        message: 'ID number check character does not match (mistyped?)',
      },
      {
        row: 4,
        column: 'paidDate',
        code: 'date',
        message: 'date must be YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日)',
      },
      {
        row: 6,
        column: 'account',
        code: 'stored-as-number',
        message:
          'account stored as a number; format the column as text (Excel keeps only 15 digits) and type it again',
      },
      {
        row: 7,
        column: 'amountYuan',
        code: 'cell-error',
        message: 'amount: a formula without a saved result; open the file in Excel and save it again',
      },
    ]);
    assert.deepEqual([report.rows, report.validRows, report.invalidRows], [6, 1, 5]);
    assert.deepEqual(
      rows.map((r) => r.row),
      [5],
    );
  });

  it('a missing required column refuses the whole file, on row 1', async () => {
    const { header, rows } = registerWithoutIdColumn();
    const { report } = await check(rows, header);
    assert.deepEqual(report.fatal, { line: 1, message: 'missing columns: 身份证号' });
    assert.equal(report.format, 'xlsx');
  });

  it('validates exactly like the CSV path (one validation): the fixtures give the same report', async () => {
    for (const name of ['subsidies-register.csv', 'subsidies-errors.csv']) {
      const csvTable = readCsv(fixture(name));
      // Row 12 of the error fixture is an unquoted "1,200.00": a CSV-only shift that XLSX cannot have.
      const body = csvTable.rows.filter((r) => r.row !== 12);
      const sheet: SheetRow[] = [];
      for (const r of body) sheet[r.row - 2] = r.cells;
      const viaXlsx = checkSubsidyFile({
        bytes: new Uint8Array(),
        table: await readTable(await xlsx(csvTable.header, sheet)),
        source: 'x',
        mode: 'dry-run',
        today: TODAY,
      });
      const viaCsv = checkSubsidyFile({ bytes: fixture(name), source: 'x', mode: 'dry-run', today: TODAY });
      const without12 = (problems: typeof viaCsv.report.problems) =>
        problems.filter((p) => p.row !== 12 && p.firstRow !== 12);
      assert.deepEqual(viaXlsx.report.problems, without12(viaCsv.report.problems), name);
      assert.deepEqual(
        viaXlsx.rows.map((r) => JSON.stringify(r)),
        viaCsv.rows.filter((r) => r.row !== 12).map((r) => JSON.stringify(r)),
        name,
      );
    }
  });

  it('keeps leading zeros (text, or a zeros number format) and reads times, formula dates and the 1904 date system', async () => {
    for (const date1904 of [false, true]) {
      const { table } = await read(
        await xlsx(
          APPLICATION_HEADER,
          [
            applicationRow({
              caseNo: '926110300019',
              code: { value: 12345, numFmt: '000000' },
              matter: '设立登记',
              applicant: '郑小燕',
              phone: '0311-82661235',
              dept: 'SCJ',
              status: '已办结',
              due: excelDate(2026, 11, 10),
              result: '准予',
              accepted: excelDate(2026, 11, 3, 9, 30),
            }),
            applicationRow({
              caseNo: '926110400023',
              code: '012345',
              matter: '参保登记',
              applicant: '冯大勇',
              phone: 13903120021,
              dept: 'RSJ',
              status: '审查中',
              due: '2026-11-20',
              accepted: '2026/11/4 14:00',
            }),
          ],
          { date1904 },
        ),
      );
      assert.deepEqual(
        table.rows.map((r) => [r.row, r.cells[1], r.cells[4], r.cells[7], r.cells[9]]),
        [
          [2, '012345', '0311-82661235', '2026-11-10', '2026-11-03 09:30'],
          [3, '012345', '13903120021', '2026-11-20', '2026/11/4 14:00'],
        ],
        date1904 ? '1904' : '1900',
      );
    }
  });

  it('a formula date result is read by its date format, in either date system', async () => {
    const serial = Date.UTC(2026, 10, 4, 10, 0) / 86_400_000 + 25569;
    for (const date1904 of [false, true]) {
      const cell = {
        value: { formula: 'J2+1', result: serial - (date1904 ? 1462 : 0) },
        numFmt: 'yyyy-mm-dd hh:mm',
      };
      const { table } = await read(await xlsx(['审查时间'], [[cell]], { date1904 }));
      assert.deepEqual(table.rows[0]?.cells, ['2026-11-04 10:00']);
    }
  });

  it('reads only the first worksheet, and wants the column names in row 1', async () => {
    const { table } = await read(await xlsx(['户主姓名'], [['甲']], { more: [[['户主姓名'], ['乙']]] }));
    assert.deepEqual(table.rows, [{ row: 2, cells: ['甲'] }]);
    const titled = await readTable(await xlsx([], [['户主姓名'], ['甲']]));
    assert.deepEqual(titled, {
      ok: false,
      format: 'xlsx',
      message: 'the first row of the first worksheet must hold the column names',
      line: 1,
    });
  });

  it('the first worksheet is the first tab, whatever its part is called inside the file', async () => {
    const workbook = new ExcelJS.Workbook();
    const second = workbook.addWorksheet('第二');
    second.addRows([['户主姓名'], ['乙']]);
    const first = workbook.addWorksheet('第一');
    first.addRows([['户主姓名'], ['甲']]);
    // The tab order (exceljs' orderNo, untyped): 第一 is the first tab though its part is sheet2.xml.
    const tab = (sheet: ExcelJS.Worksheet, n: number) => Object.assign(sheet, { orderNo: n });
    tab(first, 0);
    tab(second, 1);
    const { table } = await read(Buffer.from(await workbook.xlsx.writeBuffer()));
    assert.deepEqual(table.rows, [{ row: 2, cells: ['甲'] }]);
  });

  it('refuses what it cannot read: a row limit, an old .xls, not a workbook, a ZIP bomb', async () => {
    const three = await xlsx(['户主姓名'], [['甲'], ['乙'], null, ['丙']]);
    assert.deepEqual(await readTable(three, { limits: { ...IMPORT_LIMITS, maxRows: 2 } }), {
      ok: false,
      format: 'xlsx',
      message: 'more than 2 rows: split the register (by township)',
      line: 5,
    });
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    assert.deepEqual(await readTable(xls), {
      ok: false,
      format: 'xlsx',
      message: 'an Excel 97–2003 (.xls) file: save it as .xlsx or as CSV UTF-8 and import that',
    });
    const notZip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]);
    assert.deepEqual(await readTable(notZip), {
      ok: false,
      format: 'xlsx',
      message: 'not an XLSX file (an .xlsx workbook is a ZIP archive)',
    });
    const bomb = await readTable(three, { limits: { ...IMPORT_LIMITS, maxXlsxInflatedBytes: 1000 } });
    assert.ok(!bomb.ok);
    assert.match(bomb.message, /^the workbook inflates to \d+ MiB, more than an import takes/);
  });

  it("reads exceljs' own files reliably (its single streaming pass loses parts now and then: exceljs #683, #3064)", async () => {
    const file = await xlsx(APPLICATION_HEADER, [
      applicationRow({
        caseNo: '926110300019',
        code: '051234',
        matter: '设立登记',
        applicant: '郑小燕',
        phone: null,
        dept: 'SCJ',
        status: '已办结',
        due: excelDate(2026, 11, 10),
        accepted: excelDate(2026, 11, 3, 9, 30),
      }),
    ]);
    const first = JSON.stringify(await readTable(file));
    assert.match(first, /"办件编号"/);
    for (let i = 0; i < 300; i++) assert.equal(JSON.stringify(await readTable(file)), first, `read ${i}`);
  });

  it('stops a sheet that inflates beyond what the archive declared', async () => {
    const file = await xlsx(
      ['户主姓名'],
      registerRows(2000).map((row) => [row[0], row[1]]),
    );
    // Make the central directory understate the sheet: 10 bytes.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const central = file.lastIndexOf(name) - 46;
    file.writeUInt32LE(10, central + 24);
    const declared = zipEntries(file)?.reduce((sum, e) => sum + e.size, 0) ?? 0;
    const limits = { ...IMPORT_LIMITS, maxXlsxInflatedBytes: declared + 1000 };
    assert.ok((await readTable(file)).ok, 'readable without the limit');
    const read = await readTable(file, { limits });
    assert.ok(!read.ok);
    assert.match(
      read.message,
      /^the workbook inflates to \d+ MiB, more than an import takes: split the register$/,
    );
  });

  it('an error value in a cell is flagged, not read as text', async () => {
    const { table } = await read(await xlsx(['金额(元)', '备注'], [[{ error: '#N/A' }, { error: '#REF!' }]]));
    assert.deepEqual(table.rows, [
      { row: 2, cells: ['', ''], flags: { 0: 'formula-error', 1: 'formula-error' } },
    ]);
  });
});
