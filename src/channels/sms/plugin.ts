import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config.js';
import { verifyTwilioSignature } from '../twilio/signature.js';

interface TwilioSms {
  MessageSid?: string;
  SmsSid?: string;
  AccountSid?: string;
  MessagingServiceSid?: string;
  From?: string;
  To?: string;
  Body?: string;
}

/**
 * `POST /webhooks/twilio/sms`: a verified inbound SMS becomes a ticket through the core's intake,
 * deduplicated on MessageSid (Twilio retries), answered in TwiML with the number and query code.
 * Keywords (CX, BT, TS …) and conversation threading build on this in the SMS issue.
 */
export const smsChannel: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);

  app.post(
    '/webhooks/twilio/sms',
    {
      preHandler: verifyTwilioSignature(config.twilioAuthToken, config.publicUrl),
      schema: { hide: true },
    },
    async (request, reply) => {
      const sms = request.body as TwilioSms;
      const sid = sms.MessageSid ?? sms.SmsSid;
      const twiml = new twilio.twiml.MessagingResponse();
      if (!sid || !sms.From) {
        void reply.status(400).type('text/xml');
        return twiml.toString();
      }
      const result = await app.tickets.intake(
        {
          channel: 'sms',
          idempotencyKey: sid,
          sender: { phone: sms.From },
          text: (sms.Body ?? '').replace(/\0/g, ''),
          externalIds: [
            { name: 'MessageSid', value: sid },
            ...(sms.AccountSid ? [{ name: 'AccountSid', value: sms.AccountSid }] : []),
            ...(sms.MessagingServiceSid
              ? [{ name: 'MessagingServiceSid', value: sms.MessagingServiceSid }]
              : []),
            ...(sms.To ? [{ name: 'To', value: sms.To }] : []),
          ],
        },
        { kind: 'citizen', id: sms.From },
      );
      twiml.message(result.acknowledgement);
      void reply.type('text/xml');
      return twiml.toString();
    },
  );
};
