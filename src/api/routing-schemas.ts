import { Type, type Static } from 'typebox';
import { CLOCK_UNITS } from '../routing/sla-clock.js';
import { CHANNELS, KINDS, PRIORITIES } from '../tickets/types.js';
import { literalUnion, Location } from './schemas.js';

/** Schemas of the routing admin API: rules, SLA policies, the calendar, working hours, dry-run. */

export const TIME_WINDOWS = ['working_hours', 'after_hours', 'day_off'] as const;

const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, max = 200) =>
  Type.Array(item, { minItems: 1, maxItems: max });

export const RuleConditions = Type.Object(
  {
    channels: Type.Optional(list(literalUnion(CHANNELS))),
    kinds: Type.Optional(list(literalUnion(KINDS))),
    categories: Type.Optional(list(Text(80))),
    keywords: Type.Optional(
      Type.Object(
        {
          any: Type.Optional(list(Text(40), 500)),
          all: Type.Optional(list(Text(40), 50)),
          none: Type.Optional(list(Text(40), 200)),
        },
        { additionalProperties: false },
      ),
    ),
    regionPrefixes: Type.Optional(list(Type.String({ pattern: '^[0-9]{2,12}$' }))),
    callerPrefixes: Type.Optional(list(Type.String({ pattern: '^\\+?[0-9]{1,15}$' }))),
    timeWindow: Type.Optional(literalUnion(TIME_WINDOWS)),
    priorities: Type.Optional(list(literalUnion(PRIORITIES))),
  },
  { additionalProperties: false },
);

export const RuleActions = Type.Object(
  {
    leadDepartment: Code,
    coDepartments: Type.Optional(Type.Array(Code, { maxItems: 10 })),
    priority: Type.Optional(literalUnion(PRIORITIES)),
    slaPolicy: Type.Optional(Code),
    tags: Type.Optional(Type.Array(Text(40), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const ruleFields = {
  name: Text(100),
  order: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  enabled: Type.Boolean({ default: true }),
  effectiveFrom: Type.Optional(DateTime),
  effectiveTo: Type.Optional(DateTime),
  conditions: RuleConditions,
  actions: RuleActions,
};

export const CreateRuleBody = Type.Object(
  { id: Type.Optional(Code), ...ruleFields },
  { additionalProperties: false },
);
export type CreateRuleBody = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Object(
  { version: Type.Integer({ minimum: 1, description: 'The version being replaced' }), ...ruleFields },
  { additionalProperties: false },
);
export type UpdateRuleBody = Static<typeof UpdateRuleBody>;

export const RuleView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  ...ruleFields,
  updatedAt: DateTime,
  updatedBy: Type.String(),
});

export const DryRunBody = Type.Object(
  {
    text: Text(10_000),
    subject: Type.Optional(Text(200)),
    channel: Type.Optional(literalUnion(CHANNELS, { default: 'api' })),
    kind: Type.Optional(literalUnion(KINDS, { default: 'complaint' })),
    category: Type.Optional(Text(80)),
    priority: Type.Optional(literalUnion(PRIORITIES, { default: 'normal' })),
    location: Type.Optional(Location),
    callerPhone: Type.Optional(Type.String({ minLength: 5, maxLength: 30 })),
    at: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type DryRunBody = Static<typeof DryRunBody>;

export const DryRunReply = Type.Object({
  matched: Type.Boolean(),
  rule: Type.Optional(Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() })),
  reasons: Type.Array(Type.String()),
  considered: Type.Integer(),
  notInForce: Type.Integer(),
  timeWindow: Type.String(),
  routeTo: Type.Optional(
    Type.Object({
      leadDepartment: Type.String(),
      coDepartments: Type.Array(Type.String()),
      priority: Type.String(),
      tags: Type.Array(Type.String()),
    }),
  ),
  sla: Type.Optional(
    Type.Object({
      policy: Type.String(),
      policyVersion: Type.Integer(),
      dueAt: Type.Record(Type.String(), DateTime),
    }),
  ),
});

const DurationSchema = Type.Object(
  { amount: Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }), unit: literalUnion(CLOCK_UNITS) },
  { additionalProperties: false },
);

export const PolicyBody = Type.Object(
  {
    name: Text(100),
    order: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    active: Type.Boolean({ default: true }),
    match: Type.Object(
      {
        categories: Type.Optional(list(Text(80))),
        kinds: Type.Optional(list(literalUnion(KINDS))),
        priorities: Type.Optional(list(literalUnion(PRIORITIES))),
        channels: Type.Optional(list(literalUnion(CHANNELS))),
      },
      { additionalProperties: false },
    ),
    clocks: Type.Object(
      {
        sign: Type.Optional(DurationSchema),
        response: Type.Optional(DurationSchema),
        completion: Type.Optional(DurationSchema),
        callback: Type.Optional(DurationSchema),
      },
      { additionalProperties: false },
    ),
    coOpinion: Type.Optional(DurationSchema),
    thresholds: Type.Object(
      {
        yellow: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
        red: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PolicyBody = Static<typeof PolicyBody>;

/** The version the edit started from guards a save (HUB_ERR_VERSION_CONFLICT when it moved on). */
const BaseVersion = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: 1_000_000_000,
    description: 'The version you edited (0: it must not exist yet); without it, saved whatever is stored',
  }),
);

export const PolicyPutBody = Type.Object(
  { version: BaseVersion, ...PolicyBody.properties },
  { additionalProperties: false },
);
export type PolicyPutBody = Static<typeof PolicyPutBody>;

export const PolicyView = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  ...PolicyBody.properties,
});

export const CalendarYearBody = Type.Object(
  {
    source: Text(300),
    holidays: Type.Array(
      Type.Object({ name: Text(40), from: Day, to: Day }, { additionalProperties: false }),
      { maxItems: 40 },
    ),
    makeupWorkdays: Type.Array(Day, { maxItems: 40 }),
  },
  { additionalProperties: false },
);
export type CalendarYearBody = Static<typeof CalendarYearBody>;

export const CalendarYearPutBody = Type.Object(
  { version: BaseVersion, ...CalendarYearBody.properties },
  { additionalProperties: false },
);
export type CalendarYearPutBody = Static<typeof CalendarYearPutBody>;

export const CalendarYearView = Type.Object({
  year: Type.Integer(),
  version: Type.Integer(),
  ...CalendarYearBody.properties,
});

export const CalendarDaysQuery = Type.Object({ from: Day, to: Day });
export const CalendarDaysReply = Type.Object({
  covered: Type.Boolean(),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      kind: Type.String(),
      working: Type.Boolean(),
      name: Type.Optional(Type.String()),
    }),
  ),
});

export const WorkingHoursBody = Type.Object(
  {
    workingHours: Type.Array(Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 6,
    }),
  },
  { additionalProperties: false },
);
