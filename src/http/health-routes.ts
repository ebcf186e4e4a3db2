import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Check = Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]);
const Readiness = Type.Object({ status: Check, database: Check, redis: Check });

/** `/healthz`: the process answers. `/readyz`: database and Redis answer too (else 503). */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const [database, redis] = await Promise.all([
        check(() => app.store.ping()),
        check(async () => {
          await app.redis.ping();
        }),
      ]);
      const status = database === 'ok' && redis === 'ok' ? ('ok' as const) : ('unavailable' as const);
      void reply.status(status === 'ok' ? 200 : 503);
      return { status, database, redis };
    },
  );
};

async function check(probe: () => Promise<void>): Promise<'ok' | 'unavailable'> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
