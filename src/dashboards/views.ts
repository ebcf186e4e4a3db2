import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config.js';
import { staffText, type StaffLanguage } from './messages.js';
import type { NavItem } from './nav.js';

/** The top-level `dashboards/` folder: read from the source tree, also when the hub runs from dist/. */
export const DASHBOARDS_DIR = path.join(PROJECT_ROOT, 'dashboards');
const VIEWS_DIR = path.join(DASHBOARDS_DIR, 'views');

/** What every staff page gets besides its own data (set per request by the plugin). */
export interface StaffPageContext {
  language: StaffLanguage;
  path: string;
  /** The query without `lang`, each pair followed by `&`, for the language switch. */
  query: string;
  title?: string;
  /** The CSRF token of the page's forms (hidden field `_csrf`). */
  csrf: string;
  /** The signed-in person (absent on the sign-in and error pages of a stranger). */
  user?: { username: string; name: string; role: string; department?: string };
  nav: NavItem[];
  home: string;
}

export type RenderStaffPage = (
  view: string,
  context: StaffPageContext,
  data?: Record<string, unknown>,
) => string;

/**
 * The staff pages' views, compiled once at boot (STYLE 11) from an isolated Handlebars instance:
 * `views/*.hbs` are pages rendered inside `views/layout.hbs`, `views/partials/*.hbs` are partials.
 * Every value is escaped; no view uses triple braces except the layout's `body`.
 */
export function compileStaffViews(dir = VIEWS_DIR): RenderStaffPage {
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
    template({ language: 'zh-CN', page: { nav: [] } });
    pages.set(path.basename(file, '.hbs'), template);
  }
  const layout = pages.get('layout');
  if (!layout) throw new Error(`staff pages: ${dir}/layout.hbs is missing`);
  return (view, context, data = {}) => {
    const page = pages.get(view);
    if (!page) throw new Error(`staff pages: no view "${view}"`);
    const values = { ...data, page: context, language: context.language };
    return layout({ ...values, body: page(values) });
  };
}

function registerHelpers(hbs: typeof Handlebars): void {
  /** {{t "key" name=value}}: the word in the page's language. */
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const root = (options.data as { root?: { language?: StaffLanguage } } | undefined)?.root;
    return staffText(root?.language ?? 'zh-CN', key, options.hash as Record<string, string | number>);
  });
  /** {{concat "role." role}}: a key built from parts. */
  hbs.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('otherLanguage', (language: StaffLanguage) => (language === 'en' ? 'zh-CN' : 'en'));
}
