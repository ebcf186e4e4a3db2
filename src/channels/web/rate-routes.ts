import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { HubErrors } from '../../errors.js';
import { DepartmentCache } from '../../notify/department-cache.js';
import { ratingToken } from '../../notify/recipient.js';
import { codeHolder } from '../../tickets/access.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import { RATINGS, type RatingValue, type Ticket } from '../../tickets/types.js';
import { fieldStates } from './field-state.js';
import { sameSecret } from './form-token.js';
import { translate, type PageLanguage } from './messages.js';
import { localMinute } from '../../time/local-format.js';
import './words/rate.js';
import './words/ticket.js';

export const COMMENT_MAX = 500;

const RateParams = Type.Object({ number: Type.String({ maxLength: 20 }) });
const RateQuery = Type.Object({
  t: Type.Optional(Type.String({ maxLength: 64 })),
  done: Type.Optional(Type.String({ maxLength: 1 })),
});
const RateBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    value: Type.Optional(Type.String({ maxLength: 40 })),
    comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX * 4 })),
  },
  { additionalProperties: false },
);

interface RateForm {
  value?: string;
  comment?: string;
  errors?: { value?: string; comment?: string };
}

/**
 * `GET/POST /rate/NUMBER?t=TOKEN` (评价): the link the answer notice carries, signed with the hub
 * secret over number and query code (notify/recipient.ts `ratingToken`, checked here with the same
 * function in constant time; a wrong or missing token, or an unknown number, is one 403 page). Shows
 * the answer and 满意 / 基本满意 / 不满意 with an optional comment, run as the core's citizen `rate`
 * command (the ticket's contact, or the holder of its code when it has none); then 303 back to the
 * page, which says what came of it (closed, reopened, passed to supervision). Already rated, not yet
 * answered, or ended: the page says so.
 */
export const rateRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const departments = new DepartmentCache(app.store.departments);

  /** The ticket the link is for, or undefined for any bad link (unknown number included). */
  const linked = async (number: string, token: string | undefined): Promise<Ticket | undefined> => {
    if (!isValidTicketNumber(number) || !token) return undefined;
    const ticket = await app.store.tickets.findByNumber(number);
    return ticket && sameSecret(ratingToken(config.secret, ticket), token) ? ticket : undefined;
  };

  const page = async (request: FastifyRequest, reply: FastifyReply, ticket: Ticket, form: RateForm = {}) => {
    const language = request.pageLanguage;
    const data = await rateView(ticket, language, form, async (code) => {
      const department = await departments.get(code);
      return language === 'en' ? (department?.nameEn ?? department?.name) : department?.name;
    });
    return reply.page(
      'rate',
      {
        ...data,
        token: ratingToken(config.secret, ticket),
        thanks: (request.query as { done?: string }).done === '1' && ticket.rating !== undefined,
        answeredAt: data.answerAt ? localMinute(data.answerAt, config.timezone) : undefined,
      },
      translate(language, 'rate.title'),
    );
  };

  app.get(
    '/rate/:number',
    { schema: { hide: true, params: RateParams, querystring: RateQuery } },
    async (request, reply) => {
      const ticket = await linked(request.params.number, request.query.t);
      if (!ticket) return badLink(request, reply);
      return page(request, reply, ticket);
    },
  );

  app.post(
    '/rate/:number',
    { schema: { hide: true, params: RateParams, querystring: RateQuery, body: RateBody } },
    async (request, reply) => {
      const ticket = await linked(request.params.number, request.query.t);
      if (!ticket) return badLink(request, reply);
      const language = request.pageLanguage;
      const value = request.body.value ?? '';
      const comment = (request.body.comment ?? '').trim();
      const errors: RateForm['errors'] = {};
      if (!isRating(value)) errors.value = translate(language, 'rate.error.value');
      const length = Array.from(comment).length;
      if (length > COMMENT_MAX)
        errors.comment = translate(language, 'rate.error.commentLong', { max: COMMENT_MAX, count: length });
      if (!isRating(value) || errors.comment) {
        return page(request, reply.status(400), ticket, { value, comment, errors });
      }
      try {
        await app.tickets.execute({
          number: ticket.number,
          command: 'rate',
          // The ticket's own citizen; a request sent without phone or email: whoever holds its code.
          actor: { kind: 'citizen', id: ticket.contactId ?? codeHolder(ticket.number) },
          channel: 'web',
          input: { value, comment: comment || undefined },
        });
      } catch (error) {
        // Rated meanwhile (a second click), or no longer answerable: the page shows how it stands.
        if (!(error instanceof HubErrors.CommandNotAllowed)) throw error;
      }
      const back = `/rate/${ticket.number}?t=${encodeURIComponent(request.query.t ?? '')}&done=1`;
      return reply.redirect(back, 303);
    },
  );
};

function isRating(value: string): value is RatingValue {
  return (RATINGS as readonly string[]).includes(value);
}

function badLink(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const language = request.pageLanguage;
  return reply
    .status(403)
    .page('error', { message: translate(language, 'rate.badLink') }, translate(language, 'error.title'));
}

/** What the rating page shows for the ticket as it stands now. */
async function rateView(
  ticket: Ticket,
  language: PageLanguage,
  form: RateForm,
  departmentName: (code: string) => Promise<string | undefined>,
): Promise<Record<string, unknown> & { answerAt?: Date }> {
  const answer = ticket.events.findLast((e) => e.type === 'replied');
  const text = answer?.data?.text;
  const rating = ticket.rating;
  const canRate = ticket.status === 'replied' && !rating;
  const ratedEvent = ticket.events.findLast((e) => e.type === 'rated');
  return {
    number: ticket.number,
    department: ticket.leadDepartment ? await departmentName(ticket.leadDepartment) : undefined,
    answer: typeof text === 'string' ? text : undefined,
    answerAt: answer?.at,
    rated: rating && {
      value: translate(language, `rating.${rating.value}`),
      comment: rating.comment,
    },
    reopened: rating?.value === 'dissatisfied' && ratedEvent?.data?.outcome === 'reopened',
    supervised: rating?.value === 'dissatisfied' && ratedEvent?.data?.outcome === 'supervision',
    state: canRate || rating ? undefined : stateKey(ticket),
    form: canRate,
    ratings: RATINGS.map((value) => ({
      value,
      label: translate(language, `rating.${value}`),
      selected: form.value === value,
      invalid: form.errors?.value ? 'true' : 'false',
    })),
    values: { comment: form.comment ?? '' },
    fields: fieldStates(['value', 'comment'], form.errors ?? {}, ['comment']),
    commentMax: COMMENT_MAX,
  };
}

function stateKey(ticket: Ticket): string {
  if (ticket.status === 'closed') return 'rate.closed';
  if (['cancelled', 'rejected', 'merged'].includes(ticket.status)) return 'rate.ended';
  return 'rate.notYet';
}
