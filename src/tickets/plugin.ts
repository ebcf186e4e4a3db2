import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { OutboxRelay } from '../notify/relay.js';
import { ACKNOWLEDGEMENTS } from '../templates/acknowledgements.js';
import { addCitizenMessage, type CitizenMessage } from './add-citizen-message.js';
import { compileTemplates } from '../templates/renderer.js';
import type { CoreDeps } from './deps.js';
import { executeCommand, type CommandRequest } from './execute-command.js';
import { intake } from './intake.js';
import { LiveEvents } from './live-events.js';
import { NumberSequence } from './number-sequence.js';
import { SlaTimers } from './sla-timers.js';
import type { Actor, InboundMessage } from './types.js';

export interface TicketCore {
  deps: CoreDeps;
  intake(message: InboundMessage, actor: Actor): ReturnType<typeof intake>;
  execute(request: CommandRequest): ReturnType<typeof executeCommand>;
  /** A citizen's further message on their own open ticket (SMS conversation, mail reply). */
  addCitizenMessage(message: CitizenMessage): ReturnType<typeof addCitizenMessage>;
}

declare module 'fastify' {
  interface FastifyInstance {
    tickets: TicketCore;
  }
}

/** The ticket core, wired once to the store, Redis and the templates; every channel calls this. */
export const ticketCorePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const deps: CoreDeps = {
      store: app.store,
      redis: app.redis,
      sequence: new NumberSequence(app.redis, app.store.tickets, config.timezone),
      render: compileTemplates(ACKNOWLEDGEMENTS),
      live: new LiveEvents(app.redis, liveChannel(config), (error) => {
        app.log.warn({ err: error }, 'live event not published');
      }),
      lock: { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs },
      routing: () => app.routingService.tables(),
      timers: new SlaTimers(app.slaTimers, (error, number) => {
        // The ticket is written; the timers come back with the reconcile at the next boot.
        app.log.error({ err: error, ticket: number }, 'SLA timers not scheduled');
      }),
      outbox: new OutboxRelay(
        app.store,
        app.queues,
        {
          attempts: config.notifyAttempts,
          backoffMs: config.notifyBackoffMs,
          supervisorEmails: config.supervisorEmails,
        },
        (error, number) => {
          // The ticket and its outbox are stored: the reconciler queues them again.
          app.log.warn({ err: error, ticket: number }, 'outbox entries not queued yet');
        },
      ),
      settings: {
        returnSupervisionLimit: config.returnSupervisionLimit,
        dissatisfiedAction: config.dissatisfiedAction,
      },
    };
    app.decorate('tickets', {
      deps,
      intake: (message, actor) => intake(deps, message, actor),
      execute: (request) => executeCommand(deps, request),
      addCitizenMessage: (message) => addCitizenMessage(deps, message),
    });
  },
  { name: 'hub-ticket-core', dependencies: ['hub-store', 'hub-redis', 'hub-queues', 'hub-routing'] },
);

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function liveChannel(config: Pick<Config, 'redisPrefix'>): string {
  return `${config.redisPrefix}:live:tickets`;
}
