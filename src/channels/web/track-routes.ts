import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { DepartmentCache } from '../../notify/department-cache.js';
import { fieldStates } from './field-state.js';
import { countLookup } from './lookup-limit.js';
import { refuseLookup } from './lookup-refused.js';
import { translate } from './messages.js';
import { statusPage, type StatusPageDeps } from './ticket-status.js';
import { checkTrack, type CheckedTrack, type TrackFields } from './track-form.js';
import { findTrackedTicket } from './track-lookup.js';
import './words/ticket.js';
import './words/track.js';

const TrackBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    number: Type.Optional(Type.String({ maxLength: 80 })),
    code: Type.Optional(Type.String({ maxLength: 40 })),
    tail: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
/** `?n=` prefills the number (the notifications' track link: `/track?n=NUMBER`). */
const TrackQuery = Type.Object({ n: Type.Optional(Type.String({ maxLength: 80 })) });

/**
 * `GET /track`, `POST /track` (查询进度): the number with its query code, or with the last four digits
 * of the citizen's phone, shows the status page. A malformed number or wrong check digit is marked on
 * its field and never looked up; every look-up counts against the hourly budget of the address and of
 * the number (lookup-limit.ts) — over it, a 429 page, an audit entry and a warning; an unknown number
 * and a wrong code get one and the same answer.
 */
export const trackRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const deps: StatusPageDeps = {
    departments: new DepartmentCache(app.store.departments),
    secret: config.secret,
    timeZone: config.timezone,
  };

  app.get('/track', { schema: { hide: true, querystring: TrackQuery } }, (request, reply) =>
    formPage(request, reply, checkTrack({ number: request.query.n }), { fresh: true }),
  );

  app.post('/track', { schema: { hide: true, body: TrackBody } }, async (request, reply) => {
    const fields: TrackFields = request.body;
    const checked = checkTrack(fields);
    if (!checked.query) return formPage(request, reply.status(400), checked);
    const { number, proof } = checked.query;
    const verdict = await countLookup(app.redis, config.secret, 'track', request.ip, number, {
      perHour: config.web.lookupsPerHour,
    });
    if (!verdict.allowed) {
      return refuseLookup(request, reply, app.store.audit, {
        kind: 'track',
        by: verdict.by,
        retryAfterSeconds: verdict.retryAfterSeconds,
        identity: number,
        actor: { kind: 'citizen', id: `web:${request.ip}` },
      });
    }
    const ticket = await findTrackedTicket(app.store, number, proof);
    if (!ticket) return formPage(request, reply.status(404), checked, { notFound: true });
    const contact = ticket.contactId ? await app.store.contacts.findById(ticket.contactId) : undefined;
    const language = request.pageLanguage;
    return reply.page(
      'track-status',
      await statusPage(deps, language, ticket, contact),
      translate(language, 'track.statusTitle', { number: ticket.number }),
    );
  });
};

function formPage(
  request: FastifyRequest,
  reply: FastifyReply,
  checked: CheckedTrack,
  options: { fresh?: boolean; notFound?: boolean } = {},
): FastifyReply {
  const language = request.pageLanguage;
  // A first visit shows no problems (an empty form is not a mistake yet).
  const problems = options.fresh ? {} : checked.problems;
  const errors = Object.fromEntries(
    Object.entries(problems).map(([name, key]) => [name, translate(language, key)]),
  );
  return reply.page(
    'track',
    {
      values: checked.values,
      fields: fieldStates(['number', 'code', 'tail'], errors, ['number', 'code', 'tail']),
      notFound: options.notFound === true,
    },
    translate(language, 'track.title'),
  );
}
