import { smsInfo } from '../../templates/sms-parts.js';
import { KINDS, type TicketKind } from '../../tickets/types.js';
import { BUILT_IN_KEYWORDS, foldKeyword, type CustomKeyword } from './keywords.js';

/**
 * What a custom SMS keyword may be (pure): checked before it is stored, so the parser never meets
 * two readings of one message.
 *
 * - Initials: 2–4 letters A–Z (typed in any case or width, stored upper case). The parser reads
 *   initials only when no letter follows them (CX2611…, not CXK), so initials are ambiguous only
 *   when they are the same letters: `CXA` is allowed beside `CX`, `CX` and `TD` are not.
 * - Words: 2–8 Chinese characters. The parser reads a word as a prefix (查询一下社保 starts with
 *   查询), so a word must neither start with another keyword's word nor be the start of one:
 *   `查询社保` would be shadowed by 查询 (or take over what 查询 leaves as plain text), `查` would
 *   take over 查询一下社保. The same holds between custom keywords, enabled or not (enabling one must
 *   not make a collision).
 * - A category (what routing rules read, `conditions.categories`), a ticket kind, an optional reply
 *   that fits the SMS limit with the signature, and a validity range that is not empty.
 */
export interface KeywordDraft {
  initials?: string;
  words: readonly string[];
  kind: string;
  category: string;
  reply?: string;
  validFrom?: Date;
  validTo?: Date;
}

export const MAX_WORDS = 3;
export const MAX_CATEGORY_LENGTH = 80;
const INITIALS = /^[A-Z]{2,4}$/;
const WORD = /^\p{Script=Han}{2,8}$/u;

export type KeywordField = 'initials' | 'words' | 'kind' | 'category' | 'reply' | 'validTo';

/** One refused field: a code, and what the message quotes (the keyword it collides with, the parts). */
export interface KeywordProblem {
  code:
    | 'none'
    | 'letters'
    | 'chinese'
    | 'tooMany'
    | 'repeated'
    | 'builtIn'
    | 'taken'
    | 'unknown'
    | 'missing'
    | 'tooLong'
    | 'beforeFrom';
  /** The keyword collided with (`CX`, `查询`), the custom keyword's id, or the parts used / allowed. */
  values?: Record<string, string | number>;
}

export type KeywordProblems = Partial<Record<KeywordField, KeywordProblem>>;

/** The SMS limit the reply must fit: SMS_SIGNATURE in front, within SMS_MAX_PARTS. */
export interface ReplyLimit {
  signature: string;
  maxParts: number;
}

/** Initials as the parser compares them: half-width, upper case, trimmed (empty: none). */
export function normaliseInitials(text: string | undefined): string | undefined {
  const folded = foldKeyword(text ?? '').trim();
  return folded === '' ? undefined : folded;
}

/** Words as typed in one field, separated by spaces, commas, 、 or slashes. */
export function splitWords(text: string): string[] {
  return foldKeyword(text)
    .split(/[\s,，、;；/]+/)
    .filter((w) => w !== '');
}

/** The problems of a draft against the other custom keywords (the one being edited left out). */
export function customKeywordProblems(
  draft: KeywordDraft,
  others: readonly Pick<CustomKeyword, 'id' | 'initials' | 'words'>[],
  limit: ReplyLimit,
): KeywordProblems {
  const problems: KeywordProblems = {};
  const initials = initialsProblem(draft.initials, others);
  if (initials) problems.initials = initials;
  const words = wordsProblem(draft.words, others);
  if (words) problems.words = words;
  if (!draft.initials && draft.words.length === 0 && !problems.words) problems.initials = { code: 'none' };
  if (!isTicketKind(draft.kind)) problems.kind = { code: 'unknown' };
  const category = draft.category.trim();
  if (category === '') problems.category = { code: 'missing' };
  else if (category.length > MAX_CATEGORY_LENGTH)
    problems.category = { code: 'tooLong', values: { max: MAX_CATEGORY_LENGTH } };
  if (draft.reply !== undefined) {
    const parts = smsInfo(limit.signature + draft.reply).parts;
    if (parts > limit.maxParts) problems.reply = { code: 'tooLong', values: { parts, max: limit.maxParts } };
  }
  if (draft.validFrom && draft.validTo && draft.validTo <= draft.validFrom)
    problems.validTo = { code: 'beforeFrom' };
  return problems;
}

export function isTicketKind(kind: string): kind is TicketKind {
  return (KINDS as readonly string[]).includes(kind);
}

function initialsProblem(
  initials: string | undefined,
  others: readonly Pick<CustomKeyword, 'id' | 'initials'>[],
): KeywordProblem | undefined {
  if (initials === undefined) return undefined;
  if (!INITIALS.test(initials)) return { code: 'letters' };
  const builtIn = BUILT_IN_KEYWORDS.find((row) => row.initials.includes(initials));
  if (builtIn) return { code: 'builtIn', values: { keyword: initials } };
  const other = others.find((k) => k.initials === initials);
  if (other) return { code: 'taken', values: { keyword: initials, id: other.id } };
  return undefined;
}

/** One word starts the other: a message starting with the longer one starts with both. */
const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

function wordsProblem(
  words: readonly string[],
  others: readonly Pick<CustomKeyword, 'id' | 'words'>[],
): KeywordProblem | undefined {
  if (words.length > MAX_WORDS) return { code: 'tooMany', values: { max: MAX_WORDS } };
  const bad = words.find((w) => !WORD.test(w));
  if (bad !== undefined) return { code: 'chinese', values: { keyword: bad } };
  for (const [i, word] of words.entries()) {
    const twin = words.slice(i + 1).find((w) => overlaps(w, word));
    if (twin !== undefined) return { code: 'repeated', values: { keyword: twin } };
  }
  for (const word of words) {
    const builtIn = BUILT_IN_KEYWORDS.flatMap((row) => row.words).find((w) => overlaps(w, word));
    if (builtIn !== undefined) return { code: 'builtIn', values: { keyword: builtIn } };
    for (const other of others) {
      const taken = other.words.find((w) => overlaps(w, word));
      if (taken !== undefined) return { code: 'taken', values: { keyword: taken, id: other.id } };
    }
  }
  return undefined;
}
