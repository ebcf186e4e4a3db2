import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Handlebars from 'handlebars';
import { BUILT_IN_CATALOG } from '../../src/templates/notifications/catalog.js';
import { SAMPLE_DATA, type NotificationData } from '../../src/templates/notifications/data.js';
import { NOTIFICATION_EVENTS } from '../../src/templates/notifications/events.js';
import { digits } from '../../src/templates/notifications/helpers.js';
import { NotificationTemplates } from '../../src/templates/notifications/notification-templates.js';
import type { Catalog } from '../../src/templates/notifications/parts.js';

const DATA: NotificationData = {
  number: '26051401270',
  queryCode: '483920',
  kind: 'complaint',
  status: 'received',
  trackUrl: 'https://12345.example.gov.cn/track/26051401270',
  collapsed: 0,
};

describe('notification templates', () => {
  const templates = new NotificationTemplates();

  it('zh-CN received SMS: signature first, one part', () => {
    const sms = templates.render('received', 'sms', 'zh-CN', DATA);
    assert.equal(sms.body, '【12345】您的投诉已受理，工单号26051401270，查询码483920。');
    assert.deepEqual(sms.sms, { encoding: 'UCS-2', characters: 40, parts: 1 });
    const dispatched = templates.render('received', 'sms', 'zh-CN', {
      ...DATA,
      kind: 'consultation',
      departmentName: '市城市管理局',
    });
    assert.equal(
      dispatched.body,
      '【12345】您的咨询已受理，工单号26051401270，查询码483920，已转交市城市管理局办理。',
    );
    assert.equal(dispatched.sms?.parts, 1);
  });

  it('voice received: digits spaced out, no link', () => {
    const voice = templates.render('received', 'voice', 'zh-CN', DATA);
    assert.equal(
      voice.body,
      '您好，这里是12345政务服务便民热线。您的投诉已受理，工单号 2 6 0 5 1 4 0 1 2 7 0，查询码 4 8 3 9 2 0。' +
        '您可凭工单号和查询码查询办理进度。谢谢，再见。',
    );
    assert.equal(voice.sms, undefined);
    assert.equal(digits('123'), '1 2 3');
    assert.equal(digits(' 12 3 '), '1 2 3');
  });

  it('en resolved email: subject, text with the rating link, escaped HTML in the layout', () => {
    const email = templates.render('resolved', 'email', 'en', {
      ...DATA,
      status: 'closed',
      citizenName: 'Li <b>&</b> Co',
      ratingUrl: 'https://12345.example.gov.cn/rate/26051401270?a=1&b=2',
    });
    assert.equal(email.subject, 'Ticket 26051401270 is resolved: please rate it');
    assert.equal(
      email.body,
      'Dear Li <b>&</b> Co,\n\n' +
        'Your complaint is resolved.\n\n' +
        'Please rate the result: https://12345.example.gov.cn/rate/26051401270?a=1&b=2\n\n' +
        'Ticket: 26051401270\nQuery code: 483920\n' +
        'Follow it here: https://12345.example.gov.cn/track/26051401270\n\n' +
        '12345 Government Service Hotline\n(Sent automatically. Reply to this email to add information.)\n',
    );
    const html = email.html ?? '';
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.ok(html.includes('<title>Ticket 26051401270 is resolved: please rate it</title>'));
    assert.ok(html.includes('Dear Li &lt;b&gt;&amp;&lt;/b&gt; Co,</p>'), html);
    assert.ok(!html.includes('<b>&</b>'));
    const rating = 'https://12345.example.gov.cn/rate/26051401270?a=1&amp;b=2';
    assert.ok(html.includes(`Please rate the result: <a href="${rating}">${rating}</a></p>`), html);
  });

  it('says how many updates were folded in, in the locale', () => {
    const zh = templates.render('signed', 'sms', 'zh-CN', { ...DATA, collapsed: 2 });
    assert.equal(zh.body, '【12345】您的工单26051401270已由承办单位签收，正在办理中。（另有2条更新）');
    const en = templates.render('signed', 'push', 'en', { ...DATA, collapsed: 1 });
    assert.equal(en.body, 'Ticket 26051401270 is in progress. (1 more update)');
  });

  it('falls back to zh-CN for a locale it does not have', () => {
    assert.equal(
      templates.render('cancelled', 'push', 'fr', DATA).body,
      templates.render('cancelled', 'push', 'zh-CN', DATA).body,
    );
  });

  it('throws when the data lacks a field the template uses (strict mode)', () => {
    assert.throws(() => templates.render('asked_citizen', 'sms', 'zh-CN', DATA), /text/);
    assert.throws(() => templates.render('sla.red', 'email', 'zh-CN', DATA), /clock|dueAt/);
  });

  it('knows which events go on which channel', () => {
    assert.ok(templates.has('received', 'voice'));
    assert.ok(templates.has('sla.red', 'email'));
    assert.ok(!templates.has('sla.red', 'voice'));
    assert.ok(!templates.has('no.such.event', 'sms'));
    assert.throws(() => templates.render('sla.red', 'voice', 'zh-CN', DATA), /no voice template for sla.red/);
  });

  it('has every event × channel in both locales', () => {
    let expected = 0;
    for (const spec of Object.values(NOTIFICATION_EVENTS)) expected += spec.channels.length * 2;
    assert.equal(templates.list().length, expected);
    assert.equal(expected, 172);
    assert.ok(templates.list().every((t) => t.source === 'built-in'));
  });

  it('keeps the common Chinese SMS to one part and every sample within the limit', () => {
    const sample = { ...SAMPLE_DATA };
    for (const event of [
      'received',
      'dispatched',
      'transferred',
      'signed',
      'reopened',
      'cancelled',
    ] as const) {
      assert.equal(templates.render(event, 'sms', 'zh-CN', sample).sms?.parts, 1, event);
    }
    for (const info of templates.list().filter((t) => t.channel === 'sms')) {
      // Before any shortening: the built-in itself, with the sample, fits.
      const raw = templates.preview(info, info.parts, sample);
      assert.ok(raw.ok && raw.problems.length === 0, `${info.event}/${info.locale}: ${JSON.stringify(raw)}`);
    }
  });

  it('never sends an SMS longer than smsMaxParts: the variable text is shortened', () => {
    const reply = '经现场核查，'.repeat(60);
    const three = templates.render('replied', 'sms', 'zh-CN', { ...DATA, text: reply });
    assert.equal(three.sms?.parts, 3);
    assert.equal(three.sms.characters, 201);
    assert.ok(three.body.startsWith('【12345】您的工单26051401270已答复：经现场核查，'));
    assert.ok(three.body.endsWith('…\n详见https://12345.example.gov.cn/track/26051401270'), three.body);

    const two = new NotificationTemplates([], { smsMaxParts: 2 });
    const short = two.render('replied', 'sms', 'zh-CN', { ...DATA, text: reply });
    assert.deepEqual(short.sms, { encoding: 'UCS-2', characters: 134, parts: 2 });
    assert.ok(short.body.includes('…\n详见'), short.body);
  });

  it('shortens a GSM-7 SMS with "..." so it stays GSM-7', () => {
    const gsm = new NotificationTemplates([], { smsSignature: '[12345] ', smsMaxParts: 1 });
    const sms = gsm.render('replied', 'sms', 'en', {
      ...DATA,
      text: 'The street light was fixed. '.repeat(20),
    });
    assert.equal(sms.sms?.encoding, 'GSM-7');
    assert.equal(sms.sms.parts, 1);
    assert.ok(sms.body.startsWith('[12345] Ticket 26051401270 has an answer: The street light'));
    assert.ok(sms.body.includes('...\nMore: https://'), sms.body);
  });

  it('cuts the whole SMS when even an empty text would not fit', () => {
    const tiny = new NotificationTemplates([], { smsMaxParts: 1 });
    const sms = tiny.render('received', 'sms', 'zh-CN', { ...DATA, departmentName: '局'.repeat(80) });
    assert.deepEqual(sms.sms, { encoding: 'UCS-2', characters: 70, parts: 1 });
    assert.ok(sms.body.startsWith('【12345】您的投诉已受理') && sms.body.endsWith('…'));
  });

  it('uses a valid override and leaves out a broken one', () => {
    const set = new NotificationTemplates([
      { event: 'received', channel: 'sms', locale: 'zh-CN', body: '已收到：{{number}}', version: 4 },
      { event: 'signed', channel: 'sms', locale: 'zh-CN', body: '{{nope}}', version: 1 },
      { event: 'nope', channel: 'sms', locale: 'zh-CN', body: 'x', version: 1 },
    ]);
    assert.equal(set.render('received', 'sms', 'zh-CN', DATA).body, '【12345】已收到：26051401270');
    assert.deepEqual(set.template({ event: 'received', channel: 'sms', locale: 'zh-CN' })?.version, 4);
    assert.equal(set.template({ event: 'signed', channel: 'sms', locale: 'zh-CN' })?.source, 'built-in');
    assert.deepEqual(
      set.skipped.map((s) => [s.id, s.problems[0]?.message]),
      [
        ['signed/sms/zh-CN', 'unknown variable "nope"'],
        ['nope/sms/zh-CN', 'unknown event, channel or locale'],
      ],
    );
  });

  it('a broken built-in fails construction, naming it and its line', () => {
    const broken = (body: string): Catalog => ({
      ...BUILT_IN_CATALOG,
      'zh-CN': {
        ...BUILT_IN_CATALOG['zh-CN'],
        received: { ...BUILT_IN_CATALOG['zh-CN'].received, sms: { body } },
      },
    });
    assert.throws(
      () => new NotificationTemplates([], { catalog: broken('工单{{number}}\n{{#if text}}') }),
      /received\/sms\/zh-CN body:2: Parse error on line 2/,
    );
    assert.throws(
      () => new NotificationTemplates([], { catalog: broken('工单{{numbr}}') }),
      /received\/sms\/zh-CN body:1: unknown variable "numbr"/,
    );
    const { received: _received, ...rest } = BUILT_IN_CATALOG['zh-CN'];
    assert.throws(
      () => new NotificationTemplates([], { catalog: { ...BUILT_IN_CATALOG, 'zh-CN': rest } }),
      /received\/sms\/zh-CN: missing/,
    );
  });

  it('compiles once: rendering runs compiled functions only', () => {
    const compiler = (Handlebars as unknown as { JavaScriptCompiler: { prototype: { compile: Compile } } })
      .JavaScriptCompiler.prototype;
    const original = compiler.compile;
    let compiles = 0;
    compiler.compile = function (this: unknown, ...args: unknown[]) {
      compiles += 1;
      return original.apply(this, args);
    };
    try {
      const set = new NotificationTemplates();
      const afterBoot = compiles;
      assert.ok(afterBoot >= 172, String(afterBoot));
      for (let round = 0; round < 2; round++) {
        for (const info of set.list()) set.render(info.event, info.channel, info.locale, { ...SAMPLE_DATA });
      }
      assert.equal(compiles, afterBoot);
    } finally {
      compiler.compile = original;
    }
  });
});

type Compile = (this: unknown, ...args: unknown[]) => unknown;

describe('template checks', () => {
  const templates = new NotificationTemplates();
  const sms = { event: 'received', channel: 'sms', locale: 'zh-CN' } as const;
  const check = (parts: { body: string; subject?: string; html?: string }, key: typeof sms | Key = sms) =>
    templates.check(key, parts);
  type Key = Parameters<NotificationTemplates['check']>[0];

  it('accepts a good template', () => {
    assert.deepEqual(
      check({ body: '已受理，工单号{{number}}{{#if departmentName}}（{{departmentName}}）{{/if}}' }),
      [],
    );
  });

  it('gives the line of a parse error', () => {
    const [problem] = check({ body: '第一行{{number}}\n第二行{{#if text}}\n第三行' });
    assert.equal(problem?.field, 'body');
    assert.equal(problem.line, 3);
    assert.match(problem.message, /^Parse error on line 3/);
    assert.equal(check({ body: 'a\n{{#if text}}x{{/unless}}' })[0]?.line, 2);
  });

  it('names unknown variables and helpers, with their line', () => {
    assert.deepEqual(check({ body: '工单{{number}}\n\n{{ticketNo}}' }), [
      { field: 'body', line: 3, message: 'unknown variable "ticketNo"' },
    ]);
    assert.deepEqual(check({ body: '{{#if typo}}x{{/if}}' }), [
      { field: 'body', line: 1, message: 'unknown variable "typo"' },
    ]);
    assert.deepEqual(check({ body: '{{shout number}}' }), [
      { field: 'body', line: 1, message: 'unknown helper "shout"' },
    ]);
    assert.equal(check({ body: '{{this.number}}' })[0]?.message, 'unknown variable "this.number"');
    assert.equal(check({ body: '{{@root.number}}' })[0]?.message, 'unknown variable "@root.number"');
  });

  it('refuses other blocks, partials and unescaped HTML', () => {
    assert.match(
      check({ body: '{{#each text}}x{{/each}}' })[0]?.message ?? '',
      /only \{\{#if\}\} and \{\{#unless\}\}/,
    );
    assert.match(check({ body: '{{#with text}}x{{/with}}' })[0]?.message ?? '', /only/);
    assert.match(check({ body: '{{> footer}}' })[0]?.message ?? '', /partials are not available/);
    const email = { event: 'received', channel: 'email', locale: 'en' } as const;
    assert.deepEqual(check({ subject: 's', body: 'b', html: '<p>{{{text}}}</p>' }, email), [
      { field: 'html', line: 1, message: 'HTML output must be escaped: use {{x}}, not {{{x}}}' },
    ]);
    assert.deepEqual(check({ subject: 's', body: '{{{number}}}' }, email), []);
  });

  it('refuses an optional field used outside {{#if}}', () => {
    const [problem] = check({ body: '已转交{{departmentName}}' });
    assert.deepEqual(problem, {
      field: 'body',
      line: 1,
      message: '"departmentName" may be missing for received: use it inside {{#if departmentName}}',
    });
    // asked_citizen always has its question.
    assert.deepEqual(check({ body: '请补充：{{text}}' }, { ...sms, event: 'asked_citizen' }), []);
  });

  it('refuses an SMS over the limit, with its part count', () => {
    const [problem] = check({ body: '您'.repeat(200) });
    assert.equal(problem?.parts, 4);
    assert.match(problem.message, /takes 4 parts \(207 UCS-2 characters with the signature\); at most 3/);
  });

  it('checks the shape per channel', () => {
    const email = { event: 'received', channel: 'email', locale: 'en' } as const;
    assert.deepEqual(check({ body: 'x' }, email), [
      { field: 'subject', message: 'an email needs a subject' },
    ]);
    assert.deepEqual(check({ body: 'x', subject: 'y' }), [
      { field: 'subject', message: 'only email has a subject' },
    ]);
    assert.deepEqual(check({ body: 'x' }, { event: 'sla.red', channel: 'voice', locale: 'en' }), [
      { field: 'channel', message: 'sla.red is not sent by voice' },
    ]);
    assert.deepEqual(check({ body: '详情见{{trackUrl}}' }, { ...sms, channel: 'voice' }), [
      { field: 'body', message: 'a call cannot say a link: leave URLs out of voice templates' },
    ]);
  });
});
