import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HubErrors, withDetails } from '../errors.js';
import type { MenuDraft, StoredMenu } from '../ivr/menu.js';
import { publishMenu } from '../ivr/publish-menu.js';
import { validateMenu, type MenuProblem } from '../ivr/validate-menu.js';
import { requireAdmin, requireHotline } from './guards.js';
import {
  CallParams,
  CallView,
  IvrMenuBody,
  IvrMenuView,
  MenuCheckReply,
  MenuVersionParams,
  MenuVersionsReply,
} from './ivr-schemas.js';
import { errorReplies } from './schemas.js';

/**
 * The IVR menu (admin only): the menu in force, saving a new version (checked first: 400
 * HUB_ERR_IVR_MENU_INVALID with a code per problem), checking without saving, and every version.
 * A save applies to the next call; calls in progress keep their version. Saves are audited.
 * Also a call's record for the hotline (phones masked).
 */
export const ivrRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.addHook('onRequest', app.authenticate);
  const speech = { language: config.ivr.language, voice: config.ivr.voice };
  const view = (menu: StoredMenu) => ({
    ...menu,
    updatedAt: menu.updatedAt.toISOString(),
    speech,
  });
  // Per route, not per plugin: the call record below is for operators and supervisors too.
  const admin = {
    onRequest: async (request: FastifyRequest) => {
      requireAdmin(request.actor, 'the IVR menu');
    },
  };

  app.get(
    '/ivr/menu',
    {
      ...admin,
      schema: {
        summary: 'The IVR menu in force (the newest version)',
        tags: ['ivr'],
        response: { 200: IvrMenuView, ...errorReplies },
      },
    },
    async () => {
      const menu = await app.store.ivrMenus.current();
      if (!menu) throw new HubErrors.NotFound();
      return view(menu);
    },
  );

  app.put(
    '/ivr/menu',
    {
      ...admin,
      schema: {
        summary: 'Save the menu as a new version (checked first); the next call uses it',
        tags: ['ivr'],
        body: IvrMenuBody,
        response: { 200: IvrMenuView, ...errorReplies },
      },
    },
    async (request) => {
      const { baseVersion, ...body } = request.body;
      const saved = await publishMenu(app.store, toMenu(body), request.actor, baseVersion);
      if (!saved.ok && saved.reason === 'invalid') throw invalid(saved.problems);
      if (!saved.ok) throw new HubErrors.VersionConflict('the IVR menu', String(saved.current));
      return view(saved.menu);
    },
  );

  app.post(
    '/ivr/menu/check',
    {
      ...admin,
      schema: {
        summary: 'Check a menu without saving it',
        tags: ['ivr'],
        body: IvrMenuBody,
        response: { 200: MenuCheckReply, ...errorReplies },
      },
    },
    async (request) => {
      const problems = validateMenu(toMenu(request.body));
      return { ok: problems.length === 0, problems };
    },
  );

  app.get(
    '/ivr/menu/versions',
    {
      ...admin,
      schema: {
        summary: 'Every saved version of the menu, newest first',
        tags: ['ivr'],
        response: { 200: MenuVersionsReply, ...errorReplies },
      },
    },
    async () =>
      (await app.store.ivrMenus.history()).map((v) => ({ ...v, updatedAt: v.updatedAt.toISOString() })),
  );

  app.get(
    '/ivr/menu/versions/:version',
    {
      ...admin,
      schema: {
        summary: 'One saved version of the menu (to look back or save again)',
        tags: ['ivr'],
        params: MenuVersionParams,
        response: { 200: IvrMenuView, ...errorReplies },
      },
    },
    async (request) => {
      const menu = await app.store.ivrMenus.version(request.params.version);
      if (!menu) throw new HubErrors.NotFound();
      return view(menu);
    },
  );

  app.get(
    '/ivr/calls/:callSid',
    {
      onRequest: async (request) => {
        requireHotline(request.actor);
      },
      schema: {
        summary: 'A hotline call: its path through the menu and linked tickets (phones masked)',
        tags: ['ivr'],
        params: CallParams,
        response: { 200: CallView, ...errorReplies },
      },
    },
    async (request) => {
      const call = await app.store.calls.view(request.params.callSid);
      if (!call) throw new HubErrors.NotFound();
      return {
        ...call,
        startedAt: call.startedAt.toISOString(),
        answeredAt: call.answeredAt?.toISOString(),
        endedAt: call.endedAt?.toISOString(),
        events: call.events.map((e) => ({ ...e, at: e.at.toISOString() })),
      };
    },
  );
};

/** Only the menu's own fields, in a fixed order (no version bookkeeping, nothing extra). */
function toMenu(menu: MenuDraft): MenuDraft {
  return {
    root: menu.root,
    nodes: menu.nodes,
    prompts: menu.prompts,
    timeoutSeconds: menu.timeoutSeconds,
    maxStrikes: menu.maxStrikes,
    recordMaxSeconds: menu.recordMaxSeconds,
    afterHours: menu.afterHours,
  };
}

function invalid(problems: MenuProblem[]): Error {
  const summary = problems.map((p) => `${p.path}: ${p.code}`).join('; ');
  return withDetails(new HubErrors.IvrMenuInvalid(summary), { problems });
}
