import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../../config.js';
import { translate, type PageLanguage } from './messages.js';

/** Read from the source tree, also when the hub runs from dist/ (tsc copies no .hbs). */
export const WEB_DIR = path.join(PROJECT_ROOT, 'src/channels/web');
const VIEWS_DIR = path.join(WEB_DIR, 'views');

/** What every page gets besides its own data (set by the plugin per request). */
export interface PageContext {
  language: PageLanguage;
  /** The CSRF token for the page's forms (hidden field `_csrf`). */
  csrf?: string;
  /** The current path, for the language switch link. */
  path: string;
  /**
   * The current query without `lang`, each pair followed by `&` (empty when none), so the language
   * switch keeps what the page needs (`/rate/N?t=…`, `/track?n=…`).
   */
  query?: string;
  title?: string;
}

export type RenderPage = (view: string, context: PageContext, data?: Record<string, unknown>) => string;

/**
 * The citizen pages' views, compiled once at boot (STYLE 11) from an isolated Handlebars instance:
 * `views/*.hbs` are pages rendered inside `views/layout.hbs`, `views/partials/*.hbs` (if any)
 * are partials.
 * Every value is escaped by Handlebars; no view uses triple braces for anything a person typed.
 */
export function compileViews(dir = VIEWS_DIR): RenderPage {
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  const partialsDir = path.join(dir, 'partials');
  const partials = existsSync(partialsDir) ? readdirSync(partialsDir) : [];
  for (const file of partials.filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialsDir, file), 'utf8'));
  }
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    const template = hbs.compile(readFileSync(path.join(dir, file), 'utf8'), { strict: false });
    // Compile now, not on first use: a broken view fails start-up.
    template({ language: 'zh-CN' });
    pages.set(path.basename(file, '.hbs'), template);
  }
  const layout = pages.get('layout');
  if (!layout) throw new Error(`citizen pages: ${dir}/layout.hbs is missing`);
  return (view, context, data = {}) => {
    const page = pages.get(view);
    if (!page) throw new Error(`citizen pages: no view "${view}"`);
    const values = { ...data, page: context, language: context.language };
    return layout({ ...values, body: page(values) });
  };
}

function registerHelpers(hbs: typeof Handlebars): void {
  /** {{t "key" name=value}}: the word in the page's language. */
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const data = options.data as { root?: { language?: PageLanguage } } | undefined;
    const root = data?.root;
    return translate(root?.language ?? 'zh-CN', key, options.hash as Record<string, string | number>);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  /** The other language, for the switch link. */
  hbs.registerHelper('otherLanguage', (language: PageLanguage) => (language === 'en' ? 'zh-CN' : 'en'));
}
