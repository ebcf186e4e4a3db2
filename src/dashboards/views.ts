import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { compilePageViews } from '../http/page-views.js';
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
 * The staff pages' views, compiled once at boot: `views/*.hbs` are pages rendered inside
 * `views/layout.hbs`, `views/partials/*.hbs` are partials. No view uses triple braces except the
 * layout's `body`.
 */
export function compileStaffViews(dir = VIEWS_DIR): RenderStaffPage {
  return compilePageViews<StaffLanguage, StaffPageContext>({
    dir,
    label: 'staff pages',
    translate: staffText,
    sample: { language: 'zh-CN', page: { nav: [] } },
    /** {{concat "role." role}}: a key built from parts. */
    helpers: { concat: (...parts: unknown[]) => parts.slice(0, -1).join('') },
  });
}
