import type { TemplateInUse } from '../api/template-admin.js';
import type { OutboundChannel } from '../notify/types.js';
import type { StoredTemplate } from '../store/message-templates.js';
import type { TemplateProblem } from '../templates/notifications/compile.js';
import { minimalData, NOTIFICATION_FIELDS } from '../templates/notifications/data.js';
import { INLINE_HELPERS } from '../templates/notifications/helpers.js';
import type { NotificationTemplates } from '../templates/notifications/notification-templates.js';
import type { TemplateKey, TemplateParts } from '../templates/notifications/parts.js';
import type { Locale } from '../templates/renderer.js';
import type { SmsInfo } from '../templates/sms-parts.js';
import { localMinute } from '../time/local-format.js';
import { staffText, type StaffLanguage } from './messages.js';

/** What the message-templates page shows, in words: pure functions over the compiled templates. */

/** The language a call says a template in (Twilio `<Say language>`, as the voice adapter sends it). */
const SAY_LANGUAGE: Record<Locale, string> = { 'zh-CN': 'cmn-CN', en: 'en-US' };

/** An example of each helper, shown beside the placeholders. */
const HELPER_EXAMPLES: Record<(typeof INLINE_HELPERS)[number], string> = {
  digits: '{{digits number}}',
  kindLabel: '{{kindLabel kind}}',
  clockLabel: '{{clockLabel clock}}',
  truncate: '{{truncate text 60}}',
  moreUpdates: '{{moreUpdates collapsed}}',
};

/** `/staff/admin/templates/<event>/<channel>/<locale>` */
export function editorPath(key: TemplateKey): string {
  return `/staff/admin/templates/${key.event}/${key.channel}/${key.locale}`;
}

export function smsLine(language: StaffLanguage, sms: SmsInfo): string {
  return staffText(language, 'templates.smsLine', { ...sms });
}

export interface ListFilter {
  channel?: OutboundChannel;
  locale?: Locale;
}

/** Every template in use, grouped by event (in catalog order), with where it comes from. */
export function listGroups(
  language: StaffLanguage,
  templates: NotificationTemplates,
  filter: ListFilter,
  inUse: (key: TemplateKey) => TemplateInUse | undefined,
): { event: string; label: string; rows: Record<string, unknown>[] }[] {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const info of templates.list()) {
    if (filter.channel && info.channel !== filter.channel) continue;
    if (filter.locale && info.locale !== filter.locale) continue;
    const state = inUse(info);
    const rows = groups.get(info.event) ?? [];
    rows.push({
      id: `${info.event}-${info.channel}-${info.locale}`.replace(/\./g, '_'),
      href: editorPath(info),
      channel: info.channel,
      locale: info.locale,
      override: info.source === 'override',
      source: sourceText(language, info.source, info.version),
      sms: state?.sms && { ...state.sms, line: smsLine(language, state.sms) },
      skipped: state?.skipped !== undefined,
    });
    groups.set(info.event, rows);
  }
  return [...groups].map(([event, rows]) => ({ event, label: eventLabel(language, event), rows }));
}

export function eventLabel(language: StaffLanguage, event: string): string {
  return staffText(language, `templates.event.${event}`);
}

function sourceText(language: StaffLanguage, source: 'built-in' | 'override', version?: number): string {
  return source === 'override'
    ? staffText(language, 'templates.source.override', { version })
    : staffText(language, 'templates.source.builtIn');
}

export interface ProblemView {
  field: string;
  /** The field's name and the line, e.g. `正文 第 2 行`. */
  where: string;
  line?: number;
  message: string;
}

export function problemViews(language: StaffLanguage, problems: readonly TemplateProblem[]): ProblemView[] {
  return problems.map((p) => {
    const label = staffText(language, `templates.field.${p.field}`);
    const line = p.line === undefined ? '' : ` ${staffText(language, 'templates.line', { line: p.line })}`;
    return { field: p.field, where: label + line, line: p.line, message: p.message };
  });
}

/** Each part's problems, for the message under its field. */
export function problemsByField(problems: readonly ProblemView[]): Record<string, ProblemView[]> {
  const fields: Record<string, ProblemView[]> = {};
  for (const problem of problems) (fields[problem.field] ??= []).push(problem);
  return fields;
}

/**
 * The preview of `parts` (or of the template in use) rendered with the sample data: the exact SMS
 * with its signature and part count, the text a call says and in which language, an email's subject,
 * text and HTML source (shown as text, never as markup in the staff page).
 */
export function previewView(
  language: StaffLanguage,
  templates: NotificationTemplates,
  key: TemplateKey,
  parts: TemplateParts,
): Record<string, unknown> {
  const result = templates.preview(key, parts);
  // An SMS over the limit renders (shortened): its problem is the warning under the part count.
  const over = result.problems.find((p) => p.parts !== undefined)?.parts;
  const problems = problemViews(
    language,
    result.problems.filter((p) => p.parts === undefined),
  );
  const rendered = result.ok ? result.rendered : undefined;
  const sms = rendered?.sms;
  return {
    ok: result.ok,
    is: { [key.channel]: true },
    problems,
    subject: rendered?.subject,
    body: rendered?.body,
    html: rendered?.html,
    sms: sms && {
      ...sms,
      line: smsLine(language, sms),
      limits: staffText(language, `templates.preview.limits.${sms.encoding}`),
      max: templates.smsMaxParts,
      signature: templates.smsSignature,
      over: over !== undefined && {
        text: staffText(language, 'templates.preview.over', { parts: over, max: templates.smsMaxParts }),
      },
    },
    sayLanguage: SAY_LANGUAGE[key.locale],
  };
}

/** The fields a template may use, with the sample's values; the ones the event may lack are marked. */
export function placeholders(
  language: StaffLanguage,
  templates: NotificationTemplates,
  key: TemplateKey,
): { fields: Record<string, unknown>[]; helpers: Record<string, unknown>[] } {
  const sample = templates.sample;
  const always = minimalData(key.event, sample);
  return {
    fields: NOTIFICATION_FIELDS.map((field) => ({
      code: `{{${field}}}`,
      sample: String(sample[field] ?? ''),
      note: staffText(language, field in always ? 'templates.always' : 'templates.optional', {
        code: `{{#if ${field}}}…{{/if}}`,
      }),
      optional: !(field in always),
    })),
    helpers: INLINE_HELPERS.map((helper) => ({
      code: HELPER_EXAMPLES[helper],
      text: staffText(language, `templates.helper.${helper}`),
    })),
  };
}

export function versionLines(
  language: StaffLanguage,
  history: readonly StoredTemplate[],
  timeZone: string,
  href: string,
): Record<string, unknown>[] {
  return history.map((old) => ({
    version: old.version,
    line: staffText(language, 'templates.versionLine', {
      version: old.version,
      at: localMinute(old.updatedAt, timeZone),
      by: old.updatedBy,
    }),
    load: `${href}?version=${String(old.version)}#editor`,
  }));
}

/** Who changed the override in use, and when. */
export function inUseText(
  language: StaffLanguage,
  state: TemplateInUse,
  stored: StoredTemplate | undefined,
  timeZone: string,
): string {
  if (state.info.source !== 'override' || !stored) return staffText(language, 'templates.inUse.builtIn');
  return staffText(language, 'templates.inUse.override', {
    version: stored.version,
    at: localMinute(stored.updatedAt, timeZone),
    by: stored.updatedBy,
  });
}
