import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HubErrors, withDetails } from '../errors.js';
import { normalisePhone } from '../privacy/phone.js';
import type { Rule } from '../routing/rules.js';
import { ruleProblems, type Problem } from '../routing/validate.js';
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
    async () =>
      (await app.store.rules.list())
        .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
        .map(ruleView),
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
      const { id = `r_${randomBytes(6).toString('hex')}`, ...fields } = request.body;
      const rule = storedRule(app, { ...fields, id, version: 1 }, request.actor);
      const saved = await app.store.rules.create(rule);
      if (!saved.ok) throw new HubErrors.AlreadyExists(`rule ${id}`);
      await afterChange(app, request.actor, 'create_rule', `${id}@1`);
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
      const current = await existingRule(app, request.params.id);
      const rule = storedRule(app, { ...fields, id: current.id, version }, request.actor);
      const saved = await app.store.rules.update(rule, version);
      if (!saved.ok) throw new HubErrors.VersionConflict(`rule ${current.id}`, String(current.version));
      await afterChange(app, request.actor, 'update_rule', `${current.id}@${String(saved.rule.version)}`);
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

function storedRule(
  app: FastifyInstance,
  fields: Omit<CreateRuleBody, 'id'> & { id: string; version: number },
  actor: Actor,
): StoredRule {
  const rule: Rule = {
    ...fields,
    effectiveFrom: fields.effectiveFrom ? new Date(fields.effectiveFrom) : undefined,
    effectiveTo: fields.effectiveTo ? new Date(fields.effectiveTo) : undefined,
  };
  const problems = ruleProblems(rule, app.routingService.tables());
  if (problems.length > 0) throw problemsError(problems);
  return { ...rule, updatedAt: new Date(), updatedBy: actor.id };
}

export async function afterChange(
  app: FastifyInstance,
  actor: Actor,
  action: string,
  what: string,
): Promise<void> {
  await app.store.audit.append({ actor, action, fields: [what], at: new Date() });
  await app.routingService.changed();
}

function ruleView(rule: StoredRule) {
  return {
    ...rule,
    effectiveFrom: rule.effectiveFrom?.toISOString(),
    effectiveTo: rule.effectiveTo?.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
