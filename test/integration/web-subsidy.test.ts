import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { codeHash } from '../../src/channels/web/subsidy-code-crypto.js';
import { residentIdCheckChar } from '../../src/privacy/resident-id.js';
import { DEMO_SUBSIDY_HOUSEHOLDS, loadDemoCases } from '../../src/subsidies/demo-data.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { elementText, hiddenValue, inputTag, unescapeHtml, WebVisitor } from '../helpers/web-form.js';

/**
 * `/subsidies` end to end through the forms (app.inject with the CSRF cookie and token): ID number and
 * name, the one-time code by SMS (the development outbox) to the registered phone, the payments; the
 * lookup limit, the lock after three wrong codes, expiry, resend limits, and what is never in Redis.
 */

const LOOKUPS_PER_HOUR = 5;
const [wang, li, zhangQiang] = DEMO_SUBSIDY_HOUSEHOLDS;
if (!wang || !li || !zhangQiang) throw new Error('demo households missing');

let hub: TestHub;
let redis: Redis;
let ipSeq = 0;
/** Each test its own visitor address: look-ups are counted per address. */
const visitor = (): WebVisitor => new WebVisitor(hub, `198.51.100.${String(++ipSeq)}`);

/** A valid ID number that no household has (check character computed). */
function unknownId(seq: number): string {
  const first17 = `13012319800101${String(100 + seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

async function smsTo(phone: string, count = 1): Promise<{ body: string; to: string }[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const items = await hub.app.store.devOutbox.list({ limit: 50, channel: 'sms', to: phone });
    if (items.length >= count || Date.now() > deadline) return items;
    await sleep(50);
  }
}

function codeIn(body: string): string {
  const code = /验证码 (\d{6})/.exec(body)?.[1] ?? /code is (\d{6})/.exec(body)?.[1];
  if (!code) throw new Error(`no code in ${body}`);
  return code;
}

/** Through step 1 for a household; returns the code page and the code from the SMS. */
async function askCode(
  web: WebVisitor,
  household: { idNumber: string; headName: string },
  phone: string,
): Promise<{ page: string; code: string; challenge: string }> {
  const before = (await smsTo(phone, 0)).length;
  await web.get('/subsidies');
  const page = await web.post('/subsidies', { idNumber: household.idNumber, name: household.headName });
  assert.equal(page.statusCode, 200, page.body);
  const [newest] = await smsTo(phone, before + 1);
  assert.ok(newest, 'an SMS was sent');
  const challenge = hiddenValue(page.body, 'challenge');
  assert.ok(challenge);
  return { page: page.body, code: codeIn(newest.body), challenge };
}

async function audits(action: string): Promise<{ fields?: string[]; actor: { id: string } }[]> {
  return hub.app.store.audit.model.find({ action }).sort({ at: 1 }).lean();
}

before(async () => {
  hub = await startHub({ WEB_LOOKUPS_PER_HOUR: String(LOOKUPS_PER_HOUR), WEB_RATE_PER_MINUTE: '1000' });
  await loadDemoCases(hub.app.store);
  redis = new Redis(hub.config.redisUrl);
});

after(async () => {
  await redis.quit();
  await hub.close();
});

describe('web subsidy look-up', () => {
  it('shows the form with a CSRF token; a POST without the token, or without its cookie, is refused 403', async () => {
    const web = visitor();
    const form = await web.get('/subsidies');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1>惠农补贴查询<\/h1>/);
    assert.ok(hiddenValue(form.body, '_csrf'));
    const noToken = await web.post(
      '/subsidies',
      { idNumber: wang.idNumber, name: wang.headName },
      { csrf: null },
    );
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /页面已过期或来源不明/);
    const stranger = new WebVisitor(hub, web.ip);
    const noCookie = await stranger.post(
      '/subsidies',
      { idNumber: wang.idNumber, name: wang.headName },
      { csrf: web.csrf() },
    );
    assert.equal(noCookie.statusCode, 403);
    assert.equal((await smsTo('+8613903110001', 0)).length, 0, 'no code was sent');
  });

  it('an invalid ID number comes back marked, with the typed values, and is counted nowhere', async () => {
    const web = visitor();
    await web.get('/subsidies');
    const last = wang.idNumber.at(-1) === '1' ? '2' : '1';
    const wrongCheck = wang.idNumber.slice(0, 17) + last;
    const checked = await web.post('/subsidies', { idNumber: wrongCheck, name: '王建国' });
    assert.equal(checked.statusCode, 400);
    assert.match(inputTag(checked.body, 'idNumber') ?? '', /aria-invalid='true'/);
    assert.match(inputTag(checked.body, 'idNumber') ?? '', new RegExp(`value='${wrongCheck}'`));
    assert.match(inputTag(checked.body, 'name') ?? '', /aria-invalid='false'/);
    assert.match(inputTag(checked.body, 'name') ?? '', /value='王建国'/);
    assert.equal(
      elementText(checked.body, 'idNumber-error'),
      '身份证号码最后一位（校验码）与前面的数字对不上，可能有一位填错了，请核对。',
    );

    const short = await web.post('/subsidies', { idNumber: wang.idNumber.slice(0, 17), name: '' });
    assert.equal(short.statusCode, 400);
    assert.equal(elementText(short.body, 'idNumber-error'), '身份证号码应为 18 位，您填写了 17 位。');
    assert.equal(elementText(short.body, 'name-error'), '请填写户主姓名。');
    assert.match(inputTag(short.body, 'name') ?? '', /aria-invalid='true'/);

    const birth = await web.post('/subsidies', { idNumber: '130123' + '19581332' + '1011', name: '王建国' });
    assert.equal(
      elementText(birth.body, 'idNumber-error'),
      '身份证号码第 7 至 14 位（出生日期）不正确，请核对。',
    );

    const english = await web.get('/subsidies?lang=en');
    assert.match(english.body, /Farm subsidy look-up/);
    const en = await web.post('/subsidies', { idNumber: wrongCheck, name: '王建国' });
    assert.equal(
      unescapeHtml(elementText(en.body, 'idNumber-error') ?? ''),
      'The last character (the check digit) does not fit the others: one character may be wrong. Please check.',
    );

    const counted = await redis.keys(`${hub.config.redisPrefix}:web:lookups:subsidy:ip:${web.ip}`);
    assert.deepEqual(counted, [], 'an invalid ID number is not a look-up');
    assert.equal((await audits('web_lookup_refused')).length, 0);
    assert.equal(
      (await audits('web_subsidy_identify')).filter((a) => a.actor.id === `web:${web.ip}`).length,
      0,
    );
  });

  it('an unknown ID number and a wrong name get one and the same answer', async () => {
    const web = visitor();
    await web.get('/subsidies');
    const unknown = await web.post('/subsidies', { idNumber: unknownId(1), name: '王建国' });
    const wrongName = await web.post('/subsidies', { idNumber: wang.idNumber, name: '王建军' });
    for (const response of [unknown, wrongName]) {
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /身份证号码或姓名与补贴名册中登记的信息不一致，请核对后再试。/);
      assert.equal(hiddenValue(response.body, 'challenge'), undefined, 'no code step');
    }
    const strip = (html: string): string =>
      html.replace(/name='_csrf' value='[^']*'/, '').replace(/value='[^']*'/g, '');
    assert.equal(strip(unknown.body), strip(wrongName.body), 'the pages differ only in the typed values');
    const mine = (await audits('web_subsidy_identify')).filter((a) => a.actor.id === `web:${web.ip}`);
    assert.deepEqual(
      mine.map((a) => a.fields?.[0]),
      ['result:mismatch', 'result:mismatch'],
    );
    assert.equal((await smsTo('+8613903110001', 0)).length, 0);
  });

  it('a household registered with a landline only gets no code, and is told where to ask', async () => {
    const idNumber = unknownId(50);
    await hub.app.store.subsidies.upsertHousehold({
      idNumber,
      headName: '刘大海',
      phones: ['0311-86681001'],
    });
    const web = visitor();
    await web.get('/subsidies');
    const page = await web.post('/subsidies', { idNumber, name: '刘大海' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /该户在补贴名册中没有登记手机号码，无法发送验证码。/);
    assert.equal(hiddenValue(page.body, 'challenge'), undefined);
    assert.equal(await hub.app.store.otpChallenges.model.countDocuments({}), 0);
  });

  it('sends a code to the registered phone only (masked on the page), never keeping code or phone in Redis; the right code shows the payments once, audited', async () => {
    const web = visitor();
    // Spaces, a full-width digit and a spaced name are what people type.
    await web.get('/subsidies');
    const typed =
      `${wang.idNumber.slice(0, 6)} ${wang.idNumber.slice(6, 14)} ${wang.idNumber.slice(14)}`.replace(
        /^1/,
        '１',
      );
    const page = await web.post('/subsidies', { idNumber: typed.toLowerCase(), name: ' 王 建国 ' });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /验证码已发送至 139\*\*\*\*0001，10 分钟内有效。/);
    assert.doesNotMatch(page.body, /13903110001/);
    const challenge = hiddenValue(page.body, 'challenge');
    assert.ok(challenge && web.cookie('subsidy_challenge')?.startsWith(`${challenge}.`));

    const [sms, ...more] = await smsTo('+8613903110001');
    assert.ok(sms);
    assert.equal(more.length, 0);
    assert.equal(sms.to, '+8613903110001');
    assert.match(sms.body, /^【12345】您正在网上查询惠农补贴，验证码 \d{6}，10 分钟内有效。/);
    const code = codeIn(sms.body);
    const outboxJson = await hub.app.inject({
      method: 'GET',
      url: '/dev/outbox.json?channel=sms&to=%2B8613903110001',
    });
    assert.equal(outboxJson.json<{ items: { body: string }[] }>().items[0]?.body, sms.body);

    // Nothing in Redis holds the code or the phone (the job carried the challenge id only).
    const stored = await redisContents(`${hub.config.redisPrefix}:`);
    const codeToken = new RegExp(`(?<!\\d)${code}(?!\\d)`);
    for (const [key, value] of stored) {
      assert.doesNotMatch(`${key} ${value}`, codeToken, `code in ${key}`);
      assert.doesNotMatch(`${key} ${value}`, /13903110001/, `phone in ${key}`);
    }
    // The scan saw the queue: the expired challenge's clean-up job waits there, with the id only.
    const purge = stored.get(`${hub.config.redisPrefix}:bull:subsidy-codes:purge.${challenge}`);
    assert.ok(purge, 'the purge job is in Redis');
    const job = JSON.parse(purge) as { data: string };
    assert.deepEqual(JSON.parse(job.data), { challengeId: challenge });
    const challengeDoc = await hub.app.store.otpChallenges.model.findById(challenge).lean();
    assert.ok(challengeDoc?.sentAt, 'the send was recorded');
    assert.equal(challengeDoc.sealedCode, undefined, 'the sealed copy is gone once sent');
    assert.equal(
      challengeDoc.codeHash,
      codeHash(hub.config.secret, challenge, code),
      'kept as its HMAC only',
    );

    const wrong = await web.post('/subsidies/code', {
      challenge,
      code: code === '000000' ? '111111' : '000000',
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(elementText(wrong.body, 'code-error'), '验证码不正确，还可以再试 2 次。');
    assert.match(inputTag(wrong.body, 'code') ?? '', /aria-invalid='true'/);

    const bound = web.cookie('subsidy_challenge');
    const result = await web.post('/subsidies/code', { challenge, code: ` ${code} ` });
    assert.equal(result.statusCode, 200, result.body);
    const text = unescapeHtml(result.body);
    assert.match(text, /<h1>补贴发放情况<\/h1>/);
    assert.match(text, /<dd>王\*国<\/dd>/);
    assert.match(text, /<dd>130123\*{8}101X<\/dd>/);
    assert.match(text, /共 4 笔，最新的在前。/);
    const headings = [
      ...text.matchAll(/<strong>([^<]+)<\/strong>\s*<span class='amount'>([^<]+)<\/span>/g),
    ].map((m) => `${m[1] ?? ''} ${m[2] ?? ''}`);
    assert.deepEqual(headings, [
      '2026 粮食直补 840.00 元',
      '2025 农资综合直补 412.60 元',
      '2025 粮食直补 834.00 元',
      '2024 粮食直补 821.50 元',
    ]);
    assert.match(text, /发放日期 2026-05-21/);
    assert.match(text, /一折通账户 \*\*\*\*6021 · 正定县农村信用社/);
    assert.equal(web.cookie('subsidy_challenge'), undefined, 'the challenge cookie is cleared');

    const [query] = (await audits('web_subsidy_query')).filter((a) => a.actor.id === `web:${web.ip}`);
    const householdId = hub.app.store.subsidies.householdIdFor(wang.idNumber);
    assert.deepEqual(query?.fields, [
      `household:${householdId}`,
      'payments:4',
      'headName',
      'idMasked',
      'village',
      'year',
      'type',
      'batch',
      'amount',
      'status',
      'paidDate',
      'accountMasked',
      'bank',
    ]);

    // Once: the same code again, even with the challenge cookie replayed, asks for a new one.
    const again = await web.post(
      '/subsidies/code',
      { challenge, code },
      { csrf: hiddenValue(wrong.body, '_csrf') },
    );
    assert.equal(again.statusCode, 400, 'the cookie is gone: start again');
    assert.match(again.body, /页面已过期，请重新输入身份证号码和姓名。/);
    web.setCookie('subsidy_challenge', bound ?? '');
    const replayed = await web.post('/subsidies/code', { challenge, code });
    assert.equal(replayed.statusCode, 200);
    assert.match(unescapeHtml(replayed.body), /验证码已失效/);
    assert.doesNotMatch(replayed.body, /补贴发放情况/);
  });

  it('three wrong codes lock the household for an hour, even against the right code; the lock is audited', async () => {
    const web = visitor();
    const { code, challenge } = await askCode(web, zhangQiang, '+8613903110004');
    const wrongCode = code === '123456' ? '654321' : '123456';
    const first = await web.post('/subsidies/code', { challenge, code: wrongCode });
    assert.equal(elementText(first.body, 'code-error'), '验证码不正确，还可以再试 2 次。');
    const second = await web.post('/subsidies/code', { challenge, code: wrongCode });
    assert.equal(elementText(second.body, 'code-error'), '验证码不正确，还可以再试 1 次。');
    const third = await web.post('/subsidies/code', { challenge, code: wrongCode });
    assert.equal(third.statusCode, 429);
    assert.match(third.body, /<h1>查询已暂停<\/h1>/);
    assert.match(third.body, /网上补贴查询已锁定 1 小时，请 60 分钟后再试。/);

    const householdId = hub.app.store.subsidies.householdIdFor(zhangQiang.idNumber) ?? '';
    const ttl = await redis.ttl(`${hub.config.redisPrefix}:web:subsidy:lock:${householdId}`);
    assert.ok(ttl > 3590 && ttl <= 3600, `lock TTL ${String(ttl)}`);

    const right = await web.post('/subsidies/code', { challenge, code });
    assert.equal(right.statusCode, 429, 'the right code is refused while locked');
    assert.match(right.body, /网上补贴查询已锁定 1 小时/);
    assert.doesNotMatch(right.body, /补贴发放情况/);

    // Step 1 again, from another address: locked too, and no new code goes out.
    const other = visitor();
    await other.get('/subsidies');
    const restarted = await other.post('/subsidies', {
      idNumber: zhangQiang.idNumber,
      name: zhangQiang.headName,
    });
    assert.equal(restarted.statusCode, 429);
    assert.match(restarted.body, /查询已暂停/);
    assert.equal((await smsTo('+8613903110004', 0)).length, 1);

    const locked = await audits('web_subsidy_locked');
    assert.deepEqual(
      locked.map((a) => a.fields),
      [[`household:${householdId}`, `challenge:${challenge}`]],
    );
    const refused = await audits('web_subsidy_code_refused');
    assert.deepEqual(
      refused.map((a) => a.fields),
      [[`household:${householdId}`, 'reason:locked']],
    );
    assert.equal((await audits('web_subsidy_query')).filter((a) => a.actor.id === `web:${web.ip}`).length, 0);
  });

  it('an expired code asks for a new one; a resend waits a minute, replaces the old code, and stops at five an hour', async () => {
    const web = visitor();
    const phones = ['+8613903110002', '+8613903110003'];
    const { page, code, challenge } = await askCode(web, li, phones[0] ?? '');
    // Two registered mobiles: the page offers both, masked; nothing else can be chosen.
    assert.match(page, /<option value='0' selected>139\*\*\*\*0002<\/option>/);
    assert.match(page, /<option value='1'>139\*\*\*\*0003<\/option>/);

    // The language switch comes back by GET: the same step, in English, bound by the cookie.
    const english = await web.get('/subsidies/code?lang=en');
    assert.equal(english.statusCode, 200);
    assert.match(english.body, /We sent a code to 139\*\*\*\*0002\. It works for 10 minutes\./);
    assert.equal(hiddenValue(english.body, 'challenge'), challenge);
    await web.get('/subsidies/code?lang=zh-CN');
    const stranger = await new WebVisitor(hub, web.ip).get('/subsidies/code');
    assert.equal(stranger.statusCode, 303, 'without the cookie: back to step 1');
    assert.equal(stranger.headers.location, '/subsidies');

    await hub.app.store.otpChallenges.model.updateOne(
      { _id: challenge },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    const expired = await web.post('/subsidies/code', { challenge, code });
    assert.equal(expired.statusCode, 200);
    assert.match(unescapeHtml(expired.body), /验证码已失效，请点击“重新获取验证码”。/);

    const tooSoon = await web.post('/subsidies/resend', { challenge });
    assert.match(tooSoon.body, /验证码刚刚发送过，请 \d+ 秒后再重新获取。/);
    assert.equal((await smsTo(phones[0] ?? '', 0)).length, 1, 'no second SMS within the minute');

    const householdId = hub.app.store.subsidies.householdIdFor(li.idNumber) ?? '';
    const waitKey = `${hub.config.redisPrefix}:web:subsidy:wait:${householdId}`;
    await redis.del(waitKey); // the minute has passed
    const resent = await web.post('/subsidies/resend', { challenge, phone: '1' });
    assert.equal(resent.statusCode, 200);
    assert.match(resent.body, /验证码已发送至 139\*\*\*\*0003/);
    const newChallenge = hiddenValue(resent.body, 'challenge') ?? '';
    assert.notEqual(newChallenge, challenge);
    const [second] = await smsTo(phones[1] ?? '');
    assert.ok(second);
    const newCode = codeIn(second.body);

    // The old challenge no longer works, even with its own cookie-bound page.
    const oldOne = await web.post('/subsidies/code', { challenge, code });
    assert.equal(oldOne.statusCode, 400, 'the cookie now names the new challenge');

    let current = newChallenge;
    for (let sent = 2; sent < 5; sent++) {
      await redis.del(waitKey);
      const more = await web.post('/subsidies/resend', { challenge: current });
      assert.match(more.body, /验证码已发送至 139\*\*\*\*0002/);
      current = hiddenValue(more.body, 'challenge') ?? '';
    }
    await redis.del(waitKey);
    const sixth = await web.post('/subsidies/resend', { challenge: current });
    assert.match(sixth.body, /该户本小时获取验证码的次数已达上限，请使用已收到的验证码，或 \d+ 分钟后再试。/);
    assert.equal(hiddenValue(sixth.body, 'challenge'), current);
    assert.equal((await smsTo(phones[0] ?? '', 4)).length, 4);
    assert.equal((await smsTo(phones[1] ?? '', 1)).length, 1);
    assert.ok(newCode);
  });

  it('over the hourly limit a look-up is refused 429 and recorded, by ID number and by address', async () => {
    // One ID number from many addresses.
    const target = unknownId(7);
    const identity = hub.app.store.subsidies.householdIdFor(target);
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++) {
      const web = visitor();
      await web.get('/subsidies');
      const response = await web.post('/subsidies', { idNumber: target, name: '某某' });
      assert.equal(response.statusCode, 200);
    }
    const late = visitor();
    await late.get('/subsidies');
    const refused = await late.post('/subsidies', { idNumber: target, name: '某某' });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /操作太频繁，请 60 分钟后再试。/);
    assert.ok(Number(refused.headers['retry-after']) > 3500);
    const entries = await audits('web_lookup_refused');
    assert.deepEqual(entries.at(-1)?.fields, ['kind:subsidy', 'by:identity', `identity:${identity ?? ''}`]);
    assert.equal(entries.at(-1)?.actor.id, `web:${late.ip}`);

    // Many ID numbers from one address.
    const walker = visitor();
    await walker.get('/subsidies');
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++) {
      const response = await walker.post('/subsidies', { idNumber: unknownId(20 + i), name: '某某' });
      assert.equal(response.statusCode, 200);
    }
    const blocked = await walker.post('/subsidies', { idNumber: wang.idNumber, name: wang.headName });
    assert.equal(blocked.statusCode, 429);
    const last = (await audits('web_lookup_refused')).at(-1);
    assert.ok(last);
    assert.deepEqual(last.fields?.slice(0, 2), ['kind:subsidy', 'by:ip']);
    assert.equal(last.actor.id, `web:${walker.ip}`);
    assert.equal((await smsTo('+8613903110001', 0)).length, 1, 'no code for a refused look-up');
  });
});

/** Every key under the prefix with its contents as text (strings, hashes, lists, sets, sorted sets, streams). */
async function redisContents(prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      out.set(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return out;
}
