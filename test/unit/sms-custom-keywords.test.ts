import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  customKeywordProblems,
  normaliseInitials,
  splitWords,
  type KeywordDraft,
} from '../../src/channels/sms/custom-keyword-rules.js';
import {
  BUILT_IN_KEYWORDS,
  parseSms,
  type CustomKeyword,
  type CustomKeywords,
  type SmsCommand,
} from '../../src/channels/sms/keywords.js';

const HEATING: CustomKeyword = {
  id: 'k-heating',
  initials: 'GN',
  words: ['供暖', '暖气'],
  kind: 'complaint',
  category: '供暖',
  reply: '供暖季热线：室温不达标可申请退费。',
  validFrom: new Date('2025-11-15T00:00:00+08:00'),
  validTo: new Date('2026-03-16T00:00:00+08:00'),
};
const VACCINE: CustomKeyword = {
  id: 'k-vaccine',
  initials: 'YM',
  words: ['疫苗'],
  kind: 'consultation',
  category: '疫苗接种',
};
/** Only a word, no initials. */
const WATER: CustomKeyword = { id: 'k-water', words: ['停水'], kind: 'report', category: '供水' };

const WINTER = new Date('2025-12-20T10:00:00+08:00');
const table = (at = WINTER): CustomKeywords => ({ keywords: [HEATING, VACCINE, WATER], at });

const gn = (keyword: string) => ({
  id: 'k-heating',
  keyword,
  category: '供暖',
  reply: '供暖季热线：室温不达标可申请退费。',
});
const ym = (keyword: string) => ({ id: 'k-vaccine', keyword, category: '疫苗接种' });

/** [what the citizen typed, what it means with the custom table in force]. */
const TABLE: readonly [string, SmsCommand][] = [
  // Initials with and without a space or colon, any case and width.
  ['GN 暖气不热', { type: 'open', kind: 'complaint', text: '暖气不热', custom: gn('GN') }],
  ['gn暖气不热', { type: 'open', kind: 'complaint', text: '暖气不热', custom: gn('GN') }],
  ['Gn：暖气不热', { type: 'open', kind: 'complaint', text: '暖气不热', custom: gn('GN') }],
  ['ＧＮ\u3000暖气不热', { type: 'open', kind: 'complaint', text: '暖气不热', custom: gn('GN') }],
  [
    'ｙｍ 几岁能打流感疫苗',
    { type: 'open', kind: 'consultation', text: '几岁能打流感疫苗', custom: ym('YM') },
  ],
  // A Chinese word: with a separator the rest is the text, straight on it is part of the sentence.
  ['疫苗：几岁能打', { type: 'open', kind: 'consultation', text: '几岁能打', custom: ym('疫苗') }],
  ['疫苗接种点在哪', { type: 'open', kind: 'consultation', text: '疫苗接种点在哪', custom: ym('疫苗') }],
  ['暖气片漏水', { type: 'open', kind: 'complaint', text: '暖气片漏水', custom: gn('暖气') }],
  [
    '停水了 三天',
    {
      type: 'open',
      kind: 'report',
      text: '停水了 三天',
      custom: { id: 'k-water', keyword: '停水', category: '供水' },
    },
  ],
  // The keyword alone: how it is used, quoting its initials (or its word when it has none).
  ['GN', { type: 'usage', of: 'complaint', keyword: 'GN' }],
  ['疫苗', { type: 'usage', of: 'consultation', keyword: 'YM' }],
  ['停水', { type: 'usage', of: 'report', keyword: '停水' }],
  // Initials followed by a letter are a word, not the keyword.
  ['GNU is not unix', { type: 'text', text: 'GNU is not unix' }],
  // Built-ins are tried first and win; what they leave as plain text stays plain text.
  ['CX 26112100425', { type: 'status', number: '26112100425' }],
  ['TS 暖气不热', { type: 'open', kind: 'complaint', text: '暖气不热' }],
  ['查询一下疫苗', { type: 'text', text: '查询一下疫苗' }],
  ['TD', { type: 'opt_out' }],
  ['小区暖气不热', { type: 'text', text: '小区暖气不热' }],
];

describe('parseSms with custom keywords', () => {
  for (const [typed, meant] of TABLE) {
    it(`${JSON.stringify(typed)} → ${JSON.stringify(meant)}`, () => {
      assert.deepEqual(parseSms(typed, table()), meant);
    });
  }

  it('a built-in wins over a custom keyword spelt the same (the table is checked, the parser does not rely on it)', () => {
    const clash: CustomKeyword = { id: 'x', initials: 'CX', words: ['投诉'], kind: 'report', category: 'x' };
    const custom = { keywords: [clash], at: WINTER };
    assert.deepEqual(parseSms('CX 26112100425', custom), { type: 'status', number: '26112100425' });
    assert.deepEqual(parseSms('投诉：路灯', custom), { type: 'open', kind: 'complaint', text: '路灯' });
  });

  it('outside its validity dates a keyword is plain text; validFrom counts, validTo does not', () => {
    const before = new Date('2025-11-14T23:59:59+08:00');
    const from = new Date('2025-11-15T00:00:00+08:00');
    const lastMoment = new Date('2026-03-15T23:59:59+08:00');
    const to = new Date('2026-03-16T00:00:00+08:00');
    assert.deepEqual(parseSms('GN 暖气不热', table(before)), { type: 'text', text: 'GN 暖气不热' });
    assert.deepEqual(parseSms('GN 暖气不热', table(to)), { type: 'text', text: 'GN 暖气不热' });
    assert.equal(parseSms('GN 暖气不热', table(from)).type, 'open');
    assert.equal(parseSms('GN 暖气不热', table(lastMoment)).type, 'open');
    // A keyword without dates is always in force.
    assert.equal(parseSms('YM 几岁能打', table(before)).type, 'open');
  });

  it('without a table (or an empty one) the built-in reading is unchanged', () => {
    assert.deepEqual(parseSms('GN 暖气不热'), { type: 'text', text: 'GN 暖气不热' });
    assert.deepEqual(parseSms('GN 暖气不热', { keywords: [], at: WINTER }), {
      type: 'text',
      text: 'GN 暖气不热',
    });
  });
});

describe('the built-in keywords as listed', () => {
  it('names every built-in spelling once, with what it does', () => {
    assert.deepEqual(
      BUILT_IN_KEYWORDS.map((k) => [k.does, k.kind, k.initials.join('/'), k.words.join('/'), k.wholeMessage]),
      [
        ['status', undefined, 'CX', '查询', false],
        ['subsidy', undefined, 'BT', '补贴', false],
        ['open', 'complaint', 'TS', '投诉', false],
        ['open', 'consultation', 'ZX', '咨询', false],
        ['open', 'suggestion', 'JY', '建议', false],
        ['open', 'help', 'QZ', '求助', false],
        ['rate', undefined, 'PJ', '评价', false],
        ['help', undefined, 'BZ', '', false],
        ['help', undefined, 'HELP', '帮助/?', true],
        ['opt_out', undefined, 'TD/STOP/UNSUBSCRIBE', '退订', true],
        ['opt_in', undefined, 'KT/START/UNSTOP', '恢复', true],
      ],
    );
  });

  it('each usage example reads as what the row says it does', () => {
    for (const row of BUILT_IN_KEYWORDS) {
      const command = parseSms(row.example);
      assert.equal(command.type, row.does, row.example);
      if (command.type === 'open') assert.equal(command.kind, row.kind, row.example);
    }
  });
});

describe('customKeywordProblems', () => {
  const LIMIT = { signature: '【12345】', maxParts: 1 };
  const draft = (fields: Partial<KeywordDraft>): KeywordDraft => ({
    initials: 'GN',
    words: ['供暖'],
    kind: 'complaint',
    category: '供暖',
    ...fields,
  });
  const problems = (fields: Partial<KeywordDraft>, others: CustomKeyword[] = []) =>
    customKeywordProblems(draft(fields), others, LIMIT);

  it('a good keyword has none', () => {
    assert.deepEqual(problems({}), {});
    assert.deepEqual(problems({ initials: undefined }), {});
    assert.deepEqual(problems({ words: [] }), {});
    assert.deepEqual(problems({ initials: 'ABCD', words: ['疫苗接种', '打疫苗'] }), {});
  });

  it('folds what is typed as the parser folds messages', () => {
    assert.equal(normaliseInitials(' ｇｎ '), 'GN');
    assert.equal(normaliseInitials('   '), undefined);
    assert.deepEqual(splitWords('供暖，暖气 、 暖器/ 取暖'), ['供暖', '暖气', '暖器', '取暖']);
  });

  it('initials: 2–4 letters A–Z, not a built-in spelling, not another custom keyword’s', () => {
    assert.deepEqual(problems({ initials: 'G' }).initials, { code: 'letters' });
    assert.deepEqual(problems({ initials: 'GNABC' }).initials, { code: 'letters' });
    assert.deepEqual(problems({ initials: 'G1' }).initials, { code: 'letters' });
    assert.deepEqual(problems({ initials: 'ÄB' }).initials, { code: 'letters' });
    for (const taken of ['CX', 'BT', 'TS', 'ZX', 'JY', 'QZ', 'PJ', 'BZ', 'TD', 'KT', 'HELP', 'STOP'])
      assert.deepEqual(problems({ initials: taken }).initials, {
        code: 'builtIn',
        values: { keyword: taken },
      });
    assert.deepEqual(problems({ initials: 'YM', words: [] }, [VACCINE]).initials, {
      code: 'taken',
      values: { keyword: 'YM', id: 'k-vaccine' },
    });
    // Read only when no letter follows: CXA is never CX, so it may stand beside it.
    assert.equal(problems({ initials: 'CXA' }).initials, undefined);
  });

  it('words: 2–8 Chinese characters, at most 3, neither starting nor starting a built-in or custom word', () => {
    assert.deepEqual(problems({ words: ['暖'] }).words, { code: 'chinese', values: { keyword: '暖' } });
    assert.deepEqual(problems({ words: ['GNA'] }).words, { code: 'chinese', values: { keyword: 'GNA' } });
    assert.deepEqual(problems({ words: ['一二三四五六七八九'] }).words, {
      code: 'chinese',
      values: { keyword: '一二三四五六七八九' },
    });
    assert.deepEqual(problems({ words: ['供暖', '暖气', '取暖', '热水'] }).words, {
      code: 'tooMany',
      values: { max: 3 },
    });
    assert.deepEqual(problems({ words: ['供暖', '供暖季'] }).words, {
      code: 'repeated',
      values: { keyword: '供暖季' },
    });
    assert.deepEqual(problems({ words: ['查询'] }).words, { code: 'builtIn', values: { keyword: '查询' } });
    // 查询社保 would be shadowed by 查询; 查 would take over 查询一下社保; 退订通知 begins with 退订.
    assert.deepEqual(problems({ words: ['查询社保'] }).words, {
      code: 'builtIn',
      values: { keyword: '查询' },
    });
    assert.deepEqual(problems({ words: ['投诉噪音'] }).words, {
      code: 'builtIn',
      values: { keyword: '投诉' },
    });
    assert.deepEqual(problems({ words: ['帮助'] }).words, { code: 'builtIn', values: { keyword: '帮助' } });
    assert.deepEqual(problems({ words: ['退订通知'] }).words, {
      code: 'builtIn',
      values: { keyword: '退订' },
    });
    assert.deepEqual(problems({ words: ['疫苗'] }, [VACCINE]).words, {
      code: 'taken',
      values: { keyword: '疫苗', id: 'k-vaccine' },
    });
    assert.deepEqual(problems({ words: ['疫苗接种'] }, [VACCINE]).words, {
      code: 'taken',
      values: { keyword: '疫苗', id: 'k-vaccine' },
    });
    // Sharing a character is fine: neither starts the other.
    assert.equal(problems({ words: ['询问'] }).words, undefined);
  });

  it('needs initials or a word, a known kind, a category, a reply that fits, an end after the start', () => {
    assert.deepEqual(problems({ initials: undefined, words: [] }), { initials: { code: 'none' } });
    assert.deepEqual(problems({ kind: 'party' }), { kind: { code: 'unknown' } });
    assert.deepEqual(problems({ category: '  ' }), { category: { code: 'missing' } });
    assert.deepEqual(problems({ category: '类'.repeat(81) }), {
      category: { code: 'tooLong', values: { max: 80 } },
    });
    // 【12345】 is 7 UCS-2 units: 63 more fit in one part, 64 do not.
    assert.deepEqual(problems({ reply: '暖'.repeat(63) }), {});
    assert.deepEqual(problems({ reply: '暖'.repeat(64) }), {
      reply: { code: 'tooLong', values: { parts: 2, max: 1 } },
    });
    const day = new Date('2025-11-15T00:00:00+08:00');
    assert.deepEqual(problems({ validFrom: day, validTo: day }), { validTo: { code: 'beforeFrom' } });
  });
});
