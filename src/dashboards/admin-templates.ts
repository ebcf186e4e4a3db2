import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { literalUnion } from '../api/schemas.js';
import { removeTemplateOverride, saveTemplateOverride, templateInUse } from '../api/template-admin.js';
import { TemplateBody, TemplateParams } from '../api/template-schemas.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { OUTBOUND_CHANNELS } from '../notify/types.js';
import type { TemplateProblem } from '../templates/notifications/compile.js';
import type { TemplateKey, TemplateParts } from '../templates/notifications/parts.js';
import { LOCALES } from '../templates/renderer.js';
import {
  editorPath,
  eventLabel,
  inUseText,
  listGroups,
  placeholders,
  previewView,
  problemsByField,
  problemViews,
  smsLine,
  versionLines,
  type ListFilter,
} from './admin-templates-view.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_TEMPLATES_WORDS } from './words/admin-templates.js';

addStaffMessages(ADMIN_TEMPLATES_WORDS);

const ADMINS = AREAS.admin.roles;
const options = { config: { staffRoles: ADMINS } };

const ListQuery = Type.Object({
  channel: Type.Optional(Type.Union([literalUnion(OUTBOUND_CHANNELS), Type.Literal('')])),
  locale: Type.Optional(Type.Union([literalUnion(LOCALES), Type.Literal('')])),
});

const EditorQuery = Type.Object({
  /** An older version loaded into the fields (not saved until the admin saves). */
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  saved: Type.Optional(Type.Integer({ minimum: 1 })),
  reverted: Type.Optional(Type.Literal(1)),
});

/**
 * The fields as a browser posts them. Lengths are checked after line ends are made `\n` (a textarea
 * sends `\r\n`), against the API's own schema, so both allow the same.
 */
const TemplateForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  subject: Type.Optional(Type.String({ maxLength: 1_000 })),
  body: Type.String({ maxLength: 10_000, default: '' }),
  html: Type.Optional(Type.String({ maxLength: 40_000 })),
  /** The version in use when the page was opened (0: the built-in). */
  baseVersion: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  intent: literalUnion(['preview', 'save'] as const, { default: 'preview' }),
});
type TemplateForm = Static<typeof TemplateForm>;

interface EditorState {
  /** The sources in the fields (default: the template in use). */
  form?: TemplateParts;
  baseVersion?: number;
  problems?: TemplateProblem[];
  notice?: { done: boolean; text: string };
}

/**
 * `/staff/admin/templates` (admins only): every notification template (event × channel × locale)
 * with its source and, for SMS, the part count of its sample; the editor of one template with its
 * placeholders, its built-in, its versions and a preview with the sample data (live with htmx: the
 * form posts to `…/preview` as the admin types; without script the Preview button posts the form).
 * Saving and going back to the built-in are the API's use-cases (`api/template-admin.ts`): checked
 * first, versioned (a save from an older version is refused), audited, recompiled in every process.
 */
export const adminTemplatesRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (
  app,
  { config },
) => {
  function stateOf(key: TemplateKey) {
    const state = templateInUse(app.templates.current(), key);
    if (!state) throw new HubErrors.NotFound();
    return state;
  }

  async function editorPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: TemplateKey,
    editor: EditorState,
    loadVersion?: number,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const templates = app.templates.current();
    const state = stateOf(key);
    const [stored, history] = await Promise.all([
      app.store.messageTemplates.find(key),
      app.store.messageTemplates.history(key),
    ]);
    const loaded = history.find((old) => old.version === loadVersion);
    // A stored override not in use (it fails the checks now) is what the admin has to fix.
    const form = editor.form ?? partsOf(loaded ?? (state.skipped && stored) ?? state.info.parts);
    const problems = problemViews(language, editor.problems ?? []);
    const href = editorPath(key);
    const channel = staffText(language, `templates.channel.${key.channel}`);
    const title = `${eventLabel(language, key.event)} · ${channel} · ${key.locale}`;
    return reply.page(
      'admin-templates-edit',
      {
        ...key,
        href,
        title,
        channelName: channel,
        email: key.channel === 'email',
        bodyHint: staffText(language, `templates.hint.${key.channel}`, { signature: templates.smsSignature }),
        override: stored !== undefined,
        inUse: inUseText(language, state, stored, config.timezone),
        skipped: state.skipped && problemViews(language, state.skipped),
        sms: state.sms && smsLine(language, state.sms),
        form,
        baseVersion: editor.baseVersion ?? stored?.version ?? 0,
        // Problems of a part with a field are shown under it; the rest (e.g. the channel) above.
        otherProblems: problems.filter((p) => !fieldsOf(key).includes(p.field)),
        fieldProblems: problemsByField(problems),
        notice:
          editor.notice ??
          (loaded && {
            done: true,
            text: staffText(language, 'templates.loaded', { version: loaded.version }),
          }),
        preview: previewView(language, templates, key, form),
        placeholders: placeholders(language, templates, key),
        builtIn: state.builtIn,
        versions: versionLines(language, history, config.timezone, href),
      },
      title,
    );
  }

  app.get(
    '/admin/templates',
    { ...options, schema: { hide: true, querystring: ListQuery } },
    (request, reply) => {
      const language = request.staffLanguage;
      const templates = app.templates.current();
      const filter: ListFilter = {
        channel: request.query.channel || undefined,
        locale: request.query.locale || undefined,
      };
      const groups = listGroups(language, templates, filter, (key) => templateInUse(templates, key));
      return reply.page(
        'admin-templates',
        {
          groups,
          count: staffText(language, 'templates.count', {
            count: groups.reduce((n, g) => n + g.rows.length, 0),
          }),
          channels: OUTBOUND_CHANNELS.map((c) => ({ value: c, selected: c === filter.channel })),
          locales: LOCALES.map((l) => ({ value: l, selected: l === filter.locale })),
          signature: templates.smsSignature,
          max: templates.smsMaxParts,
        },
        staffText(language, 'templates.title'),
      );
    },
  );

  const PATH = '/admin/templates/:event/:channel/:locale';

  app.get(
    PATH,
    { ...options, schema: { hide: true, params: TemplateParams, querystring: EditorQuery } },
    (request, reply) => {
      const { saved, reverted, version } = request.query;
      const language = request.staffLanguage;
      const text = saved
        ? staffText(language, 'templates.saved', { version: saved })
        : reverted && staffText(language, 'templates.reverted');
      return editorPage(
        request,
        reply,
        request.params,
        text ? { notice: { done: true, text } } : {},
        version,
      );
    },
  );

  // htmx: the preview alone, on every change of the fields (nothing stored, nothing audited).
  app.post(
    `${PATH}/preview`,
    { ...options, schema: { hide: true, params: TemplateParams, body: TemplateForm } },
    (request, reply) => {
      const key = request.params;
      stateOf(key);
      const language = request.staffLanguage;
      const parts = formParts(key, request.body);
      const tooLong = lengthProblems(language, parts);
      const preview =
        tooLong.length > 0
          ? { problems: problemViews(language, tooLong) }
          : previewView(language, app.templates.current(), key, parts);
      return reply.page(
        'admin-templates-preview',
        { preview },
        staffText(language, 'templates.preview.title'),
      );
    },
  );

  app.post(
    PATH,
    { ...options, schema: { hide: true, params: TemplateParams, body: TemplateForm } },
    async (request, reply) => {
      const key = request.params;
      const language = request.staffLanguage;
      const form = formParts(key, request.body);
      const { baseVersion, intent } = request.body;
      const tooLong = lengthProblems(language, form);
      if (intent === 'preview')
        return editorPage(request, reply, key, { form, baseVersion, problems: tooLong });

      if (tooLong.length > 0)
        return editorPage(request, reply.status(400), key, { form, baseVersion, problems: tooLong });
      const saved = await saveTemplateOverride(app, request.actor, key, form, baseVersion);
      if (saved.ok) return reply.redirect(`${editorPath(key)}?saved=${String(saved.template.version)}`, 303);
      if (saved.reason === 'invalid') {
        return editorPage(request, reply.status(400), key, {
          form,
          baseVersion,
          problems: saved.problems,
          notice: { done: false, text: staffText(language, 'templates.notSaved') },
        });
      }
      // Saving again overwrites the newer version, knowingly: the page says what is in use now.
      const now =
        saved.current === 0
          ? staffText(language, 'templates.source.builtIn')
          : staffText(language, 'templates.source.override', { version: saved.current });
      return editorPage(request, reply.status(409), key, {
        form,
        baseVersion: saved.current,
        notice: { done: false, text: staffText(language, 'templates.conflict', { now }) },
      });
    },
  );

  app.post(
    `${PATH}/delete`,
    { ...options, schema: { hide: true, params: TemplateParams } },
    async (request, reply) => {
      const key = request.params;
      stateOf(key);
      if (await removeTemplateOverride(app, request.actor, key))
        return reply.redirect(`${editorPath(key)}?reverted=1`, 303);
      const text = staffText(request.staffLanguage, 'templates.notOverridden');
      return editorPage(request, reply.status(409), key, { notice: { done: false, text } });
    },
  );
};

/** The parts an admin edits for the channel. */
function fieldsOf(key: TemplateKey): string[] {
  return key.channel === 'email' ? ['subject', 'body', 'html'] : ['body'];
}

/** The fields the channel has, with `\n` line ends; an empty optional field is left out. */
function formParts(key: TemplateKey, form: TemplateForm): TemplateParts {
  const text = (value: string | undefined) => value?.replace(/\r\n?/g, '\n');
  const body = text(form.body) ?? '';
  if (key.channel !== 'email') return { body };
  const subject = text(form.subject);
  const html = text(form.html);
  return { body, ...(subject?.trim() ? { subject } : {}), ...(html?.trim() ? { html } : {}) };
}

function partsOf(template: TemplateParts): TemplateParts {
  const { subject, body, html } = template;
  return { body, ...(subject === undefined ? {} : { subject }), ...(html === undefined ? {} : { html }) };
}

/** The API's length limits (its body schema) over the sources as they would be saved. */
function lengthProblems(language: StaffLanguage, parts: TemplateParts): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const error of Value.Errors(TemplateBody, parts)) {
    const field = error.instancePath.slice(1);
    if (error.keyword !== 'maxLength' || (field !== 'subject' && field !== 'body' && field !== 'html'))
      continue;
    const limit = (error.params as { limit?: number }).limit;
    problems.push({ field, message: staffText(language, 'templates.tooLong', { limit }) });
  }
  return problems;
}
