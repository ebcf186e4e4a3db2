import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubErrors } from '../../src/errors.js';
import type { Actor } from '../../src/tickets/types.js';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

/**
 * The ticket core's citizen side: a citizen's further message on their own ticket
 * (`addCitizenMessage`), and a citizen running `rate` themselves — through the core, against the
 * real store and Redis (the SMS keywords use both; their own test drives them by webhook).
 */
describe('ticket core: what a citizen does on their own ticket', () => {
  let hub: TestHub;
  let clerk: string;
  before(async () => {
    hub = await startHub();
    clerk = await issueToken(hub, 'department', 'MZJ');
  });
  after(async () => {
    await hub.close();
  });

  const contactOf = (phone: string) => hub.app.store.contacts.idFor({ phone: `+86${phone}` });
  const citizen = (phone: string): Actor => ({ kind: 'citizen', id: contactOf(phone) });
  const stored = async (number: string) => {
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket);
    return ticket;
  };
  const add = (number: string, phone: string, text: string, messageKey: string) =>
    hub.app.tickets.addCitizenMessage({
      number,
      contactId: contactOf(phone),
      channel: 'sms',
      text,
      messageKey,
    });

  it('adds the message to the timeline once per inbound message, telling nobody', async () => {
    const phone = '13700800001';
    const ticket = await openTicket(hub, { contact: { phone } });
    const before = await stored(ticket.number);
    const first = await add(ticket.number, phone, '补充：在3号楼', 'sms:SM1');
    assert.equal(first.added, true);
    assert.equal(first.ticket.status, 'received');
    assert.equal(first.ticket.version, before.version + 1);
    assert.ok(first.ticket.updatedAt > before.updatedAt);
    const event = first.ticket.events.at(-1);
    assert.equal(event?.type, 'citizen_message');
    assert.deepEqual(event.actor, citizen(phone));
    assert.deepEqual(event.data, { text: '补充：在3号楼', messageKey: 'sms:SM1' });
    assert.deepEqual(first.ticket.outbox, before.outbox, 'no outbox entry');

    const replay = await add(ticket.number, phone, '补充：在3号楼', 'sms:SM1');
    assert.equal(replay.added, false);
    assert.equal((await stored(ticket.number)).version, before.version + 1);
  });

  it('answers a question of the department: waiting_citizen → in_progress, the clock resumed', async () => {
    const phone = '13700800002';
    const ticket = await openTicket(hub, { contact: { phone } });
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'sign', {}, clerk)).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'ask', { text: '请提供门牌号' }, clerk)).statusCode, 200);
    assert.equal((await stored(ticket.number)).sla.pause?.reason, 'citizen');
    const { ticket: after } = await add(ticket.number, phone, '12号', 'sms:SM2');
    assert.equal(after.status, 'in_progress');
    assert.equal(after.sla.pause, undefined);
    assert.equal(after.events.at(-1)?.fromStatus, 'waiting_citizen');
    assert.equal(after.events.at(-1)?.toStatus, 'in_progress');
  });

  it('refuses someone else’s ticket, a mistyped number and an ended ticket, changing nothing', async () => {
    const phone = '13700800003';
    const ticket = await openTicket(hub, { contact: { phone } });
    await assert.rejects(add(ticket.number, '13700800004', '我也是', 'sms:SM3'), HubErrors.TicketNotFound);
    const wrong = ticket.number.slice(0, -1) + String((Number(ticket.number.at(-1)) + 1) % 10);
    await assert.rejects(add(wrong, phone, '补充', 'sms:SM4'), HubErrors.TicketNotFound);
    assert.equal((await command(hub, ticket.number, 'cancel', { reason: '重复' })).statusCode, 200);
    const cancelled = await stored(ticket.number);
    await assert.rejects(add(ticket.number, phone, '补充', 'sms:SM5'), HubErrors.CommandNotAllowed);
    assert.equal((await stored(ticket.number)).version, cancelled.version);
  });

  it('a citizen rates their own replied ticket, no one else’s, and runs nothing else', async () => {
    const phone = '13700800005';
    const ticket = await openTicket(hub, { contact: { phone } });
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'sign', {}, clerk)).statusCode, 200);
    await assert.rejects(
      hub.app.tickets.execute({
        number: ticket.number,
        command: 'reply',
        actor: citizen(phone),
        channel: 'sms',
        input: { text: '自己答复' },
      }),
      HubErrors.Forbidden,
    );
    assert.equal((await command(hub, ticket.number, 'reply', { text: '已处理' }, clerk)).statusCode, 200);
    const rate = (actor: Actor) =>
      hub.app.tickets.execute({
        number: ticket.number,
        command: 'rate',
        actor,
        channel: 'sms',
        input: { value: 'basically_satisfied', messageKey: 'sms:SM6' },
      });
    await assert.rejects(rate(citizen('13700800006')), HubErrors.TicketNotFound);
    const rated = await rate(citizen(phone));
    assert.equal(rated.status, 'closed');
    assert.equal(rated.rating?.value, 'basically_satisfied');
    const event = rated.events.at(-1);
    assert.ok(event);
    assert.equal(event.data?.messageKey, 'sms:SM6');
    assert.deepEqual(
      Object.values(rated.outbox).filter((e) => e.eventId === event.id),
      [],
      'the citizen is not told by message what they just did',
    );
  });

  it('staff rating for the citizen (回访 by the hotline) still tells the citizen', async () => {
    const phone = '13700800007';
    const ticket = await openTicket(hub, { contact: { phone } });
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'sign', {}, clerk)).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'reply', { text: '已处理' }, clerk)).statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'rate', { value: 'satisfied' })).statusCode, 200);
    const rated = await stored(ticket.number);
    const event = rated.events.at(-1);
    const notices = Object.values(rated.outbox).filter((e) => e.eventId === event?.id);
    assert.deepEqual(
      notices.map((e) => [e.audience, e.template, e.contactId]),
      [['citizen', 'rated', contactOf(phone)]],
    );
  });
});
