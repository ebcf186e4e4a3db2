import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { datePartOf, isValidTicketNumber, ticketNumberSequence } from '../../src/tickets/ticket-number.js';
import { openTicket, startHub, type TestHub } from '../helpers/hub.js';

describe('ticket number sequence', () => {
  let hub: TestHub;
  let key: string;
  before(async () => {
    hub = await startHub();
    key = `seq:${datePartOf(new Date(), hub.config.timezone)}`;
  });
  after(async () => {
    await hub.close();
  });

  it('continues after Redis lost the counter (restart without persistence)', async () => {
    const first = await Promise.all(Array.from({ length: 5 }, () => openTicket(hub)));
    assert.equal(await hub.app.redis.get(key), '5');
    await hub.app.redis.del(key); // what a Redis restart does to a counter kept nowhere else
    const second = await Promise.all(Array.from({ length: 5 }, () => openTicket(hub)));
    const numbers = [...first, ...second].map((t) => t.number);
    assert.equal(new Set(numbers).size, 10);
    assert.deepEqual(
      numbers.map(ticketNumberSequence).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('never duplicates a number when the counter is behind the database', async () => {
    await hub.app.redis.set(key, '2'); // e.g. restored from an old snapshot
    const more = await Promise.all(Array.from({ length: 10 }, () => openTicket(hub)));
    const all = await hub.app.store.tickets.model.distinct('_id');
    assert.equal(all.length, 20);
    for (const ticket of more) {
      assert.ok(isValidTicketNumber(ticket.number));
      assert.ok(ticketNumberSequence(ticket.number) > 10, `${ticket.number} reused a sequence`);
    }
  });
});
