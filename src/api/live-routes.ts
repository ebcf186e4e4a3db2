import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { pushChannel, staffMayReceive, type PushNotice } from '../channels/push/websocket-adapter.js';
import { liveCallsChannel } from '../channels/voice/live-calls-plugin.js';
import type { Config } from '../config.js';
import { createRedis } from '../redis/plugin.js';
import { canSee } from '../tickets/access.js';
import type { LiveTicketEvent } from '../tickets/live-events.js';
import { liveChannel } from '../tickets/plugin.js';
import type { Actor } from '../tickets/types.js';

/**
 * `GET /api/v1/live` (WebSocket): ticket events as they are stored, notifications pushed to
 * staff pages (a department's alerts, the supervisors'), and the hotline's live calls (for hotline
 * staff). One Redis subscription per app fans out to the sockets; a department's socket gets only
 * its own tickets' events and its own alerts (the same rule as every other read), and no calls.
 */
export const liveRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const sockets = new Map<WebSocket, Actor>();
  const subscriber = createRedis(config, 'live');
  subscriber.on('error', (error) => {
    app.log.warn({ err: error }, 'live subscription error');
  });
  await subscriber.connect();
  await subscriber.subscribe(liveChannel(config), pushChannel(config.redisPrefix), liveCallsChannel(config));
  subscriber.on('message', (channel, raw) => {
    if (channel === liveCallsChannel(config)) {
      // The hotline's live calls (operator console): hotline staff only, never a department.
      for (const [socket, actor] of sockets) if (actor.role !== 'department') socket.send(raw);
      return;
    }
    if (channel === pushChannel(config.redisPrefix)) {
      const notice = JSON.parse(raw) as PushNotice;
      for (const [socket, actor] of sockets) if (staffMayReceive(actor, notice.to)) socket.send(raw);
      return;
    }
    const message = JSON.parse(raw) as LiveTicketEvent;
    const ticket = {
      leadDepartment: message.leadDepartment,
      coDepartments: Object.fromEntries(message.coDepartments.map((d) => [d, true])),
    };
    // A department the ticket just left hears only that it left: not where it went, nor why.
    const former = new Set(message.formerDepartments);
    const left = JSON.stringify({ type: 'ticket_left', number: message.number, at: message.event.at });
    for (const [socket, actor] of sockets) {
      if (canSee(actor, ticket)) socket.send(raw);
      else if (actor.department !== undefined && former.has(actor.department)) socket.send(left);
    }
  });
  app.addHook('onClose', async () => {
    for (const socket of sockets.keys()) socket.close(1001, 'hub shutting down');
    await subscriber.quit().catch(() => {
      subscriber.disconnect();
    });
  });

  app.get(
    '/live',
    {
      websocket: true,
      onRequest: app.authenticate,
      schema: { summary: 'Live ticket events (WebSocket)', tags: ['live'] },
    },
    (socket, request) => {
      sockets.set(socket, request.actor);
      socket.on('close', () => {
        sockets.delete(socket);
      });
      socket.send(
        JSON.stringify({ type: 'hello', role: request.actor.role, department: request.actor.department }),
      );
    },
  );
};
