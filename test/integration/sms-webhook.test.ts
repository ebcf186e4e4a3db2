import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { startHub, type TestHub } from '../helpers/hub.js';

const PATH = '/webhooks/twilio/sms';

/** Inbound SMS as Twilio posts it, signed with the SDK's own function (we cannot reach Twilio). */
describe('SMS webhook', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub({
      TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
      PUBLIC_URL: 'https://hub.example.gov.cn',
    });
  });
  after(async () => {
    await hub.close();
  });

  function post(params: Record<string, string>, signature: string | null) {
    return hub.request({
      method: 'POST',
      url: PATH,
      token: null,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      },
      payload: new URLSearchParams(params).toString(),
    });
  }

  function sign(params: Record<string, string>): string {
    return twilio.getExpectedTwilioSignature(
      'test-twilio-auth-token',
      `https://hub.example.gov.cn${PATH}`,
      params,
    );
  }

  const sms = {
    MessageSid: 'SM00000000000000000000000000000001',
    AccountSid: 'AC00000000000000000000000000000001',
    From: '+8613800138000',
    To: '+8612345',
    Body: '小区路灯坏了三天了',
  };

  it('turns a signed SMS into a ticket and answers in TwiML with its number', async () => {
    const response = await post(sms, sign(sms));
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /text\/xml/);
    const number = /工单号(\d+)/.exec(response.body)?.[1];
    assert.ok(number, response.body);
    assert.match(
      response.body,
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>您的咨询已受理，工单号\d+，查询码\d{6}。<\/Message><\/Response>$/,
    );
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket);
    assert.equal(ticket.channel, 'sms');
    assert.equal(ticket.body, sms.Body);
    assert.deepEqual(ticket.source.externalIds.find((e) => e.name === 'MessageSid')?.value, sms.MessageSid);
    const contact = await hub.app.store.contacts.findById(ticket.contactId ?? '');
    assert.equal(contact?.phones[0]?.number, '+8613800138000');
  });

  it('answers a Twilio retry of the same MessageSid with the first ticket', async () => {
    const again = await post(sms, sign(sms));
    const first = await post(sms, sign(sms));
    assert.equal(again.body, first.body);
    assert.equal(await hub.app.store.tickets.count(), 1);
  });

  it('validates requests from a Messaging Service the same way', async () => {
    const viaService = {
      ...sms,
      MessageSid: 'SM00000000000000000000000000000002',
      MessagingServiceSid: 'MG00000000000000000000000000000001',
    };
    const response = await post(viaService, sign(viaService));
    assert.equal(response.statusCode, 200);
    assert.equal(await hub.app.store.tickets.count(), 2);
  });

  it('refuses a missing signature (400) and a wrong one (403), storing nothing', async () => {
    const forged = { ...sms, MessageSid: 'SM00000000000000000000000000000099' };
    const ticketsBefore = await hub.app.store.tickets.count();
    const contactsBefore = await hub.app.store.contacts.model.countDocuments({});
    const missing = await post(forged, null);
    assert.equal(missing.statusCode, 400);
    const wrong = await post(forged, sign({ ...forged, Body: 'something else' }));
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
    assert.equal(await hub.app.store.tickets.count(), ticketsBefore);
    assert.equal(await hub.app.store.contacts.model.countDocuments({}), contactsBefore);
  });
});
