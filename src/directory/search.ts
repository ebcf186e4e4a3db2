import { DIRECTORY_CATEGORIES, type DirectoryCategory } from './entry-rules.js';
import type { Department } from '../store/departments.js';
import type { DirectoryEntry } from '../store/directory-entries.js';
import { toHalfWidth } from '../text/width.js';
import { matchesInitials } from '../text/pinyin-initials.js';

/** The longest query the directory reads (a name, a code, initials, an alias or part of a number). */
export const DIRECTORY_QUERY_MAX = 40;

/** A department as the directory (查号) shows it. */
export interface DepartmentLine {
  code: string;
  name: string;
  nameEn?: string;
  phones: string[];
  email?: string;
  /** `09:00–12:00, 13:30–17:30` (working days), or empty: the centre's hours apply. */
  hours: string;
}

/** Another number (a utility's repair line, 110, a hospital) as the directory shows it. */
export interface EntryLine {
  id: string;
  category: DirectoryCategory;
  name: string;
  nameEn?: string;
  phones: string[];
  /** As the admin wrote it (`24 小时`), or empty when not given. */
  hours: string;
  /** For the operator (what to ask, when to transfer instead). */
  note?: string;
}

/** One line of the answer: a department (it has a `code`) or another entry (it has a `category`). */
export type DirectoryLine = DepartmentLine | EntryLine;

export function isDepartmentLine(line: DirectoryLine): line is DepartmentLine {
  return 'code' in line;
}

/** Why a line matched, best first: the order of the answer. Entries have no code. */
const RANK = { code: 0, codePrefix: 1, name: 2, initials: 3, english: 4, alias: 5, phone: 6 } as const;

/** Within one rank: departments by code, then entries by category, then by name in pinyin order. */
const CATEGORY_ORDER = new Map<string, number>(DIRECTORY_CATEGORIES.map((c, n) => [c, n]));
const BY_PINYIN = new Intl.Collator('zh-Hans-CN-u-co-pinyin');

interface Ranked {
  line: DirectoryLine;
  rank: number;
}

/**
 * 查号: the active departments and the active directory entries that match `query` by code
 * (departments), Chinese name, pinyin initials, English name, alias (entries: 自来水, 停水) or part
 * of a phone number (full-width characters as typed by a Chinese IME are read as half-width), best
 * matches first; an empty query lists them all. Pure: the caller reads departments and entries.
 * `includeDisabled` also answers disabled entries (the API, for admins who enable them again).
 */
export function searchDirectory(departments: readonly Department[], query: string): DepartmentLine[];
export function searchDirectory(
  departments: readonly Department[],
  query: string,
  entries: readonly DirectoryEntry[],
  options?: { includeDisabled?: boolean },
): DirectoryLine[];
export function searchDirectory(
  departments: readonly Department[],
  query: string,
  entries: readonly DirectoryEntry[] = [],
  options: { includeDisabled?: boolean } = {},
): DirectoryLine[] {
  const q = toHalfWidth(query).trim().slice(0, DIRECTORY_QUERY_MAX);
  const rankOr = (rank: number | undefined, line: DirectoryLine): Ranked[] =>
    rank === undefined ? [] : [{ line, rank }];
  const ranked = [
    ...departments
      .filter((d) => d.active)
      .flatMap((d) => rankOr(q === '' ? 0 : departmentRank(d, q), departmentLine(d))),
    ...entries
      .filter((e) => e.active || options.includeDisabled === true)
      .flatMap((e) => rankOr(q === '' ? 0 : entryRank(e, q), entryLine(e))),
  ];
  ranked.sort((a, b) => a.rank - b.rank || compareLines(a.line, b.line));
  return ranked.map(({ line }) => line);
}

function departmentRank(d: Department, q: string): number | undefined {
  const lower = q.toLowerCase();
  const code = d.code.toLowerCase();
  if (code === lower) return RANK.code;
  if (code.startsWith(lower)) return RANK.codePrefix;
  return nameRank(d, q) ?? phoneRank(d.phones, q);
}

function entryRank(e: DirectoryEntry, q: string): number | undefined {
  const lower = q.toLowerCase();
  const alias = e.aliases.some((a) => {
    const known = a.toLowerCase();
    return known.includes(lower) || (Array.from(known).length >= 2 && lower.includes(known));
  });
  return nameRank(e, q) ?? (alias ? RANK.alias : phoneRank(e.phones, q));
}

/** By the Chinese name, its pinyin initials (`mzj`, `zls`) or the English name. */
function nameRank(named: { name: string; nameEn?: string }, q: string): number | undefined {
  const lower = q.toLowerCase();
  if (named.name.includes(q)) return RANK.name;
  if (matchesInitials(named.name, lower)) return RANK.initials;
  if (named.nameEn?.toLowerCase().includes(lower)) return RANK.english;
  return undefined;
}

/** Three or more digits (spaces and dashes ignored) found in one of the numbers. */
function phoneRank(phones: readonly string[], q: string): number | undefined {
  const digits = q.replace(/[\s-]/g, '');
  if (!/^\d{3,}$/.test(digits)) return undefined;
  return phones.some((p) => p.replace(/\D/g, '').includes(digits)) ? RANK.phone : undefined;
}

function compareLines(a: DirectoryLine, b: DirectoryLine): number {
  if (isDepartmentLine(a)) return isDepartmentLine(b) ? byCode(a.code, b.code) : -1;
  if (isDepartmentLine(b)) return 1;
  return (
    (CATEGORY_ORDER.get(a.category) ?? 0) - (CATEGORY_ORDER.get(b.category) ?? 0) ||
    BY_PINYIN.compare(a.name, b.name) ||
    byCode(a.id, b.id)
  );
}

function byCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function departmentLine(d: Department): DepartmentLine {
  return {
    code: d.code,
    name: d.name,
    ...(d.nameEn ? { nameEn: d.nameEn } : {}),
    phones: d.phones,
    ...(d.email ? { email: d.email } : {}),
    hours: d.workingHours.map((h) => `${h.from}–${h.to}`).join(', '),
  };
}

function entryLine(e: DirectoryEntry): EntryLine {
  return {
    id: e.id,
    category: e.category,
    name: e.name,
    ...(e.nameEn ? { nameEn: e.nameEn } : {}),
    phones: e.phones,
    hours: e.hours ?? '',
    ...(e.note ? { note: e.note } : {}),
  };
}
