import { Type, type Static, type TSchema } from 'typebox';
import { CLOCK_NAMES, STAGES } from '../routing/sla-clock.js';
import { EXPORT_LANGUAGES } from '../supervision/labels.js';
import { EXPORT_LISTS } from '../supervision/export-lists.js';
import { DEFAULT_DAYS, MAX_DAYS } from '../supervision/window.js';
import { CHANNELS, KINDS, PRIORITIES, STATUSES, SUPERVISION_KINDS } from '../tickets/types.js';
import { literalUnion } from './schemas.js';

/** Schemas of the supervision board (效能监察) and its exports. */

const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Count = Type.Integer({ minimum: 0 });
const Hours = Type.Number({ minimum: 0, description: 'hours, two decimals' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const countsOf = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Count])));
const Status = literalUnion(STATUSES);

export const BoardQuery = Type.Object({
  days: Type.Integer({
    minimum: 1,
    maximum: MAX_DAYS,
    default: DEFAULT_DAYS,
    description: 'The window: the last N local days (China time), today included',
  }),
  limit: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Rows per list (each list also says its total; the exports have every row)',
  }),
});

const EXPORT_FILES = EXPORT_LISTS.flatMap((list) => [`${list}.csv`, `${list}.xlsx`] as const);
export const ExportParams = Type.Object({ file: literalUnion(EXPORT_FILES) });
export const ExportQuery = Type.Object({
  days: BoardQuery.properties.days,
  lang: literalUnion(EXPORT_LANGUAGES, { default: 'zh-CN' }),
});

const RateView = {
  numerator: Count,
  denominator: Count,
  rate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'numerator / denominator, 4 decimals' })),
};

const AlertView = Type.Object({
  number: Type.String(),
  status: Status,
  channel: literalUnion(CHANNELS),
  kind: literalUnion(KINDS),
  category: Type.Optional(Type.String()),
  priority: literalUnion(PRIORITIES),
  leadDepartment: Type.Optional(Type.String()),
  clock: literalUnion(CLOCK_NAMES),
  stage: literalUnion(STAGES),
  dueAt: DateTime,
  overdueHours: Hours,
  supervised: Type.Boolean(),
  createdAt: DateTime,
});

const FlaggedView = Type.Object({
  number: Type.String(),
  status: Status,
  priority: literalUnion(PRIORITIES),
  leadDepartment: Type.Optional(Type.String()),
  flags: Count,
  kinds: Type.Array(literalUnion(SUPERVISION_KINDS)),
  lastKind: literalUnion(SUPERVISION_KINDS),
  lastFlaggedAt: DateTime,
});

const BottleneckView = Type.Object({
  department: Type.String(),
  count: Count,
  medianAgeHours: Hours,
  maxAgeHours: Hours,
  oldest: Type.String({ description: 'The ticket the department has held longest' }),
});

const ReturnedView = Type.Object({
  number: Type.String(),
  status: Status,
  leadDepartment: Type.Optional(Type.String()),
  returns: Count,
  returnCount: Count,
  lastReturnedAt: DateTime,
  lastReturnedBy: Type.Optional(Type.String()),
});

const ReopenedView = Type.Object({
  number: Type.String(),
  status: Status,
  leadDepartment: Type.Optional(Type.String()),
  reopens: Count,
  lastReopenedAt: DateTime,
  lastCause: literalUnion(['reopen', 'rating'] as const),
});

const page = <T extends TSchema>(item: T) => Type.Object({ total: Count, items: Type.Array(item) });

export const BoardReply = Type.Object({
  generatedAt: DateTime,
  timeZone: Type.String(),
  days: Count,
  from: Type.String({ format: 'date-time', description: 'Local midnight of the first day' }),
  scope: Type.Object({
    department: Nullable(Type.String({ description: "A department's own board; null: the whole hub" })),
  }),
  counts: Type.Object({
    total: Type.Integer({ description: 'Tickets created in the window' }),
    open: Type.Integer({ description: 'Open tickets, whatever their age' }),
    byStatus: countsOf(STATUSES),
    byChannel: countsOf(CHANNELS),
    byDepartment: Type.Array(Type.Object({ department: Nullable(Type.String()), count: Count })),
  }),
  rates: Type.Object({
    response: Type.Object(
      { ...RateView, dispatched: Count },
      { description: '响应率: signed within the sign-off limit / dispatched with sign-off decided' },
    ),
    resolution: Type.Object(RateView, { description: '解决率: closed / completion due' }),
    satisfaction: Type.Object(
      { ...RateView, satisfied: Count, basicallySatisfied: Count, dissatisfied: Count },
      { description: '满意率: (satisfied + basically satisfied) / rated' },
    ),
  }),
  warnings: page(AlertView),
  overdue: page(AlertView),
  flagged: page(FlaggedView),
  bottlenecks: page(BottleneckView),
  dailyVolume: Type.Object({
    channels: Type.Array(literalUnion(CHANNELS)),
    rows: Type.Array(Type.Object({ date: Day, total: Count, byChannel: countsOf(CHANNELS) })),
  }),
  returned: page(ReturnedView),
  reopened: page(ReopenedView),
  departments: Type.Record(
    Type.String(),
    Type.Object({ name: Type.String(), nameEn: Type.Optional(Type.String()) }),
    { description: 'Names of the departments the board mentions' },
  ),
  links: Type.Object({
    supervise: Nullable(
      Type.String({ description: 'The 督办 command (POST, body {reason}); null when this role may not' }),
    ),
    exports: Type.Record(Type.String(), Type.Object({ csv: Type.String(), xlsx: Type.String() })),
  }),
});
export type BoardReply = Static<typeof BoardReply>;
