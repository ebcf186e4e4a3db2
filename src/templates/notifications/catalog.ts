import { CITIZEN_EN } from './citizen-en.js';
import { CITIZEN_ZH } from './citizen-zh.js';
import type { Catalog } from './parts.js';
import { STAFF_EN } from './staff-en.js';
import { STAFF_ZH } from './staff-zh.js';

/** The built-in notification templates: every event × channel in zh-CN and en. Admins override them. */
export const BUILT_IN_CATALOG: Catalog = {
  'zh-CN': { ...CITIZEN_ZH, ...STAFF_ZH },
  en: { ...CITIZEN_EN, ...STAFF_EN },
};
