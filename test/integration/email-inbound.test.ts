import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { DevOutboxItem } from '../../src/store/dev-outbox.js';
import type { Ticket } from '../../src/tickets/types.js';
import { command, issueToken, startHub, type TestHub } from '../helpers/hub.js';
import { ehlo, mailClient } from '../helpers/mail-client.js';
import { freePort } from '../helpers/ports.js';

const DOMAIN = 'hub.example.gov.cn';
const BOX = `12345@${DOMAIN}`;
const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The inbound SMTP listener end to end: a real SMTP client (nodemailer) talks to the hub's listener
 * on loopback; what it leaves is read back from the store, the ticket core and the development
 * outbox (where the hub's acknowledgements go without SMTP_URL).
 */
describe('inbound mail (SMTP listener)', () => {
  let hub: TestHub;
  let port: number;
  let client: ReturnType<typeof mailClient>;

  before(async () => {
    port = await freePort();
    hub = await startHub({
      SMTP_PORT: String(port),
      SMTP_HOST: '127.0.0.1',
      MAIL_FROM: `"12345热线" <noreply@${DOMAIN}>`,
      SMTP_MAX_BYTES: '65536',
      MAIL_ATTACHMENT_MAX_BYTES: '2048',
      QUIET_HOURS: '',
      NOTIFY_THROTTLE_MS: '0',
      NOTIFY_BACKOFF_MS: '50',
    });
    client = mailClient(port);
  });
  after(async () => {
    client.close();
    await hub.close();
  });

  const mailRecord = async (key: string) => {
    const mail = await hub.app.store.inboundMails.findById(key);
    assert.ok(mail, `mail ${key} is stored`);
    return mail;
  };
  const ticketOf = async (key: string): Promise<Ticket> => {
    const number = (await mailRecord(key)).outcome?.ticketNumber;
    assert.ok(number, `mail ${key} has a ticket`);
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket);
    return ticket;
  };
  const outboxTo = (to: string): Promise<DevOutboxItem[]> =>
    hub.app.store.devOutbox.list({ limit: 50, channel: 'email', to });
  const waitForOutbox = async (to: string, count: number): Promise<DevOutboxItem[]> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const items = await outboxTo(to);
      if (items.length >= count || Date.now() > deadline) return items;
      await sleep(100);
    }
  };
  const receivedEntries = (ticket: Ticket) =>
    Object.values(ticket.outbox).filter((e) => e.template === 'received' && e.audience === 'citizen');

  it('advertises SIZE, and neither AUTH nor STARTTLS', async () => {
    const lines = await ehlo(port);
    assert.ok(
      lines.some((l) => /^250[- ]SIZE 65536$/.test(l)),
      lines.join('|'),
    );
    assert.ok(!lines.some((l) => /AUTH|STARTTLS/.test(l)), lines.join('|'));
  });

  it('turns a GBK mail into a ticket, stores it raw first, and acknowledges the citizen once', async () => {
    const raw = fixture('gbk-complaint.eml');
    const answer = await client.sendRaw(raw, { from: 'zhangsan@example.cn', to: [BOX] });
    assert.deepEqual(answer, { ok: true, response: '250 2.0.0 Message accepted' });

    const mail = await mailRecord('gbk-complaint-1@mail.example.cn');
    assert.equal(mail.status, 'processed');
    assert.ok(mail.raw.equals(raw), 'the raw bytes are kept as sent');
    assert.deepEqual(mail.envelope, {
      from: 'zhangsan@example.cn',
      to: [BOX],
      via: 'smtp',
      remoteAddress: '127.0.0.1',
    });
    assert.equal(mail.subject, '小区路灯坏了一个月');
    assert.equal(mail.from, 'zhangsan@example.cn');
    assert.deepEqual(
      mail.headers?.find((h) => h.name === 'Message-ID'),
      {
        name: 'Message-ID',
        value: '<gbk-complaint-1@mail.example.cn>',
      },
    );
    assert.equal(mail.outcome?.kind, 'ticket');

    const ticket = await ticketOf('gbk-complaint-1@mail.example.cn');
    assert.equal(ticket.channel, 'email');
    assert.equal(ticket.subject, '小区路灯坏了一个月');
    assert.equal(
      ticket.body,
      '市长您好：\n幸福小区3号楼前的路灯已经坏了一个月，晚上很不安全。\n请尽快派人维修。',
    );
    assert.equal(ticket.source.idempotencyKey, 'gbk-complaint-1@mail.example.cn');
    assert.equal(ticket.contactId, hub.app.store.contacts.idFor({ email: 'zhangsan@example.cn' }));
    assert.deepEqual(ticket.tags, []);
    assert.equal(receivedEntries(ticket).length, 1);
    const contact = await hub.app.store.contacts.findById(ticket.contactId ?? '');
    assert.equal(contact?.name, '张三');

    const acks = await waitForOutbox('zhangsan@example.cn', 1);
    assert.equal(acks.length, 1);
    assert.equal(acks[0]?.ticketNumber, ticket.number);
  });

  it('decodes GB18030 and Big5 bodies and takes an HTML-only body from the sanitised HTML', async () => {
    for (const [file, from, to] of [
      ['gb18030-body.eml', 'li@example.cn', `mayor@${DOMAIN}`],
      ['big5-body.eml', 'chen@example.com.tw', BOX],
      ['html-only.eml', 'wang@example.cn', BOX],
    ] as const) {
      const answer = await client.sendRaw(fixture(file), { from, to: [to] });
      assert.equal(answer.ok, true, file);
    }
    const gb18030 = await ticketOf('gb18030-1@mail.example.cn');
    assert.equal(gb18030.subject, '占道经营');
    assert.equal(gb18030.body, '反映：𠀀字号商铺占道经营，噪音扰民。');
    const big5 = await ticketOf('big5-1@mail.example.com.tw');
    assert.equal(big5.subject, '排水溝堵塞');
    assert.equal(big5.body, '請儘快處理中山路排水溝堵塞問題，謝謝。');
    const html = await ticketOf('html-only-1@mail.example.cn');
    assert.equal(html.body, '工地夜间施工&噪音\n每晚到凌晨两点\n点我照片');
    const stored = await mailRecord('html-only-1@mail.example.cn');
    assert.ok(stored.html && !/script|onclick|tracker|javascript/i.test(stored.html), stored.html);
  });

  it('keeps an allowed attachment and lists a refused type and an oversize one by name and reason', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 7)]);
    const exe = Buffer.from('MZ' + 'x'.repeat(100));
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 1)]);
    const answer = await client.send({
      from: '刘女士 <liu@example.cn>',
      to: BOX,
      subject: '垃圾清运不及时（附照片）',
      text: '小区垃圾三天没人清运，照片见附件。',
      messageId: '<attachments-1@example.cn>',
      attachments: [
        { filename: '现场照片.png', content: png, contentType: 'image/png' },
        { filename: 'setup.exe', content: exe, contentType: 'application/x-msdownload' },
        { filename: '说明.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    });
    assert.equal(answer.ok, true);
    const ticket = await ticketOf('attachments-1@example.cn');
    assert.equal(ticket.body, '小区垃圾三天没人清运，照片见附件。');
    assert.deepEqual(ticket.attachments, [
      { ref: `att:${sha(png)}`, name: '现场照片.png', contentType: 'image/png', size: png.length },
      {
        ref: `refused:${sha(exe)}`,
        name: 'setup.exe',
        contentType: 'application/x-msdownload',
        size: exe.length,
        refused: 'type_not_allowed',
      },
      {
        ref: `refused:${sha(pdf)}`,
        name: '说明.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        refused: 'too_large',
      },
    ]);
    const kept = await hub.app.store.attachments.findBySha256(sha(png));
    assert.ok(kept);
    assert.ok(kept.data.equals(png), 'the accepted file is stored byte for byte');
    assert.equal(kept.contentType, 'image/png');
    assert.equal(await hub.app.store.attachments.findBySha256(sha(exe)), undefined);
    assert.equal(await hub.app.store.attachments.findBySha256(sha(pdf)), undefined);
    assert.equal(await hub.app.store.attachments.model.countDocuments({}), 1);

    // Staff download it (audited); a refused one is not there; another department cannot see it.
    const url = `/api/v1/tickets/${ticket.number}/attachments/${sha(png)}`;
    const download = await hub.request({ method: 'GET', url });
    assert.equal(download.statusCode, 200);
    assert.ok(download.rawPayload.equals(png));
    assert.equal(download.headers['content-type'], 'image/png');
    assert.equal(
      download.headers['content-disposition'],
      `attachment; filename="____.png"; filename*=UTF-8''${encodeURIComponent('现场照片.png')}`,
    );
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    const audit = (await hub.app.store.audit.forTicket(ticket.number)).items;
    assert.deepEqual(
      audit.filter((a) => a.action === 'view_attachment').map((a) => a.fields),
      [[`att:${sha(png)}`]],
    );
    const refused = await hub.request({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.number}/attachments/${sha(exe)}`,
    });
    assert.equal(refused.statusCode, 404);
    const other = ticket.leadDepartment === 'WJW' ? 'JTJ' : 'WJW';
    const department = await issueToken(hub, 'department', other);
    const hidden = await hub.request({ method: 'GET', url, token: department });
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json<{ code: string }>().code, 'HUB_ERR_TICKET_NOT_FOUND');
  });

  it('opens a ticket for an Outlook auto-reply but never acknowledges it', async () => {
    const answer = await client.sendRaw(fixture('outlook-auto-reply.eml'), {
      from: 'zhao@example.cn',
      to: [BOX],
    });
    assert.equal(answer.ok, true);
    const ticket = await ticketOf('oof-1@mail.example.cn');
    assert.equal(ticket.subject, '自动答复: 关于路灯的问题');
    assert.deepEqual(receivedEntries(ticket), []);
    await sleep(1_000);
    assert.deepEqual(await outboxTo('zhao@example.cn'), []);
  });

  it('records a bounce (multipart/report, empty MAIL FROM) as ignored: no ticket, no answer', async () => {
    const tickets = await hub.app.store.tickets.count();
    const answer = await client.sendRaw(fixture('bounce.eml'), { from: '', to: [BOX] });
    assert.equal(answer.ok, true);
    const mail = await mailRecord('bounce-1@mx.example.cn');
    assert.equal(mail.status, 'ignored');
    assert.deepEqual(mail.outcome, { kind: 'ignored', reason: 'bounce' });
    assert.equal(mail.envelope.from, '');
    assert.equal(await hub.app.store.tickets.count(), tickets);
    assert.deepEqual(await outboxTo('mailer-daemon@mx.example.cn'), []);
  });

  it("appends a citizen's reply to our notice to their ticket, without the quoted part", async () => {
    const ticket = await ticketOf('gbk-complaint-1@mail.example.cn');
    const [ack] = await waitForOutbox('zhangsan@example.cn', 1);
    assert.ok(ack);
    const tickets = await hub.app.store.tickets.count();
    const answer = await client.send({
      from: 'zhangsan@example.cn',
      to: BOX,
      subject: `Re: ${ack.subject ?? ''}`,
      text: `路灯还是不亮，已经第五周了。\n\n在 2026年11月21日 10:00，12345热线 写道：\n> ${ack.body.split('\n')[0] ?? ''}`,
      messageId: '<reply-1@example.cn>',
      inReplyTo: `<${ack.id}@${DOMAIN}>`,
      references: [`<ticket-${ticket.number}@${DOMAIN}>`, `<${ack.id}@${DOMAIN}>`],
    });
    assert.equal(answer.ok, true);
    const mail = await mailRecord('reply-1@example.cn');
    assert.deepEqual(mail.outcome, { kind: 'thread', ticketNumber: ticket.number });
    assert.equal(await hub.app.store.tickets.count(), tickets, 'no new ticket');
    const after = await hub.app.store.tickets.findByNumber(ticket.number);
    const message = after?.events.at(-1);
    assert.equal(message?.type, 'citizen_message');
    assert.equal(message.channel, 'email');
    assert.deepEqual(message.data, {
      text: '路灯还是不亮，已经第五周了。',
      messageKey: 'email:reply-1@example.cn',
    });
    assert.deepEqual(message.actor, { kind: 'citizen', id: ticket.contactId });
  });

  it('threads a plus-addressed mail from the citizen onto their ticket', async () => {
    const ticket = await ticketOf('gbk-complaint-1@mail.example.cn');
    const answer = await client.send({
      from: 'ZhangSan@Example.cn',
      to: `12345+${ticket.number}@${DOMAIN}`,
      subject: '补充：路灯位置',
      text: '路灯在3号楼东侧。',
      messageId: '<plus-1@example.cn>',
    });
    assert.equal(answer.ok, true);
    assert.deepEqual((await mailRecord('plus-1@example.cn')).outcome, {
      kind: 'thread',
      ticketNumber: ticket.number,
    });
  });

  it("opens a new ticket for review when a stranger uses someone else's token; the original is untouched", async () => {
    const original = await ticketOf('gbk-complaint-1@mail.example.cn');
    const answer = await client.send({
      from: 'mallory@example.net',
      to: BOX,
      subject: `Re: [#${original.number}] 小区路灯`,
      text: '我也要反映这个问题。',
      messageId: '<stranger-1@example.net>',
    });
    assert.equal(answer.ok, true);
    const mail = await mailRecord('stranger-1@example.net');
    assert.equal(mail.outcome?.kind, 'linked');
    assert.equal(mail.outcome.reason, 'not_ticket_citizen');
    const linked = await ticketOf('stranger-1@example.net');
    assert.notEqual(linked.number, original.number);
    assert.deepEqual(linked.tags, ['needs_review']);
    assert.equal(linked.body, '我也要反映这个问题。');
    const link = linked.events.find((e) => e.type === 'linked');
    assert.equal(link?.visibility, 'internal');
    assert.deepEqual(link.data, { ticket: original.number, reason: 'not_ticket_citizen' });

    const untouched = await hub.app.store.tickets.findByNumber(original.number);
    assert.equal(untouched?.version, original.version);
    assert.equal(untouched.events.length, original.events.length);

    const [notice] = await waitForOutbox('mallory@example.net', 1);
    assert.equal(notice?.ticketNumber, linked.number);
    assert.ok(
      !`${notice.subject ?? ''}${notice.body}`.includes(original.number),
      'nothing of the other ticket',
    );
  });

  it('links a reply to an ended ticket to a new ticket instead of appending', async () => {
    const answer = await client.send({
      from: 'li@example.cn',
      to: `mayor@${DOMAIN}`,
      subject: '又占道了',
      text: '又开始占道经营了。',
      messageId: '<gb18030-2@mail.example.cn>',
    });
    assert.equal(answer.ok, true);
    const first = await ticketOf('gb18030-1@mail.example.cn');
    assert.equal((await command(hub, first.number, 'cancel', { reason: '已处理' })).statusCode, 200);
    const reply = await client.send({
      from: 'li@example.cn',
      to: `mayor@${DOMAIN}`,
      subject: `回复：[#${first.number}] 占道经营`,
      text: '问题又出现了。',
      messageId: '<ended-reply-1@mail.example.cn>',
    });
    assert.equal(reply.ok, true);
    const mail = await mailRecord('ended-reply-1@mail.example.cn');
    assert.equal(mail.outcome?.kind, 'linked');
    assert.equal(mail.outcome.reason, 'ticket_ended');
    const linked = await ticketOf('ended-reply-1@mail.example.cn');
    assert.deepEqual(linked.tags, ['follow_up']);
    assert.deepEqual(linked.events.find((e) => e.type === 'linked')?.data, {
      ticket: first.number,
      reason: 'ticket_ended',
    });
    assert.equal((await hub.app.store.tickets.findByNumber(first.number))?.status, 'cancelled');
  });

  it('refuses an oversize message with 552 on the DATA stream and stores nothing', async () => {
    const mails = await hub.app.store.inboundMails.model.countDocuments({});
    const tickets = await hub.app.store.tickets.count();
    const answer = await client.send({
      from: 'big@example.cn',
      to: BOX,
      subject: '很长的信',
      text: '很长的信。'.repeat(8_000),
      messageId: '<oversize-1@example.cn>',
    });
    assert.deepEqual(answer, { ok: false, responseCode: 552, code: 'EMESSAGE' });
    assert.equal(await hub.app.store.inboundMails.model.countDocuments({}), mails);
    assert.equal(await hub.app.store.inboundMails.findById('oversize-1@example.cn'), undefined);
    assert.equal(await hub.app.store.tickets.count(), tickets);
  });

  it('refuses unknown mailboxes and relaying with 550 at RCPT', async () => {
    const mails = await hub.app.store.inboundMails.model.countDocuments({});
    for (const to of [`root@${DOMAIN}`, 'someone@gmail.com', `nobody+1@${DOMAIN}`]) {
      const answer = await client.send({ from: 'x@example.cn', to, subject: 'x', text: 'x' });
      assert.deepEqual(answer, { ok: false, responseCode: 550, code: 'EENVELOPE' }, to);
    }
    assert.equal(await hub.app.store.inboundMails.model.countDocuments({}), mails);
  });

  it('takes a replayed Message-ID once: one ticket, and the first outcome again', async () => {
    const raw = fixture('gbk-complaint.eml');
    const tickets = await hub.app.store.tickets.count();
    const first = await ticketOf('gbk-complaint-1@mail.example.cn');
    const again = await client.sendRaw(raw, { from: 'zhangsan@example.cn', to: [BOX] });
    assert.equal(again.ok, true);
    const direct = await hub.app.mailIntake.accept(raw, {
      from: 'zhangsan@example.cn',
      to: [BOX],
      via: 'imap',
      receivedAt: new Date(),
    });
    assert.deepEqual(direct, { kind: 'duplicate', ticketNumber: first.number, reason: 'ticket' });
    assert.equal(await hub.app.store.tickets.count(), tickets);
    assert.equal(
      await hub.app.store.inboundMails.model.countDocuments({ _id: 'gbk-complaint-1@mail.example.cn' }),
      1,
    );
    assert.equal(
      (await waitForOutbox('zhangsan@example.cn', 2)).filter((i) => i.ticketNumber === first.number).length,
      1,
    );
  });

  it('keys a mail without Message-ID by its bytes', async () => {
    const raw = Buffer.from(
      'From: sun@example.cn\r\nTo: 12345@hub.example.gov.cn\r\nSubject: no id\r\n\r\nno message id here\r\n',
    );
    const first = await client.sendRaw(raw, { from: 'sun@example.cn', to: [BOX] });
    const second = await client.sendRaw(raw, { from: 'sun@example.cn', to: [BOX] });
    assert.equal(first.ok && second.ok, true);
    const ticket = await ticketOf(`sha256:${sha(raw)}`);
    assert.equal(ticket.body, 'no message id here');
    assert.equal(
      await hub.app.store.tickets.model.countDocuments({ 'source.dedupeKey': `email:sha256:${sha(raw)}` }),
      1,
    );
  });

  it("reads IMAP's empty envelope sender as a null sender only when the mail's Return-Path is <>", async () => {
    const imap = { to: [BOX], via: 'imap' as const, receivedAt: new Date(), from: '' };
    const mail = (from: string, id: string, returnPath?: string) =>
      Buffer.from(
        `${returnPath === undefined ? '' : `Return-Path: ${returnPath}\r\n`}From: ${from}\r\nTo: ${BOX}\r\n` +
          `Subject: =?UTF-8?B?${Buffer.from('井盖丢失').toString('base64')}?=\r\nMessage-ID: <${id}>\r\n\r\n井盖丢失了。\r\n`,
      );
    const plain = await hub.app.mailIntake.accept(mail('wu@example.cn', 'imap-1@example.cn'), imap);
    assert.equal(plain.kind, 'ticket');
    assert.equal(receivedEntries(await ticketOf('imap-1@example.cn')).length, 1);
    const nullSender = await hub.app.mailIntake.accept(
      mail('zheng@example.cn', 'imap-2@example.cn', '<>'),
      imap,
    );
    assert.equal(nullSender.kind, 'ticket');
    assert.equal(receivedEntries(await ticketOf('imap-2@example.cn')).length, 0);
  });

  it('records an empty mail as ignored', async () => {
    const tickets = await hub.app.store.tickets.count();
    const raw = Buffer.from('From: empty@example.cn\r\nMessage-ID: <empty-1@example.cn>\r\n\r\n');
    assert.equal((await client.sendRaw(raw, { from: 'empty@example.cn', to: [BOX] })).ok, true);
    assert.deepEqual((await mailRecord('empty-1@example.cn')).outcome, { kind: 'ignored', reason: 'empty' });
    assert.equal(await hub.app.store.tickets.count(), tickets);
  });

  it('acknowledges one sender at most once an hour', async () => {
    for (const n of [1, 2]) {
      const answer = await client.send({
        from: 'zhou@example.cn',
        to: BOX,
        subject: `第${n}封`,
        text: `第${n}个问题`,
        messageId: `<limit-${n}@example.cn>`,
      });
      assert.equal(answer.ok, true);
    }
    const one = await ticketOf('limit-1@example.cn');
    const two = await ticketOf('limit-2@example.cn');
    assert.notEqual(one.number, two.number);
    assert.equal(receivedEntries(one).length, 1);
    assert.equal(receivedEntries(two).length, 0);
    await sleep(1_000);
    const acks = await waitForOutbox('zhou@example.cn', 1);
    assert.deepEqual(
      acks.map((a) => a.ticketNumber),
      [one.number],
    );
  });
});
