import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
import { applyProviderStatus } from '../../src/notify/provider-status.js';
import { command, issueToken, openTicket, type TestHub } from '../helpers/hub.js';
import {
  deliveryOfCallback,
  eventually,
  MAIL_DOMAIN,
  PUBLIC_URL,
  reportStatusInto,
  settled,
  startNotifyHub,
  startSinks,
  TWILIO_FROM,
  type Sinks,
} from '../helpers/notify.js';

const FORM = 'application/x-www-form-urlencoded';

/** A fresh mainland mobile number per test, so the sinks' records never mix. */
let nextPhone = 13_900_000_100;
function phone(): { local: string; e164: string } {
  nextPhone++;
  return { local: String(nextPhone), e164: `+86${String(nextPhone)}` };
}

describe('notifications through BullMQ to the providers', () => {
  let sinks: Sinks;
  let hub: TestHub;
  before(async () => {
    sinks = await startSinks();
    hub = await startNotifyHub(sinks);
    // Twilio reports on every message: sent, then delivered, signed as Twilio signs.
    reportStatusInto(sinks, hub);
  });
  after(async () => {
    await hub.close();
    await sinks.close();
  });

  it('sends the citizen the received SMS: exact body, one part, and delivered by the status callback', async () => {
    const to = phone();
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    const message = await eventually(() => sinks.twilio.messages.find((m) => m.to === to.e164), 'the SMS');
    const queryCode = (await hub.app.store.tickets.findByNumber(ticket.number))?.queryCode;
    assert.equal(
      message.body,
      `【12345】您的投诉已受理，工单号${ticket.number}，查询码${String(queryCode)}。`,
    );
    assert.equal(message.from, TWILIO_FROM);
    assert.equal(message.numSegments, 1);
    const entryId = Object.keys((await hub.app.store.tickets.findByNumber(ticket.number))?.outbox ?? {})[0];
    assert.equal(message.statusCallback, `${PUBLIC_URL}/webhooks/twilio/status?d=${String(entryId)}.sms&r=1`);
    const [delivery] = await settled(hub, ticket.number, 1, ['delivered']);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery.providerId, message.sid);
    assert.equal(delivery.to, '139****' + to.local.slice(-4));
    const attempts = await hub.app.store.deliveries.attemptsOf(delivery.id);
    assert.deepEqual(
      attempts.map((a) => [a.kind, a.status]),
      [
        ['send', 'sent'],
        ['callback', 'sent'],
        ['callback', 'delivered'],
      ],
    );
    // The relay's job on its first run records the delivery once, after the send: one attempt,
    // claimed when the job took it on. (Its job data, ids only, is asserted in notify-crash.)
    assert.equal(delivery.attempts, 1);
    assert.deepEqual(delivery.claimedAt, delivery.createdAt);
  });

  it('mails a citizen who wrote by email: text and HTML, threading headers, Auto-Submitted', async () => {
    const address = `citizen-${String(Date.now())}@example.cn`;
    const ticket = await openTicket(hub, { contact: { email: address } });
    const [mail] = await sinks.smtp.waitFor(1);
    assert.ok(mail);
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    const entryId = Object.keys(stored?.outbox ?? {})[0];
    assert.deepEqual(mail.envelope.to, [address]);
    assert.equal(mail.subject, `您的投诉已受理（工单号${ticket.number}）`);
    assert.equal(mail.messageId, `<${String(entryId)}.email@${MAIL_DOMAIN}>`);
    assert.equal(mail.headers.get('in-reply-to'), `<ticket-${ticket.number}@${MAIL_DOMAIN}>`);
    assert.equal(mail.headers.get('references'), `<ticket-${ticket.number}@${MAIL_DOMAIN}>`);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(mail.headers.get('x-hub-ticket'), ticket.number);
    assert.match(
      String(mail.text),
      new RegExp(`工单号：${ticket.number}\\n查询码：${String(stored?.queryCode)}`),
    );
    assert.match(String(mail.html), /<html/);
    const [delivery] = await settled(hub, ticket.number, 1, ['sent']);
    assert.equal(delivery?.provider, 'smtp');
  });

  it('alerts the department by mail and on its staff pages when a ticket is dispatched to it', async () => {
    const ticket = await openTicket(hub, { contact: { phone: phone().local } });
    const clerk = await issueToken(hub, 'department', 'MZJ');
    const socket = await hub.app.injectWS(`/api/v1/live?access_token=${clerk}`);
    const pushed: { type?: string; to?: string; body?: string }[] = [];
    socket.on('message', (data: Buffer) =>
      pushed.push(JSON.parse(data.toString()) as (typeof pushed)[number]),
    );
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    const mail = await eventually(
      () =>
        sinks.smtp.messages.find(
          (m) => m.envelope.to.includes('mzj@demo.gov.cn') && String(m.text).includes(ticket.number),
        ),
      'the department mail',
    );
    assert.match(String(mail.subject), new RegExp(ticket.number));
    const notice = await eventually(() => pushed.find((m) => m.type === 'notification'), 'the push');
    assert.equal(notice.to, 'department:MZJ');
    assert.match(String(notice.body), new RegExp(ticket.number));
    socket.terminate();
  });

  it('keeps the status monotonic when callbacks arrive out of order, and records every one once', async () => {
    const to = phone();
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    const [delivery] = await settled(hub, ticket.number, 1, ['delivered']);
    assert.ok(delivery);
    const post = (params: Record<string, string>) => {
      const url = `${PUBLIC_URL}/webhooks/twilio/status?d=${delivery.id}&r=1`;
      return hub.app.inject({
        method: 'POST',
        url: `/webhooks/twilio/status?d=${delivery.id}&r=1`,
        headers: {
          'x-twilio-signature': twilio.getExpectedTwilioSignature(sinks.authToken, url, params),
          'content-type': FORM,
        },
        payload: new URLSearchParams(params).toString(),
      });
    };
    // A late "sent" and a retried "delivered" change nothing.
    assert.equal(
      (await post({ MessageSid: String(delivery.providerId), MessageStatus: 'sent' })).statusCode,
      200,
    );
    assert.equal(
      (await post({ MessageSid: String(delivery.providerId), MessageStatus: 'delivered' })).statusCode,
      200,
    );
    const after = await hub.app.store.deliveries.findById(delivery.id);
    assert.equal(after?.status, 'delivered');
    const attempts = await hub.app.store.deliveries.attemptsOf(delivery.id);
    assert.equal(attempts.filter((a) => a.kind === 'callback').length, 2);
  });

  it('applies a report that arrives a moment before the record of its send (a first send records after it)', async () => {
    const id = `${'e'.repeat(24)}.sms`;
    const providerId = `SM${'1'.repeat(32)}`;
    const report = applyProviderStatus(hub.app.notify, {
      deliveryId: id,
      round: 1,
      providerId,
      status: 'delivered',
    });
    await sleep(150);
    const at = new Date();
    const record = {
      id,
      channel: 'sms',
      audience: 'citizen',
      template: 'received',
      status: 'sent',
      attempts: 1,
    };
    assert.ok(
      await hub.app.store.deliveries.create(
        { ...record, provider: 'twilio', providerId, claimedAt: at } as never,
        at,
      ),
    );
    assert.equal(await report, 'applied');
    assert.equal((await hub.app.store.deliveries.findById(id))?.status, 'delivered');
  });

  it('answers a forged status callback 403 and changes nothing; an unknown message 200, ignored', async () => {
    const ticket = await openTicket(hub, { contact: { phone: phone().local } });
    const [delivery] = await settled(hub, ticket.number, 1, ['delivered']);
    assert.ok(delivery);
    const params = { MessageSid: String(delivery.providerId), MessageStatus: 'failed', ErrorCode: '30006' };
    const path = `/webhooks/twilio/status?d=${delivery.id}&r=1`;
    const forged = await hub.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          'wrong-token-0000',
          PUBLIC_URL + path,
          params,
        ),
        'content-type': FORM,
      },
      payload: new URLSearchParams(params).toString(),
    });
    assert.equal(forged.statusCode, 403);
    const unsigned = await hub.app.inject({
      method: 'POST',
      url: path,
      payload: new URLSearchParams(params).toString(),
      headers: { 'content-type': FORM },
    });
    assert.equal(unsigned.statusCode, 400);
    const before = (await hub.app.store.deliveries.attemptsOf(delivery.id)).length;
    assert.equal((await hub.app.store.deliveries.findById(delivery.id))?.status, 'delivered');

    const unknownPath = '/webhooks/twilio/status?d=000000000000000000000000.sms&r=1';
    const unknownParams = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered' };
    const unknown = await hub.app.inject({
      method: 'POST',
      url: unknownPath,
      headers: {
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          sinks.authToken,
          PUBLIC_URL + unknownPath,
          unknownParams,
        ),
        'content-type': FORM,
      },
      payload: new URLSearchParams(unknownParams).toString(),
    });
    assert.equal(unknown.statusCode, 200);
    assert.equal((await hub.app.store.deliveries.attemptsOf(delivery.id)).length, before);
  });

  it('skips and records a send to an opted-out contact, and never sends it', async () => {
    const to = phone();
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    await settled(hub, ticket.number, 1, ['delivered']);
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    const optOut = await hub.request({
      method: 'POST',
      url: `/api/v1/contacts/${String(stored?.contactId)}/opt-out`,
      payload: { channels: ['sms'] },
    });
    assert.equal(optOut.statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    const deliveries = await settled(hub, ticket.number, 2, ['delivered', 'skipped']);
    const skipped = deliveries.find((d) => d.template === 'dispatched');
    assert.equal(skipped?.status, 'skipped');
    assert.equal(skipped.reason, 'opted_out');
    assert.equal(sinks.twilio.messages.filter((m) => m.to === to.e164).length, 1);
  });

  it('marks a contact opted out on Twilio 21610 and does not retry', async () => {
    const to = phone();
    sinks.twilio.failNext(to.e164, {
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    const [delivery] = await settled(hub, ticket.number, 1, ['failed']);
    assert.equal(delivery?.reason, 'opted_out');
    assert.equal(delivery.dead, false);
    const contact = await hub.app.store.contacts.findById(String(delivery.contactId));
    assert.ok(contact?.optOuts.sms);
    assert.ok(contact.optOuts.voice);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sinks.twilio.requests.filter((r) => r.form.To === to.e164).length, 1);
  });

  it('falls back to email when an SMS fails for good (21211), and to a call for a landline (21614)', async () => {
    const mobile = phone();
    const address = `fallback-${String(Date.now())}@example.cn`;
    sinks.twilio.failNext(mobile.e164, { status: 400, code: 21211, message: 'Invalid To number' });
    const first = await openTicket(hub, { contact: { phone: mobile.local, email: address } });
    const mail = await eventually(
      () => sinks.smtp.messages.find((m) => m.envelope.to.includes(address)),
      'the fallback mail',
    );
    assert.match(String(mail.subject), new RegExp(first.number));
    const deliveries = await settled(hub, first.number, 2, ['failed', 'sent']);
    const sms = deliveries.find((d) => d.channel === 'sms');
    assert.equal(sms?.status, 'failed');
    assert.equal(sms.dead, true);
    assert.equal(sms.fallback, 'email');

    const landline = phone();
    sinks.twilio.failNext(landline.e164, {
      status: 400,
      code: 21614,
      message: 'To number is not a mobile number',
    });
    const second = await openTicket(hub, { contact: { phone: landline.local } });
    const call = await eventually(
      () => sinks.twilio.calls.find((c) => c.to === landline.e164),
      'the fallback call',
    );
    assert.match(String(call.twiml), /<Say language="cmn-CN" voice="Polly.Zhiyu">/);
    assert.match(String(call.twiml), new RegExp(second.number.split('').join(' ')));
  });

  it('retries a rate limit (429 / 20429) and a server error, then sends once', async () => {
    const to = phone();
    sinks.twilio.failNext(to.e164, {
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
      retryAfter: '1',
    });
    sinks.twilio.failNext(to.e164, { status: 500, message: 'Internal error' });
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    const [delivery] = await settled(hub, ticket.number, 1, ['delivered']);
    assert.equal(sinks.twilio.messages.filter((m) => m.to === to.e164).length, 1);
    const attempts = await hub.app.store.deliveries.attemptsOf(String(delivery?.id));
    assert.deepEqual(
      attempts.filter((a) => a.kind === 'send').map((a) => a.code ?? a.status),
      ['20429', 'HTTP_500', 'sent'],
    );
  });

  it('lists a dead letter and sends it again when an admin retries it', async () => {
    const to = phone();
    sinks.twilio.failNext(to.e164, {
      status: 400,
      code: 21408,
      message: 'Permission to send an SMS has not been enabled',
    });
    const ticket = await openTicket(hub, { contact: { phone: to.local } });
    const [dead] = await settled(hub, ticket.number, 1, ['failed']);
    assert.ok(dead);
    const list = await hub.request({ method: 'GET', url: '/api/v1/notifications/dead-letters' });
    assert.ok(list.json<{ items: { id: string }[] }>().items.some((d) => d.id === dead.id));
    const clerk = await issueToken(hub, 'operator');
    const refused = await hub.request({
      method: 'POST',
      url: `/api/v1/notifications/${dead.id}/retry`,
      token: clerk,
    });
    assert.equal(refused.statusCode, 403);
    const retried = await hub.request({ method: 'POST', url: `/api/v1/notifications/${dead.id}/retry` });
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.json<{ round: number }>().round, 2);
    const delivered = await eventually(async () => {
      const d = await hub.app.store.deliveries.findById(dead.id);
      return d?.status === 'delivered' ? d : undefined;
    }, 'the retried delivery');
    assert.equal(delivered.round, 2);
    assert.equal(sinks.twilio.messages.filter((m) => m.to === to.e164).length, 1);
    assert.equal(
      deliveryOfCallback(sinks.twilio.messages.find((m) => m.to === to.e164)?.statusCallback),
      dead.id,
    );
  });

  it("pushes to the citizen's status page, refused without the right query code", async () => {
    const ticket = await openTicket(hub, { contact: { phone: phone().local } });
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    await assert.rejects(hub.app.injectWS(`/live/track?n=${ticket.number}&code=000000x`));
    const socket = await hub.app.injectWS(`/live/track?n=${ticket.number}&code=${String(stored?.queryCode)}`);
    const seen: { body?: string; ticket?: string }[] = [];
    socket.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString()) as (typeof seen)[number]));
    const prefs = await hub.request({
      method: 'PUT',
      url: `/api/v1/contacts/${String(stored?.contactId)}/preferences`,
      payload: { channels: ['push'] },
    });
    assert.equal(prefs.statusCode, 200);
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    const notice = await eventually(() => seen[0], 'the push to the citizen page');
    assert.equal(notice.ticket, ticket.number);
    assert.equal(notice.body, `您的工单${ticket.number}已转交市民政局办理。`.replace('您的工单', '工单'));
    socket.terminate();
  });
});
