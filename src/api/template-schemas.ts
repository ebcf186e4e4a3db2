import { Type, type Static } from 'typebox';
import { OUTBOUND_CHANNELS } from '../notify/types.js';
import { CLOCK_NAMES, STAGES } from '../routing/sla-clock.js';
import { NOTIFICATION_EVENT_NAMES } from '../templates/notifications/events.js';
import { LOCALES } from '../templates/renderer.js';
import { KINDS, STATUSES } from '../tickets/types.js';
import { literalUnion } from './schemas.js';

/** Schemas of the message-template admin API. */

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const DateTime = Type.String({ format: 'date-time' });

const address = {
  event: literalUnion(NOTIFICATION_EVENT_NAMES, {
    description: "The outbox entry's template, e.g. received",
  }),
  channel: literalUnion(OUTBOUND_CHANNELS),
  locale: literalUnion(LOCALES),
};

export const TemplateParams = Type.Object(address);

const sources = {
  subject: Type.Optional(Text(300)),
  body: Text(5000),
  html: Type.Optional(Text(20_000)),
};

export const TemplateBody = Type.Object(
  {
    subject: Type.Optional(Text(300)),
    body: Type.String({
      minLength: 1,
      maxLength: 5000,
      description:
        'Handlebars. SMS: without the signature, which is added. Voice: plain text to say, no links. Email: the text part',
    }),
    html: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20_000,
        description: 'Email only: an HTML fragment (escaped), wrapped in the shared layout',
      }),
    ),
    baseVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'The version edited (0: the built-in): refused (409) when another is in use now',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TemplateBody = Static<typeof TemplateBody>;

export const SmsView = Type.Object({
  encoding: literalUnion(['GSM-7', 'UCS-2'] as const),
  characters: Type.Integer(),
  parts: Type.Integer(),
});

export const TemplateProblemView = Type.Object({
  field: Type.String({ description: 'subject, body, html, event, channel or locale' }),
  line: Type.Optional(Type.Integer({ minimum: 1 })),
  message: Type.String(),
  parts: Type.Optional(Type.Integer({ description: 'SMS over the limit: the parts its sample takes' })),
});

const Source = literalUnion(['built-in', 'override'] as const);

export const TemplateSummary = Type.Object({
  ...address,
  source: Source,
  version: Type.Optional(Type.Integer()),
  sms: Type.Optional(SmsView),
});

export const TemplateView = Type.Object({
  ...address,
  source: Source,
  ...sources,
  version: Type.Optional(Type.Integer({ description: 'Of the stored override' })),
  updatedAt: Type.Optional(DateTime),
  updatedBy: Type.Optional(Type.String()),
  builtIn: Type.Optional(Type.Object(sources)),
  /** The stored override fails the checks now (e.g. a lower SMS_MAX_PARTS): the built-in is used. */
  problems: Type.Optional(Type.Array(TemplateProblemView)),
  sms: Type.Optional(SmsView),
});

export const NotificationDataSchema = Type.Object(
  {
    number: Text(40),
    queryCode: Text(40),
    kind: literalUnion(KINDS),
    status: literalUnion(STATUSES),
    departmentName: Type.Optional(Text(100)),
    text: Type.Optional(Type.String({ maxLength: 5000 })),
    dueAt: Type.Optional(Text(40)),
    ratingUrl: Type.Optional(Text(500)),
    trackUrl: Text(500),
    stage: Type.Optional(literalUnion(STAGES)),
    clock: Type.Optional(literalUnion(CLOCK_NAMES)),
    collapsed: Type.Integer({ minimum: 0, maximum: 10_000 }),
    citizenName: Type.Optional(Text(60)),
  },
  { additionalProperties: false },
);

export const PreviewBody = Type.Object(
  {
    ...address,
    subject: Type.Optional(Text(300)),
    body: Type.Optional(Text(5000)),
    html: Type.Optional(Text(20_000)),
    data: Type.Optional(NotificationDataSchema),
  },
  {
    additionalProperties: false,
    description:
      'With `body`: render these sources (not saved); without: the template in use. Data: the sample unless given',
  },
);
export type PreviewBody = Static<typeof PreviewBody>;

export const PreviewReply = Type.Object({
  ...address,
  source: literalUnion(['built-in', 'override', 'request'] as const),
  subject: Type.Optional(Type.String()),
  body: Type.String(),
  html: Type.Optional(Type.String()),
  sms: Type.Optional(SmsView),
  /** Rules the given sources break though they render (an SMS over the limit, a link in a call). */
  problems: Type.Array(TemplateProblemView),
});
