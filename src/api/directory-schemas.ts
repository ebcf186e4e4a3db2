import { Type, type Static } from 'typebox';
import { DIRECTORY_CATEGORIES, ENTRY_ID_PATTERN, ENTRY_LIMITS } from '../directory/entry-rules.js';
import { literalUnion } from './schemas.js';

/** Schemas of the directory (查号) API. The entry's own limits are checked by src/directory. */

const DateTime = Type.String({ format: 'date-time' });

export const EntryParams = Type.Object({ id: Type.String({ pattern: ENTRY_ID_PATTERN }) });

export const DirectoryQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'Name, pinyin initials (rlzy), department code, English name, alias (停水) or 3+ digits of a number',
    }),
  ),
  includeDisabled: Type.Optional(
    Type.Boolean({
      description: 'Also entries that are disabled (to enable them again); departments only when active',
    }),
  ),
});

export const DeleteQuery = Type.Object({
  version: Type.Optional(
    Type.Integer({ minimum: 1, description: 'The version you mean to delete; refused (409) if it changed' }),
  ),
});

export const EntryBody = Type.Object(
  {
    name: Type.String({
      maxLength: 1000,
      description: `Chinese name, at most ${String(ENTRY_LIMITS.name)} characters`,
    }),
    nameEn: Type.Optional(Type.String({ maxLength: 1000 })),
    phones: Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 50,
      description: `1 to ${String(ENTRY_LIMITS.phones)} numbers: landlines with area code, mobiles, service numbers (12345, 110)`,
    }),
    hours: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text, e.g. 24 小时' })),
    note: Type.Optional(Type.String({ maxLength: 5000, description: 'For operators' })),
    aliases: Type.Optional(
      Type.Array(Type.String({ maxLength: 200 }), {
        maxItems: 100,
        description: 'Words callers use: 自来水, 停水',
      }),
    ),
    category: literalUnion(DIRECTORY_CATEGORIES),
    active: Type.Optional(
      Type.Boolean({ description: 'Default: true for a new entry, unchanged for an edit' }),
    ),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The version you edited; leave out to create. A changed entry is refused (409)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EntryBody = Static<typeof EntryBody>;

export const EntryView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  phones: Type.Array(Type.String()),
  hours: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  aliases: Type.Array(Type.String()),
  category: literalUnion(DIRECTORY_CATEGORIES),
  active: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: DateTime,
  updatedBy: Type.String(),
});

/** One line of the 查号 answer: a department (`code`) or another entry (`id`, `category`, `version`). */
export const DirectoryLineView = Type.Object({
  kind: literalUnion(['department', 'entry'] as const),
  code: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  category: Type.Optional(literalUnion(DIRECTORY_CATEGORIES)),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  phones: Type.Array(Type.String()),
  email: Type.Optional(Type.String()),
  hours: Type.String({ description: 'Departments: working hours on working days (empty: the centre’s)' }),
  note: Type.Optional(Type.String()),
  aliases: Type.Optional(Type.Array(Type.String())),
  active: Type.Optional(Type.Boolean()),
  version: Type.Optional(Type.Integer()),
});
