import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { digitsOf, lookUpApplication, type ApplicationLookupDeps } from './application-lookup.js';
import { applicationStatusView } from './application-view.js';
import { fieldStates } from './field-state.js';
import { refuseLookup } from './lookup-refused.js';
import { translate } from './messages.js';
import { webVisitor } from './subsidy-deps.js';
import './words/application.js';

const QueryBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    number: Type.Optional(Type.String({ maxLength: 64 })),
    code: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

/**
 * `/applications` (DESIGN §5, 办件进度): `GET` the form, `POST` number + query code → the case's
 * status page (application-lookup.ts). The number is kept in the form after a mistake; the code
 * never is (it is the secret on the receipt).
 */
export const applicationRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const deps: ApplicationLookupDeps = {
    store: app.store,
    redis: app.redis,
    secret: config.secret,
    lookupsPerHour: config.web.lookupsPerHour,
    now: () => new Date(),
  };

  app.get('/applications', { schema: { hide: true } }, (request, reply) => formPage(request, reply));

  app.post('/applications', { schema: { hide: true, body: QueryBody } }, async (request, reply) => {
    const language = request.pageLanguage;
    const number = request.body.number ?? '';
    const actor = webVisitor(request.ip);
    const found = await lookUpApplication(deps, {
      number,
      code: request.body.code ?? '',
      ip: request.ip,
      actor,
    });
    switch (found.kind) {
      case 'invalid': {
        const { errors } = found;
        return formPage(request, reply.status(400), {
          number,
          errors: {
            number: errors.number && translate(language, errors.number.key, errors.number.values),
            code: errors.code && translate(language, errors.code.key, errors.code.values),
          },
        });
      }
      case 'refused':
        return refuseLookup(request, reply, deps.store.audit, { ...found, kind: 'application', actor });
      case 'not-found':
        return formPage(request, reply, {
          number: digitsOf(number),
          problem: translate(language, 'application.notFound'),
        });
      case 'found':
        return reply.page(
          'application-status',
          applicationStatusView(language, config.timezone, found.application, found.department),
          translate(language, 'application.statusTitle'),
        );
    }
  });
};

function formPage(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { number?: string; problem?: string; errors?: { number?: string; code?: string } } = {},
): FastifyReply {
  const { errors, ...rest } = data;
  return reply.page(
    'application-query',
    {
      ...rest,
      fields: fieldStates(['number', 'code'], errors ?? {}, ['number', 'code']),
    },
    translate(request.pageLanguage, 'application.title'),
  );
}
