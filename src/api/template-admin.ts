import type { StoredTemplate } from '../store/message-templates.js';
import type { Store } from '../store/store.js';
import { BUILT_IN_CATALOG } from '../templates/notifications/catalog.js';
import type { TemplateProblem } from '../templates/notifications/compile.js';
import type {
  NotificationTemplates,
  TemplateInfo,
} from '../templates/notifications/notification-templates.js';
import { templateId, type TemplateKey, type TemplateParts } from '../templates/notifications/parts.js';
import type { TemplateSet } from '../templates/plugin.js';
import type { SmsInfo } from '../templates/sms-parts.js';
import type { Actor } from '../tickets/types.js';

/**
 * Changing a notification template, as the admin API (`template-routes.ts`) and the admin page
 * (`/staff/admin/templates`) both do it: checked with the sample data first, saved as the next
 * version, audited, and recompiled in every process of the hub.
 */
export interface TemplateChangeDeps {
  store: Pick<Store, 'messageTemplates' | 'audit'>;
  templates: TemplateSet;
}

export type SaveTemplateOutcome =
  | { ok: true; template: StoredTemplate }
  | { ok: false; reason: 'invalid'; problems: TemplateProblem[] }
  /** `current`: the version in use now (0: the built-in). */
  | { ok: false; reason: 'version_conflict'; current: number };

/**
 * Saves `parts` as the override of `key` unless a check fails (nothing is saved then). With
 * `baseVersion` (the version the admin edited, 0 for the built-in) a save over a newer one is refused.
 */
export async function saveTemplateOverride(
  deps: TemplateChangeDeps,
  actor: Actor,
  key: TemplateKey,
  parts: TemplateParts,
  baseVersion?: number,
): Promise<SaveTemplateOutcome> {
  const problems = deps.templates.current().check(key, parts);
  if (problems.length > 0) return { ok: false, reason: 'invalid', problems };
  const saved = await deps.store.messageTemplates.save(
    { ...key, ...parts, updatedAt: new Date(), updatedBy: actor.id },
    baseVersion,
  );
  if (!saved.ok) {
    const now = await deps.store.messageTemplates.find(key);
    return { ok: false, reason: 'version_conflict', current: now?.version ?? 0 };
  }
  await afterChange(deps, actor, 'update_template', `${templateId(key)}@${String(saved.template.version)}`);
  return { ok: true, template: saved.template };
}

/** Back to the built-in (the saved versions are kept); false when there was no override. */
export async function removeTemplateOverride(
  deps: TemplateChangeDeps,
  actor: Actor,
  key: TemplateKey,
): Promise<boolean> {
  if (!(await deps.store.messageTemplates.remove(key))) return false;
  await afterChange(deps, actor, 'delete_template', templateId(key));
  return true;
}

async function afterChange(
  deps: TemplateChangeDeps,
  actor: Actor,
  action: string,
  what: string,
): Promise<void> {
  await deps.store.audit.append({ actor, action, fields: [what], at: new Date() });
  await deps.templates.changed();
}

/** The sample rendered as it would be sent: what the SMS costs. */
export function smsOfSample(templates: NotificationTemplates, key: TemplateKey): SmsInfo | undefined {
  if (key.channel !== 'sms') return undefined;
  return templates.render(key.event, key.channel, key.locale, templates.sample).sms;
}

export interface TemplateInUse {
  info: TemplateInfo;
  builtIn: TemplateParts | undefined;
  /** Why the stored override is not in use (it fails the checks now, e.g. a lower SMS_MAX_PARTS). */
  skipped: TemplateProblem[] | undefined;
  sms: SmsInfo | undefined;
}

/** The template in use at `key` with its built-in; undefined when the event is not sent on the channel. */
export function templateInUse(templates: NotificationTemplates, key: TemplateKey): TemplateInUse | undefined {
  const info = templates.template(key);
  if (!info) return undefined;
  return {
    info,
    builtIn: BUILT_IN_CATALOG[key.locale][key.event]?.[key.channel],
    skipped: templates.skipped.find((s) => s.id === templateId(key))?.problems,
    sms: smsOfSample(templates, key),
  };
}
