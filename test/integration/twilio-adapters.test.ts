import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { TwilioSmsAdapter } from '../../src/channels/sms/twilio-sms-adapter.js';
import {
  closeTwilioClient,
  createTwilioClient,
  type TwilioClient,
} from '../../src/channels/twilio/client.js';
import { kindForStatusErrorCode } from '../../src/channels/twilio/errors.js';
import { TwilioVoiceAdapter } from '../../src/channels/voice/twilio-voice-adapter.js';
import { ProviderError, type OutboundMessage, type ProviderErrorKind } from '../../src/notify/types.js';
import { FakeTwilio, type FakeFailure, type StatusCallback } from '../helpers/fake-twilio.js';
import { freePort } from '../helpers/ports.js';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'test-twilio-auth-token';
const OUR_NUMBER = '+15005550006';
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const CALLS_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;
const CALLBACK = 'https://hub.example.gov.cn/webhooks/twilio/status?d=OB1.sms';

/** A distinct citizen number per test, so the fake's per-number state never leaks between tests. */
let nextNumber = 0;
function citizen(): string {
  nextNumber += 1;
  return `+86138000${String(nextNumber).padStart(5, '0')}`;
}

function sms(
  to: string,
  body = '您的工单20240001已受理。【市民热线】',
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    deliveryId: 'OB1.sms',
    channel: 'sms',
    to,
    language: 'zh-CN',
    body,
    statusCallbackUrl: CALLBACK,
    ...extra,
  };
}

function isProviderError(kind: ProviderErrorKind, code: string | undefined) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ProviderError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.equal(err.code, code);
    return true;
  };
}

describe('Twilio adapters against the fake REST API', () => {
  let fake: FakeTwilio;
  let client: TwilioClient;
  let smsAdapter: TwilioSmsAdapter;
  let voiceAdapter: TwilioVoiceAdapter;

  before(async () => {
    fake = new FakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await fake.start();
    client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: fake.url });
    smsAdapter = new TwilioSmsAdapter({ client, from: OUR_NUMBER });
    voiceAdapter = new TwilioVoiceAdapter({ client, from: OUR_NUMBER });
  });
  after(async () => {
    closeTwilioClient(client);
    await fake.close();
  });

  describe('SMS', () => {
    it('sends through the SDK: exact path, form and auth user; returns the message SID', async () => {
      const to = citizen();
      const before = fake.requests.length;
      const result = await smsAdapter.send(sms(to));

      assert.equal(fake.requests.length, before + 1);
      const request = fake.requests.at(-1);
      assert.deepEqual(request, {
        method: 'POST',
        path: MESSAGES_PATH,
        query: {},
        form: {
          To: to,
          From: OUR_NUMBER,
          Body: '您的工单20240001已受理。【市民热线】',
          StatusCallback: CALLBACK,
        },
        authUser: ACCOUNT_SID,
      });
      const stored = fake.messages.at(-1);
      assert.ok(stored);
      assert.match(stored.sid, /^SM[0-9a-f]{32}$/);
      assert.deepEqual(result, { providerId: stored.sid, status: 'sent' });
    });

    it('keeps its connection alive between requests', async () => {
      const to = citizen();
      await smsAdapter.send(sms(to));
      const connections = fake.connections;
      await smsAdapter.send(sms(to));
      await smsAdapter.findSent(sms(to), new Date());
      assert.equal(fake.connections, connections);
    });

    it('leaves StatusCallback out when the message has none', async () => {
      const to = citizen();
      await smsAdapter.send(sms(to, 'hello', { statusCallbackUrl: undefined }));
      assert.deepEqual(fake.requests.at(-1)?.form, { To: to, From: OUR_NUMBER, Body: 'hello' });
    });

    it('sends through a Messaging Service when given one instead of a number', async () => {
      const to = citizen();
      const viaService = new TwilioSmsAdapter({
        client,
        messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      });
      const result = await viaService.send(sms(to, 'hello'));
      assert.deepEqual(fake.requests.at(-1)?.form, {
        To: to,
        MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
        Body: 'hello',
        StatusCallback: CALLBACK,
      });
      assert.equal(result.providerId, fake.messages.at(-1)?.sid);
      assert.equal(fake.messages.at(-1)?.status, 'accepted');
    });

    it('an 80-character Chinese body is two UCS-2 segments; 160 GSM-7 characters are one, 161 two', async () => {
      const cases = [
        { body: '市'.repeat(70), segments: '1' },
        { body: '市'.repeat(80), segments: '2' },
        { body: 'a'.repeat(160), segments: '1' },
        { body: 'a'.repeat(161), segments: '2' },
        { body: `${'a'.repeat(159)}€`, segments: '2' },
      ];
      for (const { body, segments } of cases) {
        const to = citizen();
        await smsAdapter.send(sms(to, body));
        // Read back through the SDK, so the resource shape itself is what the SDK parses.
        const [listed] = await client.messages.list({ to, limit: 1 });
        assert.equal(listed?.numSegments, segments, `${body.length} × ${body[0] ?? ''}`);
        assert.equal(listed.status, 'queued');
        assert.equal(listed.body, body);
      }
    });

    const errorCases: { failure: FakeFailure; kind: ProviderErrorKind; code: string }[] = [
      { failure: { status: 400, code: 21610 }, kind: 'opt_out', code: '21610' },
      { failure: { status: 400, code: 21211 }, kind: 'permanent', code: '21211' },
      { failure: { status: 400, code: 21614 }, kind: 'permanent', code: '21614' },
      { failure: { status: 400, code: 21408 }, kind: 'permanent', code: '21408' },
      { failure: { status: 400, code: 21612 }, kind: 'permanent', code: '21612' },
      // A config problem on our side (From not SMS-capable): retried, never dropped.
      { failure: { status: 400, code: 21606, message: 'not SMS-capable' }, kind: 'transient', code: '21606' },
      { failure: { status: 429 }, kind: 'rate_limited', code: 'HTTP_429' },
      { failure: { status: 429, code: 20429 }, kind: 'rate_limited', code: '20429' },
      { failure: { status: 500 }, kind: 'transient', code: 'HTTP_500' },
      {
        failure: { status: 503, code: 20503, message: 'Service Unavailable' },
        kind: 'transient',
        code: '20503',
      },
    ];
    for (const { failure, kind, code } of errorCases) {
      it(`HTTP ${failure.status} ${failure.code ?? ''} → ${kind}`, async () => {
        const to = citizen();
        fake.failNext(to, failure);
        const count = fake.messages.length;
        await assert.rejects(smsAdapter.send(sms(to)), isProviderError(kind, code));
        assert.equal(fake.messages.length, count, 'nothing was sent');
        // The failure was used up: the next send goes through.
        await smsAdapter.send(sms(to));
        assert.equal(fake.messages.length, count + 1);
      });
    }

    it('passes on the Retry-After of a 429', async () => {
      const to = citizen();
      fake.failNext(to, { status: 429, code: 20429, retryAfter: '7' });
      await assert.rejects(smsAdapter.send(sms(to)), (err: unknown) => {
        assert.ok(err instanceof ProviderError);
        assert.equal(err.kind, 'rate_limited');
        assert.equal(err.retryAfterMs, 7000);
        return true;
      });
    });

    it("keeps the citizen's number out of the error message", async () => {
      const to = '+8613912345678';
      fake.failNext(to, { status: 400, code: 21211 });
      await assert.rejects(smsAdapter.send(sms(to)), (err: unknown) => {
        assert.ok(err instanceof ProviderError);
        assert.equal(
          err.message,
          "Twilio 21211 (HTTP 400): The 'To' number 139****5678 is not a valid phone number.",
        );
        return true;
      });
    });

    it('bad credentials are transient, with a message for the operator', async () => {
      const wrong = createTwilioClient({
        accountSid: ACCOUNT_SID,
        authToken: 'wrong-token',
        apiUrl: fake.url,
      });
      try {
        const adapter = new TwilioSmsAdapter({ client: wrong, from: OUR_NUMBER });
        await assert.rejects(adapter.send(sms(citizen())), (err: unknown) => {
          isProviderError('transient', '20003')(err);
          assert.match((err as Error).message, /credentials.*TWILIO_AUTH_TOKEN/);
          return true;
        });
      } finally {
        closeTwilioClient(wrong);
      }
    });

    it('connection refused is transient', async () => {
      const closed = createTwilioClient({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        apiUrl: `http://127.0.0.1:${await freePort()}`,
      });
      try {
        const adapter = new TwilioSmsAdapter({ client: closed, from: OUR_NUMBER });
        await assert.rejects(adapter.send(sms(citizen())), isProviderError('transient', 'ECONNREFUSED'));
      } finally {
        closeTwilioClient(closed);
      }
    });

    it('a timeout is transient', async () => {
      const impatient = createTwilioClient({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        apiUrl: fake.url,
        timeoutMs: 50,
      });
      fake.latencyMs = 300;
      try {
        const adapter = new TwilioSmsAdapter({ client: impatient, from: OUR_NUMBER });
        await assert.rejects(adapter.send(sms(citizen())), isProviderError('transient', 'ECONNABORTED'));
      } finally {
        fake.latencyMs = 0;
        closeTwilioClient(impatient);
      }
    });

    it('findSent finds our message by body, sent since `since`, and nothing else', async () => {
      const to = citizen();
      const since = new Date();
      const sent = await smsAdapter.send(sms(to, '第一条'));
      await smsAdapter.send(sms(to, '第二条'));

      assert.deepEqual(await smsAdapter.findSent(sms(to, '第一条'), since), sent);
      assert.deepEqual(fake.requests.at(-1), {
        method: 'GET',
        path: MESSAGES_PATH,
        query: { To: to, From: OUR_NUMBER, PageSize: '20' },
        form: {},
        authUser: ACCOUNT_SID,
      });
      assert.equal(await smsAdapter.findSent(sms(to, '第三条'), since), undefined);
      assert.equal(await smsAdapter.findSent(sms(citizen(), '第一条'), since), undefined);
    });

    it('findSent ignores the same text sent more than a minute before `since`', async () => {
      const to = citizen();
      fake.now = () => new Date(Date.now() - 5 * 60_000);
      try {
        await smsAdapter.send(sms(to, '旧消息'));
      } finally {
        fake.now = () => new Date();
      }
      assert.equal(await smsAdapter.findSent(sms(to, '旧消息'), new Date()), undefined);
      // Within the minute of slack it counts (Twilio's dates are whole seconds).
      assert.ok(await smsAdapter.findSent(sms(to, '旧消息'), new Date(Date.now() - 4.5 * 60_000)));
    });
  });

  describe('voice', () => {
    const twimlZh =
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
      '<Say language="cmn-CN" voice="Polly.Zhiyu">您的工单已办结，请留意短信。</Say><Pause length="1"/>' +
      '<Say language="cmn-CN" voice="Polly.Zhiyu">您的工单已办结，请留意短信。</Say></Response>';

    function call(
      to: string,
      body = '您的工单已办结，请留意短信。',
      extra: Partial<OutboundMessage> = {},
    ): OutboundMessage {
      return sms(to, body, { channel: 'voice', deliveryId: 'OB1.voice', ...extra });
    }

    it('places a call with inline TwiML saying the text twice; returns the call SID', async () => {
      const to = citizen();
      const result = await voiceAdapter.send(call(to));
      assert.deepEqual(fake.requests.at(-1), {
        method: 'POST',
        path: CALLS_PATH,
        query: {},
        form: {
          To: to,
          From: OUR_NUMBER,
          StatusCallback: CALLBACK,
          StatusCallbackEvent: 'completed',
          Twiml: twimlZh,
        },
        authUser: ACCOUNT_SID,
      });
      const stored = fake.calls.at(-1);
      assert.match(stored?.sid ?? '', /^CA[0-9a-f]{32}$/);
      assert.deepEqual(result, { providerId: stored?.sid, status: 'sent' });
    });

    it('speaks English with an English voice, and takes configured voices', async () => {
      await voiceAdapter.send(call(citizen(), 'Your case is closed.', { language: 'en' }));
      assert.equal(
        fake.calls.at(-1)?.twiml,
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" voice="Polly.Joanna">Your case is closed.</Say>' +
          '<Pause length="1"/><Say language="en-US" voice="Polly.Joanna">Your case is closed.</Say></Response>',
      );
      const neural = new TwilioVoiceAdapter({
        client,
        from: OUR_NUMBER,
        voices: { 'zh-CN': 'Polly.Zhiyu-Neural' },
      });
      await neural.send(call(citizen(), '测试 <&>'));
      assert.equal(
        fake.calls.at(-1)?.twiml,
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN" voice="Polly.Zhiyu-Neural">测试 &lt;&amp;&gt;</Say>' +
          '<Pause length="1"/><Say language="cmn-CN" voice="Polly.Zhiyu-Neural">测试 &lt;&amp;&gt;</Say></Response>',
      );
    });

    it('maps call errors like message errors', async () => {
      const to = citizen();
      fake.failNext(to, { status: 400, code: 21211 });
      await assert.rejects(voiceAdapter.send(call(to)), isProviderError('permanent', '21211'));
    });

    it('findSent returns the newest call to that number since `since`', async () => {
      const to = citizen();
      fake.now = () => new Date(Date.now() - 5 * 60_000);
      try {
        await voiceAdapter.send(call(to));
      } finally {
        fake.now = () => new Date();
      }
      const since = new Date();
      assert.equal(await voiceAdapter.findSent(call(to), since), undefined, 'the old call does not count');
      await voiceAdapter.send(call(to));
      const newest = await voiceAdapter.send(call(to));
      assert.deepEqual(await voiceAdapter.findSent(call(to), since), newest);
      assert.deepEqual(fake.requests.at(-1)?.query, { To: to, From: OUR_NUMBER, PageSize: '20' });
    });
  });

  describe('status callbacks from the fake', () => {
    it('posts sent then the outcome, signed with the SDK function', async () => {
      const received: StatusCallback[] = [];
      fake.sendStatusCallbacks({
        authToken: AUTH_TOKEN,
        deliver: async (callback) => {
          received.push(callback);
        },
      });
      try {
        const to = citizen();
        fake.outcomeFor(to, { status: 'undelivered', errorCode: 30006 });
        const { providerId } = await smsAdapter.send(sms(to));
        await fake.idle();
        assert.deepEqual(
          received.map((c) => [c.url, c.params.MessageSid, c.params.MessageStatus, c.params.ErrorCode]),
          [
            [CALLBACK, providerId, 'sent', undefined],
            [CALLBACK, providerId, 'undelivered', '30006'],
          ],
        );
        for (const c of received) assert.ok(twilio.validateRequest(AUTH_TOKEN, c.signature, c.url, c.params));
        assert.equal(fake.messages.at(-1)?.status, 'undelivered');
      } finally {
        fake.sendStatusCallbacks(undefined);
      }
    });
  });
});

describe('status-callback error codes', () => {
  it('maps ErrorCode to our kinds', () => {
    const cases: [string | number | undefined, ProviderErrorKind][] = [
      ['21610', 'opt_out'],
      ['30003', 'transient'],
      ['30004', 'permanent'],
      ['30005', 'permanent'],
      ['30006', 'permanent'],
      ['30007', 'permanent'],
      ['30008', 'transient'],
      [21211, 'permanent'],
      [21614, 'permanent'],
      ['20429', 'rate_limited'],
      ['', 'transient'],
      [undefined, 'transient'],
    ];
    for (const [code, kind] of cases) assert.equal(kindForStatusErrorCode(code), kind, String(code));
  });
});
