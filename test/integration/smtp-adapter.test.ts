import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SmtpAdapter } from '../../src/channels/email/smtp-adapter.js';
import { ProviderError, type OutboundMessage } from '../../src/notify/types.js';
import { freePort } from '../helpers/ports.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const FROM = '"12345 热线" <noreply@hub.example>';

function mail(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 'e1.email',
    channel: 'email',
    to: 'citizen@example.cn',
    ticketNumber: '2025061300017',
    language: 'zh-CN',
    subject: '您的工单 2025061300017 已受理',
    body: '您好，您反映的路灯问题已受理。',
    html: '<p>您好，您反映的<b>路灯</b>问题已受理。</p>',
    messageId: '<e1.email@hub.example>',
    threadId: '<t-2025061300017@hub.example>',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the send to fail');
}

describe('SmtpAdapter against a real SMTP server', () => {
  let sink: SmtpSink;
  let adapter: SmtpAdapter;

  before(async () => {
    sink = await startSmtpSink();
    adapter = new SmtpAdapter({ url: sink.url, from: FROM, maxConnections: 2 });
  });

  after(async () => {
    await adapter.close();
    await sink.close();
  });

  it('sends text and HTML with our Message-ID, thread headers and auto-reply suppression', async () => {
    const result = await adapter.send(mail());
    assert.deepEqual(result, { providerId: '<e1.email@hub.example>', status: 'sent' });

    const [received] = await sink.waitFor(1);
    assert.ok(received);
    assert.deepEqual(received.envelope, { from: 'noreply@hub.example', to: ['citizen@example.cn'] });
    const h = received.headers;
    assert.equal(h.get('message-id'), '<e1.email@hub.example>');
    assert.equal(h.get('in-reply-to'), '<t-2025061300017@hub.example>');
    assert.equal(h.get('references'), '<t-2025061300017@hub.example>');
    assert.equal(h.get('auto-submitted'), 'auto-generated');
    assert.equal(h.get('x-auto-response-suppress'), 'All');
    assert.equal(h.get('x-hub-ticket'), '2025061300017');
    assert.equal(h.get('to'), 'citizen@example.cn');
    // The display name is non-ASCII, so it goes out as an encoded-word before the address.
    assert.match(h.get('from') ?? '', /^=\?UTF-8\?[BQ]\?.+\?= <noreply@hub\.example>$/);
    // The subject is encoded on the wire and decoded by the receiver's parser.
    assert.doesNotMatch(h.get('subject') ?? '', /工单/);
    assert.equal(received.subject, '您的工单 2025061300017 已受理');
    assert.equal(received.messageId, '<e1.email@hub.example>');
    assert.equal(received.text?.trim(), '您好，您反映的路灯问题已受理。');
    assert.equal(received.html?.trim(), '<p>您好，您反映的<b>路灯</b>问题已受理。</p>');
  });

  it('leaves out the ticket and thread headers when there are none', async () => {
    const before = sink.messages.length;
    await adapter.send(
      mail({
        deliveryId: 'e2.email',
        messageId: '<e2.email@hub.example>',
        ticketNumber: undefined,
        threadId: undefined,
      }),
    );
    const received = (await sink.waitFor(before + 1))[before];
    assert.ok(received);
    assert.equal(received.headers.get('message-id'), '<e2.email@hub.example>');
    assert.equal(received.headers.has('x-hub-ticket'), false);
    assert.equal(received.headers.has('in-reply-to'), false);
    assert.equal(received.headers.has('references'), false);
  });

  it('reuses pooled connections for concurrent sends', async () => {
    const before = { messages: sink.messages.length, connections: sink.connections };
    const sends = Array.from({ length: 8 }, (_, i) =>
      adapter.send(
        mail({ deliveryId: `p${i}.email`, messageId: `<p${i}.email@hub.example>`, to: `p${i}@example.cn` }),
      ),
    );
    const results = await Promise.all(sends);
    assert.deepEqual(
      results.map((r) => r.providerId),
      Array.from({ length: 8 }, (_, i) => `<p${i}.email@hub.example>`),
    );
    const received = (await sink.waitFor(before.messages + 8)).slice(before.messages);
    assert.deepEqual(new Set(received.map((m) => m.envelope.to[0])).size, 8);
    const opened = sink.connections - before.connections;
    assert.ok(opened <= 2, `maxConnections is 2, the sink saw ${opened} new connections`);
    assert.ok(new Set(received.map((m) => m.sessionId)).size <= 2);
  });

  it('maps a 450 at RCPT to a transient error with the reply code', async () => {
    sink.failNext('busy@example.cn', 450, { text: '4.2.1 Mailbox busy' });
    const error = await rejection(adapter.send(mail({ to: 'busy@example.cn' })));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, '450');
  });

  it('maps a 550 at RCPT to a permanent error', async () => {
    sink.failNext('nobody@example.cn', 550, { text: '5.1.1 No such user' });
    const error = await rejection(adapter.send(mail({ to: 'nobody@example.cn' })));
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, '550');
  });

  it('maps a 554 after DATA to a permanent error and a 451 after DATA to a transient one', async () => {
    sink.failNext('spam@example.cn', 554, { at: 'data', text: '5.7.1 Message rejected' });
    const permanent = await rejection(adapter.send(mail({ to: 'spam@example.cn' })));
    assert.equal(permanent.kind, 'permanent');
    assert.equal(permanent.code, '554');

    sink.failNext('later@example.cn', 451, { at: 'data', text: '4.3.0 Local error in processing' });
    const transient = await rejection(adapter.send(mail({ to: 'later@example.cn' })));
    assert.equal(transient.kind, 'transient');
    assert.equal(transient.code, '451');
  });

  it('maps "too many" on a 4xx to rate_limited', async () => {
    sink.failNext('slow@example.cn', 451, { at: 'data', text: '4.7.1 Too many messages, slow down' });
    const error = await rejection(adapter.send(mail({ to: 'slow@example.cn' })));
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.code, '451');
  });

  it('delivers to an address again after its one refusal, on the same pool', async () => {
    const before = sink.messages.length;
    sink.failNext('retry@example.cn', 450);
    await rejection(adapter.send(mail({ to: 'retry@example.cn' })));
    await adapter.send(mail({ to: 'retry@example.cn' }));
    const received = (await sink.waitFor(before + 1))[before];
    assert.deepEqual(received?.envelope.to, ['retry@example.cn']);
  });
});

describe('SmtpAdapter without a server', () => {
  it('maps a refused connection to a transient error', async () => {
    const port = await freePort();
    const adapter = new SmtpAdapter({ url: `smtp://127.0.0.1:${port}`, from: 'noreply@hub.example' });
    try {
      const error = await rejection(adapter.send(mail()));
      assert.equal(error.kind, 'transient');
      assert.equal(error.code, 'ECONNREFUSED');
    } finally {
      await adapter.close();
    }
  });
});
