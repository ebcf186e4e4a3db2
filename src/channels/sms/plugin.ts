import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config.js';
import { normalisePhone } from '../../privacy/phone.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { applyOptKeyword, parseOptKeyword } from './opt-out.js';

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
 * deduplicated on MessageSid (Twilio retries). The webhook answers with an empty TwiML response:
 * the number and query code reach the citizen as the ticket's "received" notification, through the
 * outbox like every later update (opt-outs, quiet hours, delivery records) — answering here too
 * would send them twice.
 * A message that is only an opt-out or opt-in word (TD / 退订 / STOP, KT / 恢复 / START) changes the
 * contact's opt-outs instead and makes no ticket (opt-out.ts). Keywords (CX, BT, TS …) and
 * conversation threading build on this in the SMS issue.
 */
export const smsChannel: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);
  const optDeps = {
    contacts: app.store.contacts,
    redis: app.redis,
    lock: { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs },
  };

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
      const text = (sms.Body ?? '').replace(/\0/g, '');
      const keyword = parseOptKeyword(text);
      if (keyword) {
        const phone = normalisePhone(sms.From);
        const answer = phone
          ? await applyOptKeyword(optDeps, { keyword, phone, messageSid: sid })
          : { contactId: undefined, reply: undefined };
        request.log.info(
          { keyword, contact: answer.contactId, answered: answer.reply !== undefined },
          'sms opt keyword',
        );
        if (answer.reply !== undefined) twiml.message(answer.reply);
        void reply.type('text/xml');
        return twiml.toString();
      }
      await app.tickets.intake(
        {
          channel: 'sms',
          idempotencyKey: sid,
          sender: { phone: sms.From },
          text,
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
      void reply.type('text/xml');
      return twiml.toString();
    },
  );
};
