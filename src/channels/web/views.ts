import path from 'node:path';
import { PROJECT_ROOT } from '../../config.js';
import { compilePageViews } from '../../http/page-views.js';
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
 * The citizen pages' views, compiled once at boot: `views/*.hbs` are pages rendered inside
 * `views/layout.hbs`, `views/partials/*.hbs` (if any) are partials. No view uses triple braces for
 * anything a person typed.
 */
export function compileViews(dir = VIEWS_DIR): RenderPage {
  return compilePageViews<PageLanguage, PageContext>({
    dir,
    label: 'citizen pages',
    translate,
    sample: { language: 'zh-CN' },
  });
}
