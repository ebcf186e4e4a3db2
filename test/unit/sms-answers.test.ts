import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANSWER_NAMES, type AnswerData } from '../../src/templates/sms-answers/names.js';
import { SAMPLE_ANSWERS } from '../../src/templates/sms-answers/samples.js';
import { SmsAnswers } from '../../src/templates/sms-answers/sms-answers.js';
import { smsInfo } from '../../src/templates/sms-parts.js';

const SIGNATURE = '【12345】';
const LOCALES = ['zh-CN', 'en'] as const;
/** The zh-CN answers allowed more than one 70-character part with usual data. */
const LONGER_ZH = new Set(['help', 'status.application']);

const item = (year: number, fen: string): AnswerData['subsidy.item'] => ({
  year,
  type: 'dibao',
  amount: fen,
  status: 'paid',
  paidDate: `${String(year)}-03-10`,
});

describe('SMS answers', () => {
  const answers = new SmsAnswers({ signature: SIGNATURE, maxParts: 3 });

  it('every answer, signed, fits SMS_MAX_PARTS (3) with usual data; in Chinese most fit one part', () => {
    for (const locale of LOCALES) {
      for (const name of ANSWER_NAMES) {
        const text = answers.text(name, locale, SAMPLE_ANSWERS[name]);
        assert.ok(text.startsWith(SIGNATURE), `${name}/${locale}`);
        const { parts } = smsInfo(text);
        assert.ok(parts <= 3, `${name}/${locale}: ${String(parts)} parts`);
        if (locale === 'zh-CN' && !LONGER_ZH.has(name)) assert.equal(parts, 1, `${name}: ${text}`);
      }
    }
  });

  it('says codes in the locale’s words', () => {
    const data = SAMPLE_ANSWERS['status.ticket'];
    assert.equal(
      answers.bare('status.ticket', 'zh-CN', { ...data, status: 'waiting_citizen', canRate: false }),
      '工单26112100425（投诉）：待您补充信息（市住房和城乡建设局），更新于2026-11-21 09:40。',
    );
    assert.equal(
      answers.bare('status.ticket', 'en', { ...data, status: 'replied', canRate: true }),
      'Ticket 26112100425 (complaint): answered, handled by 市住房和城乡建设局, updated 2026-11-21 09:40. ' +
        'Please rate it: PJ 1/2/3.',
    );
    assert.equal(
      answers.bare('subsidy.item', 'zh-CN', {
        ...SAMPLE_ANSWERS['subsidy.item'],
        status: 'pending',
        paidDate: undefined,
      }),
      '2026年农资综合直补412.60元，待发放，账户****6021',
    );
    assert.equal(
      answers.bare('rate.done', 'en', { number: '1', value: 'basically_satisfied', reopened: false }),
      'Thank you for rating ticket 1 (basically satisfied).',
    );
    // The help answer lists the hotline's own keywords only when there are some.
    assert.equal(
      answers.bare('help', 'zh-CN', { others: '' }),
      '短信服务：CX+工单号或办件号 查进度；BT 查补贴；TS/ZX/JY/QZ+内容 投诉/咨询/建议/求助；' +
        'PJ+1/2/3 评价（满意/基本满意/不满意）；TD 退订。',
    );
    assert.ok(
      answers
        .bare('help', 'zh-CN', { others: 'GN 供暖 / YM 疫苗接种' })
        .endsWith('TD 退订。另有：GN 供暖 / YM 疫苗接种（关键词+内容）。'),
    );
    assert.ok(
      answers.bare('help', 'en', { others: 'GN 供暖' }).endsWith('TD to stop. Also: GN 供暖 (keyword+text).'),
    );
    // An unknown locale falls back to Chinese.
    assert.equal(answers.bare('rate.none', 'fr', {}), answers.bare('rate.none', 'zh-CN', {}));
  });

  it('a list keeps as many items as fit, then 「…共N条」; all of them end with the list end', () => {
    const head = { name: 'subsidy.head' as const, data: { head: '李*英', account: '****6021' } };
    const three = [item(2026, '620.00'), item(2025, '600.00'), item(2024, '580.00')];
    assert.equal(
      answers.list('zh-CN', head, 'subsidy.item', three),
      `${SIGNATURE}李*英户补贴（账户****6021）：2026年低保620.00元，2026-03-10已发放；` +
        '2025年低保600.00元，2025-03-10已发放；2024年低保580.00元，2024-03-10已发放。',
    );
    const many = Array.from({ length: 30 }, (_, i) => item(2026 - i, '620.00'));
    for (const maxParts of [1, 2, 3, 5]) {
      const limited = new SmsAnswers({ signature: SIGNATURE, maxParts });
      const text = limited.list('zh-CN', head, 'subsidy.item', many);
      assert.ok(smsInfo(text).parts <= maxParts, `${String(maxParts)}: ${text}`);
      assert.match(text, /^【12345】李\*英户补贴（账户\*{4}6021）：2026年低保620\.00元，2026-03-10已发放；/);
      assert.match(text, /；…共30条$/);
      // Filled: one more item would not have fit.
      const shown = text.split('；').length - 1;
      const oneMore = text.replace(
        /…共30条$/,
        `${limited.bare('subsidy.item', 'zh-CN', many[shown] ?? item(0, ''))}；…共30条`,
      );
      assert.ok(smsInfo(oneMore).parts > maxParts, `${String(maxParts)} parts hold ${String(shown)} items`);
    }
  });

  it('a long free-text field is shortened (with …) to the limit; the rest of the answer stays', () => {
    const one = new SmsAnswers({ signature: SIGNATURE, maxParts: 1 });
    const data = { ...SAMPLE_ANSWERS['status.application'], step: undefined, promisedDate: undefined };
    const text = one.text(
      'status.application',
      'zh-CN',
      { ...data, result: '准予许可'.repeat(40) },
      'result',
    );
    assert.equal(smsInfo(text).parts, 1);
    assert.equal(text.length, 70);
    assert.ok(
      text.startsWith(`${SIGNATURE}办件926110200071（城乡居民基本养老保险待遇申领）：已办结。结果：准予许可`),
      text,
    );
    assert.ok(text.endsWith('…'));
  });

  it('without a Chinese signature an English answer stays GSM-7 and is cut with "..."', () => {
    const plain = new SmsAnswers({ signature: '', maxParts: 1 });
    const text = plain.text('help', 'en', { others: '' });
    assert.deepEqual(smsInfo(text).encoding, 'GSM-7');
    assert.ok(smsInfo(text).parts === 1 && text.endsWith('...'), text);
  });
});
