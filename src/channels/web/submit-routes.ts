import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import { KINDS } from '../../tickets/types.js';
import { fieldStates } from './field-state.js';
import { doneToken, isFormToken, newFormToken, verifyDoneToken } from './form-token.js';
import { translate, type PageLanguage } from './messages.js';
import {
  ADDRESS_MAX,
  checkSubmission,
  NAME_MAX,
  TEXT_MAX,
  TEXT_MIN,
  type CheckedSubmission,
  type SubmitFields,
} from './submit-form.js';
import { CATEGORIES, placeGroups } from './ticket-options.js';
import './words/submit.js';
import './words/ticket.js';

const SUBMIT_FIELDS = ['kind', 'category', 'text', 'place', 'address', 'name', 'phone', 'email'] as const;

const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** Generous limits: a longer field is not a citizen's typing, and gets the generic 400 page. */
const SubmitBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    formToken: field(64),
    kind: field(40),
    category: field(80),
    text: field(TEXT_MAX * 4),
    place: field(20),
    address: field(ADDRESS_MAX * 4),
    name: field(NAME_MAX * 4),
    phone: field(60),
    email: field(320),
    anonymous: field(8),
    consent: field(8),
  },
  { additionalProperties: false },
);

const DoneParams = Type.Object({ number: Type.String({ maxLength: 20 }) });
const DoneQuery = Type.Object({ c: Type.Optional(Type.String({ maxLength: 64 })), again: field(1) });

/**
 * `GET /submit`, `POST /submit` (网上反映): the request form and its intake. The form's hidden token
 * is the idempotency key (a double send gives one ticket); a form with problems comes back with every
 * value kept and each problem beside its field. Sent: 303 to a signed confirmation page showing the
 * number and query code, so a refresh shows the page again and sends nothing.
 */
export const submitRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.get('/submit', { schema: { hide: true } }, (request, reply) =>
    formPage(request, reply, { formToken: newFormToken(), values: {} }),
  );

  app.post('/submit', { schema: { hide: true, body: SubmitBody } }, async (request, reply) => {
    const fields: SubmitFields = request.body;
    // A form without its token (an old page, a hand-made post) is still taken: nothing sent is lost.
    const formToken = isFormToken(fields.formToken) ? fields.formToken : newFormToken();
    const checked = checkSubmission(fields);
    if (!checked.request) return formPage(request, reply.status(400), { formToken, values: fields, checked });
    const { request: wanted } = checked;
    const contactId = wanted.sender.phone
      ? app.store.contacts.idFor({ phone: wanted.sender.phone })
      : wanted.sender.email
        ? app.store.contacts.idFor({ email: wanted.sender.email })
        : undefined;
    const { ticket, created } = await app.tickets.intake(
      {
        channel: 'web',
        idempotencyKey: formToken,
        sender: { ...wanted.sender, language: request.pageLanguage },
        text: wanted.text,
        kind: wanted.kind,
        category: wanted.category,
        location: wanted.location,
        anonymous: wanted.anonymous,
        publicConsent: wanted.publicConsent,
      },
      { kind: 'citizen', id: contactId ?? 'web' },
    );
    request.log.info({ ticket: ticket.number, created }, 'web request received');
    const again = !created && ticket.body !== wanted.text ? '&again=1' : '';
    const done = `/submit/done/${ticket.number}?c=${doneToken(config.secret, ticket, new Date())}${again}`;
    return reply.header('cache-control', 'no-store').redirect(done, 303);
  });

  app.get(
    '/submit/done/:number',
    { schema: { hide: true, params: DoneParams, querystring: DoneQuery } },
    async (request, reply) => {
      const { number } = request.params;
      const language = request.pageLanguage;
      const ticket = isValidTicketNumber(number) ? await app.store.tickets.findByNumber(number) : undefined;
      const token = request.query.c ?? '';
      if (!ticket || !verifyDoneToken(config.secret, ticket, token, new Date())) {
        return reply
          .status(403)
          .page(
            'error',
            { message: translate(language, 'submit.expired') },
            translate(language, 'error.title'),
          );
      }
      return reply.page(
        'submit-done',
        {
          number: ticket.number,
          queryCode: ticket.queryCode,
          hasContact: ticket.contactId !== undefined,
          again: request.query.again === '1',
        },
        translate(language, 'submit.doneTitle'),
      );
    },
  );
};

function formPage(
  request: FastifyRequest,
  reply: FastifyReply,
  state: { formToken: string; values: SubmitFields; checked?: CheckedSubmission },
): FastifyReply {
  const language = request.pageLanguage;
  const { values, checked } = state;
  const problems = checked?.problems ?? {};
  const errors = Object.fromEntries(
    Object.entries(problems).map(([name, problem]) => [
      name,
      translate(language, problem.key, problem.values),
    ]),
  );
  return reply.page(
    'submit',
    {
      formToken: state.formToken,
      values: { ...values, anonymous: values.anonymous === 'on', consent: values.consent === 'on' },
      fields: fieldStates(SUBMIT_FIELDS, errors, ['text', 'address']),
      problemCount: Object.keys(errors).length,
      kinds: KINDS.map((kind) => ({
        value: kind,
        label: translate(language, `kind.${kind}`),
        selected: values.kind === kind,
      })),
      categories: categoryOptions(language, values.category),
      placeGroups: placeGroups(language, values.place),
      limits: { textMin: TEXT_MIN, textMax: TEXT_MAX, addressMax: ADDRESS_MAX, nameMax: NAME_MAX },
    },
    translate(language, 'submit.title'),
  );
}

function categoryOptions(language: PageLanguage, selected: string | undefined) {
  return CATEGORIES.map((c) => ({
    value: c.value,
    label: translate(language, `category.${c.key}`),
    selected: selected === c.value,
  }));
}
