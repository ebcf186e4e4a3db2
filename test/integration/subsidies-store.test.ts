import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_APPLICATIONS, DEMO_SUBSIDY_HOUSEHOLDS, loadDemoCases } from '../../src/seed-data.js';
import type { Store } from '../../src/store/store.js';
import { checkDigit } from '../../src/tickets/ticket-number.js';
import { startHub, type TestHub } from '../helpers/hub.js';

/** The demo household with this head name (the fixtures are the contract other tests rely on). */
function demo(headName: string) {
  const household = DEMO_SUBSIDY_HOUSEHOLDS.find((h) => h.headName === headName);
  assert.ok(household, headName);
  return household;
}

describe('applications and subsidies store (embedded database)', () => {
  let hub: TestHub;
  let store: Store;
  before(async () => {
    hub = await startHub();
    store = hub.app.store;
    assert.deepEqual(await loadDemoCases(store), { applications: 5, households: 5, payments: 16 });
  });
  after(async () => {
    await hub.close();
  });

  describe('application cases', () => {
    it('finds a case by number, refuses a wrong check digit without a lookup', async () => {
      const [first] = DEMO_APPLICATIONS;
      assert.ok(first);
      const found = await store.applications.findByNumber(first.number);
      assert.equal(found?.item, first.item);
      assert.equal(found.status, 'completed');
      assert.deepEqual(
        found.steps.map((s) => s.name),
        ['受理', '审查', '决定', '办结'],
      );
      assert.ok(found.steps[0]?.at instanceof Date);
      const wrongCheck = first.number.slice(0, -1) + String((Number(first.number.at(-1)) + 1) % 10);
      assert.equal(await store.applications.findByNumber(wrongCheck), undefined);
      // A well-formed number nobody was given.
      const body = '92611300001';
      assert.equal(await store.applications.findByNumber(body + checkDigit(body)), undefined);
    });

    it('verifies the query code', async () => {
      const [first] = DEMO_APPLICATIONS;
      assert.ok(first);
      assert.equal((await store.applications.verify(first.number, first.queryCode))?.number, first.number);
      assert.equal(await store.applications.verify(first.number, '000000'), undefined);
      assert.equal(await store.applications.verify(first.number, ''), undefined);
      assert.equal(await store.applications.verify(first.number, `${first.queryCode}0`), undefined);
    });

    it('lists an applicant’s cases by phone in any spelling, newest first', async () => {
      const cases = await store.applications.findByApplicantPhone('139 0311 0001');
      assert.deepEqual(
        cases.map((c) => c.item),
        ['农村宅基地和建房（规划许可）审批', '城乡居民基本养老保险待遇申领'],
      );
      assert.deepEqual(await store.applications.findByApplicantPhone('13903119999'), []);
      assert.deepEqual(await store.applications.findByApplicantPhone('not a phone'), []);
    });

    it('upsert replaces a case by number; insert refuses a taken number', async () => {
      const [, second] = DEMO_APPLICATIONS;
      assert.ok(second);
      assert.equal(await store.applications.insert({ ...second, item: 'changed' }), false);
      const done = { name: '决定', at: new Date('2026-11-21T02:00:00Z'), by: '县民政局' };
      await store.applications.upsert({ ...second, steps: [...second.steps, done], status: 'decided' });
      const found = await store.applications.findByNumber(second.number);
      assert.equal(found?.status, 'decided');
      assert.equal(found.steps.length, 3);
      assert.equal(found.item, second.item);
      await store.applications.upsert(second);
    });
  });

  describe('subsidy households', () => {
    it('finds a household by phone with its masked ID only', async () => {
      const wang = demo('王建国');
      const [found, ...others] = await store.subsidies.householdsByPhone('13903110001');
      assert.equal(others.length, 0);
      assert.equal(found?.headName, '王建国');
      assert.equal(found.idMasked, `${wang.idNumber.slice(0, 6)}********${wang.idNumber.slice(-4)}`);
      assert.equal(found.village, '塔元庄村');
      const stored = JSON.stringify(await store.subsidies.model.find({}).lean());
      for (const household of DEMO_SUBSIDY_HOUSEHOLDS) {
        assert.ok(!stored.includes(household.idNumber), 'a plain ID number is stored');
        assert.ok(!stored.includes(household.idNumber.slice(6, 14)), 'a birth date is stored');
      }
    });

    it('finds a household by ID number (keyed hash), in any valid spelling', async () => {
      const wang = demo('王建国');
      assert.ok(wang.idNumber.endsWith('X'));
      const byId = await store.subsidies.householdByIdNumber(wang.idNumber.toLowerCase());
      assert.equal(byId?.headName, '王建国');
      const wrongCheck = `${wang.idNumber.slice(0, 17)}1`;
      assert.equal(await store.subsidies.householdByIdNumber(wrongCheck), undefined);
      assert.equal(await store.subsidies.householdByIdNumber('110105194912310021'), undefined);
    });

    it('a shared phone returns both households; the ID tail picks one', async () => {
      const both = await store.subsidies.householdsByPhone('+86 139-0311-0004');
      assert.deepEqual(both.map((h) => h.headName).sort(), ['张志刚', '张志强']);
      const gang = demo('张志刚');
      const picked = await store.subsidies.householdsByPhone('13903110004', {
        idTail: gang.idNumber.slice(-6),
      });
      assert.deepEqual(
        picked.map((h) => h.headName),
        ['张志刚'],
      );
      // The other household's tail through the wrong phone finds nothing.
      const wang = demo('王建国');
      assert.deepEqual(
        await store.subsidies.householdsByPhone('13903110004', { idTail: wang.idNumber.slice(-6) }),
        [],
      );
      assert.deepEqual(await store.subsidies.householdsByPhone('13903110004', { idTail: '12345' }), []);
    });

    it('an ID tail ending in X can be keyed as *', async () => {
      const wang = demo('王建国');
      const tail = wang.idNumber.slice(-6).replace('X', '*');
      const found = await store.subsidies.householdsByPhone('13903110001', { idTail: tail });
      assert.deepEqual(
        found.map((h) => h.headName),
        ['王建国'],
      );
    });

    it('an unregistered phone finds nothing', async () => {
      assert.deepEqual(await store.subsidies.householdsByPhone('13903119999'), []);
      assert.deepEqual(await store.subsidies.householdsByPhone(''), []);
    });
  });

  describe('payments', () => {
    it('lists a household’s payments newest first, masked account only', async () => {
      const [li] = await store.subsidies.householdsByPhone('13903110003');
      assert.ok(li);
      const payments = await store.subsidies.paymentsOf(li.id);
      assert.deepEqual(
        payments.map((p) => [p.year, p.type, p.batch, p.status]),
        [
          [2026, 'dibao', '2026-11', 'pending'],
          [2026, 'dibao', '2026-10', 'paid'],
          [2026, 'dibao', '2026-09', 'paid'],
          [2025, 'medical-aid', '1', 'paid'],
        ],
      );
      assert.equal(payments[1]?.amountFen, 62_000);
      assert.equal(payments[1].accountMasked, '****6021');
      assert.ok(payments.every((p) => p.householdId === li.id));
    });

    it('filters by year', async () => {
      const [wang] = await store.subsidies.householdsByPhone('13903110001');
      assert.ok(wang);
      const of2025 = await store.subsidies.paymentsOf(wang.id, { year: 2025 });
      assert.deepEqual(of2025.map((p) => p.type).sort(), ['farm-input', 'grain']);
      assert.deepEqual(await store.subsidies.paymentsOf(wang.id, { year: 2019 }), []);
    });

    it('never returns another household’s payments', async () => {
      const [qiang, gang] = await Promise.all([
        store.subsidies.householdByIdNumber(demo('张志强').idNumber),
        store.subsidies.householdByIdNumber(demo('张志刚').idNumber),
      ]);
      assert.ok(qiang && gang);
      const ofQiang = await store.subsidies.paymentsOf(qiang.id);
      const ofGang = await store.subsidies.paymentsOf(gang.id);
      assert.deepEqual(
        ofQiang.map((p) => p.amountFen),
        [120_000, 61_020],
      );
      assert.deepEqual(
        ofGang.map((p) => p.amountFen),
        [30_120, 29_410, 58_830],
      );
      assert.equal(ofGang[0]?.status, 'returned');
      assert.deepEqual(await store.subsidies.paymentsOf('h-no-such-household'), []);
    });

    it('insertPayment refuses a payment with the same key; loading the demo twice changes nothing', async () => {
      const [zhao] = await store.subsidies.householdsByPhone('13903110005');
      assert.ok(zhao);
      const before = await store.subsidies.counts();
      const taken = await store.subsidies.insertPayment({
        householdId: zhao.id,
        year: 2026,
        type: 'wubao',
        batch: '2026-H1',
        amountFen: 1,
        status: 'paid',
        source: 'test',
      });
      assert.equal(taken, false);
      await loadDemoCases(store);
      assert.deepEqual(await store.subsidies.counts(), before);
      assert.deepEqual(before, { households: 5, payments: 16 });
      const h1 = await store.subsidies.findPayment(`${zhao.id}:2026:wubao:2026-H1`);
      assert.equal(h1?.amountFen, 450_000);
    });
  });
});
