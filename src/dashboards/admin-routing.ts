import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { RuleConditions } from '../routing/rules.js';
import type { StoredRule } from '../store/routing-rules.js';
import { localMinute } from '../time/local-format.js';
import { previewRoute, type RoutePreview } from '../tickets/route-preview.js';
import { KINDS, type TicketKind } from '../tickets/types.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
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

interface TestInput {
  text: string;
  kind: TicketKind;
  category?: string;
  district?: string;
}

/**
 * `/staff/admin/routing` (admins only): the routing rules in the order they are tried, each with its
 * versions, and a test box — text, kind, category, region → the same dry-run as
 * `POST /api/v1/routing/dry-run` (previewRoute over the rules in force), shown with its reasons. The
 * test box is a plain form: the POST renders the page again with the answer, so it works without
 * JavaScript. Rules are edited through the API, which validates and versions them.
 */
export const adminRoutingRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  async function rulesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    test: { form: TestInput; preview?: RoutePreview; problem?: string },
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const departments = await app.store.departments.list();
    const names = new Map(
      departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]),
    );
    const dept = (code: string) => `${names.get(code) ?? code} (${code})`;
    const rules = (await app.store.rules.list()).sort(
      (a, b) => a.order - b.order || a.id.localeCompare(b.id),
    );
    const histories = await Promise.all(rules.map(async (rule) => app.store.rules.history(rule.id)));
    return reply.page(
      'admin-routing',
      {
        rules: rules.map((rule, n) => ({
          id: rule.id,
          name: rule.name,
          order: rule.order,
          version: rule.version,
          enabled: rule.enabled,
          conditions: conditionLines(language, rule.conditions),
          lead: dept(rule.actions.leadDepartment),
          co: (rule.actions.coDepartments ?? []).map(dept).join('、'),
          versions: (histories[n] ?? []).map((old) => versionLine(language, old, config.timezone)),
        })),
        kinds: KINDS.map((kind) => ({ kind, selected: kind === test.form.kind })),
        form: test.form,
        problem: test.problem,
        result: test.preview && resultView(language, test.preview, dept),
      },
      staffText(language, 'routing.title'),
    );
  }

  app.get('/admin/routing', { config: { staffRoles: ADMINS }, schema: { hide: true } }, (request, reply) =>
    rulesPage(request, reply, { form: { text: '', kind: 'complaint' } }),
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
        void reply.status(400);
        return rulesPage(request, reply, {
          form,
          problem: staffText(request.staffLanguage, 'routing.problem.text'),
        });
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
      return rulesPage(request, reply, { form, preview });
    },
  );
};

/** A rule's conditions, one line each, in the page's language. */
function conditionLines(language: StaffLanguage, c: RuleConditions): string[] {
  const line = (key: string, values: readonly string[] | undefined) =>
    values && values.length > 0
      ? [`${staffText(language, `routing.cond.${key}`)}: ${values.join('、')}`]
      : [];
  const lines = [
    ...line('channels', c.channels),
    ...line(
      'kinds',
      c.kinds?.map((k) => staffText(language, `ticket.kind.${k}`)),
    ),
    ...line('categories', c.categories),
    ...line('keywordsAny', c.keywords?.any),
    ...line('keywordsAll', c.keywords?.all),
    ...line('keywordsNone', c.keywords?.none),
    ...line('regionPrefixes', c.regionPrefixes),
    ...line('callerPrefixes', c.callerPrefixes),
    ...line('timeWindow', c.timeWindow ? [c.timeWindow] : undefined),
    ...line(
      'priorities',
      c.priorities?.map((p) => staffText(language, `ticket.priority.${p}`)),
    ),
  ];
  return lines.length > 0 ? lines : [staffText(language, 'routing.cond.any')];
}

function versionLine(language: StaffLanguage, rule: StoredRule, timeZone: string): string {
  return staffText(language, 'routing.versionLine', {
    version: rule.version,
    at: localMinute(rule.updatedAt, timeZone),
    by: rule.updatedBy,
    name: rule.name,
  });
}

function resultView(
  language: StaffLanguage,
  preview: RoutePreview,
  dept: (code: string) => string,
): Record<string, unknown> {
  const routeTo = preview.routeTo;
  return {
    matched: preview.matched,
    ruleId: preview.rule?.id,
    headline: preview.rule
      ? staffText(language, 'routing.matched', {
          name: preview.rule.name,
          id: preview.rule.id,
          version: preview.rule.version,
        })
      : staffText(language, 'routing.unmatched'),
    routeTo:
      routeTo &&
      staffText(language, 'routing.routeTo', {
        lead: dept(routeTo.leadDepartment),
        co:
          routeTo.coDepartments.length > 0
            ? `, ${staffText(language, 'routing.co', { departments: routeTo.coDepartments.map(dept).join('、') })}`
            : '',
        priority: staffText(language, `ticket.priority.${routeTo.priority}`),
      }),
    sla:
      preview.sla &&
      staffText(language, 'routing.sla', { policy: preview.sla.policy, version: preview.sla.policyVersion }),
    reasons: preview.reasons,
    considered: staffText(language, 'routing.considered', {
      considered: preview.considered,
      notInForce: preview.notInForce,
    }),
  };
}
