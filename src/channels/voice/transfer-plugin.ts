import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { closeTwilioClient, createTwilioClient } from '../twilio/client.js';
import { TwilioCallControl } from './call-control.js';
import type { TransferDeps } from './transfer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What operator transfers act with: the store, and Twilio's live-call control when configured. */
    callTransfers: TransferDeps;
  }
}

/**
 * Operator transfers' resources as a named plugin: a Twilio client of its own (closed with the app)
 * when Twilio is configured; without it `control` is undefined and transfers answer
 * HUB_ERR_TELEPHONY_UNCONFIGURED (in development there are no live calls to move).
 */
export const callTransfersPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const client = config.twilio ? createTwilioClient(config.twilio) : undefined;
    if (client)
      app.addHook('onClose', async () => {
        closeTwilioClient(client);
      });
    app.decorate('callTransfers', {
      store: app.store,
      control: client ? new TwilioCallControl(client) : undefined,
      settings: {
        publicUrl: config.publicUrl,
        callerId: config.twilio?.from,
        speech: { language: config.ivr.language, voice: config.ivr.voice },
      },
      now: () => new Date(),
    });
  },
  { name: 'hub-call-transfers', dependencies: ['hub-store'] },
);
