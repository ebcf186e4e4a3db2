import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { DevOutboxAdapter } from '../../src/channels/dev-outbox/adapter.js';
import { devOutboxRoutes } from '../../src/channels/dev-outbox/routes.js';
import type { OutboundMessage } from '../../src/notify/types.js';
import { startHub, type TestHub } from '../helpers/hub.js';

function message(overrides: Partial<OutboundMessage> & Pick<OutboundMessage, 'deliveryId'>): OutboundMessage {
  return {
    channel: 'sms',
    to: '+8613800138000',
    ticketNumber: '2025061300017',
    language: 'zh-CN',
    body: '【12345】您的工单2025061300017已受理。',
    ...overrides,
  };
}

interface Item {
  id: string;
  channel: string;
  to: string;
  subject?: string;
  body: string;
  ticketNumber?: string;
  at: string;
}

describe('development outbox', () => {
  let hub: TestHub;
  let web: FastifyInstance;
  // Later than anything the adapter test keeps with `new Date()`, so the order below is known.
  const t0 = Date.now() + 3_600_000;

  before(async () => {
    hub = await startHub();
    // The hub is already started, so the routes get an instance of their own over the hub's store,
    // configured as the app configures itself (typebox provider, query coercion and defaults).
    web = Fastify({
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    }).withTypeProvider<TypeBoxTypeProvider>();
    await web.register(devOutboxRoutes, { outbox: hub.app.store.devOutbox });
    await web.ready();
  });

  after(async () => {
    await web.close();
    await hub.close();
  });

  it('keeps a message per delivery id and answers findSent for it', async () => {
    const sms = new DevOutboxAdapter('sms', hub.app.store.devOutbox);
    const first = message({ deliveryId: 'a1.sms' });
    const since = new Date(Date.now() - 1000);

    assert.equal(await sms.findSent(first, since), undefined);
    assert.deepEqual(await sms.send(first), { providerId: 'dev-a1.sms', status: 'delivered' });
    // A retry of the same delivery (even with a changed body) is kept once, the first copy stands.
    assert.deepEqual(await sms.send({ ...first, body: 'changed' }), {
      providerId: 'dev-a1.sms',
      status: 'delivered',
    });
    assert.deepEqual(await sms.findSent(first, since), { providerId: 'dev-a1.sms', status: 'delivered' });
    // Kept before `since`: not this round's send.
    assert.equal(await sms.findSent(first, new Date(Date.now() + 60_000)), undefined);

    const kept = await hub.app.store.devOutbox.list({ limit: 10 });
    assert.equal(kept.filter((k) => k.id === 'a1.sms').length, 1);
    assert.equal(kept.find((k) => k.id === 'a1.sms')?.body, '【12345】您的工单2025061300017已受理。');
    assert.equal(await hub.app.store.devOutbox.model.countDocuments({ _id: 'a1.sms' }), 1);
  });

  it('lists newest first as JSON, filtered by channel and address', async () => {
    const store = hub.app.store.devOutbox;
    await store.add({
      id: 'b1.email',
      channel: 'email',
      to: 'a@example.cn',
      subject: '工单已受理',
      body: 'text part',
      html: '<p>html part</p>',
      ticketNumber: '2025061300025',
      at: new Date(t0 + 1000),
    });
    await store.add({
      id: 'b2.sms',
      channel: 'sms',
      to: '+8613900139000',
      body: 'second',
      at: new Date(t0 + 2000),
    });
    await store.add({
      id: 'b3.email',
      channel: 'email',
      to: 'b@example.cn',
      body: 'third',
      at: new Date(t0 + 3000),
    });

    const all = await web.inject({ method: 'GET', url: '/dev/outbox.json' });
    assert.equal(all.statusCode, 200);
    const items = all.json<{ items: Item[] }>().items;
    assert.deepEqual(
      items.map((i) => i.id),
      ['b3.email', 'b2.sms', 'b1.email', 'a1.sms'],
    );
    assert.deepEqual(items[2], {
      id: 'b1.email',
      channel: 'email',
      to: 'a@example.cn',
      subject: '工单已受理',
      body: 'text part',
      ticketNumber: '2025061300025',
      at: new Date(t0 + 1000).toISOString(),
    });

    const mail = await web.inject({ method: 'GET', url: '/dev/outbox.json?channel=email&limit=1' });
    assert.deepEqual(
      mail.json<{ items: Item[] }>().items.map((i) => i.id),
      ['b3.email'],
    );
    const one = await web.inject({
      method: 'GET',
      url: `/dev/outbox.json?to=${encodeURIComponent('+8613900139000')}`,
    });
    assert.deepEqual(
      one.json<{ items: Item[] }>().items.map((i) => i.id),
      ['b2.sms'],
    );
  });

  it('refuses a limit over 100, a cursor that is not one, and an unknown channel', async () => {
    for (const query of ['limit=101', 'limit=0', 'channel=fax', 'extra=1', 'cursor=not-a-cursor']) {
      const response = await web.inject({ method: 'GET', url: `/dev/outbox.json?${query}` });
      assert.equal(response.statusCode, 400, query);
    }
  });

  it('shows the page with everything escaped', async () => {
    await hub.app.store.devOutbox.add({
      id: 'x1.email',
      channel: 'email',
      to: '"<b>"@example.cn',
      subject: '<script>alert(1)</script>',
      body: '路灯 & "电线" <img src=x onerror=alert(2)>\n第二行',
      at: new Date(t0 + 4000),
    });
    const page = await web.inject({ method: 'GET', url: '/dev/outbox' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    const html = page.body;
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.doesNotMatch(html, /<script|<img|<link|src=["']?http/i);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('路灯 &amp; &quot;电线&quot; &lt;img src=x onerror=alert(2)&gt;\n第二行'));
    assert.ok(html.includes('&quot;&lt;b&gt;&quot;@example.cn'));
    // Newest first on the page too, with the ticket number of the SMS.
    assert.ok(html.indexOf('&lt;script') < html.indexOf('third'));
    assert.ok(html.includes('工单 2025061300017'));
  });
});
