import { normalisePhone } from '../privacy/phone.js';
import { toHalfWidth } from '../text/width.js';

/**
 * What a directory entry (查号 numbers that are not departments: the water company's repair line,
 * 110, a hospital) may hold, and the one check the admin page and the API both run before saving.
 */

/** Never rename: stored in every entry and used as word keys (`directory.category.<name>`). */
export const DIRECTORY_CATEGORIES = ['utility', 'emergency', 'medical', 'government', 'other'] as const;
export type DirectoryCategory = (typeof DIRECTORY_CATEGORIES)[number];

/** An entry's id: chosen by an API client (`water-repair`) or made by the admin page (`e-…`). */
export const ENTRY_ID_PATTERN = '^[A-Za-z0-9_-]{1,40}$';

/** Limits in characters (and counts for phones and aliases): a line on an operator's screen. */
export const ENTRY_LIMITS = {
  name: 60,
  nameEn: 120,
  phones: 5,
  phone: 30,
  hours: 100,
  note: 500,
  aliases: 20,
  alias: 20,
} as const;

/** What an admin sends for an entry (page form or API body), before it is checked. */
export interface DirectoryEntryInput {
  name: string;
  nameEn?: string;
  phones: readonly string[];
  hours?: string;
  note?: string;
  aliases?: readonly string[];
  category: string;
  active?: boolean;
}

/** An entry's content as it is kept: checked, trimmed, without empty parts. */
export interface DirectoryEntryContent {
  name: string;
  nameEn?: string;
  phones: string[];
  /** Free text as the operator reads it out (`24 小时`, `工作日 8:30–17:30`). */
  hours?: string;
  /** For operators only (what to ask, when to transfer instead). */
  note?: string;
  /** Words callers use for it (自来水, 停水): the console's 查号 finds the entry by them. */
  aliases: string[];
  category: DirectoryCategory;
  active: boolean;
}

export type EntryField = 'name' | 'nameEn' | 'phones' | 'hours' | 'note' | 'aliases' | 'category';
export type EntryProblemCode = 'required' | 'tooLong' | 'tooMany' | 'invalid';

/** One refused part: which field, why, and the phone or alias at fault where there is one. */
export interface EntryProblem {
  field: EntryField;
  code: EntryProblemCode;
  value?: string;
}

export type EntryCheck =
  { ok: true; content: DirectoryEntryContent } | { ok: false; problems: EntryProblem[] };

/**
 * Checks and tidies an entry: a name, at least one phone number (each one a number
 * `normalisePhone` reads, or a three-digit service number such as 110 — too short for it), a known
 * category, every text within its limit. Control characters become spaces (the note keeps its
 * line breaks); repeated phones and aliases are kept once. `active` defaults to true.
 */
export function checkDirectoryEntry(input: DirectoryEntryInput): EntryCheck {
  const problems: EntryProblem[] = [];
  const name = line(input.name);
  if (name === '') problems.push({ field: 'name', code: 'required' });
  else if (tooLong(name, ENTRY_LIMITS.name)) problems.push({ field: 'name', code: 'tooLong' });
  const nameEn = line(input.nameEn ?? '');
  if (tooLong(nameEn, ENTRY_LIMITS.nameEn)) problems.push({ field: 'nameEn', code: 'tooLong' });
  const hours = line(input.hours ?? '');
  if (tooLong(hours, ENTRY_LIMITS.hours)) problems.push({ field: 'hours', code: 'tooLong' });
  const note = lines(input.note ?? '');
  if (tooLong(note, ENTRY_LIMITS.note)) problems.push({ field: 'note', code: 'tooLong' });

  const phones = unique(input.phones.map((p) => line(toHalfWidth(p)).replace(/\s+/g, ' ')));
  const badPhone = phones.find((p) => tooLong(p, ENTRY_LIMITS.phone) || !isDirectoryPhone(p));
  if (phones.length === 0) problems.push({ field: 'phones', code: 'required' });
  else if (phones.length > ENTRY_LIMITS.phones) problems.push({ field: 'phones', code: 'tooMany' });
  else if (badPhone !== undefined) problems.push({ field: 'phones', code: 'invalid', value: badPhone });

  const aliases = unique((input.aliases ?? []).map(line));
  const longAlias = aliases.find((a) => tooLong(a, ENTRY_LIMITS.alias));
  if (aliases.length > ENTRY_LIMITS.aliases) problems.push({ field: 'aliases', code: 'tooMany' });
  else if (longAlias !== undefined) problems.push({ field: 'aliases', code: 'tooLong', value: longAlias });

  const category = input.category.trim();
  if (!isDirectoryCategory(category))
    problems.push({ field: 'category', code: category === '' ? 'required' : 'invalid' });

  if (problems.length > 0 || !isDirectoryCategory(category)) return { ok: false, problems };
  return {
    ok: true,
    content: {
      name,
      ...(nameEn ? { nameEn } : {}),
      phones,
      ...(hours ? { hours } : {}),
      ...(note ? { note } : {}),
      aliases,
      category,
      active: input.active ?? true,
    },
  };
}

/**
 * A number the directory may list: what `normalisePhone` reads (landlines with their area code,
 * mobiles, 12345-style service numbers), or a three-digit special service number (110, 119, 120,
 * 122), which it leaves out because no citizen's own number is that short.
 */
export function isDirectoryPhone(text: string): boolean {
  return normalisePhone(text) !== undefined || /^1\d{2}$/.test(toHalfWidth(text).trim());
}

export function isDirectoryCategory(value: string): value is DirectoryCategory {
  return (DIRECTORY_CATEGORIES as readonly string[]).includes(value);
}

/** One line of text: control characters (tabs, line breaks, NUL) become spaces, then trimmed. */
function line(text: string): string {
  return text.replace(/\p{Cc}+/gu, ' ').trim();
}

/** Several lines (the note): line breaks kept as `\n`, other control characters become spaces. */
function lines(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n]+/gu, ' ')
    .trim();
}

function tooLong(text: string, max: number): boolean {
  return Array.from(text).length > max;
}

/** Without empty items and repeats, in the order given. */
function unique(items: readonly string[]): string[] {
  return [...new Set(items.filter((item) => item !== ''))];
}
