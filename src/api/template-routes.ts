import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HubErrors, withDetails } from '../errors.js';
import type { StoredTemplate } from '../store/message-templates.js';
import { BUILT_IN_CATALOG } from '../templates/notifications/catalog.js';
import type { TemplateProblem } from '../templates/notifications/compile.js';
import type { NotificationTemplates } from '../templates/notifications/notification-templates.js';
import { templateId, type TemplateKey, type TemplateParts } from '../templates/notifications/parts.js';
import type { Actor } from '../tickets/types.js';
import { requireAdmin } from './guards.js';
import { errorReplies } from './schemas.js';
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
      const parts: TemplateParts = request.body;
      const problems = app.templates.current().check(key, parts);
      if (problems.length > 0) throw invalid(problems);
      const saved = await app.store.messageTemplates.save({
        ...key,
        ...parts,
        updatedAt: new Date(),
        updatedBy: request.actor.id,
      });
      if (!saved.ok) {
        const now = await app.store.messageTemplates.find(key);
        throw new HubErrors.VersionConflict(`template ${templateId(key)}`, String(now?.version ?? 0));
      }
      await afterChange(
        app,
        request.actor,
        'update_template',
        `${templateId(key)}@${String(saved.template.version)}`,
      );
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
      if (!(await app.store.messageTemplates.remove(key))) throw new HubErrors.NotFound();
      await afterChange(app, request.actor, 'delete_template', templateId(key));
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

async function afterChange(app: FastifyInstance, actor: Actor, action: string, what: string): Promise<void> {
  await app.store.audit.append({ actor, action, fields: [what], at: new Date() });
  await app.templates.changed();
}

/** The sample rendered as it would be sent: what the SMS costs. */
function smsOfSample(templates: NotificationTemplates, key: TemplateKey) {
  if (key.channel !== 'sms') return undefined;
  return templates.render(key.event, key.channel, key.locale, templates.sample).sms;
}

function view(app: FastifyInstance, key: TemplateKey, stored: StoredTemplate | undefined) {
  const templates = app.templates.current();
  const info = templates.template(key);
  if (!info) throw new HubErrors.NotFound();
  const skipped = templates.skipped.find((s) => s.id === templateId(key));
  return {
    ...key,
    source: info.source,
    ...info.parts,
    version: stored?.version,
    updatedAt: stored?.updatedAt.toISOString(),
    updatedBy: stored?.updatedBy,
    builtIn: BUILT_IN_CATALOG[key.locale][key.event]?.[key.channel],
    ...(skipped ? { problems: skipped.problems } : {}),
    sms: smsOfSample(templates, key),
  };
}
