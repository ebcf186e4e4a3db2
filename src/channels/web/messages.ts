/** The citizen pages' words, zh-CN first (the default) and English. Keys are dotted names. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type PageLanguage = (typeof LANGUAGES)[number];

type Messages = Record<string, string>;

const zh: Messages = {
  'site.name': '12345 政务服务便民热线',
  'site.skip': '跳到正文',
  'site.home': '首页',
  'site.switch': 'English',
  'site.footer': '12345 政务服务便民热线 · 本站无需 JavaScript 即可使用',
  'home.title': '网上办事',
  'home.intro': '您可以在这里提交诉求、查询办理进度、查询惠农补贴和办件进度。',
  'home.submit': '我要反映（投诉、咨询、求助、建议）',
  'home.track': '查询工单进度',
  'home.subsidies': '惠农补贴查询',
  'home.applications': '办件进度查询',
  'home.board': '办理结果公示',
  'home.call': '也可拨打 12345 或发短信“BZ”获取帮助。',
  'error.title': '出错了',
  'error.back': '返回首页',
  'error.notFound': '您要找的页面不存在。',
  'error.csrf': '页面已过期或来源不明，请返回上一页刷新后重新提交。',
  'error.rateLimited': '操作太频繁，请 {{minutes}} 分钟后再试。',
  'error.unavailable': '系统暂时无法处理，请稍后再试，或拨打 12345。',
  'error.badRequest': '提交的内容无法识别，请检查后重新提交。',
};

const en: Messages = {
  'site.name': '12345 Government Service Hotline',
  'site.skip': 'Skip to content',
  'site.home': 'Home',
  'site.switch': '中文',
  'site.footer': '12345 Government Service Hotline · this site works without JavaScript',
  'home.title': 'Online services',
  'home.intro': 'Submit a request, follow its progress, look up farm subsidies and application cases.',
  'home.submit': 'Submit a request (complaint, question, help, suggestion)',
  'home.track': 'Track a request',
  'home.subsidies': 'Farm subsidy look-up',
  'home.applications': 'Application status',
  'home.board': 'Published results',
  'home.call': 'You can also call 12345, or text "BZ" for help.',
  'error.title': 'Something went wrong',
  'error.back': 'Back to the home page',
  'error.notFound': 'This page does not exist.',
  'error.csrf': 'This form has expired or did not come from this site. Go back, reload and send it again.',
  'error.rateLimited': 'Too many attempts. Please try again in {{minutes}} minute(s).',
  'error.unavailable': 'We cannot handle this right now. Please try again later, or call 12345.',
  'error.badRequest': 'We could not read what was sent. Please check it and send it again.',
};

const catalogue: Record<PageLanguage, Messages> = { 'zh-CN': zh, en };

/**
 * Adds page words (each page's module registers its own, so the words live beside the page).
 * A key given in one language must be given in the other: checked by {@link missingTranslations}.
 */
export function addMessages(words: Record<PageLanguage, Messages>): void {
  for (const language of LANGUAGES) Object.assign(catalogue[language], words[language]);
}

/** The word for `key`, with `{{name}}` placeholders filled; the key itself when it is missing. */
export function translate(
  language: PageLanguage,
  key: string,
  values: Record<string, string | number | undefined> = {},
): string {
  const text = catalogue[language][key] ?? catalogue['zh-CN'][key] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** Keys present in one language and not the other (a unit test keeps this empty). */
export function missingTranslations(): string[] {
  const zhKeys = Object.keys(catalogue['zh-CN']);
  const enKeys = Object.keys(catalogue.en);
  return [...zhKeys.filter((k) => !(k in catalogue.en)), ...enKeys.filter((k) => !(k in catalogue['zh-CN']))];
}

export function isPageLanguage(value: unknown): value is PageLanguage {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
