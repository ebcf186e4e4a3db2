import { Type } from 'typebox';
import type { MenuOption } from '../ivr/menu.js';

/**
 * The IVR admin page's forms (admin-ivr.ts). Fields are checked only for shape here: what a menu
 * may hold (keys, actions, node ids, prompt lengths, ranges) is the menu's own check
 * (validate-menu.ts), which answers in words beside the form.
 */

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
/** The draft revision the page showed (0: no draft): an edit on another one is refused. */
const Rev = Type.String({ pattern: '^[0-9]{1,9}$' });
/** Longer than any prompt may be (1000): the menu's own check says so in words. */
const Text = Type.String({ maxLength: 4000 });
export const RevForm = Type.Object({ _csrf: Csrf, rev: Rev });
export const PromptForm = Type.Object({ _csrf: Csrf, rev: Rev, prompt: Text });
export const OptionForm = Type.Object({
  _csrf: Csrf,
  rev: Rev,
  digit: Type.String({ maxLength: 4 }),
  action: Type.String({ maxLength: 20 }),
  target: Type.String({ maxLength: 40, default: '' }),
});
export const NodeForm = Type.Object({
  _csrf: Csrf,
  rev: Rev,
  id: Type.String({ maxLength: 40 }),
  prompt: Text,
});
export const FlowForm = Type.Object({ _csrf: Csrf, rev: Rev, text: Text });
const Whole = Type.String({ maxLength: 6 });
export const SettingsForm = Type.Object({
  _csrf: Csrf,
  rev: Rev,
  timeoutSeconds: Whole,
  maxStrikes: Whole,
  recordMaxSeconds: Whole,
  afterHours: Type.Union([Type.Literal('voicemail'), Type.Literal('hangup')]),
});
export const NodeParams = Type.Object({ node: Type.String({ maxLength: 40 }) });
export const OptionParams = Type.Object({
  node: Type.String({ maxLength: 40 }),
  digit: Type.String({ maxLength: 4 }),
});
export const FlowParams = Type.Object({ key: Type.String({ maxLength: 40 }) });
export const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 999_999_999 }) });
export const EditorQuery = Type.Object({
  /** What the redirect after a change says was done. */
  done: Type.Optional(
    Type.Union([
      Type.Literal('edited'),
      Type.Literal('published'),
      Type.Literal('discarded'),
      Type.Literal('restored'),
      Type.Literal('rebased'),
    ]),
  ),
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999 })),
});

/** A submitted option: the target only when one was chosen. */
export function optionOf(digit: string, action: string, target: string): MenuOption {
  return { digit: digit.trim(), action, ...(target === '' ? {} : { node: target }) };
}

/** A typed whole number, or NaN (which the menu's check calls out of range). */
export function whole(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}
