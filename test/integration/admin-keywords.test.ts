import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import twilio from 'twilio';
import { smsKeywordsChannel } from '../../src/channels/sms/keyword-table.js';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import type { StoredSmsKeyword } from '../../src/store/sms-keywords.js';
import type { Ticket } from '../../src/tickets/types.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { eventually } from '../helpers/notify.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { textOf, twimlVerbs } from '../helpers/twiml.js';
import { postTwilioForm } from '../helpers/twilio-webhook.js';
import { elementText, hiddenValue, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const PAGE = '/staff/admin/keywords';
const SMS_PATH = '/webhooks/twilio/sms';
const AUTH_TOKEN = 'test-twilio-auth-token-admin-keywords';
const PUBLIC_URL = 'https://hub.example.gov.cn';
const REPLY = '供暖季室温低于18度可申请退费，详询12345。';

let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

/** The text of an element's inside: tags dropped, entities undone, white space collapsed. */
function plain(html: string): string {
  return unescapeHtml(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Each `<tr>` of a table body as its cells' texts. */
function tableRows(html: string, tableId: string): string[][] {
  const table = new RegExp(`<table[^>]*id='${tableId}'[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => plain(cell[1] ?? '')),
  );
}

/** The row of one custom keyword, cell by cell (the actions cell left out). */
function keywordRow(html: string, id: string): string[] | undefined {
  const row = new RegExp(`<tr id='keyword-${id}'[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (row === undefined) return undefined;
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => plain(cell[1] ?? '')).slice(0, -1);
}

const fieldError = (html: string, field: string) => {
  const text = elementText(html, `kw-${field}-error`);
  return text === undefined ? undefined : unescapeHtml(text);
};

describe('admin page: SMS keywords', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;
  let nextSid = 0;

  const dump = async () =>
    JSON.stringify(await hub.app.store.smsKeywords.model.find({}).sort({ _id: 1 }).lean());
  const auditOf = (action: string) => hub.app.store.audit.model.find({ action }).sort({ at: 1 }).lean();
  const stored = async (): Promise<StoredSmsKeyword[]> => hub.app.store.smsKeywords.list();
  const only = async (spelt: string): Promise<StoredSmsKeyword> => {
    const found = (await stored()).filter(
      (k) => [k.initials, ...k.words].filter(Boolean).join('/') === spelt,
    );
    assert.equal(found.length, 1, spelt);
    return found[0] as StoredSmsKeyword;
  };

  /** The add form with everything a keyword needs, and `fields` over it. */
  async function add(fields: Record<string, string>) {
    await admin.get(PAGE);
    return admin.post(PAGE, {
      initials: '',
      words: '',
      kind: 'complaint',
      category: '供暖',
      reply: '',
      validFrom: '',
      validTo: '',
      active: 'on',
      ...fields,
    });
  }

  /** A signed inbound SMS through the real webhook; the TwiML `<Message>` texts. */
  async function text(from: string, body: string): Promise<string[]> {
    const params = {
      MessageSid: `SM${String(++nextSid).padStart(32, '0')}`,
      AccountSid: `AC${'1'.repeat(32)}`,
      From: from,
      To: '+8612345',
      Body: body,
    };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${SMS_PATH}`, params);
    const response = await postTwilioForm(hub, SMS_PATH, params, signature);
    assert.equal(response.statusCode, 200, response.body);
    return twimlVerbs(response.body).map(textOf);
  }

  async function onlyTicketOf(phone: string): Promise<Ticket> {
    const contactId = hub.app.store.contacts.idFor({ phone });
    const items = await hub.app.store.tickets.recentOfContact(contactId, 10);
    assert.equal(items.length, 1, `one ticket of ${phone}`);
    return items[0] as Ticket;
  }

  before(async () => {
    hub = await startHub({
      HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_URL,
      QUIET_HOURS: '',
      NOTIFY_THROTTLE_MS: '0',
    });
    // Heating complaints go to the housing bureau by category (what a GN ticket carries).
    await hub.app.store.rules.create({
      id: 'heating',
      version: 1,
      name: '供暖投诉',
      order: 10,
      enabled: true,
      conditions: { categories: ['供暖'] },
      actions: { leadDepartment: 'ZJJ' },
      updatedAt: new Date(),
      updatedBy: 'test',
    });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('lists the built-in keywords read-only, and no custom ones yet; every word in both languages', async () => {
    const page = await admin.get(`${PAGE}?lang=en`);
    assert.equal(page.statusCode, 200);
    assert.deepEqual(tableRows(page.body, 'built-in-keywords'), [
      ['CX', '查询', 'Status of a ticket or application', 'CX 26112100425'],
      ['BT', '补贴', 'Farm subsidy payments', 'BT 12345X'],
      ['TS', '投诉', 'Opens a ticket: complaint', 'TS 小区路灯不亮'],
      ['ZX', '咨询', 'Opens a ticket: consultation', 'ZX 社保卡怎么补办'],
      ['JY', '建议', 'Opens a ticket: suggestion', 'JY 增加公交线路'],
      ['QZ', '求助', 'Opens a ticket: request for help', 'QZ 老人走失'],
      ['PJ', '评价', 'Rates the latest answered ticket', 'PJ 1'],
      ['BZ', '', 'How the SMS service works', 'BZ'],
      ['HELP', '帮助 / ?', 'How the SMS service works (only when the text is nothing but this word)', '帮助'],
      [
        'TD / STOP / UNSUBSCRIBE',
        '退订',
        'Stops texts and calls (only when the text is nothing but this word)',
        'TD',
      ],
      [
        'KT / START / UNSTOP',
        '恢复',
        'Resumes texts and calls (only when the text is nothing but this word)',
        'KT',
      ],
    ]);
    const builtIn = /<table[^>]*id='built-in-keywords'[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    assert.doesNotMatch(builtIn, /<form|<input|<button/, 'read-only');
    assert.equal(elementText(page.body, 'keywords-none'), 'No custom keywords yet.');
    const zh = await admin.get(`${PAGE}?lang=zh-CN`);
    assert.match(zh.body, /<h1>短信关键词<\/h1>/);
    assert.equal(tableRows(zh.body, 'built-in-keywords')[2]?.[2], '新建投诉工单');
    assert.deepEqual(missingStaffTranslations(), []);
  });

  it('adds GN / 供暖 (complaint, category 供暖, a reply): stored, listed, audited', async () => {
    const response = await add({ initials: 'gn', words: '供暖', reply: REPLY });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(response.headers.location, `${PAGE}?done=created&keyword=GN%2F%E4%BE%9B%E6%9A%96&version=1`);
    const keyword = await only('GN/供暖');
    assert.deepEqual(
      { ...keyword, id: 'x', updatedAt: 'x' },
      {
        id: 'x',
        initials: 'GN',
        words: ['供暖'],
        kind: 'complaint',
        category: '供暖',
        reply: REPLY,
        active: true,
        version: 1,
        updatedAt: 'x',
        updatedBy: 'user:admin',
      },
    );
    const page = await admin.get(`${PAGE}?done=created&keyword=GN%2F%E4%BE%9B%E6%9A%96&version=1`);
    assert.equal(elementText(page.body, 'keywords-done'), '已新增关键词 GN/供暖。');
    const row = keywordRow(page.body, keyword.id);
    assert.deepEqual(row?.slice(0, 6), [
      'GN / 供暖',
      '投诉',
      '供暖 按此分类派单的规则：供暖投诉',
      REPLY,
      '长期有效',
      '生效中',
    ]);
    assert.match(row[6] ?? '', /^第 1 版 · \d{4}-\d\d-\d\d \d\d:\d\d · user:admin$/);
    const [entry, ...more] = await auditOf('save_sms_keyword');
    assert.equal(more.length, 0);
    assert.deepEqual(entry?.fields, [keyword.id, 'GN/供暖']);
    assert.equal(entry.detail, 'created');
    assert.equal(entry.actor.id, 'user:admin');
    assert.deepEqual(
      hub.app.smsKeywords.current().map((k) => k.id),
      [keyword.id],
    );
  });

  describe('refused input: 400, a message on the field, what was typed kept, nothing stored', () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['initials of a built-in (CX)', { initials: 'CX' }, 'initials', 'CX 是内置关键词。'],
      [
        'initials of a built-in typed full-width (ｃｘ)',
        { initials: 'ｃｘ' },
        'initials',
        'CX 是内置关键词。',
      ],
      ['TD (an opt-out word)', { initials: 'td' }, 'initials', 'TD 是内置关键词。'],
      ['a built-in word (查询)', { words: '查询' }, 'words', '与内置关键词“查询”重复或互为开头。'],
      [
        'a word starting with a built-in (投诉噪音)',
        { words: '投诉噪音' },
        'words',
        '与内置关键词“投诉”重复或互为开头。',
      ],
      [
        'initials of another custom keyword (GN)',
        { initials: 'GN', words: '暖气' },
        'initials',
        'GN 已被另一个自定义关键词使用。',
      ],
      [
        'a word starting with another custom one (供暖季)',
        { words: '供暖季' },
        'words',
        '与另一个自定义关键词的“供暖”重复或互为开头。',
      ],
      [
        'letters that are no initials (G1)',
        { initials: 'G1' },
        'initials',
        '拼音首字母须为 2–4 个英文字母。',
      ],
      ['five letters (ABCDE)', { initials: 'ABCDE' }, 'initials', '拼音首字母须为 2–4 个英文字母。'],
      ['a word that is not Chinese (heat)', { words: 'heat' }, 'words', '“HEAT”不是 2–8 个汉字。'],
      ['neither initials nor words', {}, 'initials', '请填写拼音首字母或中文关键词。'],
      ['no category', { initials: 'QN', category: ' ' }, 'category', '请填写分类。'],
      ['an unknown kind', { initials: 'QN', kind: 'party' }, 'kind', '请选择工单类型。'],
      [
        'a reply longer than SMS_MAX_PARTS (3)',
        { initials: 'QN', reply: '暖'.repeat(300) },
        'reply',
        '加上签名要 5 条短信，最多 3 条。',
      ],
      [
        'a date that is no date',
        { initials: 'QN', validFrom: '2025-02-30' },
        'validFrom',
        '请按 年-月-日 填写日期。',
      ],
      [
        'an end before the start',
        { initials: 'QN', validFrom: '2025-12-01', validTo: '2025-11-30' },
        'validTo',
        '截止日期不能早于生效日期。',
      ],
    ];
    for (const [what, fields, field, message] of cases) {
      it(what, async () => {
        const before = await dump();
        const audits = (await auditOf('save_sms_keyword')).length;
        const response = await add(fields);
        assert.equal(response.statusCode, 400);
        assert.equal(fieldError(response.body, field), message);
        assert.equal(elementText(response.body, 'keywords-problems'), '有些内容需要修改，见各栏下的说明。');
        if (fields.initials) assert.equal(hiddenValue(response.body, 'initials'), fields.initials);
        assert.equal(await dump(), before);
        assert.equal((await auditOf('save_sms_keyword')).length, audits);
      });
    }
  });

  it('edits a keyword with its version; a stale edit is refused with what is there now', async () => {
    const keyword = await only('GN/供暖');
    const edit = await admin.get(`${PAGE}/${keyword.id}`);
    assert.equal(edit.statusCode, 200);
    assert.equal(hiddenValue(edit.body, 'version'), '1');
    assert.match(
      elementText(edit.body, 'keyword-version') ?? '',
      /^第 1 版 · \d{4}-\d\d-\d\d \d\d:\d\d · user:admin$/,
    );
    assert.equal(hiddenValue(edit.body, 'initials'), 'GN');
    assert.equal(hiddenValue(edit.body, 'words'), '供暖');
    const form = {
      initials: 'GN',
      words: '供暖、暖气',
      kind: 'complaint',
      category: '供暖',
      reply: REPLY,
      validFrom: '',
      validTo: '',
      active: 'on',
    };
    const saved = await admin.post(`${PAGE}/${keyword.id}`, { ...form, version: '1' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(
      saved.headers.location,
      `${PAGE}?done=saved&keyword=GN%2F%E4%BE%9B%E6%9A%96%2F%E6%9A%96%E6%B0%94&version=2`,
    );
    const now = await only('GN/供暖/暖气');
    assert.equal(now.version, 2);
    assert.deepEqual(now.words, ['供暖', '暖气']);

    // Another admin still had version 1 open.
    const before = await dump();
    const stale = await admin.post(`${PAGE}/${keyword.id}`, {
      ...form,
      words: '供暖',
      reply: '',
      version: '1',
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'keyword-conflict'),
      '这个关键词已被别人修改（现为第 2 版），您的修改没有保存。下面是现在的内容，请在此基础上重新修改。',
    );
    assert.equal(hiddenValue(stale.body, 'version'), '2');
    assert.equal(hiddenValue(stale.body, 'words'), '供暖、暖气');
    assert.equal(await dump(), before);
    const audits = await auditOf('save_sms_keyword');
    assert.deepEqual(
      audits.map((a) => a.detail),
      ['created', 'updated'],
    );
  });

  it('an edit that breaks a rule is refused (400) and keeps the version edited', async () => {
    const keyword = await only('GN/供暖/暖气');
    const before = await dump();
    const response = await admin.post(`${PAGE}/${keyword.id}`, {
      initials: 'BT',
      words: '供暖',
      kind: 'complaint',
      category: '供暖',
      reply: '',
      validFrom: '',
      validTo: '',
      version: String(keyword.version),
    });
    assert.equal(response.statusCode, 400);
    assert.equal(fieldError(response.body, 'initials'), 'BT 是内置关键词。');
    assert.equal(hiddenValue(response.body, 'version'), String(keyword.version));
    assert.equal(await dump(), before);
  });

  it('the try box reads a text with the keywords in force and creates nothing', async () => {
    const tickets = await hub.app.store.tickets.count();
    const answers = await hub.app.store.smsAnswers.model.countDocuments({});
    const facts = async (body: string) => {
      await admin.get(PAGE);
      const response = await admin.post(`${PAGE}/try`, { text: body });
      assert.equal(response.statusCode, 200);
      assert.equal(hiddenValue(response.body, 'text'), body);
      const section = /<section id='try-result'[\s\S]*?<\/section>/.exec(response.body)?.[0] ?? '';
      return [...section.matchAll(/<dt>([^<]*)<\/dt><dd id='try-(\w+)'>([^<]*)<\/dd>/g)].map((m) => [
        m[2],
        unescapeHtml(m[3] ?? ''),
      ]);
    };
    assert.deepEqual(await facts('ＧＮ　暖气不热'), [
      ['keyword', '自定义：GN（GN/供暖/暖气）'],
      ['action', '新建投诉工单'],
      ['kind', '投诉'],
      ['category', '供暖'],
      ['text', '暖气不热'],
      ['reply', REPLY],
      ['routeTo', '匹配派单规则：供暖投诉，派往 市住房和城乡建设局 (ZJJ)'],
    ]);
    assert.deepEqual(await facts('暖气片漏水'), [
      ['keyword', '自定义：暖气（GN/供暖/暖气）'],
      ['action', '新建投诉工单'],
      ['kind', '投诉'],
      ['category', '供暖'],
      ['text', '暖气片漏水'],
      ['reply', REPLY],
      ['routeTo', '匹配派单规则：供暖投诉，派往 市住房和城乡建设局 (ZJJ)'],
    ]);
    assert.deepEqual(await facts('GN'), [
      ['keyword', '自定义：GN（GN/供暖/暖气）'],
      ['action', '回复关键词用法（GN）'],
    ]);
    assert.deepEqual(await facts('cx 26112100425 123456'), [
      ['keyword', '内置：CX / 查询'],
      ['action', '查询进度：26112100425，查询码 123456'],
    ]);
    assert.deepEqual(await facts('TS 路灯不亮'), [
      ['keyword', '内置：TS / 投诉'],
      ['action', '新建投诉工单'],
      ['kind', '投诉'],
      ['text', '路灯不亮'],
      ['routeTo', '没有派单规则匹配：转人工派单'],
    ]);
    assert.deepEqual(await facts('小区路灯不亮'), [
      ['keyword', '无'],
      ['action', '不是关键词：续接该号码 7 天内有更新的未办结工单，否则新建咨询'],
      ['text', '小区路灯不亮'],
    ]);
    assert.equal(await hub.app.store.tickets.count(), tickets);
    assert.equal(await hub.app.store.smsAnswers.model.countDocuments({}), answers);
  });

  it('a keyword outside its dates is listed as such and not read', async () => {
    const response = await add({
      initials: 'YM',
      words: '疫苗',
      kind: 'consultation',
      category: '疫苗接种',
      validFrom: '2024-10-01',
      validTo: '2024-12-31',
    });
    assert.equal(response.statusCode, 303, response.body);
    const keyword = await only('YM/疫苗');
    assert.equal(keyword.validFrom?.toISOString(), '2024-09-30T16:00:00.000Z');
    assert.equal(keyword.validTo?.toISOString(), '2024-12-31T16:00:00.000Z');
    const page = await admin.get(PAGE);
    assert.deepEqual(keywordRow(page.body, keyword.id)?.slice(0, 6), [
      'YM / 疫苗',
      '咨询',
      '疫苗接种 没有派单规则按此分类派单（按内容关键词或人工派单）。',
      '',
      '2024-10-01 至 2024-12-31',
      '已过期',
    ]);
    await admin.get(PAGE);
    const tried = await admin.post(`${PAGE}/try`, { text: 'YM 几岁能打' });
    assert.equal(elementText(tried.body, 'try-keyword'), '无');
    const edit = await admin.get(`${PAGE}/${keyword.id}`);
    assert.equal(hiddenValue(edit.body, 'validFrom'), '2024-10-01');
    assert.equal(hiddenValue(edit.body, 'validTo'), '2024-12-31');
  });

  it('an inbound SMS `GN 暖气不热` opens a complaint in category 供暖, routed by it; disabled, it is plain text', async () => {
    const phone = '+8613900100001';
    const messages = await text(phone, 'GN 暖气不热');
    // The auto-reply at once; the received notice through the outbox, as for every ticket.
    assert.deepEqual(messages, [`【12345】${REPLY}`]);
    const ticket = await onlyTicketOf(phone);
    assert.equal(ticket.kind, 'complaint');
    assert.equal(ticket.category, '供暖');
    assert.equal(ticket.body, '暖气不热');
    assert.equal(ticket.leadDepartment, 'ZJJ');
    assert.equal(ticket.routing?.rule?.id, 'heating');
    const [notice] = await eventually(async () => {
      const items = await hub.app.store.devOutbox.list({ limit: 10, channel: 'sms', to: phone });
      return items.length > 0 ? items : undefined;
    }, 'the received SMS');
    assert.match(
      notice?.body ?? '',
      new RegExp(
        `^【12345】您的投诉已受理，工单号${ticket.number}，查询码\\d{6}，已转交市住房和城乡建设局办理。$`,
      ),
    );
    const answer = await hub.app.store.smsAnswers.model.findOne({ ticketNumber: ticket.number }).lean();
    assert.equal(answer?.keyword, 'custom:GN');
    // BZ (help) now names it too.
    const [help] = await text('+8613900100003', 'BZ');
    assert.ok(help?.endsWith('TD 退订。另有：GN 供暖（关键词+内容）。'), help);

    // Disabled on the page: the same text is a plain message again (a new consultation, no category).
    const keyword = await only('GN/供暖/暖气');
    await admin.get(PAGE);
    const disabled = await admin.post(`${PAGE}/${keyword.id}/disable`, { version: String(keyword.version) });
    assert.equal(disabled.statusCode, 303);
    assert.equal((await only('GN/供暖/暖气')).active, false);
    const other = '+8613900100002';
    assert.deepEqual(await text(other, 'GN 暖气不热'), []);
    const plainTicket = await onlyTicketOf(other);
    assert.equal(plainTicket.kind, 'consultation');
    assert.equal(plainTicket.category, undefined);
    assert.equal(plainTicket.body, 'GN 暖气不热');
    const [helpAfter] = await text('+8613900100003', '帮助');
    assert.ok(helpAfter?.endsWith('TD 退订。'), helpAfter);
  });

  it('disable / enable with a stale version is refused; with the current one, done and audited', async () => {
    const keyword = await only('GN/供暖/暖气');
    assert.equal(keyword.active, false);
    const page = await admin.get(PAGE);
    assert.deepEqual(keywordRow(page.body, keyword.id)?.[5], '已停用');
    assert.match(page.body, new RegExp(`action='/staff/admin/keywords/${keyword.id}/enable'`));
    const before = await dump();
    const stale = await admin.post(`${PAGE}/${keyword.id}/enable`, { version: String(keyword.version - 1) });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'keywords-row-problem'),
      `关键词 GN/供暖/暖气 已被别人修改（现为第 ${String(keyword.version)} 版），没有改动。`,
    );
    assert.equal(await dump(), before);
    const enabled = await admin.post(`${PAGE}/${keyword.id}/enable`, { version: String(keyword.version) });
    assert.equal(enabled.statusCode, 303);
    assert.equal((await only('GN/供暖/暖气')).active, true);
    assert.deepEqual(
      (await auditOf('save_sms_keyword')).map((a) => a.detail),
      ['created', 'updated', 'created', 'disabled', 'enabled'],
    );
    assert.ok(hub.app.smsKeywords.current().some((k) => k.id === keyword.id));
  });

  it('delete asks first; a stale confirm is refused; the confirmed delete is audited', async () => {
    const keyword = await only('YM/疫苗');
    const confirm = await admin.get(`${PAGE}/${keyword.id}/delete`);
    assert.equal(confirm.statusCode, 200);
    assert.equal(
      elementText(confirm.body, 'delete-confirm'),
      '确定删除关键词 YM/疫苗？删除后以它开头的短信按普通短信处理。',
    );
    assert.equal(hiddenValue(confirm.body, 'version'), '1');
    const before = await dump();
    const stale = await admin.post(`${PAGE}/${keyword.id}/delete`, { version: '7' });
    assert.equal(stale.statusCode, 409);
    assert.equal(
      elementText(stale.body, 'delete-problem'),
      '这个关键词已被别人修改（现为第 1 版），没有删除。请确认后再删除。',
    );
    assert.equal(await dump(), before);
    await admin.get(`${PAGE}/${keyword.id}/delete`);
    const deleted = await admin.post(`${PAGE}/${keyword.id}/delete`, { version: '1' });
    assert.equal(deleted.statusCode, 303);
    assert.equal(deleted.headers.location, `${PAGE}?done=deleted&keyword=YM%2F%E7%96%AB%E8%8B%97&version=1`);
    assert.equal(await hub.app.store.smsKeywords.findById(keyword.id), undefined);
    const [entry] = await auditOf('delete_sms_keyword');
    assert.deepEqual(entry?.fields, [keyword.id, 'YM/疫苗']);
    assert.equal(entry.detail, 'deleted');
    const gone = await admin.get(`${PAGE}/${keyword.id}`);
    assert.equal(gone.statusCode, 404);
  });

  it('a clerk gets the 403 page and changes nothing; a form without the CSRF token is refused', async () => {
    const keyword = await only('GN/供暖/暖气');
    const before = await dump();
    for (const url of [PAGE, `${PAGE}/${keyword.id}`, `${PAGE}/${keyword.id}/delete`]) {
      const page = await clerk.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /您的角色无权访问此页面。/);
    }
    await clerk.get('/staff');
    const posted = await clerk.post(PAGE, { initials: 'QN', words: '', kind: 'complaint', category: 'x' });
    assert.equal(posted.statusCode, 403);
    const disabled = await clerk.post(`${PAGE}/${keyword.id}/disable`, { version: String(keyword.version) });
    assert.equal(disabled.statusCode, 403);

    await admin.get(PAGE);
    const forged = await admin.post(
      PAGE,
      { initials: 'QN', words: '', kind: 'complaint', category: '供暖', active: 'on' },
      { csrf: null },
    );
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /表单已过期或来源不明/);
    const forgedDelete = await admin.post(
      `${PAGE}/${keyword.id}/delete`,
      { version: String(keyword.version) },
      {
        csrf: null,
      },
    );
    assert.equal(forgedDelete.statusCode, 403);
    assert.equal(await dump(), before);
  });

  it('reloads the table when another process announces a change', async () => {
    // Another process saved a keyword and announced it: this one reads it without a restart.
    await hub.app.store.smsKeywords.create({
      id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      words: ['停水'],
      kind: 'report',
      category: '供水',
      active: true,
      version: 1,
      updatedAt: new Date(),
      updatedBy: 'user:other',
    });
    assert.ok(!hub.app.smsKeywords.current().some((k) => k.id === 'aaaaaaaaaaaaaaaaaaaaaaaa'));
    const other = new Redis(hub.config.redisUrl);
    try {
      await other.publish(smsKeywordsChannel(hub.config), 'another-process');
    } finally {
      await other.quit();
    }
    const deadline = Date.now() + 5000;
    while (
      !hub.app.smsKeywords.current().some((k) => k.id === 'aaaaaaaaaaaaaaaaaaaaaaaa') &&
      Date.now() < deadline
    )
      await sleep(20);
    const phone = '+8613900100003';
    assert.deepEqual(await text(phone, '停水三天了'), []);
    const ticket = await onlyTicketOf(phone);
    assert.equal(ticket.kind, 'report');
    assert.equal(ticket.category, '供水');
  });
});
