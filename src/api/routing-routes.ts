import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HubErrors, withDetails } from '../errors.js';
import { normalisePhone } from '../privacy/phone.js';
import {
  createRule,
  routingChanged,
  rulesInOrder,
  updateRule,
  type RuleDraft,
  type RuleEdit,
  type RuleEditDeps,
} from '../routing/rule-edits.js';
import type { Problem } from '../routing/validate.js';
import type { StoredRule } from '../store/routing-rules.js';
import { previewRoute } from '../tickets/route-preview.js';
import type { Actor } from '../tickets/types.js';
import { CreateRuleBody, DryRunBody, DryRunReply, RuleView, UpdateRuleBody } from './routing-schemas.js';
import { requireAdmin, requireHotline } from './guards.js';
import { errorReplies } from './schemas.js';

const RuleParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });

/** Routing rules (admin writes, hotline reads; every version kept) and the dry-run (派单预演). */
export const routingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => {
    requireHotline(request.actor);
  });

  app.get(
    '/routing/rules',
    {
      schema: {
        summary: 'Routing rules in the order they are tried',
        tags: ['routing'],
        response: { 200: Type.Array(RuleView), ...errorReplies },
      },
    },
    async () => rulesInOrder(await app.store.rules.list()).map(ruleView),
  );

  app.get(
    '/routing/rules/:id',
    {
      schema: {
        summary: 'One routing rule (current version)',
        tags: ['routing'],
        params: RuleParams,
        response: { 200: RuleView, ...errorReplies },
      },
    },
    async (request) => ruleView(await existingRule(app, request.params.id)),
  );

  app.get(
    '/routing/rules/:id/versions',
    {
      schema: {
        summary: 'Every version of a rule, newest first (what routed a ticket can always be looked up)',
        tags: ['routing'],
        params: RuleParams,
        response: { 200: Type.Array(RuleView), ...errorReplies },
      },
    },
    async (request) => {
      const versions = await app.store.rules.history(request.params.id);
      if (versions.length === 0) throw new HubErrors.NotFound();
      return versions.map(ruleView);
    },
  );

  app.post(
    '/routing/rules',
    {
      schema: {
        summary: 'Create a routing rule (admin); rules are rebuilt at once in every process',
        tags: ['routing'],
        body: CreateRuleBody,
        response: { 201: RuleView, ...errorReplies },
      },
    },
    async (request, reply) => {
      requireAdmin(request.actor, 'routing rules');
      const { id, ...fields } = request.body;
      const saved = await createRule(ruleEditDeps(app), id, ruleDraft(fields), request.actor);
      if (!saved.ok) throw refusal(saved, id ?? 'new');
      void reply.status(201);
      return ruleView(saved.rule);
    },
  );

  app.put(
    '/routing/rules/:id',
    {
      schema: {
        summary: 'Save a new version of a rule (admin); send the version you edited',
        tags: ['routing'],
        params: RuleParams,
        body: UpdateRuleBody,
        response: { 200: RuleView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'routing rules');
      const { version, ...fields } = request.body;
      const { id } = request.params;
      const saved = await updateRule(ruleEditDeps(app), id, version, ruleDraft(fields), request.actor);
      if (!saved.ok) throw refusal(saved, id);
      return ruleView(saved.rule);
    },
  );

  app.post(
    '/routing/dry-run',
    {
      schema: {
        summary: 'Where would this text from this place go? Creates nothing',
        tags: ['routing'],
        body: DryRunBody,
        response: { 200: DryRunReply, ...errorReplies },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.text.trim() === '') {
        throw withDetails(new HubErrors.Validation('text is empty'), {
          problems: [{ path: '/text', message: 'must contain something to route' }],
        });
      }
      return previewRoute(app.routingService.tables(), {
        channel: body.channel ?? 'api',
        kind: body.kind ?? 'complaint',
        category: body.category,
        priority: body.priority ?? 'normal',
        subject: body.subject,
        text: body.text,
        location: body.location ?? {},
        callerPhone: body.callerPhone ? normalisePhone(body.callerPhone) : undefined,
        at: body.at ? new Date(body.at) : new Date(),
      });
    },
  );
};

export function problemsError(problems: Problem[]): Error {
  return withDetails(new HubErrors.Validation(problems.map((p) => `${p.path}: ${p.message}`).join('; ')), {
    problems,
  });
}

async function existingRule(app: FastifyInstance, id: string): Promise<StoredRule> {
  const rule = await app.store.rules.findById(id);
  if (!rule) throw new HubErrors.NotFound();
  return rule;
}

/** The API's body as the core's draft (dates parsed: the schema has checked their format). */
function ruleDraft(fields: Omit<CreateRuleBody, 'id'>): RuleDraft {
  const { effectiveFrom, effectiveTo, ...rest } = fields;
  return {
    ...rest,
    ...(effectiveFrom ? { effectiveFrom: new Date(effectiveFrom) } : {}),
    ...(effectiveTo ? { effectiveTo: new Date(effectiveTo) } : {}),
  };
}

function refusal(edit: Exclude<RuleEdit, { ok: true }>, id: string): Error {
  switch (edit.reason) {
    case 'invalid':
      return problemsError(edit.problems);
    case 'exists':
      return new HubErrors.AlreadyExists(`rule ${id}`);
    case 'not_found':
      return new HubErrors.NotFound();
    case 'version_conflict':
      return new HubErrors.VersionConflict(`rule ${id}`, String(edit.current.version));
  }
}

function ruleEditDeps(app: FastifyInstance): RuleEditDeps {
  return { store: app.store, routing: app.routingService };
}

/** Audited, then the routing tables rebuilt in every process (rules, policies, calendar, hours). */
export async function afterChange(
  app: FastifyInstance,
  actor: Actor,
  action: string,
  what: string,
): Promise<void> {
  await routingChanged(ruleEditDeps(app), actor, action, what);
}

function ruleView(rule: StoredRule) {
  return {
    ...rule,
    effectiveFrom: rule.effectiveFrom?.toISOString(),
    effectiveTo: rule.effectiveTo?.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
