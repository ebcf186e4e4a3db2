import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/** The two page languages, zh-CN first (the default): both the citizen and the staff pages have these. */
type Language = 'zh-CN' | 'en';

export interface PageViewsOptions<L extends Language> {
  /** The folder with `*.hbs` pages (one of them `layout.hbs`) and, if any, `partials/*.hbs`. */
  dir: string;
  /** Names the pages in start-up and render errors ("staff pages", "citizen pages"). */
  label: string;
  /** The word for `key` in `language`, placeholders filled: what `{{t "key" name=value}}` shows. */
  translate: (language: L, key: string, values: Record<string, string | number>) => string;
  /** The data each view is rendered with once at boot, so that a broken view fails start-up. */
  sample: Record<string, unknown>;
  /** Helpers beside `t`, `eq` and `otherLanguage`. */
  helpers?: Record<string, Handlebars.HelperDelegate>;
}

export type RenderView<C> = (view: string, context: C, data?: Record<string, unknown>) => string;

/**
 * A set of pages' views, compiled once at boot (STYLE 11) from an isolated Handlebars instance:
 * each page is rendered inside `layout.hbs` with the page's own data, `page` (the per-request
 * context) and `language`. Every value is escaped by Handlebars; only the layout's `body` is not.
 */
export function compilePageViews<L extends Language, C extends { language: L }>(
  options: PageViewsOptions<L>,
): RenderView<C> {
  const { dir, label } = options;
  const hbs = Handlebars.create();
  registerHelpers(hbs, options);
  const partialsDir = path.join(dir, 'partials');
  const partials = existsSync(partialsDir) ? readdirSync(partialsDir) : [];
  for (const file of partials.filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialsDir, file), 'utf8'));
  }
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    const template = hbs.compile(readFileSync(path.join(dir, file), 'utf8'), { strict: false });
    // Compile now, not on first use: a broken view fails start-up.
    template(options.sample);
    pages.set(path.basename(file, '.hbs'), template);
  }
  const layout = pages.get('layout');
  if (!layout) throw new Error(`${label}: ${dir}/layout.hbs is missing`);
  return (view, context, data = {}) => {
    const page = pages.get(view);
    if (!page) throw new Error(`${label}: no view "${view}"`);
    const values = { ...data, page: context, language: context.language };
    return layout({ ...values, body: page(values) });
  };
}

function registerHelpers<L extends Language>(hbs: typeof Handlebars, options: PageViewsOptions<L>): void {
  /** {{t "key" name=value}}: the word in the page's language. */
  hbs.registerHelper('t', function (this: unknown, key: string, helper: Handlebars.HelperOptions) {
    const root = (helper.data as { root?: { language?: L } } | undefined)?.root;
    return options.translate(
      root?.language ?? ('zh-CN' as L),
      key,
      helper.hash as Record<string, string | number>,
    );
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  /** The other language, for the switch link. */
  hbs.registerHelper('otherLanguage', (language: L) => (language === 'en' ? 'zh-CN' : 'en'));
  for (const [name, helper] of Object.entries(options.helpers ?? {})) hbs.registerHelper(name, helper);
}
