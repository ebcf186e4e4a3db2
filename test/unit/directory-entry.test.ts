import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchDirectory } from '../../src/directory/search.js';
import { checkDirectoryEntry, isDirectoryPhone } from '../../src/directory/entry-rules.js';
import { DEMO_DEPARTMENTS } from '../../src/seed-data.js';
import type { DirectoryEntry } from '../../src/store/directory-entries.js';

const entry = (id: string, fields: Partial<DirectoryEntry>): DirectoryEntry => ({
  id,
  name: id,
  phones: ['0311-96595'],
  aliases: [],
  category: 'other',
  active: true,
  version: 1,
  updatedAt: new Date('2026-01-05T02:00:00Z'),
  updatedBy: 'user:admin',
  ...fields,
});

describe('directory entries: the check the page and the API share', () => {
  it('tidies a good entry: trimmed, half-width phones, repeats and empty parts dropped, active by default', () => {
    assert.deepEqual(
      checkDirectoryEntry({
        name: '  市自来水公司 ',
        nameEn: '',
        phones: ['０３１１－９６５９５', '', '0311-96595', '110'],
        hours: ' 24 小时\t',
        note: '先问片区\r\n再报抢修\u0000',
        aliases: ['自来水', ' 停水 ', '自来水', ''],
        category: 'utility',
      }),
      {
        ok: true,
        content: {
          name: '市自来水公司',
          phones: ['0311-96595', '110'],
          hours: '24 小时',
          note: '先问片区\n再报抢修',
          aliases: ['自来水', '停水'],
          category: 'utility',
          active: true,
        },
      },
    );
  });

  it('names every refused field', () => {
    assert.deepEqual(
      checkDirectoryEntry({
        name: '\u0000 ',
        nameEn: 'x'.repeat(121),
        phones: ['12'],
        hours: '时'.repeat(101),
        note: '注'.repeat(501),
        aliases: Array.from({ length: 21 }, (_, n) => `别名${String(n)}`),
        category: '',
      }),
      {
        ok: false,
        problems: [
          { field: 'name', code: 'required' },
          { field: 'nameEn', code: 'tooLong' },
          { field: 'hours', code: 'tooLong' },
          { field: 'note', code: 'tooLong' },
          { field: 'phones', code: 'invalid', value: '12' },
          { field: 'aliases', code: 'tooMany' },
          { field: 'category', code: 'required' },
        ],
      },
    );
    const many = checkDirectoryEntry({
      name: '甲',
      phones: ['110', '119', '120', '122', '12345', '12315'],
      category: 'emergency',
    });
    assert.deepEqual(many, { ok: false, problems: [{ field: 'phones', code: 'tooMany' }] });
    assert.deepEqual(checkDirectoryEntry({ name: '甲', phones: [], category: 'x' }), {
      ok: false,
      problems: [
        { field: 'phones', code: 'required' },
        { field: 'category', code: 'invalid' },
      ],
    });
  });

  it('reads phones as normalisePhone does, plus the three-digit service numbers', () => {
    for (const good of ['110', '120', '12345', '0311-86681002', '+86 138 0013 8000', '0311 96595'])
      assert.equal(isDirectoryPhone(good), true, good);
    for (const bad of ['12', '1100', '911', 'abc', '0311-8668100x', '1'.repeat(16)])
      assert.equal(isDirectoryPhone(bad), false, bad);
  });
});

describe('查号 over departments and entries', () => {
  const water = entry('water', {
    name: '市自来水公司',
    nameEn: 'Water Supply',
    aliases: ['自来水', '停水'],
    category: 'utility',
  });
  const police = entry('police', { name: '报警电话', phones: ['110'], category: 'emergency' });
  const gas = entry('gas', { name: '市燃气公司', aliases: ['燃气'], category: 'utility', active: false });
  const entries = [water, police, gas];
  const keys = (q: string) =>
    searchDirectory(DEMO_DEPARTMENTS, q, entries).map((line) => ('code' in line ? line.code : line.id));

  it('finds an entry by name, initials, English name, alias and phone digits; not a disabled one', () => {
    assert.deepEqual(keys('自来水'), ['water']);
    assert.deepEqual(keys('zls'), ['water']);
    assert.deepEqual(keys('SUPPLY'), ['water']);
    assert.deepEqual(keys('停水'), ['water']);
    assert.deepEqual(keys('家里停水了'), ['water']);
    assert.deepEqual(keys('110'), ['police']);
    assert.deepEqual(keys('燃气'), []);
    assert.deepEqual(
      searchDirectory(DEMO_DEPARTMENTS, '燃气', entries, { includeDisabled: true }).map((l) => l.name),
      ['市燃气公司'],
    );
  });

  it('ranks by why it matched; within a rank departments first, then entries by category and name', () => {
    // 市 is in every name: departments by code, then utility before emergency.
    const all = keys('市');
    assert.deepEqual(all.slice(-1), ['water']);
    assert.equal(all.length, DEMO_DEPARTMENTS.filter((d) => d.name.includes('市')).length + 1);
    // By name (报警电话) before by phone digits (a department's 0311-…).
    const both = searchDirectory(DEMO_DEPARTMENTS, '86681002', [
      entry('x', { name: '86681002 热线', category: 'other' }),
    ]).map((line) => ('code' in line ? line.code : line.id));
    assert.deepEqual(both, ['x', 'MZJ']);
    // Empty: every department by code, then the active entries, utility before emergency.
    assert.deepEqual(keys('').slice(DEMO_DEPARTMENTS.length), ['water', 'police']);
  });

  it('answers an entry as the console shows it', () => {
    assert.deepEqual(searchDirectory([], '停水', [{ ...water, hours: '24 小时', note: '问片区' }]), [
      {
        id: 'water',
        category: 'utility',
        name: '市自来水公司',
        nameEn: 'Water Supply',
        phones: ['0311-96595'],
        hours: '24 小时',
        note: '问片区',
      },
    ]);
  });
});
