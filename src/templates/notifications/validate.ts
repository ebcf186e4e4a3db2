import type Handlebars from 'handlebars';
import { smsInfo } from '../sms-parts.js';
import { compileParts, handlebarsProblem, type CompiledParts, type TemplateProblem } from './compile.js';
import { minimalData, type NotificationData } from './data.js';
import { eventHasChannel } from './events.js';
import { PART_NAMES, type TemplateKey, type TemplateParts } from './parts.js';

export interface CheckSettings {
  sample: NotificationData;
  smsSignature: string;
  smsMaxParts: number;
  /**
   * Refuse an SMS whose sample is over `smsMaxParts` (overrides). Built-ins are not held to a
   * configured limit at boot: sending shortens any SMS to fit anyway.
   */
  smsLimit: boolean;
}

/** `compiled` once the template compiles and renders; it is valid only without any problem. */
export interface CheckResult {
  compiled?: CompiledParts;
  problems: TemplateProblem[];
}

/**
 * Everything that would make a template fail or mislead when sent, found before it is used: its shape
 * for the channel, compile errors (with their line), unknown fields and helpers, and render errors
 * with the sample data, with more updates folded in, and with only the fields the event always has
 * (an optional field used outside `{{#if}}` fails there).
 */
export function checkTemplate(
  hbs: typeof Handlebars,
  key: TemplateKey,
  parts: TemplateParts,
  settings: CheckSettings,
): CheckResult {
  const shape = shapeProblems(key, parts);
  if (shape.length > 0) return { problems: shape };
  const { compiled, problems } = compileParts(hbs, parts);
  if (!compiled) return { problems };

  const variants = [
    settings.sample,
    { ...settings.sample, collapsed: 3 },
    minimalData(key.event, settings.sample),
  ];
  const options = { data: { locale: key.locale } };
  let sample: Partial<Record<(typeof PART_NAMES)[number], string>> = {};
  for (const [index, data] of variants.entries()) {
    for (const field of PART_NAMES) {
      try {
        const text = compiled[field]?.(data, options);
        if (index === 0) sample = { ...sample, [field]: text };
      } catch (error) {
        const problem = handlebarsProblem(field, error);
        const missing = /^unknown variable "(.+)"$/.exec(problem.message)?.[1];
        if (index === 2 && missing) {
          problem.message = `"${missing}" may be missing for ${key.event}: use it inside {{#if ${missing}}}`;
        }
        if (!problems.some((p) => p.field === field && p.message === problem.message)) problems.push(problem);
      }
    }
  }
  if (problems.length > 0) return { problems };

  if ((sample.body ?? '').trim() === '') problems.push({ field: 'body', message: 'renders empty' });
  if (key.channel === 'voice' && /https?:\/\/|www\./i.test(sample.body ?? '')) {
    problems.push({ field: 'body', message: 'a call cannot say a link: leave URLs out of voice templates' });
  }
  if (key.channel === 'sms' && settings.smsLimit) {
    const info = smsInfo(settings.smsSignature + (sample.body ?? ''));
    if (info.parts > settings.smsMaxParts) {
      problems.push({
        field: 'body',
        parts: info.parts,
        message: `the sample SMS takes ${String(info.parts)} parts (${String(info.characters)} ${info.encoding} characters with the signature); at most ${String(settings.smsMaxParts)} are allowed`,
      });
    }
  }
  return { compiled, problems };
}

function shapeProblems(key: TemplateKey, parts: TemplateParts): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!eventHasChannel(key.event, key.channel)) {
    problems.push({ field: 'channel', message: `${key.event} is not sent by ${key.channel}` });
  }
  if (key.channel === 'email') {
    if (!parts.subject?.trim()) problems.push({ field: 'subject', message: 'an email needs a subject' });
  } else {
    if (parts.subject !== undefined) problems.push({ field: 'subject', message: 'only email has a subject' });
    if (parts.html !== undefined) problems.push({ field: 'html', message: 'only email has HTML' });
  }
  if (!parts.body.trim()) problems.push({ field: 'body', message: 'is empty' });
  return problems;
}
