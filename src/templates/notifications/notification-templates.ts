import type { OutboundChannel } from '../../notify/types.js';
import { LOCALES } from '../renderer.js';
import { smsInfo, type SmsInfo } from '../sms-parts.js';
import { BUILT_IN_CATALOG } from './catalog.js';
import { handlebarsProblem, renderParts, type CompiledParts, type TemplateProblem } from './compile.js';
import { sampleData, type NotificationData } from './data.js';
import { NOTIFICATION_EVENTS, type EventSpec, type NotificationEvent } from './events.js';
import { createHandlebars } from './helpers.js';
import { compileLayout, textToHtml, type Layout } from './html-layout.js';
import { templateId, toTemplateKey, type Catalog, type TemplateKey, type TemplateParts } from './parts.js';
import { fitSms } from './sms-fit.js';
import { checkTemplate, type CheckSettings } from './validate.js';

/** An admin's template as stored: any strings, checked here before it is used. */
export interface TemplateOverride extends TemplateParts {
  event: string;
  channel: string;
  locale: string;
  version: number;
}

export interface NotificationTemplateOptions {
  /** Put in front of every SMS (Chinese carriers require it there). Default `【12345】`. */
  smsSignature?: string;
  /** No SMS is ever longer than this many parts. Default 3. */
  smsMaxParts?: number;
  /** The hub's public URL, for the links of the sample data. */
  publicUrl?: string;
  /** The built-in templates (tests give a broken one). */
  catalog?: Catalog;
}

/** A message ready for an adapter: see {@link OutboundMessage} for what each part means. */
export interface RenderedNotification {
  subject?: string;
  body: string;
  html?: string;
  /** SMS only: how the body (signature included) is sent. */
  sms?: SmsInfo;
}

export interface TemplateInfo extends TemplateKey {
  source: 'built-in' | 'override';
  parts: TemplateParts;
  /** Overrides: the stored version. */
  version?: number;
}

export type PreviewResult =
  | { ok: true; rendered: RenderedNotification; problems: TemplateProblem[] }
  | { ok: false; problems: TemplateProblem[] };

interface Entry extends TemplateInfo {
  compiled: CompiledParts;
}

/**
 * Every notification template, compiled once when this is built (from the built-ins and the admins'
 * overrides) and never again: rendering only runs compiled functions. A broken built-in throws here,
 * so the hub does not start with it; a broken override is left out (see `skipped`) and its built-in
 * stands in. Immutable: an edit builds a new set (src/templates/plugin.ts).
 */
export class NotificationTemplates {
  readonly smsSignature: string;
  readonly smsMaxParts: number;
  /** The sample data, with this hub's links. */
  readonly sample: NotificationData;
  /** Overrides not in use because they fail the checks, and why. */
  readonly skipped: { id: string; problems: TemplateProblem[] }[] = [];
  private readonly hbs = createHandlebars();
  private readonly layout: Layout;
  private readonly entries = new Map<string, Entry>();

  constructor(overrides: readonly TemplateOverride[] = [], options: NotificationTemplateOptions = {}) {
    this.smsSignature = options.smsSignature ?? '【12345】';
    this.smsMaxParts = options.smsMaxParts ?? 3;
    this.sample = sampleData(options.publicUrl);
    this.layout = compileLayout(this.hbs);
    this.addBuiltIns(options.catalog ?? BUILT_IN_CATALOG);
    for (const override of overrides) this.addOverride(override);
  }

  /** Whether the event is sent on this channel (in some locale; zh-CN stands in for the others). */
  has(event: string, channel: OutboundChannel): boolean {
    return this.entries.has(`${event}/${channel}/zh-CN`);
  }

  /**
   * The message for one recipient. An unknown locale, or one without this template, gets zh-CN.
   * Throws when the event is not sent on the channel or the data lacks a field the template uses.
   */
  render(
    event: NotificationEvent,
    channel: OutboundChannel,
    locale: string,
    data: NotificationData,
  ): RenderedNotification {
    const entry =
      this.entries.get(`${event}/${channel}/${locale}`) ?? this.entries.get(`${event}/${channel}/zh-CN`);
    if (!entry) throw new Error(`no ${channel} template for ${event}`);
    return this.renderEntry(entry, data);
  }

  /** The template in use for exactly this key (no fallback). */
  template(key: TemplateKey): TemplateInfo | undefined {
    const entry = this.entries.get(templateId(key));
    return entry && info(entry);
  }

  /** Every template in use, in catalog order. */
  list(): TemplateInfo[] {
    return [...this.entries.values()].map(info);
  }

  /** Why these sources could not replace the template at `key`; empty when they can. */
  check(key: TemplateKey, parts: TemplateParts): TemplateProblem[] {
    return checkTemplate(this.hbs, key, parts, this.settings(true)).problems;
  }

  /**
   * Renders given sources (not kept) or the template in use with the sample or given data. Sources
   * that render but break a rule (an SMS over the limit, a link in a call) render with their problems.
   */
  preview(
    key: TemplateKey,
    parts: TemplateParts | undefined,
    data: NotificationData = this.sample,
  ): PreviewResult {
    let entry = this.entries.get(templateId(key));
    const problems: TemplateProblem[] = [];
    if (parts) {
      const checked = checkTemplate(this.hbs, key, parts, this.settings(true));
      problems.push(...checked.problems);
      if (!checked.compiled) return { ok: false, problems };
      entry = { ...key, source: 'override', parts, compiled: checked.compiled };
    }
    if (!entry) {
      return {
        ok: false,
        problems: [{ field: 'channel', message: `${key.event} is not sent by ${key.channel}` }],
      };
    }
    try {
      return { ok: true, rendered: this.renderEntry(entry, data), problems };
    } catch (error) {
      return { ok: false, problems: [...problems, handlebarsProblem('body', error)] };
    }
  }

  private renderEntry(entry: Entry, data: NotificationData): RenderedNotification {
    const { locale, channel } = entry;
    if (channel === 'sms') {
      const options = { data: { locale } };
      const body = fitSms(
        // Only a given text is replaced: an absent one must stay absent for strict mode.
        (text) =>
          this.smsSignature +
          entry.compiled.body(text === undefined ? data : { ...data, text }, options).trim(),
        data.text,
        this.smsMaxParts,
      );
      return { body, sms: smsInfo(body) };
    }
    const rendered = renderParts(entry.compiled, data, locale);
    if (channel !== 'email') return { body: rendered.body.trim() };
    const subject = rendered.subject ?? '';
    const content = rendered.html ?? textToHtml(rendered.body);
    return { subject, body: rendered.body, html: this.layout({ subject, content, locale }) };
  }

  private addBuiltIns(catalog: Catalog): void {
    const broken: string[] = [];
    for (const [event, spec] of Object.entries(NOTIFICATION_EVENTS) as [NotificationEvent, EventSpec][]) {
      for (const channel of spec.channels) {
        if (!catalog['zh-CN'][event]?.[channel]) broken.push(`${event}/${channel}/zh-CN: missing`);
      }
    }
    for (const locale of LOCALES) {
      for (const [event, channels] of Object.entries(catalog[locale])) {
        for (const [channel, parts] of Object.entries(channels)) {
          const key = toTemplateKey(event, channel, locale);
          if (!key) {
            broken.push(`${event}/${channel}/${locale}: unknown event or channel`);
            continue;
          }
          const { compiled, problems } = checkTemplate(this.hbs, key, parts, this.settings(false));
          if (compiled && problems.length === 0)
            this.entries.set(templateId(key), { ...key, source: 'built-in', parts, compiled });
          else
            broken.push(
              ...problems.map(
                (p) => `${templateId(key)} ${p.field}${p.line ? `:${String(p.line)}` : ''}: ${p.message}`,
              ),
            );
        }
      }
    }
    if (broken.length > 0) throw new Error(`broken built-in notification templates:\n${broken.join('\n')}`);
  }

  private addOverride(override: TemplateOverride): void {
    const { event, channel, locale, version, subject, body, html } = override;
    const id = `${event}/${channel}/${locale}`;
    const key = toTemplateKey(event, channel, locale);
    if (!key) {
      this.skipped.push({ id, problems: [{ field: 'event', message: 'unknown event, channel or locale' }] });
      return;
    }
    const parts: TemplateParts = {
      body,
      ...(subject === undefined ? {} : { subject }),
      ...(html === undefined ? {} : { html }),
    };
    const { compiled, problems } = checkTemplate(this.hbs, key, parts, this.settings(true));
    if (!compiled || problems.length > 0) {
      this.skipped.push({ id, problems });
      return;
    }
    this.entries.set(id, { ...key, source: 'override', parts, version, compiled });
  }

  private settings(smsLimit: boolean): CheckSettings {
    return { sample: this.sample, smsSignature: this.smsSignature, smsMaxParts: this.smsMaxParts, smsLimit };
  }
}

function info({ compiled: _compiled, ...rest }: Entry): TemplateInfo {
  return rest;
}
