import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordMatcher, normaliseForMatching } from '../../src/routing/keyword-matcher.js';

/** What the automaton must agree with: one `includes` per keyword. */
function naive(keywords: readonly string[], text: string): Set<number> {
  const normalised = normaliseForMatching(text);
  const found = new Set<number>();
  keywords.forEach((k, id) => {
    const n = normaliseForMatching(k);
    if (n.length > 0 && normalised.includes(n)) found.add(id);
  });
  return found;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('keyword matcher (Aho–Corasick)', () => {
  it('finds overlapping Chinese keywords, a keyword inside another, and repeats', () => {
    const keywords = ['噪音', '噪音扰民', '扰民', '施工', '夜间施工', '民'];
    const matcher = new KeywordMatcher(keywords);
    assert.deepEqual([...matcher.match('小区旁工地夜间施工噪音扰民严重')].sort(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...matcher.match('噪音')], [0]);
    assert.deepEqual([...matcher.match('路灯不亮')], []);
  });

  it('matches across widths and cases', () => {
    const matcher = new KeywordMatcher(['PM2.5', '１２３４５']);
    assert.deepEqual([...matcher.match('今天ｐｍ２．５超标，已打12345')].sort(), [0, 1]);
  });

  it('ignores empty keywords and handles an empty text', () => {
    const matcher = new KeywordMatcher(['', '供暖']);
    assert.deepEqual([...matcher.match('')], []);
    assert.deepEqual([...matcher.match('供暖不热')], [1]);
  });

  it('agrees with a naive includes on 3,000 random dictionaries and texts', () => {
    const next = random(20261121);
    const alphabet = ['噪', '音', '扰', '民', '施', '工', '水', 'a', 'b', 'A', 'Ｂ'];
    const word = (max: number): string =>
      Array.from(
        { length: 1 + Math.floor(next() * max) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
    for (let round = 0; round < 3000; round++) {
      const keywords = Array.from({ length: 1 + Math.floor(next() * 12) }, () => word(4));
      const text = word(30);
      assert.deepEqual(
        [...new KeywordMatcher(keywords).match(text)].sort((a, b) => a - b),
        [...naive(keywords, text)].sort((a, b) => a - b),
        `keywords ${JSON.stringify(keywords)} in ${JSON.stringify(text)}`,
      );
    }
  });

  it('builds one automaton for 10,000 rules’ keywords and finds exactly the planted ones', () => {
    const keywords = Array.from({ length: 10_000 }, (_, i) => `关键词${String(i).padStart(5, '0')}`);
    const matcher = new KeywordMatcher(keywords);
    assert.ok(matcher.states > 10_000);
    const found = matcher.match('市民反映关键词00042和关键词09999的问题，另有关键词1234（不完整）');
    assert.deepEqual(
      [...found].sort((a, b) => a - b),
      [42, 9999],
    );
  });
});
