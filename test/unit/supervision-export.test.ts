import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { SlaClock } from '../../src/routing/sla-clock.js';
import type { BoardTicket } from '../../src/store/ticket-board.js';
import { buildBoard } from '../../src/supervision/board.js';
import { csvField, neutralise, toCsv } from '../../src/supervision/export-csv.js';
import { exportTable, type ExportTable } from '../../src/supervision/export-lists.js';
import { toXlsx, wallClock } from '../../src/supervision/export-xlsx.js';
import { boardWindow } from '../../src/supervision/window.js';

const TZ = 'Asia/Shanghai';
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const NOW = cst('2026-03-10 12:00');

const TABLE: ExportTable = {
  list: 'overdue',
  title: '超期工单',
  timeZone: TZ,
  columns: [
    { header: '文本', width: 20, type: 'text' },
    { header: '数', width: 8, type: 'number' },
    { header: '时间', width: 18, type: 'datetime' },
    { header: '日期', width: 12, type: 'date' },
  ],
  rows: [
    ['供水,停水', 1, cst('2026-03-10 09:05'), '2026-03-10'],
    ['他说"马上修"', 2.5, null, null],
    ['第一行\n第二行', 0, null, null],
    ['=HYPERLINK("http://evil","点我")', -1, null, null],
    ['+86 138', null, null, null],
    ['-2+3', null, null, null],
    ['@SUM(A1)', null, null, null],
    ['\tTAB', null, null, null],
    [' 前后空格 ', null, null, null],
    ['a=b', null, null, null],
    [null, null, null, null],
  ],
};

describe('CSV export', () => {
  it('neutralises formulas and quotes by RFC 4180', () => {
    assert.equal(neutralise('=1+1'), "'=1+1");
    assert.equal(neutralise('+1'), "'+1");
    assert.equal(neutralise('-1'), "'-1");
    assert.equal(neutralise('@x'), "'@x");
    assert.equal(neutralise('\r=x'), "'\r=x");
    assert.equal(neutralise('1=1'), '1=1');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('a"b'), '"a""b"');
    assert.equal(csvField('a\r\nb'), '"a\r\nb"');
  });

  it('writes UTF-8 with a BOM, CRLF lines, local times, numbers as they are', () => {
    const bytes = toCsv(TABLE);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(
      bytes.toString('utf8'),
      '\uFEFF' +
        [
          '文本,数,时间,日期',
          '"供水,停水",1,2026-03-10 09:05,2026-03-10',
          '"他说""马上修""",2.5,,',
          '"第一行\n第二行",0,,',
          `"'=HYPERLINK(""http://evil"",""点我"")",-1,,`,
          "'+86 138,,,",
          "'-2+3,,,",
          "'@SUM(A1),,,",
          "'\tTAB,,,",
          '" 前后空格 ",,,',
          'a=b,,,',
          ',,,',
        ].join('\r\n') +
        '\r\n',
    );
  });
});

describe('XLSX export', () => {
  it('bold frozen header, widths, times as local wall-clock dates, text kept as text', async () => {
    const bytes = await toXlsx(TABLE);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as an ArrayBuffer; at run time it takes a Node Buffer.
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('超期工单');
    assert.ok(sheet);
    assert.equal(sheet.rowCount, 12);
    assert.deepEqual(
      [1, 2, 3, 4].map((c) => sheet.getRow(1).getCell(c).value),
      ['文本', '数', '时间', '日期'],
    );
    assert.equal(sheet.getRow(1).getCell(1).font.bold, true);
    assert.deepEqual(
      [1, 2, 3, 4].map((c) => sheet.getColumn(c).width),
      [20, 8, 18, 12],
    );
    assert.deepEqual(
      { state: sheet.views[0]?.state, ySplit: (sheet.views[0] as { ySplit?: number } | undefined)?.ySplit },
      { state: 'frozen', ySplit: 1 },
    );
    assert.equal(sheet.autoFilter, 'A1:D1');
    const row = sheet.getRow(2);
    assert.equal(row.getCell(1).value, '供水,停水');
    assert.equal(row.getCell(2).value, 1);
    // 09:05 in Beijing shows as 09:05: the local wall clock is stored.
    assert.deepEqual(row.getCell(3).value, new Date('2026-03-10T09:05:00.000Z'));
    assert.equal(row.getCell(3).numFmt, 'yyyy-mm-dd hh:mm');
    assert.deepEqual(row.getCell(4).value, new Date('2026-03-10T00:00:00.000Z'));
    assert.equal(row.getCell(4).numFmt, 'yyyy-mm-dd');
    assert.equal(sheet.getRow(5).getCell(1).value, '=HYPERLINK("http://evil","点我")');
    assert.equal(sheet.getRow(5).getCell(1).type, ExcelJS.ValueType.String);
    assert.equal(sheet.getRow(12).getCell(1).value, null);
  });

  it('wall clock: an instant as China local time written as UTC', () => {
    assert.equal(
      wallClock(new Date('2026-03-09T16:30:15.250Z'), TZ).toISOString(),
      '2026-03-10T00:30:15.250Z',
    );
  });
});

describe('board lists as tables', () => {
  const clock = (start: string, due: string): SlaClock => ({
    unit: 'hours',
    startedAt: cst(start),
    dueAt: cst(due),
    limitMs: cst(due).getTime() - cst(start).getTime(),
    thresholds: { yellow: 0.5, red: 0.8 },
    yellowAt: cst(start),
    redAt: cst(start),
    state: 'running',
    pausedMs: 0,
    version: 1,
  });
  const late: BoardTicket = {
    number: '2603090011',
    channel: 'sms',
    kind: 'complaint',
    category: '=供水',
    priority: 'urgent',
    status: 'signed',
    leadDepartment: 'ZJJ',
    clocks: { completion: clock('2026-03-09 09:00', '2026-03-10 09:30') },
    supervision: { flagged: true, flags: [{ kind: 'overdue', at: cst('2026-03-10 09:30') }] },
    returnCount: 0,
    events: [{ type: 'dispatched', toStatus: 'dispatched', at: cst('2026-03-09 09:00') }],
    createdAt: cst('2026-03-09 08:59'),
  };
  const board = buildBoard([late], boardWindow(NOW, 3, TZ), { kind: 'all' });
  const names = (code: string) => ({ ZJJ: '住建局' })[code];

  it('overdue in Chinese: labels for codes, department names, hours overdue', () => {
    const table = exportTable(board, 'overdue', { language: 'zh-CN', departmentName: names });
    assert.equal(table.title, '超期工单');
    assert.deepEqual(
      table.columns.map((c) => c.header),
      [
        '工单编号',
        '状态',
        '承办部门',
        '部门名称',
        '渠道',
        '类型',
        '分类',
        '紧急程度',
        '时限',
        '预警',
        '到期时间',
        '超期小时',
        '已督办',
        '受理时间',
      ],
    );
    assert.deepEqual(table.rows, [
      [
        '2603090011',
        '已签收',
        'ZJJ',
        '住建局',
        '短信',
        '投诉',
        '=供水',
        '紧急',
        '办结',
        '超期',
        cst('2026-03-10 09:30'),
        2.5,
        '是',
        cst('2026-03-09 08:59'),
      ],
    ]);
    // The category a citizen's form could carry is neutralised in the CSV.
    assert.ok(toCsv(table).toString('utf8').includes(",'=供水,"));
  });

  it('in English, and the daily volume with one column per channel', () => {
    const table = exportTable(board, 'bottlenecks', {
      language: 'en',
      departmentName: () => 'Housing bureau',
    });
    assert.deepEqual(
      table.columns.map((c) => c.header),
      ['Department', 'Department name', 'Open tickets', 'Median age (h)', 'Max age (h)', 'Oldest ticket'],
    );
    assert.deepEqual(table.rows, [['ZJJ', 'Housing bureau', 1, 27, 27, '2603090011']]);
    const volume = exportTable(board, 'daily-volume', { language: 'zh-CN', departmentName: names });
    assert.deepEqual(
      volume.columns.map((c) => c.header),
      ['日期', '语音导航', '热线', '短信', '网站', '邮件', '接口', 'Open311', '合计'],
    );
    assert.deepEqual(volume.rows, [
      ['2026-03-08', 0, 0, 0, 0, 0, 0, 0, 0],
      ['2026-03-09', 0, 0, 1, 0, 0, 0, 0, 1],
      ['2026-03-10', 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });
});
