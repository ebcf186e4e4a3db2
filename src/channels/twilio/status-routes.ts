import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import type { ProviderStatus } from '../../notify/provider-status.js';
import { applyProviderStatus } from '../../notify/provider-status.js';
import { kindForStatusErrorCode } from './errors.js';
import { verifyTwilioSignature } from './signature.js';

interface TwilioStatus {
  MessageSid?: string;
  MessageStatus?: string;
  CallSid?: string;
  CallStatus?: string;
  ErrorCode?: string;
}

/** Twilio's message and call statuses in our words; the in-between ones say nothing new. */
const MESSAGE_STATUS: Record<string, ProviderStatus['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};
const CALL_STATUS: Record<string, ProviderStatus['status']> = {
  'in-progress': 'sent',
  completed: 'delivered',
  busy: 'failed',
  'no-answer': 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * `POST /webhooks/twilio/status?d=<delivery id>&r=<round>`: Twilio's reports on our messages and
 * calls (the URL the adapters gave it). Signed like every Twilio webhook — missing → 400, wrong →
 * 403, nothing changes. A report about a message we do not know is answered 200 and ignored (Twilio
 * would otherwise retry it for nothing).
 */
export const twilioStatusRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);
  app.post(
    '/webhooks/twilio/status',
    { preHandler: verifyTwilioSignature(config.twilioAuthToken, config.publicUrl), schema: { hide: true } },
    async (request, reply) => {
      const body = request.body as TwilioStatus;
      const query = request.query as { d?: string; r?: string };
      const providerId = body.MessageSid ?? body.CallSid;
      const status = body.MessageSid
        ? MESSAGE_STATUS[body.MessageStatus ?? '']
        : CALL_STATUS[body.CallStatus ?? ''];
      let outcome = 'ignored';
      if (providerId && status && query.d) {
        outcome = await applyProviderStatus(app.notify, {
          deliveryId: query.d,
          round: Number(query.r ?? 1),
          providerId,
          status,
          code: body.ErrorCode,
          kind: status === 'failed' ? callbackKind(body) : undefined,
        });
      }
      request.log.info(
        { providerId, status: body.MessageStatus ?? body.CallStatus, outcome },
        'Twilio status',
      );
      return reply.code(200).type('text/plain').send('');
    },
  );
};

/** A call that was busy or not answered reached no one, but the number is fine: not permanent. */
function callbackKind(body: TwilioStatus): ProviderStatus['kind'] {
  if (body.CallSid && body.CallStatus !== 'failed') return 'transient';
  return body.ErrorCode ? kindForStatusErrorCode(body.ErrorCode) : 'permanent';
}
