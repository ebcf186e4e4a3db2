import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { DEMO_DEPARTMENTS } from '../../src/seed-data.js';
import { localMinute } from '../../src/time/local-format.js';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

interface Page<T> {
  total: number;
  items: T[];
}
interface AlertJson {
  number: string;
  status: string;
  leadDepartment?: string;
  clock: string;
  stage: string;
  dueAt: string;
  supervised: boolean;
  category?: string;
  createdAt: string;
}
interface BoardJson {
  days: number;
  timeZone: string;
  scope: { department: string | null };
  counts: {
    total: number;
    open: number;
    byStatus: Record<string, number>;
    byChannel: Record<string, number>;
    byDepartment: { department: string | null; count: number }[];
  };
  rates: Record<
    'response' | 'resolution' | 'satisfaction',
    { numerator: number; denominator: number; rate: number | null } & Record<string, unknown>
  >;
  warnings: Page<AlertJson>;
  overdue: Page<AlertJson>;
  flagged: Page<{ number: string; kinds: string[]; lastKind: string; flags: number }>;
  bottlenecks: Page<{
    department: string;
    count: number;
    oldest: string;
    medianAgeHours: number;
    maxAgeHours: number;
  }>;
  dailyVolume: {
    channels: string[];
    rows: { date: string; total: number; byChannel: Record<string, number> }[];
  };
  returned: Page<{
    number: string;
    status: string;
    leadDepartment?: string;
    returns: number;
    lastReturnedBy?: string;
    lastReturnedAt: string;
  }>;
  reopened: Page<{ number: string; reopens: number; lastCause: string }>;
  departments: Record<string, { name: string; nameEn?: string }>;
  links: { supervise: string | null; exports: Record<string, { csv: string; xlsx: string }> };
}
interface TicketJson {
  number: string;
  status: string;
  events: { type: string; data?: Record<string, unknown> }[];
  outbox: { template: string; audience: string; department?: string }[];
}

const NAME = '张三丰';
const PHONE = '13912345678';
const BODY_WORDS = '家门口路灯不亮';
const FORMULA = '=HYPERLINK("http://x.example","点我"),"q"';

/** A policy whose sign-off and completion limits run out in 1.5 s, and one that warns at once. */
async function policy(
  hub: TestHub,
  code: string,
  clocks: Record<string, unknown>,
  yellow = 0.5,
): Promise<void> {
  const response = await hub.request({
    method: 'PUT',
    url: `/api/v1/sla/policies/${code}`,
    payload: {
      name: `test ${code}`,
      order: 1_000_000,
      match: { categories: ['never-matches'] },
      clocks,
      thresholds: { yellow, red: 0.9 },
    },
  });
  assert.equal(response.statusCode, 200, response.body);
}

async function run(
  hub: TestHub,
  number: string,
  name: string,
  payload: Record<string, unknown>,
  token?: string,
) {
  const response = await command(hub, number, name, payload, token);
  assert.equal(response.statusCode, 200, `${name}: ${response.body}`);
  return response.json<TicketJson>();
}

describe('supervision board (效能监察) over the API', () => {
  let hub: TestHub;
  let supervisor: string;
  let operator: string;
  const clerk: Record<string, string> = {};
  const t: Record<string, string> = {};

  before(async () => {
    // No workers: SLA timers do not fire, so the board's stages come from the clock times alone.
    hub = await startHub({ RUN_WORKERS: 'false' });
    supervisor = await issueToken(hub, 'supervisor');
    operator = await issueToken(hub, 'operator');
    for (const code of ['ZJJ', 'CGJ', 'STJ']) clerk[code] = await issueToken(hub, 'department', code);
    const fast = { amount: 1.5 / 3600, unit: 'hours' };
    await policy(hub, 'fast', { sign: fast, completion: fast });
    await policy(hub, 'warn', { completion: { amount: 1, unit: 'hours' } }, 0.0002);

    const open = async (key: string, body: Record<string, unknown>) => {
      const ticket = await openTicket(hub, {
        body: `${BODY_WORDS}（${key}）`,
        contact: { name: NAME, phone: PHONE },
        ...body,
      });
      t[key] = ticket.number;
      return ticket.number;
    };
    // T1: answered in time, rated satisfied → closed.
    const t1 = await open('T1', { channel: 'sms' });
    await run(hub, t1, 'dispatch', { department: 'ZJJ' });
    await run(hub, t1, 'sign', {}, clerk.ZJJ);
    await run(hub, t1, 'reply', { text: '已修复' }, clerk.ZJJ);
    await run(hub, t1, 'rate', { value: 'satisfied' }, supervisor);
    // T2: never signed, both limits run out.
    await run(hub, await open('T2', { channel: 'web' }), 'dispatch', {
      department: 'ZJJ',
      slaPolicy: 'fast',
    });
    // T3: returned by CGJ (退单), transferred to STJ.
    const t3 = await open('T3', { channel: 'hotline' });
    await run(hub, t3, 'dispatch', { department: 'CGJ' });
    await run(hub, t3, 'return', { reason: '不属于本部门职责', basis: '三定方案' }, clerk.CGJ);
    await run(hub, t3, 'transfer', { department: 'STJ', reason: '改派水务' });
    // T4: answered, rated dissatisfied → reopened (重办).
    const t4 = await open('T4', { channel: 'api' });
    await run(hub, t4, 'dispatch', { department: 'CGJ' });
    await run(hub, t4, 'sign', {}, clerk.CGJ);
    await run(hub, t4, 'reply', { text: '已清理' }, clerk.CGJ);
    await run(hub, t4, 'rate', { value: 'dissatisfied', comment: '没有清理干净' }, supervisor);
    // T5: signed in time, completion runs out; the supervisor orders 督办.
    const t5 = await open('T5', { channel: 'api' });
    await run(hub, t5, 'dispatch', { department: 'STJ', slaPolicy: 'fast' });
    await run(hub, t5, 'sign', {}, clerk.STJ);
    // T6: not dispatched (triage).
    await open('T6', { channel: 'email' });
    // T7: a category that is a spreadsheet formula; never signed.
    await run(hub, await open('T7', { channel: 'ivr', category: FORMULA }), 'dispatch', {
      department: 'CGJ',
      slaPolicy: 'fast',
    });
    // T8: in its yellow warning.
    await run(hub, await open('T8', { channel: 'web' }), 'dispatch', {
      department: 'ZJJ',
      slaPolicy: 'warn',
    });
    await sleep(1700);
  });
  after(async () => {
    await hub.close();
  });

  const board = async (token: string, query = '') =>
    hub.request({ method: 'GET', url: `/api/v1/supervision/board${query}`, token });

  it('督办: the supervise command flags the ticket, tells the lead department, and is for supervisors only', async () => {
    const refused = await command(hub, t.T5 ?? '', 'supervise', { reason: '请加快办理' }, clerk.STJ);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
    const ticket = await run(hub, t.T5 ?? '', 'supervise', { reason: '请加快办理' }, supervisor);
    assert.equal(ticket.status, 'signed');
    assert.equal(ticket.events.at(-1)?.type, 'supervised');
    assert.deepEqual(
      ticket.outbox
        .filter((o) => o.template === 'supervision.flagged')
        .map((o) => [o.audience, o.department]),
      [['department', 'STJ']],
    );
  });

  it('gives a supervisor the whole board with exact counts, rates and lists', async () => {
    const response = await board(supervisor, '?days=30');
    assert.equal(response.statusCode, 200, response.body);
    const b = response.json<BoardJson>();
    assert.equal(b.days, 30);
    assert.equal(b.timeZone, 'Asia/Shanghai');
    assert.deepEqual(b.scope, { department: null });
    assert.equal(b.counts.total, 8);
    assert.equal(b.counts.open, 7);
    assert.deepEqual(b.counts.byStatus, {
      received: 1,
      dispatched: 4,
      signed: 1,
      in_progress: 0,
      waiting_citizen: 0,
      replied: 0,
      closed: 1,
      reopened: 1,
      return_review: 0,
      merged: 0,
      cancelled: 0,
      rejected: 0,
    });
    assert.deepEqual(b.counts.byChannel, {
      ivr: 1,
      hotline: 1,
      sms: 1,
      web: 2,
      email: 1,
      api: 2,
      open311: 0,
    });
    assert.deepEqual(b.counts.byDepartment, [
      { department: 'ZJJ', count: 3 },
      { department: 'CGJ', count: 2 },
      { department: 'STJ', count: 2 },
      { department: null, count: 1 },
    ]);
    // 响应率: T1, T4, T5 signed in time; T2, T7 late; T3 (new clock at STJ) and T8 (no sign limit) not decided.
    assert.deepEqual(b.rates.response, { numerator: 3, denominator: 5, rate: 0.6, dispatched: 6 });
    // 解决率: T1 closed; T2, T5, T7 past their limit; the rest not due.
    assert.deepEqual(b.rates.resolution, { numerator: 1, denominator: 4, rate: 0.25 });
    assert.deepEqual(b.rates.satisfaction, {
      numerator: 1,
      denominator: 2,
      rate: 0.5,
      satisfied: 1,
      basicallySatisfied: 0,
      dissatisfied: 1,
    });
    assert.deepEqual(
      b.overdue.items.map((r) => [r.number, r.clock, r.stage, r.leadDepartment, r.supervised]),
      [
        [t.T2, 'sign', 'overdue', 'ZJJ', false],
        [t.T5, 'completion', 'overdue', 'STJ', true],
        [t.T7, 'sign', 'overdue', 'CGJ', false],
      ],
    );
    assert.equal(b.overdue.items[2]?.category, FORMULA);
    assert.deepEqual(
      b.warnings.items.map((r) => [r.number, r.clock, r.stage]),
      [[t.T8, 'completion', 'yellow']],
    );
    assert.deepEqual(
      b.flagged.items.map((r) => [r.number, r.kinds, r.lastKind]),
      [[t.T5, ['manual'], 'manual']],
    );
    assert.deepEqual(
      b.bottlenecks.items.map((r) => [r.department, r.count, r.oldest]),
      [
        ['ZJJ', 2, t.T2],
        ['STJ', 2, t.T3],
        ['CGJ', 1, t.T7],
      ],
    );
    assert.deepEqual(
      b.returned.items.map((r) => [r.number, r.status, r.leadDepartment, r.returns, r.lastReturnedBy]),
      [[t.T3, 'dispatched', 'STJ', 1, 'CGJ']],
    );
    assert.deepEqual(
      b.reopened.items.map((r) => [r.number, r.reopens, r.lastCause]),
      [[t.T4, 1, 'rating']],
    );
    assert.equal(b.dailyVolume.rows.length, 30);
    assert.equal(
      b.dailyVolume.rows.reduce((sum, r) => sum + r.total, 0),
      8,
    );
    assert.equal(
      b.dailyVolume.rows.reduce((sum, r) => sum + (r.byChannel.web ?? 0), 0),
      2,
    );
    assert.deepEqual(Object.keys(b.departments).sort(), ['CGJ', 'STJ', 'ZJJ']);
    assert.equal(b.departments.STJ?.name, DEMO_DEPARTMENTS.find((d) => d.code === 'STJ')?.name);
    assert.equal(b.links.supervise, '/api/v1/tickets/{number}/supervise');
    assert.equal(b.links.exports.overdue?.csv, '/api/v1/supervision/export/overdue.csv?days=30');
    // Nothing personal on the board.
    for (const word of [NAME, PHONE, BODY_WORDS, '没有清理干净', '请加快办理'])
      assert.ok(!response.body.includes(word), word);
  });

  it("gives a department its own board only: no other department's ticket, not even a number", async () => {
    const response = await board(clerk.CGJ ?? '');
    assert.equal(response.statusCode, 200, response.body);
    const b = response.json<BoardJson>();
    assert.deepEqual(b.scope, { department: 'CGJ' });
    for (const key of ['T1', 'T2', 'T3', 'T5', 'T6', 'T8']) {
      assert.ok(!response.body.includes(t[key] ?? 'missing'), `${key} ${t[key] ?? ''} leaked`);
    }
    assert.equal(b.counts.total, 2);
    assert.deepEqual(b.counts.byDepartment, [{ department: 'CGJ', count: 2 }]);
    assert.deepEqual(
      b.overdue.items.map((r) => r.number),
      [t.T7],
    );
    assert.deepEqual(b.returned.items, []);
    assert.deepEqual(
      b.reopened.items.map((r) => r.number),
      [t.T4],
    );
    assert.equal(b.rates.satisfaction.denominator, 1);
    assert.deepEqual(b.rates.response, { numerator: 1, denominator: 2, rate: 0.5, dispatched: 2 });
    assert.equal(b.links.supervise, null);

    const zjj = (await board(clerk.ZJJ ?? '')).json<BoardJson>();
    assert.equal(zjj.counts.total, 3);
    assert.deepEqual(
      zjj.overdue.items.map((r) => r.number),
      [t.T2],
    );
  });

  it('refuses operators and anonymous callers; bad query values get a coded 400', async () => {
    const forbidden = await board(operator);
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
    const anonymous = await hub.request({ method: 'GET', url: '/api/v1/supervision/board', token: null });
    assert.equal(anonymous.statusCode, 401);
    for (const query of ['?days=0', '?days=367', '?days=abc', '?limit=0']) {
      const bad = await board(supervisor, query);
      assert.equal(bad.statusCode, 400, query);
      assert.equal(bad.json<{ code: string }>().code, 'HUB_ERR_VALIDATION', query);
    }
    const exportForbidden = await hub.request({
      method: 'GET',
      url: '/api/v1/supervision/export/overdue.csv',
      token: operator,
    });
    assert.equal(exportForbidden.statusCode, 403);
    for (const file of ['nothing.csv', 'overdue.pdf', 'overdue']) {
      const bad = await hub.request({
        method: 'GET',
        url: `/api/v1/supervision/export/${file}`,
        token: supervisor,
      });
      assert.equal(bad.statusCode, 400, file);
      assert.equal(bad.json<{ code: string }>().code, 'HUB_ERR_VALIDATION', file);
    }
  });

  it('is in the OpenAPI document with its export files', async () => {
    const docs = await hub.request({ method: 'GET', url: '/docs/json', token: null });
    assert.equal(docs.statusCode, 200);
    const paths = docs.json<{
      paths: Record<string, { get?: { parameters?: { name: string; schema?: { enum?: string[] } }[] } }>;
    }>().paths;
    assert.ok(paths['/api/v1/supervision/board']?.get);
    const file = paths['/api/v1/supervision/export/{file}']?.get?.parameters?.find((p) => p.name === 'file');
    assert.deepEqual(file?.schema?.enum?.slice(0, 4), [
      'overdue.csv',
      'overdue.xlsx',
      'warnings.csv',
      'warnings.xlsx',
    ]);
  });

  it('lists cap at `limit` and still say their total', async () => {
    const b = (await board(supervisor, '?limit=1')).json<BoardJson>();
    assert.equal(b.overdue.total, 3);
    assert.deepEqual(
      b.overdue.items.map((r) => r.number),
      [t.T2],
    );
  });

  it('exports the overdue list as CSV: BOM, labels, quoting, formula guard, nothing personal; audited', async () => {
    const response = await hub.request({
      method: 'GET',
      url: '/api/v1/supervision/export/overdue.csv?days=30',
      token: supervisor,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="supervision-overdue-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = response.rawPayload;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    assert.equal(lines.length, 5, 'header, three rows, and the final line end');
    assert.equal(
      lines[0],
      '工单编号,状态,承办部门,部门名称,渠道,类型,分类,紧急程度,时限,预警,到期时间,超期小时,已督办,受理时间',
    );
    const b = (await board(supervisor)).json<BoardJson>();
    const row = b.overdue.items[2];
    assert.ok(row);
    const cgj = DEMO_DEPARTMENTS.find((d) => d.code === 'CGJ')?.name ?? '';
    assert.equal(
      lines[3],
      [
        t.T7,
        '已派单',
        'CGJ',
        cgj,
        '语音导航',
        '投诉',
        `"'=HYPERLINK(""http://x.example"",""点我""),""q"""`,
        '一般',
        '签收',
        '超期',
        localMinute(new Date(row.dueAt), 'Asia/Shanghai'),
        '0',
        '否',
        localMinute(new Date(row.createdAt), 'Asia/Shanghai'),
      ].join(','),
    );
    assert.equal(lines[4], '');
    const text = bytes.toString('utf8');
    for (const word of [NAME, PHONE, BODY_WORDS]) assert.ok(!text.includes(word), word);
    const audit = await hub.app.store.audit.model.find({ action: 'supervision_export' }).lean();
    assert.deepEqual(
      audit.map((a) => [a.actor.role, a.fields]),
      [['supervisor', ['overdue.csv', 'days=30', 'rows=3']]],
    );
  });

  it('exports lists as XLSX that read back with dates, numbers and labels; a department gets its own rows', async () => {
    const response = await hub.request({
      method: 'GET',
      url: '/api/v1/supervision/export/returned.xlsx',
      token: supervisor,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(
      response.headers['content-type'],
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('退单工单');
    assert.ok(sheet);
    assert.equal(sheet.rowCount, 2);
    assert.equal(sheet.getRow(1).getCell(1).font.bold, true);
    const b = (await board(supervisor)).json<BoardJson>();
    const returnedAt = new Date(b.returned.items[0]?.lastReturnedAt ?? '');
    const local = localMinute(returnedAt, 'Asia/Shanghai');
    const row = sheet.getRow(2);
    const cells = [1, 2, 3, 4, 5, 6, 8].map((c) => row.getCell(c).value);
    assert.deepEqual(cells, [
      t.T3,
      '已派单',
      'STJ',
      DEMO_DEPARTMENTS.find((d) => d.code === 'STJ')?.name,
      1,
      1,
      'CGJ',
    ]);
    const at = row.getCell(7).value;
    assert.ok(at instanceof Date);
    assert.equal(at.toISOString().slice(0, 16).replace('T', ' '), local);

    // CGJ's daily volume: only its own two tickets, in English.
    const mine = await hub.request({
      method: 'GET',
      url: '/api/v1/supervision/export/daily-volume.xlsx?days=7&lang=en',
      token: clerk.CGJ,
    });
    assert.equal(mine.statusCode, 200, mine.body);
    const volume = new ExcelJS.Workbook();
    await volume.xlsx.load(mine.rawPayload as unknown as ArrayBuffer);
    const days = volume.getWorksheet('Daily volume');
    assert.ok(days);
    assert.equal(days.rowCount, 8);
    assert.deepEqual((days.getRow(1).values as unknown[]).slice(1), [
      'Date',
      'IVR',
      'Hotline',
      'SMS',
      'Web',
      'Email',
      'API',
      'Open311',
      'Total',
    ]);
    let total = 0;
    days.eachRow((r, n) => {
      if (n > 1) total += Number(r.getCell(9).value);
    });
    assert.equal(total, 2);
    assert.ok(days.getRow(2).getCell(1).value instanceof Date);
    const audit = await hub.app.store.audit.model
      .find({ action: 'supervision_export', 'actor.department': 'CGJ' })
      .lean();
    assert.deepEqual(
      audit.map((a) => a.fields),
      [['daily-volume.xlsx', 'days=7', 'rows=7']],
    );
  });
});
