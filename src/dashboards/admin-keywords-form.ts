import {
  normaliseInitials,
  splitWords,
  type KeywordDraft,
  type KeywordProblem,
  type KeywordProblems,
} from '../channels/sms/custom-keyword-rules.js';
import type { StoredSmsKeyword } from '../store/sms-keywords.js';
import { localDate } from '../time/local-format.js';
import { addDays, fromLocal } from '../time/zoned-time.js';
import { staffText, type StaffLanguage } from './messages.js';

/** The keyword form as typed (words with 、, dates as `YYYY-MM-DD`), shown again when refused. */
export interface KeywordFormValues {
  initials: string;
  words: string;
  kind: string;
  category: string;
  reply: string;
  validFrom: string;
  validTo: string;
  active: boolean;
}

export type KeywordFormBody = Omit<KeywordFormValues, 'active'> & { active?: string };

export const NEW_FORM: KeywordFormValues = {
  initials: '',
  words: '',
  kind: 'complaint',
  category: '',
  reply: '',
  validFrom: '',
  validTo: '',
  active: true,
};

/** A date the page could not read (the use-case takes Dates only, so the rules never see it). */
interface DateProblem {
  code: 'date';
}

/** The refused fields of the page: the rules' problems, and dates the page could not read. */
export type FormProblems = Omit<KeywordProblems, 'validTo'> & {
  validFrom?: DateProblem;
  validTo?: KeywordProblem | DateProblem;
};

export function formValues(body: KeywordFormBody): KeywordFormValues {
  const { initials, words, kind, category, reply, validFrom, validTo } = body;
  return { initials, words, kind, category, reply, validFrom, validTo, active: body.active !== undefined };
}

/** A stored keyword in the form: its last valid day is the day before `validTo` (exclusive). */
export function formOf(keyword: StoredSmsKeyword, timeZone: string): KeywordFormValues {
  return {
    initials: keyword.initials ?? '',
    words: keyword.words.join('、'),
    kind: keyword.kind,
    category: keyword.category,
    reply: keyword.reply ?? '',
    validFrom: keyword.validFrom ? localDate(keyword.validFrom, timeZone) : '',
    validTo: keyword.validTo ? lastDay(keyword.validTo, timeZone) : '',
    active: keyword.active,
  };
}

/** The last local day of a range that ends (exclusive) at `validTo`. */
export function lastDay(validTo: Date, timeZone: string): string {
  return localDate(new Date(validTo.getTime() - 1), timeZone);
}

/**
 * The form as the use-case takes it: initials and words folded as the parser folds messages, dates
 * as instants in the hub's time zone (from the start of the first day to the end of the last).
 * Dates that are no dates are the page's own problems (the use-case gets Dates only).
 */
export function readForm(
  form: KeywordFormValues,
  timeZone: string,
): { draft: KeywordDraft & { active: boolean }; problems: FormProblems } {
  const problems: FormProblems = {};
  const from = localDay(form.validFrom);
  const to = localDay(form.validTo);
  if (from === null) problems.validFrom = { code: 'date' };
  if (to === null) problems.validTo = { code: 'date' };
  const reply = form.reply.trim();
  return {
    draft: {
      initials: normaliseInitials(form.initials),
      words: splitWords(form.words),
      kind: form.kind,
      category: form.category.trim(),
      reply: reply === '' ? undefined : reply,
      validFrom: from ? fromLocal(from, 0, timeZone) : undefined,
      validTo: to ? fromLocal(addDays(to, 1), 0, timeZone) : undefined,
      active: form.active,
    },
    problems,
  };
}

/** `YYYY-MM-DD` as typed; undefined when empty, null when it is no date. */
function localDay(text: string): string | undefined | null {
  const day = text.trim();
  if (day === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [y = 0, m = 0, d = 0] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toISOString().slice(0, 10) === day ? day : null;
}

/** Each refused field's message in the page's language. */
export function problemTexts(language: StaffLanguage, problems: FormProblems): Record<string, string> {
  return Object.fromEntries(
    Object.entries(problems).map(([field, problem]) => [field, problemText(language, field, problem)]),
  );
}

export function problemText(
  language: StaffLanguage,
  field: string,
  problem: KeywordProblem | DateProblem,
): string {
  const values = 'values' in problem ? problem.values : undefined;
  return staffText(language, `keywords.problem.${field}.${problem.code}`, values);
}
