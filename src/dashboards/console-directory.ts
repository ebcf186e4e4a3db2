import type { Department } from '../store/departments.js';
import { toHalfWidth } from '../text/width.js';
import { matchesInitials } from './console-pinyin.js';

/** The longest query the directory reads (a name, a code, initials or part of a number). */
export const DIRECTORY_QUERY_MAX = 40;

/** One line of the directory (查号) as the console shows it. */
export interface DirectoryEntry {
  code: string;
  name: string;
  nameEn?: string;
  phones: string[];
  email?: string;
  /** `09:00–12:00, 13:30–17:30` (working days), or empty: the centre's hours apply. */
  hours: string;
}

/** Why a department matched, best first: the order of the answer. */
const RANK = { code: 0, codePrefix: 1, name: 2, initials: 3, english: 4, phone: 5 } as const;

/**
 * 查号: the active departments that match `query` by code, Chinese name, pinyin initials, English
 * name or part of a phone number (full-width characters as typed by a Chinese IME are read as
 * half-width), best matches first; an empty query lists them all by code. Pure: the caller reads
 * the departments.
 */
export function searchDirectory(departments: readonly Department[], query: string): DirectoryEntry[] {
  const q = toHalfWidth(query).trim().slice(0, DIRECTORY_QUERY_MAX);
  const active = departments.filter((d) => d.active);
  const ranked = active.flatMap((d) => {
    const rank = q === '' ? 0 : rankOf(d, q);
    return rank === undefined ? [] : [{ d, rank }];
  });
  ranked.sort((a, b) => a.rank - b.rank || (a.d.code < b.d.code ? -1 : a.d.code > b.d.code ? 1 : 0));
  return ranked.map(({ d }) => entryOf(d));
}

function rankOf(d: Department, q: string): number | undefined {
  const lower = q.toLowerCase();
  const code = d.code.toLowerCase();
  if (code === lower) return RANK.code;
  if (code.startsWith(lower)) return RANK.codePrefix;
  if (d.name.includes(q)) return RANK.name;
  if (matchesInitials(d.name, lower)) return RANK.initials;
  if (d.nameEn?.toLowerCase().includes(lower)) return RANK.english;
  const digits = q.replace(/[\s-]/g, '');
  if (/^\d{3,}$/.test(digits) && d.phones.some((p) => p.replace(/\D/g, '').includes(digits)))
    return RANK.phone;
  return undefined;
}

function entryOf(d: Department): DirectoryEntry {
  return {
    code: d.code,
    name: d.name,
    ...(d.nameEn ? { nameEn: d.nameEn } : {}),
    phones: d.phones,
    ...(d.email ? { email: d.email } : {}),
    hours: d.workingHours.map((h) => `${h.from}–${h.to}`).join(', '),
  };
}
