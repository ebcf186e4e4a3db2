import type Handlebars from 'handlebars';
import { createHandlebars, INLINE_HELPERS, BLOCK_HELPERS } from '../notifications/helpers.js';
import { fitSms } from '../notifications/sms-fit.js';
import type { Locale } from '../renderer.js';
import { smsInfo } from '../sms-parts.js';
import { ANSWERS_EN } from './answers-en.js';
import { ANSWERS_ZH } from './answers-zh.js';
import {
  APPLICATION_STATUS_LABELS,
  PAYMENT_STATUS_LABELS,
  RATING_LABELS,
  SUBSIDY_TYPE_LABELS,
  TICKET_STATUS_LABELS,
} from './labels.js';
import { ANSWER_NAMES, type AnswerData, type AnswerName, type AnswerSources } from './names.js';
import { SAMPLE_ANSWERS } from './samples.js';

export interface SmsAnswerOptions {
  /** SMS_SIGNATURE, put in front of every answer and counted in its parts. */
  signature: string;
  /** SMS_MAX_PARTS: no answer is longer. */
  maxParts: number;
}

const SOURCES: Record<Locale, AnswerSources> = { 'zh-CN': ANSWERS_ZH, en: ANSWERS_EN };

/** Helpers saying codes in words, besides the notification templates' own (kindLabel …). */
const LABEL_HELPERS: Record<string, Record<string, Record<Locale, string>>> = {
  ticketStatus: TICKET_STATUS_LABELS,
  applicationStatus: APPLICATION_STATUS_LABELS,
  paymentStatus: PAYMENT_STATUS_LABELS,
  subsidyType: SUBSIDY_TYPE_LABELS,
  rating: RATING_LABELS,
};

const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(
    [...INLINE_HELPERS, ...BLOCK_HELPERS, ...Object.keys(LABEL_HELPERS)].map((name) => [name, true]),
  ),
};

type Compiled = Record<Locale, Record<AnswerName, Handlebars.TemplateDelegate>>;

/**
 * The SMS webhook's own answers (TwiML `<Message>`), compiled once from an isolated Handlebars
 * instance in strict mode; every template is rendered with sample data at construction, so a broken
 * one stops the start-up. Every answer has the signature in front and is kept within `maxParts`:
 * a list drops its last items for 「…共N条」, other answers shorten their one free-text field.
 */
export class SmsAnswers {
  readonly #compiled: Compiled;

  constructor(readonly options: SmsAnswerOptions) {
    const hbs = createHandlebars();
    for (const [name, table] of Object.entries(LABEL_HELPERS)) {
      hbs.registerHelper(name, (code: unknown, helper: Handlebars.HelperOptions) => {
        const locale = localeOf((helper.data as { locale?: unknown } | undefined)?.locale);
        return table[String(code)]?.[locale] ?? String(code);
      });
    }
    const compile = (source: AnswerSources) =>
      Object.fromEntries(
        ANSWER_NAMES.map((name) => [name, hbs.compile(source[name], COMPILE_OPTIONS)]),
      ) as Record<AnswerName, Handlebars.TemplateDelegate>;
    this.#compiled = { 'zh-CN': compile(ANSWERS_ZH), en: compile(ANSWERS_EN) };
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const name of ANSWER_NAMES) this.bare(name, locale, SAMPLE_ANSWERS[name]);
    }
  }

  /** The text of one answer without the signature and without fitting (tests, previews). */
  bare<N extends AnswerName>(name: N, locale: string, data: AnswerData[N]): string {
    const resolved = localeOf(locale);
    return this.#compiled[resolved][name](data, { data: { locale: resolved } });
  }

  /**
   * One answer, signed and within the part limit. `cut`: the free-text field to shorten first when
   * it is too long (a case's result, an item name); otherwise the end of the answer is cut.
   */
  text<N extends AnswerName>(
    name: N,
    locale: string,
    data: AnswerData[N],
    cut?: keyof AnswerData[N] & string,
  ): string {
    const value = cut === undefined ? undefined : (data[cut] as unknown);
    const render = (text: string | undefined) =>
      this.options.signature + this.bare(name, locale, cut === undefined ? data : { ...data, [cut]: text });
    return fitSms(render, typeof value === 'string' ? value : undefined, this.options.maxParts);
  }

  /**
   * A head and as many items as fit, in order: all of them closed by the list end, or the first few
   * and 「…共N条」. At least the first item is kept (cut itself if it must be).
   */
  list<H extends AnswerName, I extends AnswerName>(
    locale: string,
    head: { name: H; data: AnswerData[H] },
    item: I,
    items: readonly AnswerData[I][],
  ): string {
    const source = SOURCES[localeOf(locale)];
    const start = this.options.signature + this.bare(head.name, locale, head.data);
    const rendered = items.map((data) => this.bare(item, locale, data));
    const more = this.bare('list.more', locale, { total: items.length });
    const withFirst = (count: number) =>
      start +
      rendered.slice(0, count).join(source.listSeparator) +
      (count < rendered.length ? source.listSeparator + more : source.listEnd);
    for (let count = rendered.length; count > 1; count--) {
      const text = withFirst(count);
      if (smsInfo(text).parts <= this.options.maxParts) return text;
    }
    return fitSms(() => withFirst(Math.min(1, rendered.length)), undefined, this.options.maxParts);
  }
}

function localeOf(locale: unknown): Locale {
  return locale === 'en' ? 'en' : 'zh-CN';
}
