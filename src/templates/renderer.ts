import Handlebars from 'handlebars';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Template sources by name and locale. Plain text: nothing is HTML-escaped. */
export type TemplateSources = Record<string, Record<Locale, string>>;

export type Render = (name: string, locale: string, data: Record<string, unknown>) => string;

const KIND_LABELS: Record<string, Record<Locale, string>> = {
  complaint: { 'zh-CN': '投诉', en: 'complaint' },
  consultation: { 'zh-CN': '咨询', en: 'enquiry' },
  help: { 'zh-CN': '求助', en: 'request for help' },
  suggestion: { 'zh-CN': '建议', en: 'suggestion' },
  report: { 'zh-CN': '举报', en: 'report' },
  praise: { 'zh-CN': '表扬', en: 'praise' },
};

/**
 * Compiles every template once, from an isolated Handlebars instance with named helpers, in strict
 * mode: a broken template or a missing variable fails start-up (or the test), not a job at 3 a.m.
 */
export function compileTemplates(sources: TemplateSources): Render {
  const hbs = Handlebars.create();
  hbs.registerHelper('kindLabel', (kind: unknown, options: Handlebars.HelperOptions) => {
    const locale = (options.data as { root?: { locale?: Locale } }).root?.locale ?? 'zh-CN';
    return KIND_LABELS[String(kind)]?.[locale] ?? String(kind);
  });
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, byLocale] of Object.entries(sources)) {
    for (const locale of LOCALES) {
      const source = byLocale[locale];
      // compile() is lazy; precompile() parses now, so a syntax error stops the boot.
      hbs.precompile(source, { strict: true });
      compiled.set(`${name}/${locale}`, hbs.compile(source, { noEscape: true, strict: true }));
    }
  }
  return (name, requested, data) => {
    const locale: Locale = LOCALES.includes(requested as Locale) ? (requested as Locale) : 'zh-CN';
    const template = compiled.get(`${name}/${locale}`);
    if (!template) throw new Error(`no template ${name}/${locale}`);
    return template({ ...data, locale });
  };
}
