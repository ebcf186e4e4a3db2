import Handlebars from 'handlebars';
import type { Locale } from '../renderer.js';

/**
 * The one Handlebars setup notification templates are compiled with: an isolated instance (nothing
 * registered globally can leak in), strict mode, and only the helpers named here. Helpers read the
 * locale from the render's `@locale` data variable, so one template source never branches on it.
 */

const KIND_LABELS: Record<string, Record<Locale, string>> = {
  complaint: { 'zh-CN': '投诉', en: 'complaint' },
  consultation: { 'zh-CN': '咨询', en: 'enquiry' },
  help: { 'zh-CN': '求助', en: 'request for help' },
  suggestion: { 'zh-CN': '建议', en: 'suggestion' },
  report: { 'zh-CN': '举报', en: 'report' },
  praise: { 'zh-CN': '表扬', en: 'praise' },
};

const CLOCK_LABELS: Record<string, Record<Locale, string>> = {
  sign: { 'zh-CN': '签收', en: 'acceptance' },
  response: { 'zh-CN': '首次响应', en: 'first response' },
  completion: { 'zh-CN': '办结', en: 'completion' },
  callback: { 'zh-CN': '回访', en: 'follow-up call' },
};

/** `1 2 3`: a number spaced out so a voice reads it digit by digit, not as "one hundred twenty-three". */
export function digits(value: string | number): string {
  return Array.from(String(value).replace(/\s+/g, '')).join(' ');
}

/** At most `max` characters (code points, so an emoji is never cut in half), with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Helpers taking values (`{{digits number}}`). */
export const INLINE_HELPERS = ['digits', 'kindLabel', 'clockLabel', 'truncate', 'moreUpdates'] as const;
/** Block helpers (`{{#if departmentName}}…{{else}}…{{/if}}`): the only branching templates may do. */
export const BLOCK_HELPERS = ['if', 'unless'] as const;

/** Default helpers of every Handlebars instance that templates may not use. */
const FORBIDDEN_DEFAULTS = ['each', 'with', 'log', 'lookup'] as const;

/**
 * Options every part is compiled with. `knownHelpersOnly` makes an unknown helper a compile error,
 * and strict mode makes a missing variable a render error instead of an empty string.
 */
export const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: {
    ...Object.fromEntries([...INLINE_HELPERS, ...BLOCK_HELPERS].map((name) => [name, true])),
    ...Object.fromEntries(FORBIDDEN_DEFAULTS.map((name) => [name, false])),
  },
} satisfies CompileOptions;

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
type HelperOptions = Handlebars.HelperOptions;

function localeOf(options: HelperOptions): Locale {
  const locale = (options.data as { locale?: unknown } | undefined)?.locale;
  return locale === 'en' ? 'en' : 'zh-CN';
}

/** Helper arguments are not covered by strict mode: a helper given nothing throws itself. */
function given(value: unknown, helper: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(
    `${helper}: its argument is ${value === undefined ? 'not defined' : 'not a text or number'}`,
  );
}

function label(table: Record<string, Record<Locale, string>>, helper: string) {
  return (value: unknown, options: HelperOptions): string => {
    const key = given(value, helper);
    return table[key]?.[localeOf(options)] ?? key;
  };
}

/** A fresh Handlebars instance with exactly our helpers. */
export function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create();
  for (const name of FORBIDDEN_DEFAULTS) hbs.unregisterHelper(name);
  hbs.registerHelper('digits', (value: unknown) => digits(given(value, 'digits')));
  hbs.registerHelper('kindLabel', label(KIND_LABELS, 'kindLabel'));
  hbs.registerHelper('clockLabel', label(CLOCK_LABELS, 'clockLabel'));
  hbs.registerHelper('truncate', (text: unknown, max: unknown) => {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new Error('truncate: the length must be a whole number, e.g. {{truncate text 60}}');
    }
    return truncate(given(text, 'truncate'), max);
  });
  hbs.registerHelper('moreUpdates', (value: unknown, options: HelperOptions) => {
    const count = Number(given(value, 'moreUpdates'));
    if (!(count > 0)) return '';
    return localeOf(options) === 'en'
      ? ` (${String(count)} more update${count === 1 ? '' : 's'})`
      : `（另有${String(count)}条更新）`;
  });
  return hbs;
}
