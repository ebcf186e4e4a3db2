/**
 * Pinyin initials (拼音首字母) of Chinese text, for the 114-style directory search (查号): operators
 * type `rlzy` or `mzj` for 人力资源 / 民政局. No dictionary ships with the hub: ICU's pinyin
 * collation (Node's full ICU) orders characters by their reading, so the first character of each
 * initial's block tells a character's initial. Characters read two ways in place and office names
 * (长 cháng/zhǎng, 行 xíng/háng …) answer both initials.
 */

const COLLATOR = new Intl.Collator('zh-Hans-CN-u-co-pinyin');

/** The first character (in pinyin order) of each initial's block; i, u and v start no syllable. */
const BLOCKS: readonly (readonly [string, string])[] = [
  ['a', '阿'],
  ['b', '八'],
  ['c', '嚓'],
  ['d', '哒'],
  ['e', '妸'],
  ['f', '发'],
  ['g', '旮'],
  ['h', '哈'],
  ['j', '讥'],
  ['k', '咔'],
  ['l', '垃'],
  ['m', '妈'],
  ['n', '拏'],
  ['o', '噢'],
  ['p', '妑'],
  ['q', '七'],
  ['r', '呥'],
  ['s', '仨'],
  ['t', '他'],
  ['w', '屲'],
  ['x', '夕'],
  ['y', '丫'],
  ['z', '帀'],
];

/** Both readings of characters common in department and place names. */
const POLYPHONES: Readonly<Record<string, string>> = {
  长: 'cz',
  行: 'xh',
  重: 'zc',
  乐: 'ly',
  朝: 'cz',
  藏: 'cz',
  厦: 'xs',
  单: 'ds',
  调: 'dt',
};

const HAN = /\p{Script=Han}/u;

/** The possible initials of one character; a letter or digit stands for itself (lower case). */
export function initialsOf(char: string): string {
  const polyphone = POLYPHONES[char];
  if (polyphone) return polyphone;
  if (!HAN.test(char)) return /[\p{L}\p{N}]/u.test(char) ? char.toLowerCase() : '';
  let initial = '';
  for (const [letter, first] of BLOCKS) {
    if (COLLATOR.compare(char, first) < 0) break;
    initial = letter;
  }
  return initial;
}

/**
 * Whether `query` (letters, any case) is the run of initials of consecutive characters of `text`:
 * `mzj` and `zj` match 市民政局, `caq` and `zaq` match 长安区.
 */
export function matchesInitials(text: string, query: string): boolean {
  const wanted = query.toLowerCase();
  if (!/^[a-z]+$/.test(wanted)) return false;
  const options = Array.from(text)
    .map(initialsOf)
    .filter((o) => o !== '');
  for (let start = 0; start + wanted.length <= options.length; start++) {
    let all = true;
    for (let i = 0; i < wanted.length && all; i++)
      all = options[start + i]?.includes(wanted[i] ?? '') ?? false;
    if (all) return true;
  }
  return false;
}
