import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { checkSubsidyFile } from '../../src/subsidies/import-subsidies.js';
import { toLocal } from '../../src/time/zoned-time.js';
import { issueToken, startHub, type TestHub } from '../helpers/hub.js';
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
} from '../helpers/xlsx.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

interface View {
  id: string;
  status: string;
  outcome?: string;
  mode: string;
  format: string;
  source: string;
  progress: { phase: string; done: number; total: number; percent: number };
  written: boolean;
  rows: number;
  validRows: number;
  invalidRows: number;
  counts: Record<string, { created: number; updated: number; unchanged: number }>;
  fatal?: { message: string; line?: number };
  problemCount: number;
  problems: {
    row: number;
    column?: string;
    columnName?: string;
    code: string;
    message: string;
    firstRow?: number;
  }[];
  guarantee: string;
  runs: number;
}

describe('register imports through the API (job, progress, report)', () => {
  let hub: TestHub;
  let operator: string;
  let supervisor: string;

  const upload = (
    body: Buffer | string,
    query: string,
    options: { type?: string; token?: string; headers?: Record<string, string> } = {},
  ) =>
    hub.request({
      method: 'POST',
      url: `/api/v1/imports?${query}`,
      headers: { 'content-type': options.type ?? XLSX_TYPE, ...(options.headers ?? {}) },
      payload: body,
      token: options.token,
    });

  /** Polls until the import has finished; returns the last view and every progress seen. */
  async function finished(id: string): Promise<{ view: View; seen: View['progress'][] }> {
    const seen: View['progress'][] = [];
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const response = await hub.request({ method: 'GET', url: `/api/v1/imports/${id}` });
      assert.equal(response.statusCode, 200, response.body);
      const view = response.json<View>();
      seen.push(view.progress);
      if (view.status === 'done' || view.status === 'failed') return { view, seen };
      await sleep(50);
    }
    throw new Error(`import ${id} did not finish`);
  }

  async function run(body: Buffer, query: string, type = XLSX_TYPE): Promise<View> {
    const response = await upload(body, query, { type });
    assert.equal(response.statusCode, 202, response.body);
    return (await finished(response.json<View>().id)).view;
  }

  /** Every stored household, payment and case, as text: "nothing written" means this did not change. */
  const dump = async () =>
    JSON.stringify([
      await hub.app.store.subsidies.model.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.subsidies.payments.find({}).sort({ _id: 1 }).lean(),
      await hub.app.store.applications.model.find({}).sort({ _id: 1 }).lean(),
    ]);

  before(async () => {
    hub = await startHub();
    operator = await issueToken(hub, 'operator');
    supervisor = await issueToken(hub, 'supervisor');
  });
  after(async () => {
    await hub.close();
  });

  it('imports a good XLSX register: text IDs, leading zeros, dates, formulas; progress reaches the total; audited', async () => {
    const response = await upload(
      await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS),
      'kind=subsidies&name=C%3A%5Cdocs%5C%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx',
    );
    assert.equal(response.statusCode, 202, response.body);
    const started = response.json<View>();
    assert.equal(started.status, 'queued');
    assert.equal(started.mode, 'all-or-nothing');
    assert.equal(started.format, 'xlsx');
    assert.equal(started.source, '花名册.xlsx');
    const { view, seen } = await finished(started.id);
    assert.equal(view.status, 'done');
    assert.equal(view.outcome, 'imported');
    assert.equal(view.written, true);
    assert.deepEqual([view.rows, view.validRows, view.invalidRows, view.problemCount], [3, 3, 0, 0]);
    assert.deepEqual(view.counts, {
      households: { created: 3, updated: 0, unchanged: 0 },
      payments: { created: 3, updated: 0, unchanged: 0 },
    });
    assert.deepEqual(view.progress, { phase: 'done', done: 3, total: 3, percent: 100 });
    for (const p of seen) assert.ok(p.done <= p.total || p.total === 0, JSON.stringify(p));
    assert.deepEqual(await hub.app.store.subsidies.counts(), { households: 3, payments: 3 });
    const [chen] = await hub.app.store.subsidies.householdsByPhone('0311-82661234');
    assert.equal(chen?.headName, '陈玉兰');
    const sun = await hub.app.store.subsidies.householdByIdNumber('13012519480808456X');
    assert.ok(sun);
    const [payment] = await hub.app.store.subsidies.paymentsOf(sun.id);
    assert.deepEqual(
      [payment?.paidDate, payment?.amountFen, payment?.source],
      ['2026-07-08', 450000, '花名册.xlsx'],
    );
    // The file (plain ID numbers) is gone once the import has finished.
    assert.equal(await hub.app.store.imports.sealedFile(started.id), undefined);
    const audit = await hub.app.store.audit.model.find({ fields: started.id }).sort({ at: 1 }).lean();
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor.id, a.fields]),
      [
        ['import_started', 'bootstrap-token', [started.id, 'subsidies', 'all-or-nothing']],
        ['import_finished', 'bootstrap-token', [started.id, 'written']],
      ],
    );
  });

  it('a re-import of the same file writes nothing new', async () => {
    const before = await dump();
    const view = await run(await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS), 'kind=subsidies');
    assert.equal(view.outcome, 'imported');
    assert.deepEqual(view.counts, {
      households: { created: 0, updated: 0, unchanged: 3 },
      payments: { created: 0, updated: 0, unchanged: 3 },
    });
    assert.equal(await dump(), before);
  });

  it('an XLSX with bad rows: every bad row reported with its reason, and nothing written', async () => {
    const before = await dump();
    const counts = await hub.app.store.subsidies.counts();
    const view = await run(
      await xlsx(SUBSIDY_HEADER, [
        registerRow({ name: '马建军', id: Number('130125198307076789'), phone: '13903120011' }),
        registerRow({ name: '赵国庆', id: '130125197611117896', phone: '13903120012' }),
        registerRow({ name: '钱文斌', id: '130125195909098914', phone: '13903120013', paid: '2025-02-30' }),
        registerRow({
          name: '杨春花',
          id: '130125197611117894',
          phone: '13903120014',
          kind: '低保',
          amount: 600,
          paid: excelDate(2025, 1, 10),
        }),
      ]),
      'kind=subsidies&mode=all-or-nothing',
    );
    assert.equal(view.status, 'done');
    assert.equal(view.outcome, 'nothing-written');
    assert.equal(view.written, false);
    assert.deepEqual(
      view.problems.map((p) => [p.row, p.columnName, p.code, p.message]),
      [
        [
          2,
          '身份证号',
          'stored-as-number',
          'ID number stored as a number; format the column as text (Excel keeps only 15 digits) and type it again',
        ],
        [3, '身份证号', 'id-check-digit', 'ID number check character does not match (mistyped?)'],
        [4, '发放日期', 'date', 'date must be YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日)'],
      ],
    );
    assert.deepEqual([view.rows, view.validRows, view.invalidRows, view.problemCount], [4, 1, 3, 3]);
    // The valid row would have been written: the counts say so, the store says it was not.
    assert.deepEqual(view.counts.payments, { created: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(await hub.app.store.subsidies.counts(), counts);
    assert.equal(await dump(), before);
    assert.match(view.guarantee, /nothing is written unless every row passes/);

    const csv = await hub.request({ method: 'GET', url: `/api/v1/imports/${view.id}/report.csv` });
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(
      csv.body,
      '\uFEFF行号 row,列 column,代码 code,问题 problem,对应行 related row\r\n' +
        '2,身份证号,stored-as-number,ID number stored as a number; format the column as text (Excel keeps only 15 digits) and type it again,\r\n' +
        '3,身份证号,id-check-digit,ID number check character does not match (mistyped?),\r\n' +
        '4,发放日期,date,"date must be YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日)",\r\n',
    );
  });

  it('an XLSX without a required column is refused whole, on row 1', async () => {
    const before = await dump();
    const { header, rows } = registerWithoutIdColumn();
    const view = await run(await xlsx(header, rows), 'kind=subsidies');
    assert.equal(view.outcome, 'file-refused');
    assert.deepEqual(view.fatal, { line: 1, message: 'missing columns: 身份证号' });
    assert.equal(await dump(), before);
    const csv = await hub.request({ method: 'GET', url: `/api/v1/imports/${view.id}/report.csv` });
    assert.equal(
      csv.body,
      '\uFEFF行号 row,列 column,代码 code,问题 problem,对应行 related row\r\n1,,file,missing columns: 身份证号,\r\n',
    );
  });

  it('a CSV through the API: the same report as the import use-case, nothing written; valid-rows mode writes the rest', async () => {
    const bytes = fixture('subsidies-errors.csv');
    const expected = checkSubsidyFile({
      bytes,
      source: 'errors.csv',
      mode: 'all-or-nothing',
      today: toLocal(new Date(), hub.config.timezone).date,
    }).report;
    const before = await dump();
    const view = await run(bytes, 'kind=subsidies&name=errors.csv', 'text/csv');
    assert.equal(view.format, 'csv');
    assert.equal(view.outcome, 'nothing-written');
    assert.equal(view.problemCount, expected.problems.length);
    assert.deepEqual(
      view.problems.map(({ columnName: _name, ...p }) => p),
      expected.problems,
    );
    assert.deepEqual([view.rows, view.invalidRows], [expected.rows, expected.invalidRows]);
    assert.deepEqual([view.rows, view.invalidRows], [13, 11]);
    assert.equal(await dump(), before);

    // Windows labels a .csv application/vnd.ms-excel: the bytes decide the format.
    const partial = await run(bytes, 'kind=subsidies&mode=valid-rows', 'application/vnd.ms-excel');
    assert.equal(partial.format, 'csv');
    assert.equal(partial.outcome, 'imported-with-problems');
    assert.deepEqual(partial.counts.payments, { created: 2, updated: 0, unchanged: 0 });
    const [ma] = await hub.app.store.subsidies.householdsByPhone('13903120011');
    assert.equal(ma?.headName, '马建军');
    const [wu] = await hub.app.store.subsidies.householdsByPhone('13903120017');
    assert.equal(wu?.headName, '吴秀梅');
    // Row 3 (a mistyped ID) was left out.
    assert.deepEqual(await hub.app.store.subsidies.householdsByPhone('13903120012'), []);

    const validated = await run(
      fixture('subsidies-register.csv'),
      'kind=subsidies&mode=validate',
      'text/csv',
    );
    assert.equal(validated.outcome, 'validated');
    assert.equal(validated.written, false);
    assert.deepEqual(await hub.app.store.subsidies.householdsByPhone('13903120005'), []);
  });

  it('imports application cases from XLSX: times in the hub zone, a query code keeping its leading zero', async () => {
    const view = await run(
      await xlsx(APPLICATION_HEADER, [
        applicationRow({
          caseNo: '926110300019',
          code: { value: 51234, numFmt: '000000' },
          matter: '个体工商户设立登记',
          applicant: '郑小燕',
          phone: '13903120021',
          dept: 'SCJ',
          status: '已办结',
          due: excelDate(2026, 11, 10),
          result: '准予登记',
          accepted: excelDate(2026, 11, 3, 9, 30),
          reviewed: excelDate(2026, 11, 4, 10),
          decided: excelDate(2026, 11, 5, 15),
          closed: excelDate(2026, 11, 5, 16),
        }),
        applicationRow({
          caseNo: '926110400023',
          code: '062345',
          matter: '城乡居民医保参保登记',
          applicant: '冯大勇',
          phone: '0311-82661235',
          dept: 'RSJ',
          status: '审查中',
          due: '2026-11-20',
          accepted: '2026-11-04 14:00',
        }),
      ]),
      'kind=applications',
    );
    assert.equal(view.outcome, 'imported', JSON.stringify(view.problems));
    assert.deepEqual(view.counts, { applications: { created: 2, updated: 0, unchanged: 0 } });
    const zheng = await hub.app.store.applications.verify('926110300019', '051234');
    assert.equal(zheng?.applicantName, '郑小燕');
    assert.deepEqual(
      zheng.steps.map((s) => [s.name, s.at.toISOString()]),
      [
        ['受理', '2026-11-03T01:30:00.000Z'],
        ['审查', '2026-11-04T02:00:00.000Z'],
        ['决定', '2026-11-05T07:00:00.000Z'],
        ['办结', '2026-11-05T08:00:00.000Z'],
      ],
    );
    assert.equal(
      (await hub.app.store.applications.verify('926110400023', '062345'))?.applicantName,
      '冯大勇',
    );
  });

  it('one import at a time: a second one while the first runs gets HUB_ERR_IMPORT_BUSY and changes nothing', async () => {
    const big = await xlsx(SUBSIDY_HEADER, registerRows(400));
    const first = await upload(big, 'kind=subsidies');
    assert.equal(first.statusCode, 202, first.body);
    const firstId = first.json<View>().id;
    const before = (await hub.app.store.imports.list({ limit: 100 })).items;
    const second = await upload(await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS), 'kind=subsidies', {
      type: XLSX_TYPE,
    });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json<{ code: string }>().code, 'HUB_ERR_IMPORT_BUSY');
    assert.deepEqual(second.json<{ details: unknown }>().details, { importId: firstId });
    assert.equal((await hub.app.store.imports.list({ limit: 100 })).items.length, before.length);

    const { view, seen } = await finished(firstId);
    assert.equal(view.outcome, 'imported');
    assert.deepEqual(view.progress, { phase: 'done', done: 400, total: 400, percent: 100 });
    assert.ok(
      seen.some((p) => p.phase === 'checking' || p.phase === 'writing'),
      JSON.stringify(seen),
    );
    // The record says done a moment before BullMQ marks the job completed.
    const completed = Date.now() + 5000;
    while ((await hub.app.importQueue.getJobState(firstId)) !== 'completed' && Date.now() < completed)
      await sleep(20);
    const job = await hub.app.importQueue.getJob(firstId);
    assert.deepEqual(job?.progress, { phase: 'writing', done: 400, total: 400 });
    assert.equal(job.returnvalue, 'done');
    // Finished: the next import may start.
    const third = await run(await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS), 'kind=subsidies');
    assert.equal(third.status, 'done');
  });

  it('admins only: other staff get 403, no token 401, and nothing is stored', async () => {
    const count = (await hub.app.store.imports.list({ limit: 100 })).items.length;
    const file = await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS);
    for (const token of [operator, supervisor]) {
      const post = await upload(file, 'kind=subsidies', { token });
      assert.equal(post.statusCode, 403);
      assert.equal(post.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
      const list = await hub.request({ method: 'GET', url: '/api/v1/imports', token });
      assert.equal(list.statusCode, 403);
    }
    const anonymous = await hub.request({
      method: 'POST',
      url: '/api/v1/imports?kind=subsidies',
      headers: { 'content-type': XLSX_TYPE },
      payload: file,
      token: null,
    });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((await hub.app.store.imports.list({ limit: 100 })).items.length, count);
  });

  it('bad uploads get a coded answer and start nothing', async () => {
    const count = (await hub.app.store.imports.list({ limit: 100 })).items.length;
    const cases: [Buffer | string, string, string, number, string][] = [
      [Buffer.alloc(0), 'kind=subsidies', 'text/csv', 400, 'HUB_ERR_IMPORT_FILE'],
      [
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]),
        'kind=subsidies',
        'application/vnd.ms-excel',
        400,
        'HUB_ERR_IMPORT_FILE',
      ],
      ['{"rows":[]}', 'kind=subsidies', 'application/json', 400, 'HUB_ERR_IMPORT_FILE'],
      ['a,b', 'kind=households', 'text/csv', 400, 'HUB_ERR_VALIDATION'],
      ['a,b', 'kind=subsidies&mode=some', 'text/csv', 400, 'HUB_ERR_VALIDATION'],
      ['--x\r\n', 'kind=subsidies', 'multipart/form-data; boundary=x', 415, 'HUB_ERR_BAD_REQUEST'],
      [Buffer.alloc(8 * 1024 * 1024 + 1, 0x41), 'kind=subsidies', 'text/csv', 413, 'HUB_ERR_BAD_REQUEST'],
    ];
    for (const [body, query, type, status, code] of cases) {
      const response = await upload(body, query, { type });
      assert.equal(response.statusCode, status, `${type} ${query}: ${response.body}`);
      assert.equal(response.json<{ code: string }>().code, code, `${type} ${query}`);
    }
    assert.equal((await hub.app.store.imports.list({ limit: 100 })).items.length, count);
    const missing = await hub.request({ method: 'GET', url: '/api/v1/imports/imp-0000000000000000' });
    assert.equal(missing.statusCode, 404);
  });

  it('a retried request with the same Idempotency-Key returns the same import', async () => {
    const file = await xlsx(SUBSIDY_HEADER, GOOD_REGISTER_ROWS);
    const headers = { 'idempotency-key': 'upload-7f3a' };
    const first = await upload(file, 'kind=subsidies', { headers });
    assert.equal(first.statusCode, 202, first.body);
    const id = first.json<View>().id;
    const again = await upload(file, 'kind=subsidies', { headers });
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.json<View>().id, id);
    await finished(id);
    const afterwards = await upload(file, 'kind=subsidies', { headers });
    assert.equal(afterwards.json<View>().id, id);
    assert.equal(afterwards.json<View>().status, 'done');
    const list = await hub.request({ method: 'GET', url: '/api/v1/imports?limit=100' });
    assert.equal(list.json<{ items: View[] }>().items.filter((v) => v.id === id).length, 1);
  });
});
