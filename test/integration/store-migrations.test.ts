import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../../src/store/migrations.js';
import { openTicket, startHub, type TestHub } from '../helpers/hub.js';

describe('one-time store migrations', () => {
  let hub: TestHub;

  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('gives tickets and households stored before the list keys and phone rows their keys, once', async () => {
    const { store } = hub.app;
    const { number } = await openTicket(hub, { body: '老数据：路灯不亮' });
    const phone = '13600136000';
    const { id } = await store.subsidies.upsertHousehold({
      idNumber: '110101199003074477',
      headName: '李四',
      phones: [phone],
      township: '城关镇',
      village: '东村',
    });
    // As an older hub stored them: no list keys on the ticket, no phone rows for the household.
    await store.tickets.model.updateOne(
      { _id: number },
      { $unset: { lane: '', dueAt: '', flaggedAt: '', titleKey: '' } },
    );
    await store.subsidies.phoneRows.deleteMany({});
    const db = store.tickets.model.db;
    await db.collection('store_migrations').deleteMany({});
    const triage = async () =>
      (await store.tickets.page({ list: 'lane', lane: 'triage' }, { limit: 100 })).items.map((t) => t.number);
    assert.equal((await triage()).includes(number), false, 'an old ticket is in no list');
    assert.deepEqual(await store.subsidies.householdsByPhone(phone), []);

    const lines: string[] = [];
    await migrate(db, store, (line) => lines.push(line));
    assert.ok((await triage()).includes(number));
    assert.deepEqual(
      (await store.subsidies.householdsByPhone(phone)).map((h) => h.id),
      [id],
    );
    assert.ok(
      lines.some((line) => line.includes('ticket-list-keys done, 1 changed')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => line.includes('household-phone-rows done, 1 changed')),
      lines.join('\n'),
    );

    // Marked done: the next start reads the markers and changes nothing.
    const again: string[] = [];
    await migrate(db, store, (line) => again.push(line));
    assert.deepEqual(again, []);
  });
});
