import type Handlebars from 'handlebars';
import type { Locale } from '../renderer.js';

/**
 * The one HTML layout every email is wrapped in. It is compiled with escaping on, so the subject is
 * escaped here and the content arrives already escaped: an email's `html` fragment is compiled with
 * escaping too, and a text part is escaped by {@link textToHtml}. Inline styles only: mail clients
 * drop `<style>`.
 */
const LAYOUT = `<!DOCTYPE html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;font-family:Arial,'Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#222222">
<h1 style="margin:0 0 16px;font-size:18px;color:#b71c1c">{{subject}}</h1>
{{content}}
<p style="margin-top:24px;padding-top:12px;border-top:1px solid #dddddd;font-size:12px;color:#888888">{{footer}}</p>
</div>
</body>
</html>
`;

const FOOTER: Record<Locale, string> = {
  'zh-CN': '12345政务服务便民热线',
  en: '12345 Government Service Hotline',
};

export interface LayoutData {
  subject: string;
  /** Already-escaped HTML. */
  content: string;
  locale: Locale;
}

export type Layout = (data: LayoutData) => string;

/** Compiles the layout on the given (isolated) instance. */
export function compileLayout(hbs: typeof Handlebars): Layout {
  const template = hbs.compile(LAYOUT, { strict: true, knownHelpersOnly: true });
  const layout: Layout = ({ subject, content, locale }) =>
    template({
      subject,
      content: new hbs.SafeString(content),
      lang: locale,
      footer: FOOTER[locale],
    });
  // compile() is lazy: render once now, so the layout is compiled at boot and never while sending.
  layout({ subject: '', content: '', locale: 'zh-CN' });
  return layout;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** A link in escaped text: URL characters only, so CJK punctuation or a bracket after it ends it. */
const URL = /https?:\/\/[\w\-.~:/?#[\]@!$&*+,;=%]+/g;

/** Escaped text as paragraphs (blank lines) and line breaks, with its links made clickable. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => {
      const html = escapeHtml(paragraph)
        .replace(URL, (match) => {
          // A sentence's full stop after a link is not part of it.
          const url = match.replace(/[.,;:!?]+$/, '');
          return `<a href="${url}">${url}</a>${match.slice(url.length)}`;
        })
        .replace(/\n/g, '<br>\n');
      return `<p style="margin:0 0 12px">${html}</p>`;
    })
    .join('\n');
}
