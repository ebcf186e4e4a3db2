/**
 * The staff pages' words, zh-CN first (the default) and English. Keys are dotted names; each area's
 * module adds its own (`words/*.ts`) so the words live beside the pages.
 */
export const STAFF_LANGUAGES = ['zh-CN', 'en'] as const;
export type StaffLanguage = (typeof STAFF_LANGUAGES)[number];

type Messages = Record<string, string>;

const zh: Messages = {
  'site.name': '12345 热线工作平台',
  'site.skip': '跳到正文',
  'site.switch': 'English',
  'site.logout': '退出',
  'site.signedInAs': '{{name}}（{{role}}）',
  'site.footer': '12345 政务服务便民热线 · 所有操作均留痕',
  'nav.console': '话务台',
  'nav.desk': '部门工作台',
  'nav.supervision': '效能监察',
  'nav.admin': '系统管理',
  'nav.audit': '审计日志',
  'role.operator': '话务员',
  'role.clerk': '承办人',
  'role.head': '科室负责人',
  'role.supervisor': '督办员',
  'role.admin': '系统管理员',
  'error.title': '出错了',
  'error.back': '返回首页',
  'error.notFound': '页面不存在。',
  'error.forbidden': '您的角色无权访问此页面。',
  'error.csrf': '表单已过期或来源不明，请刷新页面后重新提交。',
  'error.rateLimited': '操作太频繁，请 {{minutes}} 分钟后再试。',
  'error.unavailable': '系统暂时无法处理，请稍后再试。',
  'error.busy': '该记录正在被修改，请稍后再试。',
  'error.badRequest': '提交的内容无法识别，请检查后重新提交。',
};

const en: Messages = {
  'site.name': '12345 Hotline Workbench',
  'site.skip': 'Skip to content',
  'site.switch': '中文',
  'site.logout': 'Sign out',
  'site.signedInAs': '{{name}} ({{role}})',
  'site.footer': '12345 Government Service Hotline · every action is recorded',
  'nav.console': 'Console',
  'nav.desk': 'Department desk',
  'nav.supervision': 'Supervision',
  'nav.admin': 'Administration',
  'nav.audit': 'Audit log',
  'role.operator': 'Operator',
  'role.clerk': 'Department clerk',
  'role.head': 'Department head',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',
  'error.title': 'Something went wrong',
  'error.back': 'Back to my start page',
  'error.notFound': 'This page does not exist.',
  'error.forbidden': 'Your role may not open this page.',
  'error.csrf': 'This form has expired or did not come from this site. Reload the page and send it again.',
  'error.rateLimited': 'Too many attempts. Please try again in {{minutes}} minute(s).',
  'error.unavailable': 'We cannot handle this right now. Please try again later.',
  'error.busy': 'This record is being changed. Please try again in a moment.',
  'error.badRequest': 'We could not read what was sent. Please check it and send it again.',
};

const catalogue: Record<StaffLanguage, Messages> = { 'zh-CN': zh, en };

/** Adds an area's words; a key given in one language must be given in the other ({@link missingStaffTranslations}). */
export function addStaffMessages(words: Record<StaffLanguage, Messages>): void {
  for (const language of STAFF_LANGUAGES) Object.assign(catalogue[language], words[language]);
}

/** The word for `key`, with `{{name}}` placeholders filled; the key itself when it is missing. */
export function staffText(
  language: StaffLanguage,
  key: string,
  values: Record<string, string | number | undefined> = {},
): string {
  const text = catalogue[language][key] ?? catalogue['zh-CN'][key] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** Keys present in one language and not the other (a test keeps this empty). */
export function missingStaffTranslations(): string[] {
  const zhKeys = Object.keys(catalogue['zh-CN']);
  const enKeys = Object.keys(catalogue.en);
  return [...zhKeys.filter((k) => !(k in catalogue.en)), ...enKeys.filter((k) => !(k in catalogue['zh-CN']))];
}

export function isStaffLanguage(value: unknown): value is StaffLanguage {
  return typeof value === 'string' && (STAFF_LANGUAGES as readonly string[]).includes(value);
}
