import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatApplicationNumber } from '../../src/subsidies/application-number.js';
import { DEMO_APPLICATIONS, loadDemoCases } from '../../src/subsidies/demo-data.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { elementText, hiddenValue, inputTag, unescapeHtml, WebVisitor } from '../helpers/web-form.js';

/** `/applications` (办件进度) through the form: match, wrong code, bad numbers, the look-up limit. */

const LOOKUPS_PER_HOUR = 4;
const [, liDibao, food, housing, rejected] = DEMO_APPLICATIONS;
if (!liDibao || !food || !housing || !rejected) throw new Error('demo cases missing');

let hub: TestHub;
let ipSeq = 0;
const visitor = (): WebVisitor => new WebVisitor(hub, `192.0.2.${String(++ipSeq)}`);

async function audits(action: string): Promise<{ fields?: string[]; actor: { id: string } }[]> {
  return hub.app.store.audit.model.find({ action }).sort({ at: 1 }).lean();
}

before(async () => {
  hub = await startHub({ WEB_LOOKUPS_PER_HOUR: String(LOOKUPS_PER_HOUR), WEB_RATE_PER_MINUTE: '1000' });
  await loadDemoCases(hub.app.store);
});

after(async () => {
  await hub.close();
});

describe('web application status', () => {
  it('shows a case by number and query code: item, status in words, steps with dates, department, promised date, applicant masked; audited', async () => {
    const web = visitor();
    const form = await web.get('/applications');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1>办件进度查询<\/h1>/);
    assert.equal(liDibao.number, '926111600213');
    const page = await web.post('/applications', { number: ` ${liDibao.number} `, code: '４８０２６２' });
    assert.equal(page.statusCode, 200, page.body);
    const text = unescapeHtml(page.body);
    assert.match(text, /<p class='case-number'>926111600213<\/p>/);
    assert.match(text, /<dt>事项<\/dt>\s*<dd>最低生活保障申请<\/dd>/);
    assert.match(text, /<strong class='status-open'>审查中<\/strong>/);
    assert.match(text, /<dt>承办单位<\/dt>\s*<dd>市民政局<br \/>电话 0311-86681002<\/dd>/);
    assert.match(text, /<dt>受理时间<\/dt>\s*<dd>2026-11-16 10:05<\/dd>/);
    assert.match(text, /<dt>承诺办结日期<\/dt>\s*<dd>2026-12-14<\/dd>/);
    assert.match(text, /<dt>申请人<\/dt>\s*<dd>李\*英 · 139\*\*\*\*0002<\/dd>/);
    const steps = [
      ...text.matchAll(/<li>\s*<strong>([^<]+)<\/strong>\s*<span>([^<]+)<\/span>\s*<span>([^<]+)<\/span>/g),
    ].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(steps, [
      ['受理', '2026-11-16 10:05', '新城铺镇社会事务办'],
      ['审查', '2026-11-18 09:00', '县民政局社会救助股'],
    ]);
    assert.match(text, /<span class='note'>入户调查中<\/span>/);
    assert.doesNotMatch(text, /李秀英|13903110002/);
    const entries = (await audits('web_application_query')).filter((a) => a.actor.id === `web:${web.ip}`);
    assert.deepEqual(
      entries.map((a) => a.fields),
      [['application:926111600213', 'applicantName', 'applicantPhone', 'steps']],
    );

    // English, and a finished case with its decision.
    await web.get('/applications?lang=en');
    const en = await web.post('/applications', { number: rejected.number, code: rejected.queryCode });
    const enText = unescapeHtml(en.body);
    assert.match(enText, /<strong class='status-done'>Refused<\/strong>/);
    assert.match(enText, /<dt>Handled by<\/dt>\s*<dd>Civil Affairs Bureau<br \/>phone 0311-86681002<\/dd>/);
    assert.match(enText, /<dt>Decision<\/dt>\s*<dd>不予批准：残疾等级不符合申请条件，可申请复核<\/dd>/);
  });

  it('a wrong query code and an unknown number get one generic answer; the number is kept, the code is not', async () => {
    const web = visitor();
    await web.get('/applications');
    const wrongCode = await web.post('/applications', { number: liDibao.number, code: '000000' });
    assert.equal(wrongCode.statusCode, 200);
    assert.match(wrongCode.body, /办件编号或查询码不正确，请核对受理回执后再试。/);
    assert.match(inputTag(wrongCode.body, 'number') ?? '', /value='926111600213'/);
    assert.equal(hiddenValue(wrongCode.body, 'code'), undefined);
    // A well-formed number nobody was given (valid check digit).
    const unknown = await web.post('/applications', {
      number: formatApplicationNumber('261116', 9999),
      code: '480262',
    });
    assert.match(unknown.body, /办件编号或查询码不正确/);
    const strip = (html: string): string => html.replace(/value='[^']*'/g, '');
    assert.equal(strip(wrongCode.body), strip(unknown.body));
    assert.equal(
      (await audits('web_application_query')).filter((a) => a.actor.id === `web:${web.ip}`).length,
      0,
    );
  });

  it('a malformed number, a wrong check digit or a short code comes back marked and is not counted', async () => {
    const web = visitor();
    await web.get('/applications');
    const last = liDibao.number.at(-1) === '1' ? '2' : '1';
    const checkDigit = await web.post('/applications', {
      number: liDibao.number.slice(0, -1) + last,
      code: '480262',
    });
    assert.equal(checkDigit.statusCode, 400);
    assert.match(inputTag(checkDigit.body, 'number') ?? '', /aria-invalid='true'/);
    assert.equal(
      elementText(checkDigit.body, 'number-error'),
      '办件编号有误（最后一位校验位对不上），可能有一位填错了，请核对。',
    );
    assert.match(inputTag(checkDigit.body, 'code') ?? '', /aria-invalid='false'/);

    const ticketLike = await web.post('/applications', { number: '2611210042', code: '48026' });
    assert.equal(ticketLike.statusCode, 400);
    assert.equal(
      elementText(ticketLike.body, 'number-error'),
      '办件编号是以 9 开头的 12 至 17 位数字，请核对。',
    );
    assert.equal(elementText(ticketLike.body, 'code-error'), '查询码是 6 位数字，请核对。');
    assert.match(inputTag(ticketLike.body, 'code') ?? '', /aria-invalid='true'/);

    const empty = await web.post('/applications', { number: '', code: '' });
    assert.equal(elementText(empty.body, 'number-error'), '请填写办件编号。');
    assert.equal(elementText(empty.body, 'code-error'), '请填写查询码。');

    // None of these was a look-up: the full budget is still there for this address.
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++) {
      const response = await web.post('/applications', { number: housing.number, code: housing.queryCode });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /农村宅基地和建房/);
    }
  });

  it('guessing query codes is refused 429 over the hourly limit and recorded; a POST without the CSRF token is refused 403', async () => {
    const target = food;
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++) {
      const web = visitor();
      await web.get('/applications');
      const guess = await web.post('/applications', { number: target.number, code: String(100000 + i) });
      assert.match(guess.body, /办件编号或查询码不正确/);
    }
    const late = visitor();
    await late.get('/applications');
    // The right code too: the number's budget is spent.
    const refused = await late.post('/applications', { number: target.number, code: target.queryCode });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /操作太频繁，请 60 分钟后再试。/);
    assert.doesNotMatch(refused.body, /食品经营许可/);
    const entries = await audits('web_lookup_refused');
    assert.deepEqual(
      entries.map((a) => a.fields),
      [['kind:application', 'by:identity', `identity:${target.number}`]],
    );
    assert.equal(entries[0]?.actor.id, `web:${late.ip}`);

    const noToken = await visitor().post(
      '/applications',
      { number: target.number, code: target.queryCode },
      { csrf: null },
    );
    assert.equal(noToken.statusCode, 403);
  });
});
