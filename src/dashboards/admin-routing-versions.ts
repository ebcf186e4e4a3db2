import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { restoreRuleVersion, type RuleEditDeps } from '../routing/rule-edits.js';
import { localMinute } from '../time/local-format.js';
import { RowForm } from './admin-routing-form.js';
import {
  conflictText,
  departmentNamer,
  doneUrl,
  refusedText,
  ruleDiff,
  ruleFacts,
  versionLine,
} from './admin-routing-view.js';
import { staffText } from './messages.js';
import { AREAS } from './nav.js';

const ADMINS = AREAS.admin.roles;

const VersionParams = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  version: Type.Integer({ minimum: 1 }),
});

/**
 * One version of a rule (`/staff/admin/routing/rules/:id/versions/:version`): every field as it
 * was saved, the fields it differs in from the current version, the other versions, and "restore"
 * — the old content saved as a new version (history is never rewritten), with the current version
 * the admin saw, so a rule changed meanwhile is refused.
 */
export const adminRoutingVersionRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (
  app,
  { config },
) => {
  const deps: RuleEditDeps = { store: app.store, routing: app.routingService };

  async function versionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    version: number,
    problem?: string,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const [old, current, history, departments] = await Promise.all([
      app.store.rules.findVersion(id, version),
      app.store.rules.findById(id),
      app.store.rules.history(id),
      app.store.departments.list(),
    ]);
    if (!old || !current) throw new HubErrors.NotFound();
    const dept = departmentNamer(departments, language);
    const tz = config.timezone;
    const title = staffText(language, 'routing.versionTitle', { name: old.name, version });
    return reply.page(
      'admin-routing-version',
      {
        heading: title,
        id,
        version,
        isCurrent: old.version === current.version,
        current: { version: current.version, next: current.version + 1, name: current.name },
        saved: staffText(language, 'routing.versionSaved', {
          at: localMinute(old.updatedAt, tz),
          by: old.updatedBy,
        }),
        facts: ruleFacts(language, old, dept, tz),
        diff: ruleDiff(language, old, current, dept, tz),
        versions: history.map((v) => ({
          version: v.version,
          line: versionLine(language, v, tz),
          here: v.version === version,
        })),
        problem,
      },
      title,
    );
  }

  app.get(
    '/admin/routing/rules/:id/versions/:version',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: VersionParams } },
    (request, reply) => versionPage(request, reply, request.params.id, request.params.version),
  );

  app.post(
    '/admin/routing/rules/:id/versions/:version/restore',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: VersionParams, body: RowForm } },
    async (request, reply) => {
      const { id, version } = request.params;
      const language = request.staffLanguage;
      const edit = await restoreRuleVersion(deps, id, version, request.body.version, request.actor);
      if (edit.ok) return reply.redirect(doneUrl('restored', id, version), 303);
      if (edit.reason === 'version_conflict') {
        const problem = conflictText(language, edit.current, config.timezone);
        return versionPage(request, reply.status(409), id, version, problem);
      }
      if (edit.reason === 'invalid') {
        const old = await app.store.rules.findVersion(id, version);
        if (!old) throw new HubErrors.NotFound();
        return versionPage(request, reply.status(400), id, version, refusedText(language, edit, old));
      }
      throw new HubErrors.NotFound();
    },
  );
};
