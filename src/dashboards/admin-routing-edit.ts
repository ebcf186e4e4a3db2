import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import { createRule, rulesInOrder, updateRule, type RuleEditDeps } from '../routing/rule-edits.js';
import type { StoredRule } from '../store/routing-rules.js';
import {
  checkRuleBody,
  coreProblems,
  EditRuleForm,
  fieldMessages,
  formOf,
  NewRuleForm,
  ruleBody,
  RuleParams,
  type FieldProblem,
  type RuleForm,
} from './admin-routing-form.js';
import { conflictText, doneUrl, ROUTING_PAGE, ruleFormView } from './admin-routing-view.js';
import { staffText } from './messages.js';
import { AREAS } from './nav.js';

const ADMINS = AREAS.admin.roles;
/** A new rule goes after the last one, with room for others in between. */
const ORDER_STEP = 10;

interface FormState {
  /** The rule being edited as it is now (absent: a new rule). */
  rule?: StoredRule;
  form: RuleForm & { id?: string };
  /** The version the admin started from. */
  baseVersion?: number;
  problems?: FieldProblem[];
  conflict?: string;
}

/**
 * The rule form of `/staff/admin/routing`: `…/new` and `…/rules/:id/edit`. The form carries the
 * version the admin started from; a rule saved by someone else meanwhile is refused (409, what was
 * typed kept, nothing overwritten). Input is checked as the API checks it (admin-routing-form.ts),
 * then saved by the API's own use-cases (src/routing/rule-edits.ts); a refused form comes back
 * with a message at each field (400) and nothing saved.
 */
export const adminRoutingEditRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (
  app,
  { config },
) => {
  const deps: RuleEditDeps = { store: app.store, routing: app.routingService };

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const { rule } = state;
    const problems = fieldMessages(language, state.problems ?? []);
    const title = rule
      ? staffText(language, 'routing.editTitle', { name: rule.name })
      : staffText(language, 'routing.newTitle');
    return reply.page(
      'admin-routing-rule',
      {
        ...ruleFormView(
          language,
          state.form,
          { departments: await app.store.departments.list(), policies: app.routingService.tables().policies },
          problems,
        ),
        heading: title,
        isNew: !rule,
        ruleId: rule?.id,
        id: state.form.id,
        action: rule ? `${ROUTING_PAGE}/rules/${rule.id}/edit` : `${ROUTING_PAGE}/new`,
        baseVersion: state.baseVersion,
        conflict: state.conflict,
        timeZone: config.timezone,
      },
      title,
    );
  }

  async function existing(id: string): Promise<StoredRule> {
    const rule = await app.store.rules.findById(id);
    if (!rule) throw new HubErrors.NotFound();
    return rule;
  }

  app.get(
    '/admin/routing/new',
    { config: { staffRoles: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      const last = rulesInOrder(await app.store.rules.list()).at(-1);
      const order = last ? last.order + ORDER_STEP : ORDER_STEP;
      return formPage(request, reply, {
        form: { name: '', order: String(order), enabled: 'on', leadDepartment: '' },
      });
    },
  );

  app.post(
    '/admin/routing/new',
    { config: { staffRoles: ADMINS }, schema: { hide: true, body: NewRuleForm } },
    async (request, reply) => {
      const { _csrf: _token, ...form } = request.body;
      const id = form.id?.trim() || undefined;
      const checked = checkRuleBody(ruleBody(form, config.timezone), app.routingService.tables(), id);
      if (!checked.ok) return formPage(request, reply.status(400), { form, problems: checked.problems });
      const edit = await createRule(deps, id, checked.draft, request.actor);
      if (edit.ok) return reply.redirect(doneUrl('created', edit.rule.id), 303);
      if (edit.reason === 'exists') {
        return formPage(request, reply.status(409), {
          form,
          problems: [{ path: '/id', why: 'taken', value: id }],
        });
      }
      if (edit.reason === 'invalid') {
        const problems = coreProblems(edit.problems, checked.draft);
        return formPage(request, reply.status(400), { form, problems });
      }
      throw new HubErrors.NotFound();
    },
  );

  app.get(
    '/admin/routing/rules/:id/edit',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: RuleParams } },
    async (request, reply) => {
      const rule = await existing(request.params.id);
      return formPage(request, reply, {
        rule,
        form: formOf(rule, config.timezone),
        baseVersion: rule.version,
      });
    },
  );

  app.post(
    '/admin/routing/rules/:id/edit',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: RuleParams, body: EditRuleForm } },
    async (request, reply) => {
      const { _csrf: _token, version, ...form } = request.body;
      const rule = await existing(request.params.id);
      const state = { rule, form, baseVersion: version };
      const conflict = (current: StoredRule) =>
        formPage(request, reply.status(409), {
          ...state,
          rule: current,
          conflict: conflictText(request.staffLanguage, current, config.timezone),
        });
      // Changed since the admin opened it: say so before anything else, whatever was typed.
      if (rule.version !== version) return conflict(rule);
      const checked = checkRuleBody(ruleBody(form, config.timezone), app.routingService.tables());
      if (!checked.ok) return formPage(request, reply.status(400), { ...state, problems: checked.problems });
      const edit = await updateRule(deps, rule.id, version, checked.draft, request.actor);
      if (edit.ok) return reply.redirect(doneUrl('saved', rule.id), 303);
      if (edit.reason === 'version_conflict') return conflict(edit.current);
      if (edit.reason === 'invalid') {
        const problems = coreProblems(edit.problems, checked.draft);
        return formPage(request, reply.status(400), { ...state, problems });
      }
      throw new HubErrors.NotFound();
    },
  );
};
