import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { judgeLoop, type LoopFacts } from '../../src/channels/email/loop-guard.js';
import { effectiveType } from '../../src/channels/email/mail-attachments.js';
import { mailKey, messageIdsIn } from '../../src/channels/email/mail-key.js';
import { parseMail } from '../../src/channels/email/parse-mail.js';
import { stripQuotedReply } from '../../src/channels/email/quote-strip.js';
import { sanitiseMailHtml, textOfHtml } from '../../src/channels/email/html-text.js';
import { baseMailbox, isOurMailbox, threadHints } from '../../src/channels/email/thread-token.js';
import { formatTicketNumber } from '../../src/tickets/ticket-number.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const MAILBOXES = ['12345@hub.example.gov.cn', 'mayor@hub.example.gov.cn'];
const NUMBER = formatTicketNumber('261121', 42);

describe('parseMail: Chinese charsets', () => {
  it('decodes a GBK encoded-word subject, a GB2312 display name and an 8-bit GBK body', async () => {
    const mail = await parseMail(fixture('gbk-complaint.eml'));
    assert.equal(mail.subject, '小区路灯坏了一个月');
    assert.deepEqual(mail.from, { address: 'zhangsan@example.cn', name: '张三' });
    assert.equal(
      mail.text,
      '市长您好：\n幸福小区3号楼前的路灯已经坏了一个月，晚上很不安全。\n请尽快派人维修。',
    );
    assert.equal(mail.messageId, 'gbk-complaint-1@mail.example.cn');
    assert.equal(mail.html, undefined);
    assert.deepEqual(
      mail.headers.find((h) => h.name === 'Content-Type'),
      { name: 'Content-Type', value: 'text/plain; charset=GBK' },
    );
  });

  it('decodes a quoted-printable GB18030 body with a four-byte character', async () => {
    const mail = await parseMail(fixture('gb18030-body.eml'));
    assert.equal(mail.subject, '占道经营');
    assert.equal(mail.text, '反映：𠀀字号商铺占道经营，噪音扰民。');
  });

  it('decodes a base64 Big5 body and a Q-encoded Big5 subject', async () => {
    const mail = await parseMail(fixture('big5-body.eml'));
    assert.equal(mail.subject, '排水溝堵塞');
    assert.equal(mail.text, '請儘快處理中山路排水溝堵塞問題，謝謝。');
  });

  it('keeps only sanitised HTML and takes the text from it when there is no text part', async () => {
    const mail = await parseMail(fixture('html-only.eml'));
    assert.equal(
      mail.html,
      '<p>工地夜间施工&amp;噪音</p><div>每晚到<b>凌晨两点</b></div>' +
        '<a rel="noopener noreferrer nofollow" target="_blank">点我</a>' +
        '<a href="https://example.cn/photo" rel="noopener noreferrer nofollow" target="_blank">照片</a>\n',
    );
    assert.equal(mail.text, '工地夜间施工&噪音\n每晚到凌晨两点\n点我照片');
  });

  it('reads a delivery report as multipart/report', async () => {
    const mail = await parseMail(fixture('bounce.eml'));
    assert.equal(mail.contentType, 'multipart/report');
    assert.equal(mail.from?.address, 'mailer-daemon@mx.example.cn');
  });
});

describe('html-text', () => {
  it('drops scripts, handlers, styles and remote images; keeps cid images', () => {
    const html = sanitiseMailHtml(
      '<style>x{}</style><img src="cid:photo1" alt="照片"><img src="http://t.example/x.gif">' +
        '<iframe src="https://evil.example"></iframe><p style="color:red" onmouseover="x()">文字</p>',
    );
    assert.equal(html, '<img src="cid:photo1" alt="照片" /><p>文字</p>');
    assert.equal(textOfHtml('<p>一&lt;二&gt;</p><p>三&#x4E09;&#22235;</p>'), '一<二>\n三三四');
  });
});

describe('mailKey', () => {
  it('keys by Message-ID without brackets, else by the hash of the bytes', () => {
    assert.deepEqual(
      mailKey(Buffer.from('Message-ID:\r\n  <Abc.1@X.cn> (comment)\r\nSubject: x\r\n\r\nbody')),
      {
        key: 'Abc.1@X.cn',
        messageId: 'Abc.1@X.cn',
      },
    );
    const bare = Buffer.from('Subject: x\r\n\r\nMessage-ID: <in-body@x.cn>\r\n');
    assert.deepEqual(mailKey(bare), { key: `sha256:${createHash('sha256').update(bare).digest('hex')}` });
    const noAt = Buffer.from('Message-ID: <no-at-sign>\r\n\r\nx');
    assert.match(mailKey(noAt).key, /^sha256:[0-9a-f]{64}$/);
  });

  it('lists ids of In-Reply-To / References with or without brackets', () => {
    assert.deepEqual(messageIdsIn('<a@x> <b@y>'), ['a@x', 'b@y']);
    assert.deepEqual(messageIdsIn(['a@x', 'c@z']), ['a@x', 'c@z']);
    assert.deepEqual(messageIdsIn(undefined), []);
  });
});

describe('threadHints', () => {
  const base = {
    inReplyTo: [],
    references: [],
    recipients: [],
    subject: '',
    mailboxes: MAILBOXES,
    mailDomain: 'hub.example.gov.cn',
  };

  it('orders our Message-IDs, plus addresses and subject tokens strongest first', () => {
    const hints = threadHints({
      ...base,
      inReplyTo: ['64b7f0c2a1b2c3d4e5f60718.r2@hub.example.gov.cn'],
      references: [`ticket-${NUMBER}@hub.example.gov.cn`, 'other@elsewhere.cn'],
      recipients: [`12345+${NUMBER}@hub.example.gov.cn`],
      subject: `回复：[#${NUMBER}] 路灯`,
    });
    assert.deepEqual(hints, [
      { via: 'delivery', deliveryId: '64b7f0c2a1b2c3d4e5f60718' },
      { via: 'thread_id', number: NUMBER },
      { via: 'plus_address', number: NUMBER },
      { via: 'subject', number: NUMBER },
    ]);
  });

  it('ignores numbers with a wrong check digit, other domains and other mailboxes', () => {
    const wrong = NUMBER.slice(0, -1) + String((Number(NUMBER.at(-1)) + 1) % 10);
    assert.deepEqual(
      threadHints({
        ...base,
        references: [`ticket-${wrong}@hub.example.gov.cn`, '64b7f0c2a1b2c3d4e5f60718@elsewhere.cn'],
        recipients: [`someone+${NUMBER}@hub.example.gov.cn`],
        subject: `[#${wrong}]`,
      }),
      [],
    );
  });

  it('reads full-width subject tokens', () => {
    const wide = NUMBER.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    assert.deepEqual(threadHints({ ...base, subject: `［＃${wide}］` }), [
      { via: 'subject', number: NUMBER },
    ]);
  });

  it('knows our mailboxes and their plus addresses', () => {
    assert.deepEqual(baseMailbox('Mayor+ABC@Hub.Example.gov.cn'), {
      address: 'mayor@hub.example.gov.cn',
      token: 'abc',
    });
    assert.equal(isOurMailbox('mayor+1@hub.example.gov.cn', MAILBOXES), true);
    assert.equal(isOurMailbox('root@hub.example.gov.cn', MAILBOXES), false);
  });
});

describe('judgeLoop', () => {
  const own = new Set([...MAILBOXES, 'noreply@hub.example.gov.cn']);
  const facts = (over: Partial<LoopFacts>): LoopFacts => ({
    envelopeFrom: 'a@example.cn',
    from: 'a@example.cn',
    contentType: 'text/plain',
    headers: [],
    subject: '路灯',
    ...over,
  });

  it('ignores reports and our own mail, and acknowledges a plain mail', () => {
    assert.deepEqual(judgeLoop(facts({}), own), { noAck: undefined });
    assert.deepEqual(
      judgeLoop(
        facts({
          contentType: 'multipart/report',
          headers: [
            { name: 'Content-Type', value: 'multipart/report; report-type=delivery-status; boundary=x' },
          ],
        }),
        own,
      ),
      { ignore: 'bounce' },
    );
    assert.deepEqual(
      judgeLoop(
        facts({
          contentType: 'multipart/report',
          headers: [
            { name: 'Content-Type', value: 'multipart/report; report-type="disposition-notification"' },
          ],
        }),
        own,
      ),
      { ignore: 'report' },
    );
    assert.deepEqual(judgeLoop(facts({ envelopeFrom: '', from: 'postmaster@mx.cn' }), own), {
      ignore: 'bounce',
    });
    assert.deepEqual(judgeLoop(facts({ headers: [{ name: 'X-Failed-Recipients', value: 'x@y.cn' }] }), own), {
      ignore: 'bounce',
    });
    assert.deepEqual(judgeLoop(facts({ from: 'noreply@hub.example.gov.cn' }), own), {
      ignore: 'own_address',
    });
  });

  it('names why an automatic mail gets no acknowledgement', () => {
    const cases: [Partial<LoopFacts>, string | undefined][] = [
      [{ headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }] }, 'auto_submitted'],
      [{ headers: [{ name: 'Auto-Submitted', value: 'No' }] }, undefined],
      [{ envelopeFrom: '' }, 'null_sender'],
      [{ headers: [{ name: 'Precedence', value: 'bulk' }] }, 'precedence'],
      [{ headers: [{ name: 'List-Unsubscribe', value: '<mailto:u@x>' }] }, 'list'],
      [{ headers: [{ name: 'X-Auto-Response-Suppress', value: 'All' }] }, 'auto_reply'],
      [{ subject: '自动答复: 路灯' }, 'auto_reply'],
      [{ subject: 'Automatic reply: street light' }, 'auto_reply'],
    ];
    for (const [over, reason] of cases)
      assert.equal(judgeLoop(facts(over), own).noAck, reason, JSON.stringify(over));
  });
});

describe('stripQuotedReply', () => {
  it('cuts at the quote intros of common clients and drops > lines', () => {
    assert.equal(
      stripQuotedReply('还是没修好。\n\n在 2026年11月21日 09:30，12345热线 写道：\n> 您的工单已受理'),
      '还是没修好。',
    );
    assert.equal(
      stripQuotedReply('Still broken.\n\nOn Sat, Nov 21, 2026 at 9:30 AM 12345 <noreply@x> wrote:\n> ok'),
      'Still broken.',
    );
    assert.equal(
      stripQuotedReply('补充照片见附件\n\n-----原始邮件-----\n发件人: 12345热线\n主题: 受理'),
      '补充照片见附件',
    );
    assert.equal(
      stripQuotedReply('谢谢\n________________________________\n发件人: 12345热线\n发送时间: 2026年11月21日'),
      '谢谢',
    );
    assert.equal(stripQuotedReply('> only a quote'), '> only a quote', 'nothing left: kept whole');
  });
});

describe('effectiveType', () => {
  it('judges application/octet-stream by the extension', () => {
    assert.equal(effectiveType('application/octet-stream', '照片.JPG'), 'image/jpeg');
    assert.equal(effectiveType('Image/PNG; name=x.png', 'x.png'), 'image/png');
    assert.equal(effectiveType('application/octet-stream', 'setup.exe'), 'application/octet-stream');
  });
});
