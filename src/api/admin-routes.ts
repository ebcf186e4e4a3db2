import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HubErrors } from '../errors.js';
import { hashToken } from '../http/auth-plugin.js';
import { requireAdmin } from './guards.js';
import { DepartmentView, errorReplies, TokenBody } from './schemas.js';

/** Departments (read by all staff) and API tokens (issued by admins, shown once). */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/departments',
    {
      schema: {
        summary: 'Departments with phones and region codes (查号)',
        tags: ['departments'],
        response: { 200: Type.Array(DepartmentView), ...errorReplies },
      },
    },
    async () => app.store.departments.list(),
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
