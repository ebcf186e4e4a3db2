import { Type, type Static, type TSchema, type TSchemaOptions } from 'typebox';
import { CLOCK_UNITS } from '../routing/sla-clock.js';
import { CHANNELS, KINDS, PAUSE_REASONS, PRIORITIES, RATINGS, ROLES, STATUSES } from '../tickets/types.js';
import { COMMAND_NAMES } from '../tickets/state-machine.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../store/paging.js';

/** Route schemas (TypeBox): validation at the boundary and the source of the OpenAPI document. */

/** `{ enum: [...] }` from one of our `as const` lists, typed as the union of its values. */
export const literalUnion = <const T extends readonly string[]>(values: T, options: TSchemaOptions = {}) =>
  Type.Enum<[...T]>(values as readonly [...T], options);

const Text = (max: number, options: object = {}) => Type.String({ minLength: 1, maxLength: max, ...options });
const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });
const DateTime = Type.String({ format: 'date-time' });

export const TicketNumber = Type.String({
  pattern: '^[0-9]{1,20}$',
  description: 'Digits, last one a check digit',
});

export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    error: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'HubError' },
);

export const Location = Type.Object(
  {
    districtCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    townshipCode: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
    villageCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
    text: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);

export const CreateTicketBody = Type.Object(
  {
    channel: Type.Optional(literalUnion(CHANNELS, { default: 'api' })),
    kind: literalUnion(KINDS),
    category: Type.Optional(Text(80)),
    subject: Type.Optional(Text(200)),
    body: Text(10_000),
    priority: Type.Optional(literalUnion(PRIORITIES)),
    anonymous: Type.Optional(Type.Boolean()),
    /** The citizen agreed that the request and its answer may be published (同意公开). */
    publicConsent: Type.Optional(Type.Boolean()),
    location: Type.Optional(Location),
    contact: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Text(60)),
          phone: Type.Optional(Type.String({ minLength: 5, maxLength: 30 })),
          email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
          language: Type.Optional(literalUnion(['zh-CN', 'en'] as const)),
        },
        { additionalProperties: false },
      ),
    ),
    attachments: Type.Optional(
      Type.Array(
        Type.Object({
          ref: Text(300),
          name: Type.Optional(Text(200)),
          contentType: Type.Optional(Text(100)),
          size: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        { maxItems: 20 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateTicketBody = Static<typeof CreateTicketBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' }),
  ),
});

const EventView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  fromStatus: Type.Optional(Type.String()),
  toStatus: Type.String(),
  actor: Type.Object({
    kind: Type.String(),
    id: Type.String(),
    role: Type.Optional(Type.String()),
    department: Type.Optional(Type.String()),
  }),
  channel: Type.String(),
  visibility: Type.String(),
  at: DateTime,
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const OutboxView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  template: Type.String(),
  audience: Type.String(),
  department: Type.Optional(Type.String()),
  status: Type.String(),
  createdAt: DateTime,
});

export const ContactView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  phones: Type.Array(Type.String()),
  emails: Type.Array(Type.String()),
  masked: Type.Boolean(),
});

export const TicketSummary = Type.Object({
  number: Type.String(),
  channel: Type.String(),
  kind: Type.String(),
  category: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  priority: Type.String(),
  status: Type.String(),
  leadDepartment: Type.Optional(Type.String()),
  anonymous: Type.Boolean(),
  /** The completion clock's due time (承诺时限), when one runs. */
  dueAt: Type.Optional(DateTime),
  warning: Type.Optional(Type.String({ description: 'Worst SLA warning reached: yellow, red or overdue' })),
  supervised: Type.Boolean({ description: 'Flagged for supervision (督办)' }),
  version: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const ClockView = Type.Object({
  unit: literalUnion(CLOCK_UNITS),
  state: Type.String(),
  startedAt: DateTime,
  dueAt: DateTime,
  yellowAt: DateTime,
  redAt: DateTime,
  pausedAt: Type.Optional(DateTime),
  stoppedAt: Type.Optional(DateTime),
  met: Type.Optional(Type.Boolean()),
  warning: Type.Optional(Type.String()),
});

const SlaView = Type.Object({
  policy: Type.Optional(Type.String()),
  policyVersion: Type.Optional(Type.Integer()),
  department: Type.Optional(Type.String()),
  clocks: Type.Record(Type.String(), ClockView),
  pause: Type.Optional(
    Type.Object({ reason: Type.String(), since: DateTime, text: Type.Optional(Type.String()) }),
  ),
  extension: Type.Optional(
    Type.Object({
      status: Type.String(),
      workingDays: Type.Integer(),
      reason: Type.String(),
      requestedAt: DateTime,
      decidedAt: Type.Optional(DateTime),
      dueAt: Type.Optional(DateTime),
    }),
  ),
});

const RoutingView = Type.Object({
  by: Type.String(),
  rule: Type.Optional(Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() })),
  reasons: Type.Array(Type.String()),
  considered: Type.Integer(),
  tags: Type.Optional(Type.Array(Type.String())),
  at: DateTime,
});

export const TicketView = Type.Object(
  {
    ...TicketSummary.properties,
    queryCode: Type.String(),
    body: Type.String(),
    attachments: Type.Array(
      Type.Object({
        ref: Type.String(),
        name: Type.Optional(Type.String()),
        contentType: Type.Optional(Type.String()),
        size: Type.Optional(Type.Integer()),
        /** A mail attachment that was not kept, and why (type_not_allowed, too_large). */
        refused: Type.Optional(Type.String()),
      }),
    ),
    contact: Type.Union([ContactView, Type.Null()]),
    location: Location,
    coDepartments: Type.Array(
      Type.Object({
        department: Type.String(),
        status: Type.String(),
        dueAt: Type.Optional(DateTime),
        opinion: Type.Optional(Type.String()),
      }),
    ),
    assignee: Type.Optional(Type.String()),
    sla: SlaView,
    routing: Type.Optional(RoutingView),
    supervision: Type.Object({
      flagged: Type.Boolean(),
      warning: Type.Optional(Type.String()),
      flags: Type.Array(
        Type.Object({
          kind: Type.String(),
          at: DateTime,
          clock: Type.Optional(Type.String()),
          detail: Type.Optional(Type.String()),
        }),
      ),
    }),
    tags: Type.Array(Type.String()),
    events: Type.Array(EventView),
    outbox: Type.Array(OutboxView),
    rating: Type.Optional(
      Type.Object({ value: Type.String(), comment: Type.Optional(Type.String()), at: DateTime }),
    ),
    disclosure: Type.Object({
      public: Type.Boolean(),
      /** The citizen agreed to publication (同意公开); `publish` needs it. */
      consent: Type.Boolean(),
      summary: Type.Optional(Type.String()),
      publishedAt: Type.Optional(DateTime),
    }),
    source: Type.Object({
      channel: Type.String(),
      idempotencyKey: Type.String(),
      externalIds: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
      receivedAt: DateTime,
    }),
    returnCount: Type.Integer(),
    mergedInto: Type.Optional(Type.String()),
    allowedCommands: Type.Array(Type.String()),
  },
  { $id: 'Ticket' },
);
export type TicketView = Static<typeof TicketView>;

export const IntakeReply = Type.Object({
  created: Type.Boolean(),
  acknowledgement: Type.String(),
  ticket: TicketView,
});

/**
 * One page of a list: `limit` rows (at most 100) after `cursor`, the opaque `next` of the page
 * before. A page size over the cap, or a malformed or foreign cursor, is a 400 HUB_ERR_VALIDATION.
 */
export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});

export const ListQuery = Type.Object({
  ...PageQuery.properties,
  department: Type.Optional(Code),
  status: Type.Optional(literalUnion(STATUSES)),
  sort: Type.Optional(literalUnion(['due', 'received'] as const)),
  phone: Type.Optional(Type.String({ minLength: 5, maxLength: 32 })),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
});

export const ListReply = Type.Object({
  items: Type.Array(TicketSummary),
  next: Type.Optional(Type.String()),
});

/** What each command must carry; the ticket core checks everything that needs the store. */
export const COMMAND_BODIES: Record<(typeof COMMAND_NAMES)[number], TSchema> = {
  dispatch: body({
    department: Code,
    coDepartments: Type.Optional(Type.Array(Code, { maxItems: 10 })),
    slaPolicy: Type.Optional(Code),
    reason: Type.Optional(Text(500)),
  }),
  transfer: body({
    department: Code,
    coDepartments: Type.Optional(Type.Array(Code, { maxItems: 10 })),
    slaPolicy: Type.Optional(Code),
    reason: Text(500),
  }),
  sign: body({}),
  start: body({}),
  ask: body({ text: Text(2000) }),
  resume: body({ text: Type.Optional(Text(2000)) }),
  reply: body({ text: Text(10_000), overrideReason: Type.Optional(Text(500)) }),
  resolve: body({ text: Type.Optional(Text(2000)), overrideReason: Type.Optional(Text(500)) }),
  reopen: body({ reason: Text(500) }),
  return: body({ reason: Text(500), basis: Text(1000) }),
  refuse_return: body({ reason: Text(500) }),
  cancel: body({ reason: Text(500) }),
  reject: body({ reason: Text(500) }),
  merge: body({ into: TicketNumber }),
  note: body({ text: Text(5000) }),
  co_sign: body({}),
  co_answer: body({ text: Text(5000) }),
  pause_clock: body({
    pauseReason: literalUnion(
      PAUSE_REASONS.filter((r) => r !== 'citizen') as ['hearing', 'expert_review', 'other'],
    ),
    text: Text(2000),
  }),
  resume_clock: body({ text: Type.Optional(Text(2000)) }),
  request_extension: body({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Text(1000) }),
  approve_extension: body({ text: Type.Optional(Text(1000)) }),
  deny_extension: body({ reason: Text(1000) }),
  rate: body({ value: literalUnion(RATINGS), comment: Type.Optional(Text(1000)) }),
  supervise: body({ reason: Text(1000) }),
  publish: body({ summary: Text(2000) }),
  unpublish: body({ reason: Type.Optional(Text(500)) }),
};

function body(properties: Record<string, TSchema>): TSchema {
  return Type.Object(properties, { additionalProperties: false });
}

export const TokenBody = Type.Object(
  {
    name: Text(80),
    role: literalUnion(ROLES),
    department: Type.Optional(Code),
  },
  { additionalProperties: false },
);

export const DepartmentView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  phones: Type.Array(Type.String()),
  email: Type.Optional(Type.String()),
  parent: Type.Optional(Type.String()),
  regionCodes: Type.Array(Type.String()),
  workingHours: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
  active: Type.Boolean(),
});

export const errorReplies = {
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  409: ErrorReply,
  503: ErrorReply,
};
