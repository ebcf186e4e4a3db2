import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { applyEdit, menuOf, type MenuEdit } from '../ivr/edit-menu.js';
import type { StoredMenu } from '../ivr/menu.js';
import { MenuDrafts, type MenuDraftRecord } from '../ivr/menu-drafts.js';
import { MenuBook } from '../ivr/menus.js';
import { publishMenu } from '../ivr/publish-menu.js';
import { validateMenu } from '../ivr/validate-menu.js';
import { localMinute } from '../time/local-format.js';
import { adminIvrSimulatorRoutes } from './admin-ivr-simulate.js';
import {
  EditorQuery,
  FlowForm,
  FlowParams,
  NodeForm,
  NodeParams,
  OptionForm,
  OptionParams,
  optionOf,
  PromptForm,
  RevForm,
  SettingsForm,
  VersionParams,
  whole,
} from './admin-ivr-forms.js';
import {
  draftStatus,
  flowPrompts,
  formId,
  menuProblems,
  menuTree,
  placed,
  problemView,
  settingsOf,
  settingsView,
  type Refused,
} from './admin-ivr-view.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_IVR_WORDS } from './words/admin-ivr.js';

addStaffMessages(ADMIN_IVR_WORDS);

const ADMINS = AREAS.admin.roles;
const PAGE = '/staff/admin/ivr';

/** What the editor says above the tree after a POST that was not redirected. */
interface Notice {
  refused?: Refused;
  /** A words key and its values, shown as a problem. */
  problem?: { key: string; values?: Record<string, string | number> };
  done?: string;
}

/**
 * `/staff/admin/ivr` (admins only): the IVR menu as a tree, edited through a draft.
 *
 * Each admin has one draft (menu-drafts.ts, in Redis). The first edit starts it from the version in
 * force; every edit is a plain form POST naming the draft's revision, made by `applyEdit` — the
 * same checks as `PUT /api/v1/ivr/menu` (validate-menu.ts), of which a draft may only break "no
 * key leads here" and "no keys yet" meanwhile — and answered with a redirect, or with the page
 * again (400, the problem beside the form, nothing changed). Publish saves the draft through the
 * same store call as the API (`ivrMenus.save` with the draft's base version: a version published
 * meanwhile refuses it, 409, the draft kept) and audits `update_ivr_menu` as the API does; the
 * next call reads the newest version (MenuBook), calls in progress keep theirs. Old versions can be
 * viewed and restored into the draft. The simulator (admin-ivr-simulate.ts) plays the draft or
 * the version in force through the IVR engine.
 */
export const adminIvrRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const menus = new MenuBook(app.store.ivrMenus);
  const drafts = new MenuDrafts(app.redis);
  const admins = { config: { staffRoles: ADMINS } };
  const when = (at: Date) => localMinute(at, config.timezone);

  async function editorPage(request: FastifyRequest, reply: FastifyReply, notice: Notice = {}) {
    const language = request.staffLanguage;
    const published = await menus.current();
    const draft = await drafts.get(request.actor.id);
    const menu = draft?.menu ?? menuOf(published);
    const problems = validateMenu(menu);
    const tree = {
      language,
      menu,
      problems,
      ...(draft ? { published: menuOf(published) } : {}),
      ...(notice.refused ? { refused: notice.refused } : {}),
    };
    const history = await app.store.ivrMenus.history();
    return reply.page(
      'admin-ivr',
      {
        editable: true,
        rev: draft?.rev ?? 0,
        published: staffText(language, 'ivr.published', {
          version: published.version,
          by: published.updatedBy,
          at: when(published.updatedAt),
        }),
        draft: draft && draftStatus(language, draft, published, problems, when),
        done: notice.done,
        problem: notice.problem && staffText(language, notice.problem.key, notice.problem.values),
        refused: notice.refused && {
          form: notice.refused.form,
          problems: notice.refused.problems.map((p) => problemView(language, menu, p)),
        },
        ...menuTree(tree),
        menuProblems: menuProblems(tree),
        prompts: flowPrompts(tree),
        settings: settingsView(menu, notice.refused?.form === 'settings' ? notice.refused : undefined),
        addNode: notice.refused?.form === 'add-node' ? { open: true, ...notice.refused.values } : {},
        versions: history.map((v) => ({
          version: v.version,
          by: v.updatedBy,
          at: when(v.updatedAt),
          current: v.version === published.version,
        })),
        simulate: `${PAGE}/simulate?menu=${draft ? 'draft' : 'published'}`,
      },
      staffText(language, 'ivr.title'),
    );
  }

  /**
   * One edit of the admin's draft (started from the version in force when there is none): refused
   * when the page showed another revision (409) or when the edit breaks a rule (400); else the
   * draft is written and the page shown again by a redirect to the edited place.
   */
  async function edit(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { id: string; rev: string; values: Record<string, string>; anchor?: string },
    change: MenuEdit,
  ): Promise<FastifyReply> {
    const owner = request.actor.id;
    const expected = Number(form.rev);
    const draft = await drafts.get(owner);
    if ((draft?.rev ?? 0) !== expected) return stale(request, reply);
    const start = draft ?? fromPublished(await menus.current());
    const outcome = applyEdit(start.menu, change);
    if (!outcome.ok) {
      void reply.status(400);
      return editorPage(request, reply, {
        refused: { form: form.id, values: form.values, problems: outcome.problems },
      });
    }
    const written = await drafts.put(owner, expected, { ...start, menu: outcome.menu }, new Date());
    if (!written) return stale(request, reply);
    return reply.redirect(`${PAGE}?done=edited#${form.anchor ?? form.id}`, 303);
  }

  function stale(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    void reply.status(409);
    return editorPage(request, reply, { problem: { key: 'ivr.stale' } });
  }

  app.get('/admin/ivr', { ...admins, schema: { hide: true, querystring: EditorQuery } }, (request, reply) => {
    const { done, version } = request.query;
    const text = done && staffText(request.staffLanguage, `ivr.done.${done}`, { version });
    return editorPage(request, reply, text ? { done: text } : {});
  });

  app.post(
    '/admin/ivr/nodes/:node/prompt',
    { ...admins, schema: { hide: true, params: NodeParams, body: PromptForm } },
    (request, reply) => {
      const { node } = request.params;
      const { rev, prompt } = request.body;
      const id = formId('prompt', node);
      return edit(
        request,
        reply,
        { id, rev, values: { prompt }, anchor: formId('node', node) },
        {
          kind: 'node_prompt',
          node,
          prompt,
        },
      );
    },
  );

  app.post(
    '/admin/ivr/nodes/:node/options',
    { ...admins, schema: { hide: true, params: NodeParams, body: OptionForm } },
    (request, reply) => {
      const { node } = request.params;
      const { rev, digit, action, target } = request.body;
      const id = formId('add-option', node);
      return edit(
        request,
        reply,
        { id, rev, values: { digit, action, target }, anchor: formId('node', node) },
        {
          kind: 'add_option',
          node,
          option: optionOf(digit, action, target),
        },
      );
    },
  );

  app.post(
    '/admin/ivr/nodes/:node/options/:digit',
    { ...admins, schema: { hide: true, params: OptionParams, body: OptionForm } },
    (request, reply) => {
      const { node, digit: was } = request.params;
      const { rev, digit, action, target } = request.body;
      const id = formId('option', node, was);
      return edit(
        request,
        reply,
        { id, rev, values: { digit, action, target }, anchor: formId('node', node) },
        {
          kind: 'change_option',
          node,
          digit: was,
          option: optionOf(digit, action, target),
        },
      );
    },
  );

  app.post(
    '/admin/ivr/nodes/:node/options/:digit/remove',
    { ...admins, schema: { hide: true, params: OptionParams, body: RevForm } },
    (request, reply) => {
      const { node, digit } = request.params;
      const id = formId('remove-option', node, digit);
      return edit(
        request,
        reply,
        { id, rev: request.body.rev, values: {}, anchor: formId('node', node) },
        {
          kind: 'remove_option',
          node,
          digit,
        },
      );
    },
  );

  app.post('/admin/ivr/nodes', { ...admins, schema: { hide: true, body: NodeForm } }, (request, reply) => {
    const { rev, id, prompt } = request.body;
    const node = id.trim();
    return edit(
      request,
      reply,
      { id: 'add-node', rev, values: { id, prompt }, anchor: formId('node', node) },
      {
        kind: 'add_node',
        node: { id: node, prompt, options: [] },
      },
    );
  });

  app.post(
    '/admin/ivr/nodes/:node/remove',
    { ...admins, schema: { hide: true, params: NodeParams, body: RevForm } },
    (request, reply) => {
      const { node } = request.params;
      const id = formId('remove-node', node);
      return edit(
        request,
        reply,
        { id, rev: request.body.rev, values: {}, anchor: 'tree' },
        {
          kind: 'remove_node',
          node,
        },
      );
    },
  );

  app.post(
    '/admin/ivr/prompts/:key',
    { ...admins, schema: { hide: true, params: FlowParams, body: FlowForm } },
    (request, reply) => {
      const { key } = request.params;
      const { rev, text } = request.body;
      return edit(
        request,
        reply,
        { id: formId('flow', key), rev, values: { text } },
        {
          kind: 'flow_prompt',
          key,
          text,
        },
      );
    },
  );

  app.post(
    '/admin/ivr/settings',
    { ...admins, schema: { hide: true, body: SettingsForm } },
    (request, reply) => {
      const { rev, _csrf: _token, ...values } = request.body;
      return edit(
        request,
        reply,
        { id: 'settings', rev, values },
        {
          kind: 'settings',
          settings: {
            timeoutSeconds: whole(values.timeoutSeconds),
            maxStrikes: whole(values.maxStrikes),
            recordMaxSeconds: whole(values.recordMaxSeconds),
            afterHours: values.afterHours,
          },
        },
      );
    },
  );

  app.post(
    '/admin/ivr/publish',
    { ...admins, schema: { hide: true, body: RevForm } },
    async (request, reply) => {
      const owner = request.actor.id;
      const draft = await drafts.get(owner);
      if (!draft) {
        void reply.status(400);
        return editorPage(request, reply, { problem: { key: 'ivr.nothingToPublish' } });
      }
      if (draft.rev !== Number(request.body.rev)) return stale(request, reply);
      // The same use-case as PUT /api/v1/ivr/menu: checked, saved over the draft's base, audited.
      const saved = await publishMenu(app.store, draft.menu, request.actor, draft.baseVersion);
      if (!saved.ok && saved.reason === 'invalid') {
        void reply.status(400);
        return editorPage(request, reply, {
          refused: { form: 'publish', values: {}, problems: placed(draft.menu, saved.problems) },
        });
      }
      if (!saved.ok) {
        void reply.status(409);
        return editorPage(request, reply, {
          problem: { key: 'ivr.conflict', values: { version: saved.current } },
        });
      }
      // Published: the draft has done its work (kept if another window changed it meanwhile).
      await drafts.discard(owner, draft.rev);
      return reply.redirect(`${PAGE}?done=published&version=${String(saved.menu.version)}`, 303);
    },
  );

  app.post(
    '/admin/ivr/discard',
    { ...admins, schema: { hide: true, body: RevForm } },
    async (request, reply) => {
      if (!(await drafts.discard(request.actor.id, Number(request.body.rev)))) return stale(request, reply);
      return reply.redirect(`${PAGE}?done=discarded`, 303);
    },
  );

  /** Keeps the draft over a version published meanwhile: Publish then saves on top of it. */
  app.post(
    '/admin/ivr/rebase',
    { ...admins, schema: { hide: true, body: RevForm } },
    async (request, reply) => {
      const owner = request.actor.id;
      const expected = Number(request.body.rev);
      const draft = await drafts.get(owner);
      if (!draft || draft.rev !== expected) return stale(request, reply);
      const published = await menus.current();
      const written = await drafts.put(
        owner,
        expected,
        { ...draft, baseVersion: published.version },
        new Date(),
      );
      if (!written) return stale(request, reply);
      return reply.redirect(`${PAGE}?done=rebased&version=${String(published.version)}`, 303);
    },
  );

  app.get(
    '/admin/ivr/versions/:version',
    { ...admins, schema: { hide: true, params: VersionParams } },
    async (request, reply) => {
      const language = request.staffLanguage;
      const old = await menus.version(request.params.version);
      if (!old) throw new HubErrors.NotFound();
      const menu = menuOf(old);
      const tree = { language, menu, problems: validateMenu(menu) };
      return reply.page(
        'admin-ivr-version',
        {
          editable: false,
          version: old.version,
          intro: staffText(language, 'ivr.versionIntro', { by: old.updatedBy, at: when(old.updatedAt) }),
          rev: (await drafts.get(request.actor.id))?.rev ?? 0,
          ...menuTree(tree),
          prompts: flowPrompts(tree),
          settings: { values: settingsOf(menu) },
        },
        staffText(language, 'ivr.versionTitle', { version: old.version }),
      );
    },
  );

  /** A draft from an old version, based on the version in force (so Publish makes it the next one). */
  app.post(
    '/admin/ivr/versions/:version/restore',
    { ...admins, schema: { hide: true, params: VersionParams, body: RevForm } },
    async (request, reply) => {
      const owner = request.actor.id;
      const old = await menus.version(request.params.version);
      if (!old) throw new HubErrors.NotFound();
      const expected = Number(request.body.rev);
      if (((await drafts.get(owner))?.rev ?? 0) !== expected) return stale(request, reply);
      const published = await menus.current();
      const written = await drafts.put(
        owner,
        expected,
        { baseVersion: published.version, restoredFrom: old.version, menu: menuOf(old) },
        new Date(),
      );
      if (!written) return stale(request, reply);
      return reply.redirect(`${PAGE}?done=restored&version=${String(old.version)}`, 303);
    },
  );

  await app.register(adminIvrSimulatorRoutes, { config, menus, drafts });
};

function fromPublished(published: StoredMenu): Omit<MenuDraftRecord, 'rev' | 'updatedAt'> {
  return { baseVersion: published.version, menu: menuOf(published) };
}
