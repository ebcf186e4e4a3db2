import { OUTBOUND_CHANNELS, type OutboundChannel } from '../../notify/types.js';
import { LOCALES, type Locale } from '../renderer.js';
import { isNotificationEvent, type NotificationEvent } from './events.js';

/**
 * One template: its Handlebars sources. `body` is the SMS text (without the signature, which is
 * added when rendering), the push text, the text to say on a call, or the email's text part.
 * Email also has a `subject` and may have an `html` fragment; without one the HTML part is made from
 * the text. Only `html` is HTML-escaped.
 */
export interface TemplateParts {
  subject?: string;
  body: string;
  html?: string;
}

export const PART_NAMES = ['subject', 'body', 'html'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** Templates of one locale, per event and channel. */
export type LocaleCatalog = Partial<
  Record<NotificationEvent, Partial<Record<OutboundChannel, TemplateParts>>>
>;

/** Every template, per locale. zh-CN is complete; another locale may leave one out (zh-CN stands in). */
export type Catalog = Record<Locale, LocaleCatalog>;

export interface TemplateKey {
  event: NotificationEvent;
  channel: OutboundChannel;
  locale: Locale;
}

/** `<event>/<channel>/<locale>`: the stored override's id (events hold dots, ids may). */
export function templateId(key: TemplateKey): string {
  return `${key.event}/${key.channel}/${key.locale}`;
}

/** The key of a known event, channel and locale; undefined for anything else. */
export function toTemplateKey(event: string, channel: string, locale: string): TemplateKey | undefined {
  if (!isNotificationEvent(event)) return undefined;
  if (!(OUTBOUND_CHANNELS as readonly string[]).includes(channel)) return undefined;
  if (!(LOCALES as readonly string[]).includes(locale)) return undefined;
  return { event, channel: channel as OutboundChannel, locale: locale as Locale };
}
