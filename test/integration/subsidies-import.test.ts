import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { importApplications } from '../../src/subsidies/import-applications.js';
import type { ImportMode } from '../../src/subsidies/import-report.js';
import { importSubsidies } from '../../src/subsidies/import-subsidies.js';
import { startHub, type TestHub } from '../helpers/hub.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const TODAY = '2026-11-22';
const HEADER = '户主姓名,身份证号,联系电话,乡镇,村,年度,补贴类型,批次,金额(元),发放日期,状态,银行账号,开户行';

describe('subsidy and application imports (embedded database)', () => {
  let hub: TestHub;
  let store: Store;
  const run = (bytes: Uint8Array, mode: ImportMode = 'import', source = 'register.csv') =>
    importSubsidies(store.subsidies, { bytes, source, mode, today: TODAY });
  /** Everything stored, as text: for "this never reaches the database" assertions. */
  const dump = async () =>
    JSON.stringify([
      await store.subsidies.model.find({}).lean(),
      await store.subsidies.payments.find({}).lean(),
    ]);

  before(async () => {
    hub = await startHub();
    store = hub.app.store;
  });
  after(async () => {
    await hub.close();
  });

  it('imports a clean register: households and payments, masked', async () => {
    const report = await run(fixture('subsidies-register.csv'));
    assert.deepEqual(report.problems, []);
    assert.equal(report.written, true);
    assert.equal(report.encoding, 'utf-8');
    assert.deepEqual(report.counts, {
      households: { created: 5, updated: 0, unchanged: 0 },
      payments: { created: 7, updated: 0, unchanged: 0 },
    });
    assert.deepEqual(await store.subsidies.counts(), { households: 5, payments: 7 });
    const stored = await dump();
    for (const secret of [
      '130125196001011238',
      '13012519480808456',
      '6217000011112201',
      '19600101',
      '1023.5',
    ]) {
      assert.ok(!stored.includes(secret), `${secret} reached the database`);
    }
  });

  it('finds the imported households by phone (mobile or landline) and by ID hash', async () => {
    const [liu] = await store.subsidies.householdsByPhone('13903120001');
    assert.equal(liu?.headName, '刘振华');
    assert.equal(liu.idMasked, '130125********1238');
    assert.equal(liu.township, '口头镇');
    const [chen] = await store.subsidies.householdsByPhone('+8631182661234');
    assert.equal(chen?.headName, '陈玉兰');
    assert.deepEqual(chen.phones, ['+8613903120002', '+8631182661234']);
    const sun = await store.subsidies.householdByIdNumber('13012519480808456X');
    assert.equal(sun?.headName, '孙立军');
    const [zhou] = await store.subsidies.householdsByPhone('13903120005'); // written full-width in the file
    assert.equal(zhou?.headName, '周桂芝');
  });

  it('a shared phone: both households, the ID tail (X keyed as *) picks one, a wrong tail none', async () => {
    const both = await store.subsidies.householdsByPhone('13903120003');
    assert.deepEqual(both.map((h) => h.headName).sort(), ['孙立军', '孙立新']);
    const jun = await store.subsidies.householdsByPhone('13903120003', { idTail: '08456*' });
    assert.deepEqual(
      jun.map((h) => h.headName),
      ['孙立军'],
    );
    // 刘振华's tail through the 孙 phone: another household's data is never reached.
    assert.deepEqual(await store.subsidies.householdsByPhone('13903120003', { idTail: '011238' }), []);
  });

  it('payments newest first, amounts in fen, account masked, only the household’s own', async () => {
    const liu = await store.subsidies.householdByIdNumber('130125196001011238');
    assert.ok(liu);
    const payments = await store.subsidies.paymentsOf(liu.id);
    assert.deepEqual(
      payments.map((p) => [p.type, p.amountFen, p.paidDate, p.accountMasked, p.source]),
      [
        ['farm-input', 41_260, '2025-06-10', '****2201', 'register.csv'],
        ['grain', 102_350, '2025-05-20', '****2201', 'register.csv'],
      ],
    );
    const [xin] = await store.subsidies.householdsByPhone('13903120003', { idTail: '203457' });
    assert.ok(xin);
    assert.deepEqual(
      (await store.subsidies.paymentsOf(xin.id)).map((p) => p.type),
      ['medical-aid'],
    );
  });

  it('re-importing the same file (or its GBK twin) changes nothing', async () => {
    const liu = await store.subsidies.householdByIdNumber('130125196001011238');
    assert.ok(liu);
    const before = await store.subsidies.paymentsOf(liu.id);
    for (const file of ['subsidies-register.csv', 'subsidies-register-gbk.csv']) {
      const report = await run(fixture(file));
      assert.deepEqual(report.problems, []);
      assert.deepEqual(report.counts, {
        households: { created: 0, updated: 0, unchanged: 5 },
        payments: { created: 0, updated: 0, unchanged: 7 },
      });
    }
    assert.deepEqual(await store.subsidies.counts(), { households: 5, payments: 7 });
    // Not even rewritten: the import time of the first import stands.
    assert.deepEqual(await store.subsidies.paymentsOf(liu.id), before);
  });

  it('a dry run and all-or-nothing with problems write nothing', async () => {
    for (const mode of ['dry-run', 'all-or-nothing'] as const) {
      const report = await run(fixture('subsidies-errors.csv'), mode);
      assert.equal(report.written, false);
      assert.equal(report.invalidRows, 11);
      assert.deepEqual(report.counts.payments, { created: 2, updated: 0, unchanged: 0 });
      assert.deepEqual(await store.subsidies.counts(), { households: 5, payments: 7 });
    }
  });

  it('imports the valid rows of a file with problems, reports the others by row, and is idempotent', async () => {
    const first = await run(fixture('subsidies-errors.csv'), 'import', 'errors.csv');
    assert.equal(first.written, true);
    assert.deepEqual([...new Set(first.problems.map((p) => p.row))], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.deepEqual(first.counts.payments, { created: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(await store.subsidies.counts(), { households: 7, payments: 9 });
    const again = await run(fixture('subsidies-errors.csv'), 'import', 'errors.csv');
    assert.deepEqual(again.problems, first.problems);
    assert.deepEqual(again.counts.payments, { created: 0, updated: 0, unchanged: 2 });
    assert.deepEqual(await store.subsidies.counts(), { households: 7, payments: 9 });
    // The rejected rows left nothing behind: the bad-check-digit household does not exist.
    assert.deepEqual(await store.subsidies.householdsByPhone('13903120012'), []);
    assert.deepEqual(await store.subsidies.householdsByPhone('13903120014'), [], 'conflicting rows');
  });

  it('a later register: a pending payment becomes paid; another amount for a stored payment is a conflict', async () => {
    const later = [
      HEADER,
      '陈玉兰,130125196503152348,,口头镇,东庄村,2026,低保,2026-11,620,2026-11-10,已发放,6217000011112202,',
      '刘振华,130125196001011238,13903120001,口头镇,东庄村,2025,粮食直补,1,1100,2025-05-20,已发放,,',
    ].join('\n');
    const report = await run(Buffer.from(later), 'import', 'later.csv');
    assert.deepEqual(
      report.problems.map((p) => [p.row, p.code]),
      [[3, 'conflict-stored']],
    );
    assert.deepEqual(report.counts.payments, { created: 0, updated: 1, unchanged: 0 });
    const chen = await store.subsidies.householdByIdNumber('130125196503152348');
    assert.ok(chen);
    const [november] = await store.subsidies.paymentsOf(chen.id, { year: 2026 });
    assert.deepEqual(
      [november?.batch, november?.status, november?.paidDate, november?.accountMasked, november?.source],
      ['2026-11', 'paid', '2026-11-10', '****2202', 'later.csv'],
    );
    // No phone in the row: the registered phones are kept.
    assert.deepEqual((await store.subsidies.householdById(chen.id))?.phones, [
      '+8613903120002',
      '+8631182661234',
    ]);
    const liu = await store.subsidies.householdByIdNumber('130125196001011238');
    assert.ok(liu);
    const grain = await store.subsidies.findPayment(`${liu.id}:2025:grain:1`);
    assert.equal(grain?.amountFen, 102_350, 'the stored amount is untouched');
  });

  it('a new phone in a later register replaces the old one: the old number no longer reaches the household', async () => {
    const row =
      '周桂芝,130125195512305671,13903120099,口头镇,南庄村,2024,grain,1,800,20240520,paid,6217000011112205,';
    const report = await run(Buffer.from(`${HEADER}\n${row}\n`));
    assert.deepEqual(report.counts.households, { created: 0, updated: 1, unchanged: 0 });
    assert.deepEqual(await store.subsidies.householdsByPhone('13903120005'), []);
    assert.equal((await store.subsidies.householdsByPhone('13903120099'))[0]?.headName, '周桂芝');
  });

  it('a file without the required columns is refused whole', async () => {
    const report = await run(Buffer.from('姓名,电话\n张三,13903120011\n'));
    assert.match(report.fatal?.message ?? '', /missing columns/);
    assert.equal(report.written, false);
  });

  describe('applications', () => {
    const departments = new Set(['SCJ', 'RSJ', 'ZJJ']);
    const runApplications = (mode: ImportMode = 'import') =>
      importApplications(store.applications, {
        bytes: fixture('applications.csv'),
        source: 'applications.csv',
        mode,
        departments,
        timeZone: 'Asia/Shanghai',
        now: new Date('2026-11-22T00:00:00Z'),
      });

    it('imports valid cases, reports the others by row, and is idempotent', async () => {
      const report = await runApplications();
      assert.deepEqual(
        report.problems.map((p) => [p.row, p.code, p.column]),
        [
          [4, 'number', 'number'],
          [5, 'department', 'department'],
          [5, 'query-code', 'queryCode'],
          [5, 'date', 'reviewedAt'], // 审查 before 受理
          [6, 'duplicate-row', undefined],
        ],
      );
      assert.deepEqual(report.counts, { applications: { created: 2, updated: 0, unchanged: 0 } });
      const again = await runApplications();
      assert.deepEqual(again.counts, { applications: { created: 0, updated: 0, unchanged: 2 } });
      assert.equal(await store.applications.count(), 2);
    });

    it('imported cases are found by number, verified by query code, listed by landline', async () => {
      const done = await store.applications.verify('926110300019', '551234');
      assert.equal(done?.status, 'completed');
      assert.deepEqual(
        done.steps.map((s) => [s.name, s.at.toISOString()]),
        [
          ['受理', '2026-11-03T01:30:00.000Z'],
          ['审查', '2026-11-04T02:00:00.000Z'],
          ['决定', '2026-11-05T07:00:00.000Z'],
          ['办结', '2026-11-05T08:00:00.000Z'],
        ],
      );
      assert.equal(done.result, '准予登记');
      assert.equal(await store.applications.verify('926110300019', '551235'), undefined);
      const [byLandline] = await store.applications.findByApplicantPhone('0311 8266 1235');
      assert.equal(byLandline?.number, '926110400023');
      assert.equal(byLandline.status, 'reviewing');
    });
  });
});
