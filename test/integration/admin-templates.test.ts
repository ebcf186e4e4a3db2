import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { smsInfo } from '../../src/templates/sms-parts.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { elementText, hiddenValue, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const KEY = { event: 'received', channel: 'sms', locale: 'zh-CN' } as const;
const EDITOR = '/staff/admin/templates/received/sms/zh-CN';
const DATA = {
  number: '26051401270',
  queryCode: '483920',
  kind: 'complaint',
  status: 'received',
  trackUrl: 'https://12345.example.gov.cn/track/26051401270',
  collapsed: 0,
} as const;

let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

/** The text of the element with this id, entities decoded. */
const textOf = (html: string, id: string) => unescapeHtml(elementText(html, id) ?? '');

/** The `data-*` attributes of the element with this id. */
function dataOf(html: string, id: string): Record<string, string> {
  const tag = new RegExp(`<[a-z]+ [^>]*id='${id}'[^>]*>`).exec(html)?.[0] ?? '';
  return Object.fromEntries<string>(
    [...tag.matchAll(/data-([a-z]+)='([^']*)'/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** Rows of the list: id → [source, sms parts, encoding, characters]. */
function listRows(html: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const match of html.matchAll(/<tr id='tpl-([^']+)' data-source='([^']+)'>([\s\S]*?)<\/tr>/g)) {
    const [, id = '', source = '', cells = ''] = match;
    const sms = /data-parts='(\d+)' data-encoding='([^']+)' data-characters='(\d+)'/.exec(cells);
    rows.set(id, [source, ...(sms ? sms.slice(1) : [])]);
  }
  return rows;
}

describe('admin page: message templates with the live preview and the SMS part count', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;

  const stored = () => hub.app.store.messageTemplates.find(KEY);
  const audits = async (action: string) =>
    (await hub.app.store.audit.search({ action }, { limit: 10 })).items;
  /** Posts the editor form as the browser does (a textarea sends `\r\n`). */
  const postEditor = (fields: Record<string, string>, path = EDITOR, visitor = admin) =>
    visitor.post(`${path}?lang=zh-CN`, { baseVersion: '0', intent: 'preview', ...fields });
  const preview = (fields: Record<string, string>, path = EDITOR) =>
    admin.post(`${path}/preview?lang=zh-CN`, { baseVersion: '0', ...fields });

  before(async () => {
    hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    await makeStaffUser(hub, 'clerk7', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk7', 'clerk7-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('lists every template grouped by event, each SMS with the part count of its sample', async () => {
    const page = await admin.get('/staff/admin/templates?lang=en');
    assert.equal(page.statusCode, 200);
    const rows = listRows(page.body);
    assert.equal(rows.size, hub.app.templates.current().list().length);
    assert.equal(rows.size, 172);
    assert.equal([...page.body.matchAll(/<tbody id='event-/g)].length, 24);
    // The sample as it is sent: signature + text, 52 UCS-2 characters, one part.
    const sample = hub.app.templates.current().sample;
    const sent = hub.app.templates.current().render('received', 'sms', 'zh-CN', sample);
    assert.equal(
      sent.body,
      '【12345】您的投诉已受理，工单号26051401270，查询码483920，已转交市城市管理局办理。',
    );
    assert.deepEqual(sent.sms, { encoding: 'UCS-2', characters: 52, parts: 1 });
    assert.deepEqual(rows.get('received-sms-zh-CN'), ['built-in', '1', 'UCS-2', '52']);
    // replied carries the sample reply and a link: two parts.
    assert.deepEqual(rows.get('replied-sms-zh-CN')?.slice(1), [
      '2',
      'UCS-2',
      String(smsInfo(hub.app.templates.current().render('replied', 'sms', 'zh-CN', sample).body).characters),
    ]);
    assert.deepEqual(rows.get('received-email-en'), ['built-in']);
    assert.match(
      page.body,
      /<tbody id='event-sla.red' class='template-group'>\s*<tr class='group'><th scope='rowgroup' colspan='5'>SLA red warning <span class='hint inline'>sla.red<\/span><\/th><\/tr>/,
    );

    const filtered = await admin.get('/staff/admin/templates?channel=sms&locale=zh-CN&lang=zh-CN');
    const only = listRows(filtered.body);
    assert.equal(only.size, 24);
    assert.ok([...only.keys()].every((id) => id.endsWith('-sms-zh-CN')));
    assert.match(filtered.body, /<option value='sms' selected>短信<\/option>/);
    assert.equal(textOf(filtered.body, 'templates-count'), '共 24 个模板');
    assert.equal((await admin.get('/staff/admin/templates?channel=fax')).statusCode, 400);
  });

  it('the editor: the fields of the channel, the placeholders, the built-in, the preview with the sample', async () => {
    const page = await admin.get(`${EDITOR}?lang=en`);
    assert.equal(page.statusCode, 200);
    const builtIn = hub.app.templates.current().template(KEY)?.parts.body ?? '';
    assert.ok(builtIn.startsWith('您的{{kindLabel kind}}已受理'));
    assert.equal(
      unescapeHtml(/<textarea id='field-body'[^>]*>\n([^<]*)<\/textarea>/.exec(page.body)?.[1] ?? ''),
      builtIn,
    );
    assert.doesNotMatch(page.body, /id='field-subject'|id='field-html'/);
    assert.equal(textOf(page.body, 'built-in-body'), builtIn);
    assert.equal(hiddenValue(page.body, 'baseVersion'), '0');
    assert.match(
      page.body,
      /<tr ><td><code>\{\{number\}\}<\/code><\/td><td>26051401270<\/td><td>always given<\/td><\/tr>/,
    );
    assert.match(
      unescapeHtml(page.body),
      /<code>\{\{departmentName\}\}<\/code><\/td><td>市城市管理局<\/td><td>may be missing: use it inside \{\{#if departmentName\}\}…\{\{\/if\}\}<\/td>/,
    );
    assert.equal(
      textOf(page.body, 'preview-body'),
      '【12345】您的投诉已受理，工单号26051401270，查询码483920，已转交市城市管理局办理。',
    );
    assert.deepEqual(dataOf(page.body, 'sms-count'), { parts: '1', encoding: 'UCS-2', characters: '52' });
    assert.equal(textOf(page.body, 'sms-parts'), '1 part(s)');
    // Live: htmx posts the form (with its CSRF field) to the preview route as the admin types.
    assert.match(
      page.body,
      /<form method='post' action='\/staff\/admin\/templates\/received\/sms\/zh-CN' id='template-form' class='stack' hx-post='\/staff\/admin\/templates\/received\/sms\/zh-CN\/preview' hx-trigger='input changed delay:300ms' hx-target='#template-preview' hx-select='#template-preview' hx-swap='outerHTML'>\s*<input type='hidden' name='_csrf' value='[^']+' \/>/,
    );
    assert.match(page.body, /<script src='\/staff\/static\/vendor\/htmx.min.js' defer><\/script>/);
    assert.match(
      page.body,
      /<button type='submit' name='intent' value='preview' class='secondary' id='preview-button'>Preview<\/button>/,
    );
    // No override yet: nothing to go back from.
    assert.doesNotMatch(page.body, /id='revert-form'/);

    const email = await admin.get('/staff/admin/templates/resolved/email/en?lang=en');
    assert.match(email.body, /<input id='field-subject' name='subject' value='[^']+'/);
    assert.match(email.body, /<textarea id='field-html'/);
    assert.match(textOf(email.body, 'preview-subject'), /26051401270/);

    const voice = await admin.get('/staff/admin/templates/received/voice/zh-CN?lang=zh-CN');
    assert.equal(textOf(voice.body, 'say-language'), '朗读语言：cmn-CN');
    assert.match(textOf(voice.body, 'preview-body'), /工单号 2 6 0 5 1 4 0 1 2 7 0/);
    assert.doesNotMatch(voice.body, /id='sms-count'/);

    assert.equal((await admin.get('/staff/admin/templates/sla.red/voice/zh-CN')).statusCode, 404);
    assert.equal((await admin.get('/staff/admin/templates/nope/sms/zh-CN')).statusCode, 400);
  });

  it('the preview route renders posted sources: the exact SMS, its characters, encoding and parts', async () => {
    // 7 (【12345】) + 63 = 70 UCS-2 characters: one part; one more: 71, two parts of 67.
    const one = await preview({ body: '办'.repeat(63) });
    assert.equal(one.statusCode, 200);
    assert.equal(textOf(one.body, 'preview-body'), `【12345】${'办'.repeat(63)}`);
    assert.deepEqual(dataOf(one.body, 'sms-count'), { parts: '1', encoding: 'UCS-2', characters: '70' });
    const two = await preview({ body: '办'.repeat(64) });
    assert.deepEqual(dataOf(two.body, 'sms-count'), { parts: '2', encoding: 'UCS-2', characters: '71' });
    assert.equal(textOf(two.body, 'sms-parts'), '2 条');
    assert.match(textOf(two.body, 'sms-detail'), /^UCS-2 编码 · 71 字符（含签名 【12345】）· 上限 3 条$/);
    // The signature keeps even a Latin text in UCS-2; a placeholder is filled from the sample.
    const latin = await preview({ body: 'Ticket {{number}}\r\nthanks' });
    assert.equal(textOf(latin.body, 'preview-body'), '【12345】Ticket 26051401270\nthanks');
    assert.deepEqual(dataOf(latin.body, 'sms-count'), { parts: '1', encoding: 'UCS-2', characters: '32' });
    // Nothing was saved or audited by previewing.
    assert.equal(await stored(), undefined);
    assert.deepEqual(await audits('update_template'), []);
  });

  it('shows <script> in a template as text, never as markup', async () => {
    const sms = await preview({ body: '<script>alert(1)</script>{{number}}' });
    assert.doesNotMatch(sms.body, /<script>alert/);
    assert.match(sms.body, /id='preview-body'>【12345】&lt;script&gt;alert\(1\)&lt;\/script&gt;26051401270</);
    const email = await preview(
      { subject: 'Done {{number}}', body: 'Done.', html: '<p>{{number}}</p><script>alert(2)</script>' },
      '/staff/admin/templates/resolved/email/en',
    );
    assert.equal(email.statusCode, 200);
    assert.doesNotMatch(email.body, /<script>alert/);
    assert.match(email.body, /&lt;p&gt;26051401270&lt;\/p&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
    assert.equal(textOf(email.body, 'preview-subject'), 'Done 26051401270');
  });

  it('a compile error: 400 with the field and the line, nothing saved', async () => {
    const response = await postEditor({
      intent: 'save',
      body: '您的工单{{number}}\r\n已受理{{#if departmentName}}',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<textarea id='field-body'[^>]*aria-invalid='true'/);
    assert.match(
      unescapeHtml(response.body),
      /<span class='error' id='body-error'><span>正文 第 2 行: Parse error on line 2:/,
    );
    assert.equal(textOf(response.body, 'template-notice'), '模板有问题，没有保存。');
    // The text stays in the field, with `\n` line ends.
    assert.match(response.body, /<textarea id='field-body'[^>]*>\n您的工单\{\{number\}\}\n已受理/);
    const unknown = await postEditor({ intent: 'save', body: '工单{{number}}，\n查询码{{queryCod}}' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unescapeHtml(unknown.body), /<span>正文 第 2 行: unknown variable "queryCod"<\/span>/);
    // The preview says the same without saving anything (htmx swaps only a 200).
    const live = await preview({ body: '工单{{number}}\n{{#if departmentName}}' });
    assert.equal(live.statusCode, 200);
    assert.equal(dataOf(live.body, 'template-preview').ok, 'no');
    assert.match(unescapeHtml(live.body), /<span class='where'>正文 第 2 行<\/span>/);
    // The API's length limit, counted with `\n` line ends as it is saved.
    const long = await postEditor({ intent: 'save', body: 'ab\r\n'.repeat(1666) + 'abc' });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /<span class='error' id='body-error'><span>正文: 太长：最多 5000 个字符<\/span>/);
    assert.equal(await stored(), undefined);
    assert.deepEqual(await hub.app.store.messageTemplates.history(KEY), []);
  });

  it('an SMS over the configured maximum: the preview warns, saving is refused', async () => {
    // 7 + 13 + 200 = 220 UCS-2 characters: 4 parts of 67, over SMS_MAX_PARTS=3.
    const body = `工单{{number}}${'详细说明'.repeat(50)}`;
    const shown = await preview({ body });
    assert.equal(
      textOf(shown.body, 'sms-over'),
      '样例短信需要 4 条，超过上限 3 条：不能保存。发送时会被截短成上面的样子。',
    );
    assert.equal(dataOf(shown.body, 'sms-count').parts, '3');
    const saved = await postEditor({ intent: 'save', body });
    assert.equal(saved.statusCode, 400);
    assert.match(
      saved.body,
      /the sample SMS takes 4 parts \(220 UCS-2 characters with the signature\); at most 3 are allowed/,
    );
    assert.equal(await stored(), undefined);
  });

  it('saves: version 1, listed as the override, used by the notifications, audited', async () => {
    const body = '您的{{kindLabel kind}}已登记，工单号{{number}}，查询码{{queryCode}}。';
    const response = await postEditor({ intent: 'save', body: `${body}\r\n` });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(response.headers.location, `${EDITOR}?saved=1`);
    const saved = await stored();
    assert.equal(saved?.version, 1);
    assert.equal(saved.body, `${body}\n`);
    assert.equal(saved.updatedBy, 'user:admin');

    const rendered = hub.app.templates.current().render('received', 'sms', 'zh-CN', { ...DATA });
    assert.equal(rendered.body, '【12345】您的投诉已登记，工单号26051401270，查询码483920。');
    const [audit] = await audits('update_template');
    assert.deepEqual(audit?.fields, ['received/sms/zh-CN@1']);
    assert.equal(audit.actor.id, 'user:admin');

    const page = await admin.get(`${EDITOR}?saved=1&lang=en`);
    assert.equal(
      textOf(page.body, 'template-notice'),
      'Saved as version 1; in use at once in every process.',
    );
    assert.match(
      textOf(page.body, 'template-in-use'),
      /^In use: override v1 \(\d{4}-\d\d-\d\d \d\d:\d\d, user:admin\) $/,
    );
    assert.equal(hiddenValue(page.body, 'baseVersion'), '1');
    assert.match(
      unescapeHtml(page.body),
      /<li data-version='1'>v1 · [^<]+ · user:admin · <a href='\/staff\/admin\/templates\/received\/sms\/zh-CN\?version=1#editor'>/,
    );
    assert.match(page.body, /id='revert-form'/);
    const list = listRows((await admin.get('/staff/admin/templates?lang=en')).body);
    const characters = smsInfo(
      `【12345】${body.replace('{{kindLabel kind}}', '投诉').replace('{{number}}', '26051401270').replace('{{queryCode}}', '483920')}`,
    ).characters;
    assert.equal(characters, 40);
    assert.deepEqual(list.get('received-sms-zh-CN'), ['override', '1', 'UCS-2', '40']);
    assert.match(
      (await admin.get('/staff/admin/templates?lang=en')).body,
      /<td class='source'><strong>override v1<\/strong><\/td>/,
    );
  });

  it('a save from an older version is refused (409) and changes nothing; saving again is deliberate', async () => {
    // Opened while the built-in was in use (baseVersion 0); version 1 has been saved since.
    const late = await postEditor({ intent: 'save', baseVersion: '0', body: '工单{{number}}' });
    assert.equal(late.statusCode, 409);
    assert.match(
      textOf(late.body, 'template-notice'),
      /^没有保存：您编辑期间，别人修改了这个模板（现在使用：自定义 第 1 版）/,
    );
    assert.equal((await stored())?.version, 1);
    // The text stays; the page now carries the version in use, so a second Save replaces it knowingly.
    assert.equal(hiddenValue(late.body, 'baseVersion'), '1');
    const again = await postEditor({ intent: 'save', baseVersion: '1', body: '工单{{number}}' });
    assert.equal(again.headers.location, `${EDITOR}?saved=2`);
    // An older version can be loaded into the fields (not saved).
    const loaded = await admin.get(`${EDITOR}?version=1&lang=zh-CN`);
    assert.match(loaded.body, /<textarea id='field-body'[^>]*>\n您的\{\{kindLabel kind\}\}已登记/);
    assert.equal(textOf(loaded.body, 'template-notice'), '已把第 1 版载入编辑框（尚未保存）。');
    assert.equal(hiddenValue(loaded.body, 'baseVersion'), '2');
  });

  it('the no-JavaScript Preview button: the page again with the preview of the posted text', async () => {
    const response = await postEditor({ intent: 'preview', body: '办'.repeat(64) });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(dataOf(response.body, 'sms-count'), { parts: '2', encoding: 'UCS-2', characters: '71' });
    assert.match(
      response.body,
      new RegExp(`<textarea id='field-body'[^>]*>\\n${'办'.repeat(64)}</textarea>`),
    );
    assert.equal((await stored())?.version, 2);
  });

  it('back to the built-in: the override is removed, audited, the built-in is used again', async () => {
    const response = await admin.post(`${EDITOR}/delete`, {});
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `${EDITOR}?reverted=1`);
    assert.equal(await stored(), undefined);
    const rendered = hub.app.templates.current().render('received', 'sms', 'zh-CN', { ...DATA });
    assert.equal(rendered.body, '【12345】您的投诉已受理，工单号26051401270，查询码483920。');
    const [audit] = await audits('delete_template');
    assert.deepEqual(audit?.fields, ['received/sms/zh-CN']);
    const page = await admin.get(`${EDITOR}?reverted=1&lang=zh-CN`);
    assert.equal(textOf(page.body, 'template-notice'), '已恢复为内置模板，所有进程即刻生效。');
    assert.equal(textOf(page.body, 'template-in-use').trim().startsWith('正在使用：内置模板'), true);
    // The versions are kept.
    assert.equal([...page.body.matchAll(/<li data-version='/g)].length, 2);
    const again = await admin.post(`${EDITOR}/delete?lang=zh-CN`, {});
    assert.equal(again.statusCode, 409);
    assert.equal(textOf(again.body, 'template-notice'), '这个模板没有自定义版本，正在使用的就是内置模板。');
  });

  it('a clerk gets the 403 page; a form without its CSRF token is refused; nothing changes', async () => {
    for (const url of ['/staff/admin/templates', EDITOR]) {
      const page = await clerk.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /您的角色无权访问此页面/);
    }
    await clerk.get('/staff');
    for (const url of [EDITOR, `${EDITOR}/preview`, `${EDITOR}/delete`]) {
      const response = await clerk.post(url, { intent: 'save', body: '工单{{number}}' });
      assert.equal(response.statusCode, 403, url);
    }
    await admin.get(EDITOR);
    const withoutToken = await admin.post(EDITOR, { intent: 'save', body: '工单{{number}}' }, { csrf: null });
    assert.equal(withoutToken.statusCode, 403);
    const badToken = await admin.post(`${EDITOR}/preview`, { body: '工单' }, { csrf: 'not-the-token' });
    assert.equal(badToken.statusCode, 403);
    assert.equal(await stored(), undefined);
    assert.deepEqual(missingStaffTranslations(), []);
  });
});
