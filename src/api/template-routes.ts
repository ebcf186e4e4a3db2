import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HubErrors, withDetails } from '../errors.js';
import type { StoredTemplate } from '../store/message-templates.js';
import type { TemplateProblem } from '../templates/notifications/compile.js';
import { templateId, type TemplateKey } from '../templates/notifications/parts.js';
import { requireAdmin } from './guards.js';
import { errorReplies } from './schemas.js';
import {
  removeTemplateOverride,
  saveTemplateOverride,
  smsOfSample,
  templateInUse,
} from './template-admin.js';
import {
  PreviewBody,
  PreviewReply,
  TemplateBody,
  TemplateParams,
  TemplateSummary,
  TemplateView,
} from './template-schemas.js';

const PATH = '/templates/:event/:channel/:locale';

/**
 * Notification templates (admin only): the list with each SMS's part count, one template with its
 * built-in, saving an override (checked first: 400 names the part and line), going back to the
 * built-in, and previews. Every change is audited and recompiles the templates in every process.
 */
export const templateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => {
    requireAdmin(request.actor, 'message templates');
  });

  app.get(
    '/templates',
    {
      schema: {
        summary: 'Every notification template (event × channel × locale) and where it comes from',
        tags: ['templates'],
        response: { 200: Type.Array(TemplateSummary), ...errorReplies },
      },
    },
    async () => {
      const templates = app.templates.current();
      return templates.list().map((info) => ({
        event: info.event,
        channel: info.channel,
        locale: info.locale,
        source: info.source,
        version: info.version,
        sms: smsOfSample(templates, info),
      }));
    },
  );

  app.get(
    PATH,
    {
      schema: {
        summary: 'One template: the sources in use, the built-in, and the stored override if any',
        tags: ['templates'],
        params: TemplateParams,
        response: { 200: TemplateView, ...errorReplies },
      },
    },
    async (request) => view(app, request.params, await app.store.messageTemplates.find(request.params)),
  );

  app.put(
    PATH,
    {
      schema: {
        summary: 'Save an override (checked with the sample data first); every version is kept',
        tags: ['templates'],
        params: TemplateParams,
        body: TemplateBody,
        response: { 200: TemplateView, ...errorReplies },
      },
    },
    async (request) => {
      const key = request.params;
      const { baseVersion, ...parts } = request.body;
      const saved = await saveTemplateOverride(app, request.actor, key, parts, baseVersion);
      if (!saved.ok) {
        if (saved.reason === 'invalid') throw invalid(saved.problems);
        throw new HubErrors.VersionConflict(`template ${templateId(key)}`, String(saved.current));
      }
      return view(app, key, saved.template);
    },
  );

  app.delete(
    PATH,
    {
      schema: {
        summary: 'Remove the override: the built-in is used again (saved versions are kept)',
        tags: ['templates'],
        params: TemplateParams,
        response: { 200: TemplateView, ...errorReplies },
      },
    },
    async (request) => {
      const key = request.params;
      if (!(await removeTemplateOverride(app, request.actor, key))) throw new HubErrors.NotFound();
      return view(app, key, undefined);
    },
  );

  app.post(
    '/templates/preview',
    {
      schema: {
        summary: 'Render given sources, or the template in use, with the sample or given data',
        tags: ['templates'],
        body: PreviewBody,
        response: { 200: PreviewReply, ...errorReplies },
      },
    },
    async (request) => {
      const { event, channel, locale, data, subject, body, html } = request.body;
      const key: TemplateKey = { event, channel, locale };
      if (body === undefined && (subject !== undefined || html !== undefined)) {
        throw withDetails(new HubErrors.Validation('body is required with subject or html'), {
          problems: [{ path: '/body', message: 'required with subject or html' }],
        });
      }
      const templates = app.templates.current();
      const parts = body === undefined ? undefined : { body, subject, html };
      const result = templates.preview(key, parts, data ?? templates.sample);
      if (!result.ok) throw invalid(result.problems);
      const source = parts ? ('request' as const) : (templates.template(key)?.source ?? 'built-in');
      return { ...key, source, ...result.rendered, problems: result.problems };
    },
  );
};

function invalid(problems: TemplateProblem[]): Error {
  const summary = problems
    .map((p) => `${p.field}${p.line === undefined ? '' : ` line ${String(p.line)}`}: ${p.message}`)
    .join('; ');
  return withDetails(new HubErrors.TemplateInvalid(summary), { problems });
}

function view(app: FastifyInstance, key: TemplateKey, stored: StoredTemplate | undefined) {
  const inUse = templateInUse(app.templates.current(), key);
  if (!inUse) throw new HubErrors.NotFound();
  return {
    ...key,
    source: inUse.info.source,
    ...inUse.info.parts,
    version: stored?.version,
    updatedAt: stored?.updatedAt.toISOString(),
    updatedBy: stored?.updatedBy,
    builtIn: inUse.builtIn,
    ...(inUse.skipped ? { problems: inUse.skipped } : {}),
    sms: inUse.sms,
  };
}
