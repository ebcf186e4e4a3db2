import { Type, type Static } from 'typebox';
import { CALL_STATUSES } from '../store/calls.js';
import { IVR_ACTIONS, MENU_DIGITS, PROMPT_KEYS } from '../ivr/menu.js';
import { MENU_PROBLEM_CODES } from '../ivr/validate-menu.js';
import { literalUnion } from './schemas.js';

/**
 * Schemas of the IVR menu and call API. The menu's shape is checked here; what it means (known
 * actions, one use per key, every prompt present, placeholders) is checked by src/ivr's
 * validateMenu, which answers with a code per problem — so actions and prompt names stay plain
 * strings here, or a typo would get a generic schema error instead of `unknown_action`.
 */

const DateTime = Type.String({ format: 'date-time' });

const MenuOption = Type.Object(
  {
    digit: Type.String({ minLength: 1, maxLength: 2, description: `One of ${MENU_DIGITS.join(' ')}` }),
    action: Type.String({ minLength: 1, maxLength: 40, description: `One of ${IVR_ACTIONS.join(', ')}` }),
    node: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'For submenu: the node' })),
  },
  { additionalProperties: false },
);

const MenuNode = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 40 }),
    prompt: Type.String({ maxLength: 5000 }),
    options: Type.Array(MenuOption, { maxItems: 12 }),
  },
  { additionalProperties: false },
);

const menuFields = {
  root: Type.String({ minLength: 1, maxLength: 40, description: 'The node a call starts in' }),
  nodes: Type.Array(MenuNode, { minItems: 1, maxItems: 30 }),
  prompts: Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 5000 }), {
    description: `The flows' prompts: ${PROMPT_KEYS.join(', ')}`,
  }),
  timeoutSeconds: Type.Integer({ description: 'Wait for a key (1–30)' }),
  maxStrikes: Type.Integer({ description: 'Failures in a row before the operator (1–5)' }),
  recordMaxSeconds: Type.Integer({ description: 'Longest voicemail (10–600)' }),
  afterHours: literalUnion(['voicemail', 'hangup'] as const),
};

export const IvrMenuBody = Type.Object(
  {
    ...menuFields,
    baseVersion: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The version edited: refused (409) when a newer one exists' }),
    ),
  },
  { additionalProperties: false },
);
export type IvrMenuBody = Static<typeof IvrMenuBody>;

export const IvrMenuView = Type.Object({
  ...menuFields,
  version: Type.Integer(),
  updatedAt: DateTime,
  updatedBy: Type.String(),
  speech: Type.Object(
    { language: Type.String(), voice: Type.String() },
    { description: 'IVR_LANGUAGE and IVR_VOICE (configuration, not part of the menu)' },
  ),
});

export const MenuProblemView = Type.Object({
  path: Type.String({ description: 'JSON pointer into the menu' }),
  code: literalUnion(MENU_PROBLEM_CODES),
  message: Type.String(),
});

export const MenuCheckReply = Type.Object({ ok: Type.Boolean(), problems: Type.Array(MenuProblemView) });

export const MenuVersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

export const MenuVersionsReply = Type.Array(
  Type.Object({ version: Type.Integer(), updatedAt: DateTime, updatedBy: Type.String() }),
);

/** Twilio's call identifier: `CA` and 32 hex digits. */
export const CallSid = Type.String({ pattern: '^CA[0-9a-fA-F]{32}$' });
export const CallParams = Type.Object({ callSid: CallSid });

export const CallView = Type.Object({
  callSid: Type.String(),
  direction: literalUnion(['inbound', 'outbound'] as const),
  from: Type.Optional(Type.String({ description: 'Masked' })),
  to: Type.Optional(Type.String({ description: 'Masked' })),
  parentCallSid: Type.Optional(Type.String()),
  menuVersion: Type.Optional(Type.Integer()),
  status: literalUnion(CALL_STATUSES),
  startedAt: DateTime,
  answeredAt: Type.Optional(DateTime),
  endedAt: Type.Optional(DateTime),
  durationSeconds: Type.Optional(Type.Integer()),
  tickets: Type.Array(Type.String()),
  events: Type.Array(
    Type.Object({
      type: Type.String(),
      at: DateTime,
      node: Type.Optional(Type.String()),
      digits: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
      ticket: Type.Optional(Type.String()),
    }),
  ),
});
