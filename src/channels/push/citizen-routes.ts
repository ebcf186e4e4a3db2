import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import type { Config } from '../../config.js';
import { createRedis } from '../../redis/plugin.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import { pushChannel, type PushNotice } from './websocket-adapter.js';

/**
 * `GET /live/track?n=<number>&code=<query code>` (WebSocket): the citizen's status page hears the
 * notifications of its own ticket. The query code is the key, as on the tracking page; a wrong one
 * is refused before the socket opens, with the same answer as an unknown number.
 */
export const citizenPushRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const watchers = new Map<WebSocket, string>();
  const subscriber = createRedis(config, 'citizen-push');
  subscriber.on('error', (error) => {
    app.log.warn({ err: error }, 'citizen push subscription error');
  });
  await subscriber.connect();
  await subscriber.subscribe(pushChannel(config.redisPrefix));
  subscriber.on('message', (_channel, raw) => {
    const notice = JSON.parse(raw) as PushNotice;
    if (!notice.to.startsWith('ticket:')) return;
    const number = notice.to.slice('ticket:'.length);
    // Staff-only fields stay out of the citizen's page.
    const forCitizen = JSON.stringify({
      type: notice.type,
      ticket: number,
      body: notice.body,
      at: notice.at,
    });
    for (const [socket, watched] of watchers) if (watched === number) socket.send(forCitizen);
  });
  app.addHook('onClose', async () => {
    for (const socket of watchers.keys()) socket.close(1001, 'hub shutting down');
    await subscriber.quit().catch(() => {
      subscriber.disconnect();
    });
  });

  app.get(
    '/live/track',
    {
      websocket: true,
      schema: {
        hide: true,
        querystring: Type.Object({ n: Type.String({ maxLength: 32 }), code: Type.String({ maxLength: 16 }) }),
      },
      preValidation: async (request, reply) => {
        const { n, code } = request.query as { n: string; code: string };
        const ticket = isValidTicketNumber(n) ? await app.store.tickets.findByNumber(n) : undefined;
        if (ticket?.queryCode !== code) {
          await reply.code(404).send({ code: 'HUB_ERR_TICKET_NOT_FOUND', message: 'No such ticket' });
        }
      },
    },
    (socket, request) => {
      watchers.set(socket, (request.query as { n: string }).n);
      socket.on('close', () => {
        watchers.delete(socket);
      });
    },
  );
};
