import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { literalUnion } from '../api/schemas.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import {
  moveRule,
  rulesInOrder,
  setRuleEnabled,
  type RuleEdit,
  type RuleEditDeps,
} from '../routing/rule-edits.js';
import type { Rule } from '../routing/rules.js';
import type { StoredRule } from '../store/routing-rules.js';
import { previewRoute, type RoutePreview } from '../tickets/route-preview.js';
import { KINDS, type TicketKind } from '../tickets/types.js';
import { adminRoutingEditRoutes } from './admin-routing-edit.js';
import { RowForm, RuleParams } from './admin-routing-form.js';
import { adminRoutingVersionRoutes } from './admin-routing-versions.js';
import {
  conditionLines,
  conflictText,
  departmentNamer,
  doneUrl,
  refusedText,
  resultView,
  versionLine,
  DONE,
} from './admin-routing-view.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_ROUTING_WORDS } from './words/admin-routing.js';
import './words/ticket.js';

addStaffMessages(ADMIN_ROUTING_WORDS);

const ADMINS = AREAS.admin.roles;

const TestForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  text: Type.String({ maxLength: 10_000, default: '' }),
  kind: Type.Union(
    KINDS.map((k) => Type.Literal(k)),
    { default: 'complaint' },
  ),
  category: Type.Optional(Type.String({ maxLength: 80 })),
  district: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9]*$' })),
});

const MoveForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  version: Type.Integer({ minimum: 1 }),
  direction: literalUnion(['up', 'down']),
});
const Done = Type.Object({
  done: Type.Optional(literalUnion(DONE)),
  rule: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' })),
  from: Type.Optional(Type.Integer({ minimum: 1 })),
});

interface TestInput {
  text: string;
  kind: TicketKind;
  category?: string;
  district?: string;
}

interface ListExtras {
  test?: { form: TestInput; preview?: RoutePreview; problem?: string };
  done?: string;
  rowProblem?: string;
}

/**
 * `/staff/admin/routing` (admins only): the routing rules in the order they are tried, each with
 * its versions, and a test box — text, kind, category, region → the same dry-run as
 * `POST /api/v1/routing/dry-run` (previewRoute over the rules in force), shown with its reasons.
 * Each rule is switched on or off and moved up or down from its row; new rules and edits are
 * forms (`admin-routing-edit.ts`), old versions are viewed and restored from their own page
 * (`admin-routing-versions.ts`). Every change goes through the same use-cases as the API
 * (src/routing/rule-edits.ts: checked, versioned against the version the admin saw, audited,
 * routing rebuilt in every process) and ends in a redirect back here with a note. Everything is a
 * plain form: the page works without JavaScript.
 */
export const adminRoutingRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const deps: RuleEditDeps = { store: app.store, routing: app.routingService };

  async function rulesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extras: ListExtras,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const dept = departmentNamer(await app.store.departments.list(), language);
    const rules = rulesInOrder(await app.store.rules.list());
    const histories = await Promise.all(rules.map(async (rule) => app.store.rules.history(rule.id)));
    const test = extras.test ?? { form: { text: '', kind: 'complaint' } };
    return reply.page(
      'admin-routing',
      {
        rules: rules.map((rule, n) => ({
          id: rule.id,
          name: rule.name,
          order: rule.order,
          version: rule.version,
          enabled: rule.enabled,
          first: n === 0,
          last: n === rules.length - 1,
          conditions: conditionLines(language, rule.conditions),
          lead: dept(rule.actions.leadDepartment),
          co: (rule.actions.coDepartments ?? []).map(dept).join('、'),
          versions: (histories[n] ?? []).map((old) => ({
            version: old.version,
            line: versionLine(language, old, config.timezone),
          })),
        })),
        kinds: KINDS.map((kind) => ({ kind, selected: kind === test.form.kind })),
        form: test.form,
        problem: test.problem,
        result: test.preview && resultView(language, test.preview, dept),
        done: extras.done,
        rowProblem: extras.rowProblem,
      },
      staffText(language, 'routing.title'),
    );
  }

  /** A row action's outcome: back to the list with a note, or the list again saying why not. */
  async function rowOutcome(
    request: FastifyRequest,
    reply: FastifyReply,
    edit: RuleEdit,
    rule: Rule,
    done: (saved: StoredRule) => string,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    if (edit.ok) return reply.redirect(done(edit.rule), 303);
    if (edit.reason === 'version_conflict') {
      return rulesPage(request, reply.status(409), {
        rowProblem: conflictText(language, edit.current, config.timezone),
      });
    }
    if (edit.reason === 'invalid') {
      return rulesPage(request, reply.status(400), { rowProblem: refusedText(language, edit, rule) });
    }
    throw new HubErrors.NotFound();
  }

  async function existing(id: string): Promise<StoredRule> {
    const rule = await app.store.rules.findById(id);
    if (!rule) throw new HubErrors.NotFound();
    return rule;
  }

  app.get(
    '/admin/routing',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: Done } },
    async (request, reply) => {
      const { done, rule: id, from } = request.query;
      const rule = done && id ? await app.store.rules.findById(id) : undefined;
      const note =
        done &&
        rule &&
        staffText(request.staffLanguage, `routing.done.${done}`, {
          name: rule.name,
          id: rule.id,
          version: rule.version,
          order: rule.order,
          from,
        });
      return rulesPage(request, reply, { done: note || undefined });
    },
  );

  app.post(
    '/admin/routing',
    { config: { staffRoles: ADMINS }, schema: { hide: true, body: TestForm } },
    (request, reply) => {
      const { text, kind, category, district } = request.body;
      const form: TestInput = {
        text,
        kind,
        category: category?.trim() || undefined,
        district: district || undefined,
      };
      if (text.trim() === '') {
        const problem = staffText(request.staffLanguage, 'routing.problem.text');
        return rulesPage(request, reply.status(400), { test: { form, problem } });
      }
      const preview = previewRoute(app.routingService.tables(), {
        channel: 'api',
        kind,
        category: form.category,
        priority: 'normal',
        text,
        location: form.district ? { districtCode: form.district } : {},
        at: new Date(),
      });
      return rulesPage(request, reply, { test: { form, preview } });
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/admin/routing/rules/:id/${action}`,
      { config: { staffRoles: ADMINS }, schema: { hide: true, params: RuleParams, body: RowForm } },
      async (request, reply) => {
        const { id } = request.params;
        const rule = await existing(id);
        const edit = await setRuleEnabled(deps, id, request.body.version, enabled, request.actor);
        return rowOutcome(request, reply, edit, rule, () => doneUrl(enabled ? 'enabled' : 'disabled', id));
      },
    );
  }

  app.post(
    '/admin/routing/rules/:id/move',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: RuleParams, body: MoveForm } },
    async (request, reply) => {
      const { id } = request.params;
      const { version, direction } = request.body;
      const rule = await existing(id);
      const edit = await moveRule(deps, id, version, direction, request.actor);
      return rowOutcome(request, reply, edit, rule, (saved) =>
        doneUrl(saved.version === version ? 'unmoved' : 'moved', id),
      );
    },
  );

  await app.register(adminRoutingEditRoutes, { config });
  await app.register(adminRoutingVersionRoutes, { config });
};
