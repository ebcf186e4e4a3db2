import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { saveDepartment, type SaveDepartmentOutcome } from '../departments/save-department.js';
import { HubErrors } from '../errors.js';
import { hashToken } from '../http/auth-plugin.js';
import { requireAdmin } from './guards.js';
import { problemsError } from './routing-routes.js';
import { DepartmentView, errorReplies, TokenBody } from './schemas.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });

const VersionedDepartment = Type.Object({
  ...DepartmentView.properties,
  version: Type.Integer({ description: 'Counts saves; send it back with PUT to guard an edit' }),
});

/** Shapes and sizes only: what the values must be is `checkDepartment`'s, shared with the admin page. */
const DepartmentBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    nameEn: Type.Optional(Type.String({ maxLength: 400 })),
    phones: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50, default: [] }),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    parent: Type.Optional(Type.String({ maxLength: 100 })),
    regionCodes: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 200, default: [] }),
    workingHours: Type.Array(
      Type.Object(
        { from: Type.String({ maxLength: 10 }), to: Type.String({ maxLength: 10 }) },
        { additionalProperties: false },
      ),
      { maxItems: 20, description: '1 to 6 ordered intervals, HH:MM (as PUT …/working-hours)' },
    ),
    active: Type.Boolean({ default: true }),
    version: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000,
        description:
          'The version you edited (0: it must not exist yet); without it, saved whatever is stored',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Departments (read by all staff, saved by admins) and API tokens (issued by admins, shown once). */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/departments',
    {
      schema: {
        summary: 'Departments with phones and region codes (查号)',
        tags: ['departments'],
        response: { 200: Type.Array(VersionedDepartment), ...errorReplies },
      },
    },
    async () => app.store.departments.list(),
  );

  app.put(
    '/departments/:code',
    {
      schema: {
        summary:
          'Create or replace a department (admin); disabling one that an enabled routing rule sends tickets to is refused; routing uses it at once',
        tags: ['departments'],
        params: CodeParams,
        body: DepartmentBody,
        response: {
          200: Type.Object({ ...VersionedDepartment.properties, openTickets: Type.Integer() }),
          201: Type.Object({ ...VersionedDepartment.properties, openTickets: Type.Integer() }),
          ...errorReplies,
        },
      },
    },
    async (request, reply) => {
      requireAdmin(request.actor, 'departments');
      const { code } = request.params;
      const { version, ...fields } = request.body;
      const deps = { store: app.store, routing: app.routingService, redis: app.redis };
      const expected = version === undefined ? 'any' : version === 0 ? 'absent' : version;
      const saved = await saveDepartment(deps, { ...fields, code }, expected, request.actor);
      if (!saved.ok) throw refusal(saved, code);
      void reply.status(saved.created ? 201 : 200);
      return { ...saved.department, openTickets: saved.openTickets };
    },
  );

  app.post(
    '/tokens',
    {
      schema: {
        summary: 'Issue a staff API token (admin only); the token is shown once',
        tags: ['auth'],
        body: TokenBody,
        response: {
          201: Type.Object({
            id: Type.String(),
            token: Type.String(),
            role: Type.String(),
            department: Type.Optional(Type.String()),
          }),
          ...errorReplies,
        },
      },
    },
    async (request, reply) => {
      requireAdmin(request.actor, 'API tokens');
      const { name, role, department } = request.body;
      if ((role === 'department') !== (department !== undefined)) {
        throw new HubErrors.Validation('a department token needs a department, and only it');
      }
      if (department && !(await app.store.departments.findActive(department))) {
        throw new HubErrors.DepartmentNotFound(department);
      }
      const token = `hub_${randomBytes(24).toString('base64url')}`;
      const stored = await app.store.tokens.create(
        hashToken(token).toString('hex'),
        randomBytes(6).toString('hex'),
        {
          name,
          role,
          department,
          createdAt: new Date(),
        },
      );
      await app.store.audit.append({
        actor: request.actor,
        action: 'issue_token',
        fields: [stored.id],
        at: new Date(),
      });
      void reply.status(201);
      return { id: stored.id, token, role, department };
    },
  );
};

function refusal(outcome: Exclude<SaveDepartmentOutcome, { ok: true }>, code: string): Error {
  switch (outcome.reason) {
    case 'invalid':
      // Only with version 0 (create, never replace): answered as the other versioned PUTs do.
      if (outcome.problems.some((p) => p.code === 'taken'))
        return new HubErrors.AlreadyExists(`department ${code}`);
      return problemsError(outcome.problems.map(({ path, message }) => ({ path, message })));
    case 'not_found':
      return new HubErrors.NotFound();
    case 'conflict':
      return new HubErrors.VersionConflict(`department ${code}`, String(outcome.version));
    case 'busy':
      return new HubErrors.DepartmentBusy(code);
  }
}
