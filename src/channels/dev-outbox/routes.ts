import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { OUTBOUND_CHANNELS } from '../../notify/types.js';
import { DEV_OUTBOX_MAX_LIST, type DevOutboxItem, type DevOutboxRepository } from '../../store/dev-outbox.js';

export interface DevOutboxRoutesOptions {
  outbox: Pick<DevOutboxRepository, 'page'>;
  /** The zone the page shows times in (HUB_TIMEZONE); default China time. */
  timeZone?: string;
}

const Query = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: DEV_OUTBOX_MAX_LIST, default: 50 }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'the `next` of the page before' }),
    ),
    channel: Type.Optional(Type.Enum([...OUTBOUND_CHANNELS])),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);

const Item = Type.Object({
  id: Type.String({ description: 'The delivery id' }),
  channel: Type.String(),
  to: Type.String(),
  subject: Type.Optional(Type.String()),
  body: Type.String(),
  ticketNumber: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

const ListReply = Type.Object({
  items: Type.Array(Item),
  next: Type.Optional(Type.String({ description: 'the cursor of the next page; absent on the last' })),
});

/**
 * `GET /dev/outbox.json` and `GET /dev/outbox`: what the hub would have sent, newest first.
 *
 * No authentication, on purpose: these routes exist only in development mode — the app registers
 * them only when some channel has no real provider configured, so the outbox holds test traffic
 * that a developer without a staff token must be able to read. Never register them otherwise.
 */
export const devOutboxRoutes: FastifyPluginAsyncTypebox<DevOutboxRoutesOptions> = async (app, options) => {
  const { outbox, timeZone = 'Asia/Shanghai' } = options;

  app.get(
    '/dev/outbox.json',
    {
      schema: {
        summary: 'Development outbox: messages kept instead of sent, newest first',
        tags: ['dev'],
        querystring: Query,
        response: { 200: ListReply },
      },
    },
    async (request) => {
      const page = await outbox.page(request.query);
      return { ...page, items: page.items.map(toView) };
    },
  );

  app.get(
    '/dev/outbox',
    {
      schema: {
        summary: 'Development outbox as a page',
        tags: ['dev'],
        querystring: Query,
        response: { 200: { content: { 'text/html': { schema: Type.String() } } } },
      },
    },
    async (request, reply) => {
      const page = await outbox.page(request.query);
      // Everything on the page is escaped; the policy is a second wall should that ever slip.
      void reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .header('x-content-type-options', 'nosniff');
      const { cursor: _shown, ...query } = request.query;
      const older =
        page.next === undefined ? undefined : `/dev/outbox?${pageQuery({ ...query, cursor: page.next })}`;
      return renderOutboxPage(page.items, timeZone, older);
    },
  );
};

function toView(item: DevOutboxItem): Static<typeof Item> {
  return {
    id: item.id,
    channel: item.channel,
    to: item.to,
    ...(item.subject === undefined ? {} : { subject: item.subject }),
    body: item.body,
    ...(item.ticketNumber === undefined ? {} : { ticketNumber: item.ticketNumber }),
    at: item.at.toISOString(),
  };
}

const CHANNEL_NAMES: Record<string, string> = {
  sms: '短信 SMS',
  voice: '电话 Call',
  email: '邮件 Mail',
  push: '推送 Push',
};

/**
 * One self-contained page (no scripts, no outside styles) that reads on a 240 px wide feature-phone
 * browser: one block per message, long addresses and bodies wrap instead of widening the page.
 */
function pageQuery(query: Record<string, string | number | undefined>): string {
  const entries = Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined);
  return new URLSearchParams(
    entries.map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
}

function renderOutboxPage(items: DevOutboxItem[], timeZone: string, older: string | undefined): string {
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' });
  const blocks = items.map((item) => {
    const meta = [
      `<b>${escapeHtml(CHANNEL_NAMES[item.channel] ?? item.channel)}</b>`,
      `→ ${escapeHtml(item.to)}`,
      item.ticketNumber === undefined ? '' : `工单 ${escapeHtml(item.ticketNumber)}`,
      `<time datetime="${item.at.toISOString()}">${escapeHtml(time.format(item.at))}</time>`,
    ];
    const subject = item.subject === undefined ? '' : `<h2>${escapeHtml(item.subject)}</h2>`;
    return `<article><p class="m">${meta.filter((m) => m !== '').join(' · ')}</p>${subject}<pre>${escapeHtml(item.body)}</pre></article>`;
  });
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>开发发件箱 Dev outbox</title>
<style>
body{margin:0;padding:6px;font:14px/1.5 sans-serif;overflow-wrap:anywhere;word-break:break-word}
h1{font-size:16px;margin:0 0 4px}h2{font-size:14px;margin:2px 0}
p{margin:0}.m{color:#555;font-size:12px}
article{border-top:1px solid #ccc;padding:4px 0}
pre{margin:2px 0;white-space:pre-wrap;font:inherit}
</style></head><body>
<h1>开发发件箱 Dev outbox</h1>
<p class="m">未配置真实通道，以下消息未发出（新的在前）。Not sent: no provider configured; newest first.</p>
${blocks.length > 0 ? blocks.join('\n') : '<p>（空）Empty.</p>'}
${older === undefined ? '' : `<p><a href="${escapeHtml(older)}" rel="next">更早的消息 Older</a></p>`}
</body></html>
`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
