import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { parseOptKeyword } from '../../src/channels/sms/opt-out.js';
import { DELIVERY_RANK } from '../../src/store/deliveries.js';
import { postTwilioForm } from '../helpers/twilio-webhook.js';
import { command, issueToken, startHub, type TestHub } from '../helpers/hub.js';
import { eventually, settled } from '../helpers/notify.js';

const PATH = '/webhooks/twilio/sms';

/** Inbound SMS as Twilio posts it, signed with the SDK's own function (we cannot reach Twilio). */
describe('SMS webhook', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub({
      TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
      PUBLIC_URL: 'https://hub.example.gov.cn',
      // Notices go out as soon as they are made (the policies have their own test file).
      QUIET_HOURS: '',
      NOTIFY_THROTTLE_MS: '0',
    });
  });
  after(async () => {
    await hub.close();
  });

  const post = (params: Record<string, string>, signature: string | null) =>
    postTwilioForm(hub, PATH, params, signature);

  /** The newest ticket of the contact a phone maps to. */
  async function latestTicketOf(phone: string): Promise<string | undefined> {
    const contactId = hub.app.store.contacts.idFor({ phone });
    const items = await hub.app.store.tickets.recentOfContact(contactId, 1);
    return items[0]?.number;
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

  it('turns a signed SMS into a ticket; its number and query code come back by the outbox, once', async () => {
    const response = await post(sms, sign(sms));
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /text\/xml/);
    // Nothing in the webhook's answer: the received notice is the outbox's, so it is not sent twice.
    assert.equal(response.body, '<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const [received] = await eventually(async () => {
      const items = await hub.app.store.devOutbox.list({ limit: 10, channel: 'sms', to: sms.From });
      return items.length > 0 ? items : undefined;
    }, 'the received SMS in the development outbox');
    assert.ok(received);
    assert.match(received.body, /^【12345】您的咨询已受理，工单号\d+，查询码\d{6}。$/);
    const number = /工单号(\d+)/.exec(received.body)?.[1] ?? '';
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
    // Another sender: a second text from the first one would continue its open ticket instead.
    const viaService = {
      ...sms,
      From: '+8613800138001',
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

  describe('opt-out and opt-in words (TD / 退订 / STOP, KT / 恢复 / START)', () => {
    const XML = '<?xml version="1.0" encoding="UTF-8"?>';
    const OPTED_OUT = `${XML}<Response><Message>您已退订12345短信通知，回复KT可恢复。</Message></Response>`;
    const OPTED_IN = `${XML}<Response><Message>您已恢复接收12345短信通知，回复TD可退订。</Message></Response>`;
    const SILENT = `${XML}<Response/>`;

    let nextSid = 1000;
    /** A signed inbound SMS from `from` with a fresh MessageSid (or the one given: a Twilio retry). */
    async function text(from: string, body: string, sid = `SM${String(++nextSid).padStart(32, '0')}`) {
      const params = { ...sms, MessageSid: sid, From: from, Body: body };
      const response = await post(params, sign(params));
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /text\/xml/);
      return { body: response.body, sid };
    }
    /** The citizen's delivery of one notice of a ticket, once it has settled. */
    const citizenDelivery = (number: string, template: string) =>
      eventually(async () => {
        const all = await hub.app.store.deliveries.forTicket(number);
        const found = all.find((d) => d.template === template && d.audience === 'citizen');
        return found && found.rank >= DELIVERY_RANK.delivered ? found : undefined;
      }, `the citizen's ${template} notice`);
    const contactOf = (phone: string) =>
      hub.app.store.contacts.findById(hub.app.store.contacts.idFor({ phone }));

    it('TD: confirmed once, SMS and calls opted out, no ticket; a retry and a second TD change nothing', async () => {
      const phone = '+8613700137001';
      const tickets = await hub.app.store.tickets.count();
      const first = await text(phone, 'TD');
      assert.equal(first.body, OPTED_OUT);
      const contact = await contactOf(phone);
      assert.ok(contact, 'the contact is made on first sight');
      assert.deepEqual(Object.keys(contact.optOuts).sort(), ['sms', 'voice']);
      assert.equal(contact.phones[0]?.number, phone);
      assert.equal(await hub.app.store.tickets.count(), tickets);

      // Twilio retrying the same message (it lost our answer): the same answer, nothing written.
      const contacts = await hub.app.store.contacts.model.countDocuments({});
      const retried = await text(phone, 'TD', first.sid);
      assert.equal(retried.body, OPTED_OUT);
      // A second TD is not answered again (no loop with a phone's auto-reply), and keeps the first time.
      const second = await text(phone, 'td');
      assert.equal(second.body, SILENT);
      const after = await contactOf(phone);
      assert.deepEqual(after?.optOuts, contact.optOuts);
      assert.equal(await hub.app.store.tickets.count(), tickets);
      assert.equal(await hub.app.store.contacts.model.countDocuments({}), contacts);
    });

    it('recognises 退订, STOP and UNSUBSCRIBE in any case and width, spaces around; 取消 is a message', async () => {
      const words = ['退订', ' stop ', 'ＳＴＯＰ', 'Unsubscribe', '\u3000ｔｄ\n'];
      for (const [i, word] of words.entries()) {
        const phone = `+861370013710${String(i)}`;
        assert.equal((await text(phone, word)).body, OPTED_OUT, JSON.stringify(word));
        assert.ok((await contactOf(phone))?.optOuts.sms, JSON.stringify(word));
      }
      const tickets = await hub.app.store.tickets.count();
      for (const [i, body] of ['取消', 'TD 路灯坏了', '退订了吗？'].entries()) {
        const phone = `+861370013720${String(i)}`;
        const answer = await text(phone, body);
        assert.equal(answer.body, SILENT, body);
        assert.ok(await latestTicketOf(phone), body);
        assert.equal((await contactOf(phone))?.optOuts.sms, undefined, body);
      }
      assert.equal(await hub.app.store.tickets.count(), tickets + 3);
    });

    it('a dispatch notice to a citizen who texted TD is skipped; ＫＴ (full width) brings SMS back', async () => {
      const phone = '+8613700137301';
      await text(phone, '楼道灯坏了');
      const number = await latestTicketOf(phone);
      assert.ok(number);
      await settled(hub, number, 1, ['delivered']);
      assert.equal((await text(phone, 'TD')).body, OPTED_OUT);

      assert.equal((await command(hub, number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
      const dispatched = await citizenDelivery(number, 'dispatched');
      assert.equal(dispatched.status, 'skipped');
      assert.equal(dispatched.reason, 'opted_out');
      assert.equal(dispatched.channel, 'sms');

      assert.equal((await text(phone, 'ＫＴ')).body, OPTED_IN);
      assert.deepEqual((await contactOf(phone))?.optOuts, {});
      assert.equal((await text(phone, '恢复')).body, SILENT, 'already back in: not answered again');
      const clerk = await issueToken(hub, 'department', 'MZJ');
      assert.equal((await command(hub, number, 'sign', {}, clerk)).statusCode, 200);
      const signed = await citizenDelivery(number, 'signed');
      assert.equal(signed.status, 'delivered');
      assert.equal(signed.channel, 'sms');
    });

    it('KT takes back the phone channels only: an opt-out of everything keeps holding mail and push', async () => {
      const phone = '+8613700137401';
      const id = await hub.app.store.contacts.ensure({ phone });
      const staff = await hub.request({
        method: 'POST',
        url: `/api/v1/contacts/${String(id)}/opt-out`,
        payload: { channels: ['all', 'email'] },
      });
      assert.equal(staff.statusCode, 200, staff.body);
      const before = await contactOf(phone);
      assert.equal((await text(phone, 'TD')).body, SILENT, 'already opted out of everything');
      assert.equal((await text(phone, 'START')).body, OPTED_IN);
      const after = await contactOf(phone);
      assert.deepEqual(Object.keys(after?.optOuts ?? {}).sort(), ['email', 'push']);
      // The time of each opt-out that stands is kept.
      assert.deepEqual(after?.optOuts.email, before?.optOuts.email);
      assert.deepEqual(after?.optOuts.push, before?.optOuts.all);
    });

    it('KT from a number never opted out (or never seen), TD from no number: not answered, nothing made', async () => {
      const contacts = await hub.app.store.contacts.model.countDocuments({});
      const tickets = await hub.app.store.tickets.count();
      assert.equal((await text('+8613700137501', 'KT')).body, SILENT);
      assert.equal((await text('+8613700137501', 'UNSTOP')).body, SILENT);
      // A sender that is no phone number (an alphanumeric ID) has no contact to change.
      assert.equal((await text('GOVNOTICE', 'TD')).body, SILENT);
      assert.equal(await hub.app.store.contacts.model.countDocuments({}), contacts);
      assert.equal(await hub.app.store.tickets.count(), tickets);
    });
  });
});

describe('parseOptKeyword', () => {
  it('is the whole message, after width folding, trimming and case folding', () => {
    for (const word of ['TD', 'td', 'Td', 'ＴＤ', ' 退订 ', 'STOP', 'stop', 'UNSUBSCRIBE', 'unsubscribe']) {
      assert.equal(parseOptKeyword(word), 'opt_out', word);
    }
    for (const word of ['KT', 'kt', 'ＫＴ', '恢复', '\u3000恢复', 'START', 'Start', 'UNSTOP']) {
      assert.equal(parseOptKeyword(word), 'opt_in', word);
    }
    for (const text of ['取消', 'T D', 'TD。', '请退订', 'STOP IT', 'STARTED', '', '  ', '路灯坏了']) {
      assert.equal(parseOptKeyword(text), undefined, text);
    }
  });
});
