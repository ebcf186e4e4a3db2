import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isValidTicketNumber,
  ticketNumberDate,
  ticketNumberSequence,
} from '../../src/tickets/ticket-number.js';
import { openTicket, startHub, type TestHub } from '../helpers/hub.js';

describe('idempotent intake', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('200 concurrent intakes with 20 repeated idempotency keys make exactly 180 tickets', async () => {
    const keys = Array.from({ length: 180 }, (_, i) => `bulk-${i}`);
    const sent = [...keys, ...keys.slice(0, 20)]; // 20 keys arrive twice
    const responses = await Promise.all(
      sent.map((key, i) =>
        hub.request({
          method: 'POST',
          url: '/api/v1/tickets',
          headers: { 'idempotency-key': key },
          payload: {
            kind: 'consultation',
            body: `第${i}条：咨询社保卡补办流程`,
            contact: { phone: `1390000${String(i % 180).padStart(4, '0')}` },
          },
        }),
      ),
    );
    const bodies = responses.map((r) => r.json<{ created: boolean; ticket: { number: string } }>());
    assert.deepEqual(
      responses.map((r) => r.statusCode).sort(),
      [...Array<number>(20).fill(200), ...Array<number>(180).fill(201)].sort(),
    );
    assert.equal(bodies.filter((b) => b.created).length, 180);

    const numbers = bodies.map((b) => b.ticket.number);
    assert.equal(new Set(numbers).size, 180, 'one number per distinct key');
    for (const number of numbers) assert.ok(isValidTicketNumber(number), number);
    // Each repeated key answered with the first ticket's number.
    for (let i = 0; i < 20; i++) assert.equal(numbers[180 + i], numbers[i]);

    assert.equal(await hub.app.store.tickets.count(), 180);
    const stored = await hub.app.store.tickets.model.distinct('source.dedupeKey');
    assert.equal(stored.length, 180, 'one ticket per idempotency key in the store');
  });

  it('a replay returns the first result even when the retry carries a different body', async () => {
    const first = await openTicket(hub, { body: '第一次提交' }, 'replay-key');
    const retry = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { 'idempotency-key': 'replay-key' },
      payload: { kind: 'praise', body: '第二次提交，内容不同' },
    });
    assert.equal(retry.statusCode, 200);
    const body = retry.json<{ created: boolean; ticket: { number: string; body: string; kind: string } }>();
    assert.equal(body.created, false);
    assert.equal(body.ticket.number, first.number);
    assert.equal(body.ticket.body, '第一次提交');
    assert.equal(body.ticket.kind, 'complaint');
  });

  it('a replay after Redis forgot the key still returns the first ticket, and makes no second one', async () => {
    const first = await openTicket(hub, { body: '原始内容' }, 'forgotten-key');
    const before = await hub.app.store.tickets.count();
    await hub.app.redis.del('idem:api:forgotten-key'); // what a Redis restart does to the claim
    const retry = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { 'idempotency-key': 'forgotten-key' },
      payload: { kind: 'complaint', body: '原始内容' },
    });
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json<{ ticket: { number: string } }>().ticket.number, first.number);
    assert.equal(await hub.app.store.tickets.count(), before);
    assert.equal(
      await hub.app.redis.get('idem:api:forgotten-key'),
      `${ticketNumberDate(first.number)}:${ticketNumberSequence(first.number)}`,
      'the claim is remembered again',
    );
  });

  it('stores the received event and the citizen outbox entry in the same document', async () => {
    const ticket = await openTicket(hub, { contact: { phone: '+86 138 0013 9000', name: '李四' } });
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    assert.ok(stored);
    assert.equal(stored.status, 'received');
    assert.equal(stored.version, 1);
    assert.equal(stored.events.length, 1);
    const [received] = stored.events;
    assert.equal(received?.type, 'received');
    const outbox = Object.values(stored.outbox);
    assert.equal(outbox.length, 1);
    assert.ok(received);
    assert.equal(outbox[0]?.eventId, received.id);
    assert.equal(outbox[0].audience, 'citizen');
    assert.equal(outbox[0].status, 'pending');
    assert.equal(outbox[0].contactId, stored.contactId);
  });

  it('knows a citizen again by the normalised phone, however it was typed', async () => {
    const a = await openTicket(hub, { contact: { phone: '13700137000' } });
    const b = await openTicket(hub, { contact: { phone: '+86 137-0013-7000' } });
    const c = await openTicket(hub, { contact: { phone: '１３７００１３７０００' } });
    const ids = await Promise.all(
      [a, b, c].map(async (t) => (await hub.app.store.tickets.findByNumber(t.number))?.contactId),
    );
    assert.ok(ids[0]);
    assert.deepEqual(ids, [ids[0], ids[0], ids[0]]);
    assert.equal(ids[0], hub.app.store.contacts.idFor({ phone: '+8613700137000' }));
    assert.doesNotMatch(ids[0], /137/, 'the id does not carry the phone number');
    const contact = await hub.app.store.contacts.findById(ids[0]);
    assert.deepEqual(
      contact?.phones.map((p) => p.number),
      ['+8613700137000'],
    );
    assert.equal(await hub.app.store.contacts.model.countDocuments({ _id: ids[0] }), 1);
  });

  it('an anonymous ticket without contact has no outbox entry and the acknowledgement still has its number', async () => {
    const response = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      payload: { kind: 'report', body: '匿名举报：某餐馆后厨卫生问题', anonymous: true },
    });
    assert.equal(response.statusCode, 201);
    const body = response.json<{
      acknowledgement: string;
      ticket: { number: string; outbox: unknown[]; contact: null };
    }>();
    assert.equal(body.ticket.outbox.length, 0);
    assert.equal(body.ticket.contact, null);
    assert.ok(body.acknowledgement.includes(body.ticket.number));
    assert.ok(body.acknowledgement.startsWith('您的举报已受理'));
  });
});
