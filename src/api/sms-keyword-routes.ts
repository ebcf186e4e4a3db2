import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Config } from '../config.js';
import type { KeywordProblems } from '../channels/sms/custom-keyword-rules.js';
import {
  deleteSmsKeyword,
  saveSmsKeyword,
  type KeywordAdminDeps,
  type KeywordOutcome,
} from '../channels/sms/save-keyword.js';
import { HubErrors, withDetails } from '../errors.js';
import type { StoredSmsKeyword } from '../store/sms-keywords.js';
import { KINDS } from '../tickets/types.js';
import { requireAdmin } from './guards.js';
import { errorReplies, literalUnion } from './schemas.js';

const KeywordParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });
const VersionQuery = Type.Object({ version: Type.Integer({ minimum: 1 }) });

const KeywordFields = {
  initials: Type.Optional(
    Type.String({ maxLength: 8, description: '2–4 letters A–Z (full width is folded)' }),
  ),
  words: Type.Array(Type.String({ maxLength: 16 }), { maxItems: 3, default: [] }),
  kind: literalUnion(KINDS),
  category: Type.String({ maxLength: 200, description: 'The ticket category routing rules read' }),
  reply: Type.Optional(Type.String({ maxLength: 1000, description: 'Auto-reply; must fit SMS_MAX_PARTS' })),
  active: Type.Boolean({ default: true }),
  validFrom: Type.Optional(Type.String({ format: 'date-time' })),
  validTo: Type.Optional(Type.String({ format: 'date-time' })),
};
const KeywordBody = Type.Object(KeywordFields, { additionalProperties: false });
const KeywordPutBody = Type.Object(
  { version: Type.Integer({ minimum: 1, description: 'The version you edited' }), ...KeywordFields },
  { additionalProperties: false },
);
const KeywordView = Type.Object({
  id: Type.String(),
  initials: Type.Optional(Type.String()),
  words: Type.Array(Type.String()),
  kind: Type.String(),
  category: Type.String(),
  reply: Type.Optional(Type.String()),
  active: Type.Boolean(),
  validFrom: Type.Optional(Type.String()),
  validTo: Type.Optional(Type.String()),
  version: Type.Integer(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

/**
 * The hotline's own SMS keywords (admin only; the page is `/staff/admin/keywords`): the list, adding
 * one, saving the next version of one (the version edited: a stale one → 409), deleting one. The same
 * use-cases as the page: checked against the built-ins and each other, audited, and read by every
 * process at once.
 */
export const smsKeywordRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => {
    requireAdmin(request.actor, 'SMS keywords');
  });
  const deps = (): KeywordAdminDeps => ({
    store: app.store,
    redis: app.redis,
    lock: { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs },
    limit: { signature: config.smsSignature, maxParts: config.smsMaxParts },
    table: app.smsKeywords,
  });

  app.get(
    '/sms/keywords',
    {
      schema: {
        summary: "The hotline's own SMS keywords (the built-ins are fixed and always win)",
        tags: ['sms'],
        response: { 200: Type.Array(KeywordView), ...errorReplies },
      },
    },
    async () => (await app.store.smsKeywords.list()).map(keywordView),
  );

  app.post(
    '/sms/keywords',
    {
      schema: {
        summary: 'Add a keyword: initials and/or words → a ticket of a kind in a category',
        tags: ['sms'],
        body: KeywordBody,
        response: { 201: KeywordView, ...errorReplies },
      },
    },
    async (request, reply) => {
      const outcome = await saveSmsKeyword(deps(), draftOf(request.body), undefined, request.actor);
      void reply.status(201);
      return keywordView(settled(outcome, 'new'));
    },
  );

  app.put(
    '/sms/keywords/:id',
    {
      schema: {
        summary: 'Save the next version of a keyword (send the version you edited)',
        tags: ['sms'],
        params: KeywordParams,
        body: KeywordPutBody,
        response: { 200: KeywordView, ...errorReplies },
      },
    },
    async (request) => {
      const { version, ...fields } = request.body;
      const target = { id: request.params.id, baseVersion: version };
      return keywordView(
        settled(await saveSmsKeyword(deps(), draftOf(fields), target, request.actor), target.id),
      );
    },
  );

  app.delete(
    '/sms/keywords/:id',
    {
      schema: {
        summary: 'Delete a keyword, if it is still the version given',
        tags: ['sms'],
        params: KeywordParams,
        querystring: VersionQuery,
        response: { 200: KeywordView, ...errorReplies },
      },
    },
    async (request) => {
      const target = { id: request.params.id, baseVersion: request.query.version };
      return keywordView(settled(await deleteSmsKeyword(deps(), target, request.actor), target.id));
    },
  );
};

function draftOf(body: Static<typeof KeywordBody>) {
  const { validFrom, validTo, ...rest } = body;
  return {
    ...rest,
    ...(validFrom ? { validFrom: new Date(validFrom) } : {}),
    ...(validTo ? { validTo: new Date(validTo) } : {}),
  };
}

/** The keyword a use-case saved, or the API's error for its refusal. */
function settled(outcome: KeywordOutcome, id: string): StoredSmsKeyword {
  if (outcome.ok) return outcome.keyword;
  switch (outcome.reason) {
    case 'invalid':
      throw invalid(outcome.problems);
    case 'version_conflict':
      throw new HubErrors.VersionConflict(`SMS keyword ${id}`, String(outcome.current.version));
    case 'not_found':
      throw new HubErrors.NotFound();
    case 'busy':
      throw new HubErrors.SmsKeywordsBusy();
  }
}

/** 400 with each refused field: its JSON path, its code and what the code quotes. */
function invalid(problems: KeywordProblems): Error {
  const list = Object.entries(problems).map(([field, problem]) => ({
    path: `/${field}`,
    message: problem.code,
    ...(problem.values ? { values: problem.values } : {}),
  }));
  const summary = list.map((p) => `${p.path}: ${p.message}`).join('; ');
  return withDetails(new HubErrors.Validation(summary || 'keyword refused'), { problems: list });
}

function keywordView(keyword: StoredSmsKeyword): Static<typeof KeywordView> {
  return {
    ...keyword,
    validFrom: keyword.validFrom?.toISOString(),
    validTo: keyword.validTo?.toISOString(),
    updatedAt: keyword.updatedAt.toISOString(),
  };
}
