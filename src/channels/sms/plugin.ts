import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config.js';
import { DepartmentCache } from '../../notify/department-cache.js';
import { normalisePhone } from '../../privacy/phone.js';
import { SmsAnswers } from '../../templates/sms-answers/sms-answers.js';
import type { NamedValue } from '../../tickets/types.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { answerOnce, answerQuery } from './answer-once.js';
import type { InboundSms, SmsDeps } from './deps.js';
import { parseSms } from './keywords.js';
import { isPureQuery, respond } from './respond.js';

interface TwilioSms {
  MessageSid?: string;
  SmsSid?: string;
  AccountSid?: string;
  MessagingServiceSid?: string;
  From?: string;
  To?: string;
  Body?: string;
}

/** Free text continues the sender's open ticket changed within this long (issue 5). */
const CONVERSATION_MS = 7 * 86_400_000;

/**
 * `POST /webhooks/twilio/sms`: a verified inbound SMS (signature checked before anything is read or
 * stored: missing → 400, wrong → 403) is answered once per MessageSid (answer-once.ts: a Twilio
 * retry gets the first answer byte for byte) by what its keyword asks for (respond.ts): queries
 * answered in this response as TwiML, new tickets acknowledged through the outbox.
 */
export const smsChannel: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);
  const lock = { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs };
  const deps: SmsDeps = {
    store: app.store,
    tickets: app.tickets,
    answers: new SmsAnswers({ signature: config.smsSignature, maxParts: config.smsMaxParts }),
    departments: new DepartmentCache(app.store.departments),
    timeZone: config.timezone,
    conversationMs: CONVERSATION_MS,
    opt: { contacts: app.store.contacts, redis: app.redis, lock },
  };
  // An answer may wait for a ticket's lock (intake, a rating): the message's lock outlives that wait.
  const once = {
    answers: app.store.smsAnswers,
    redis: app.redis,
    lock: { ttlMs: config.ticketLockMs + config.ticketLockWaitMs, waitMs: config.ticketLockWaitMs },
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
      const from = sms.From;
      if (!sid || !from) {
        return reply.status(400).type('text/xml').send(new twilio.twiml.MessagingResponse().toString());
      }
      // Who is texting is read meanwhile (while a lock is taken and the stored answers are asked,
      // for what changes something). A retry answered from the store never awaits it.
      const message = inbound(deps, sms, sid, from);
      message.catch(() => undefined);
      // The hotline's own keywords as this process has them now (reloaded when an admin changes them).
      const command = parseSms(sms.Body ?? '', { keywords: app.smsKeywords.current(), at: new Date() });
      const work = async () => respond(deps, await message, command);
      const answer = isPureQuery(command)
        ? await answerQuery(once, sid, work)
        : await answerOnce(once, sid, work);
      request.log.info(
        { keyword: answer.keyword, contact: answer.contactId, ticket: answer.ticketNumber },
        'sms answered',
      );
      return reply.type('text/xml').send(answer.twiml);
    },
  );
};

/** The message in our words: the sender as a contact (and their language), Twilio's ids kept by name. */
async function inbound(deps: SmsDeps, sms: TwilioSms, sid: string, from: string): Promise<InboundSms> {
  const phone = normalisePhone(from);
  const contactId = phone === undefined ? undefined : deps.store.contacts.idFor({ phone });
  const contact = contactId === undefined ? undefined : await deps.store.contacts.findById(contactId);
  const externalIds: NamedValue[] = [{ name: 'MessageSid', value: sid }];
  if (sms.AccountSid) externalIds.push({ name: 'AccountSid', value: sms.AccountSid });
  if (sms.MessagingServiceSid)
    externalIds.push({ name: 'MessagingServiceSid', value: sms.MessagingServiceSid });
  if (sms.To) externalIds.push({ name: 'To', value: sms.To });
  return {
    messageSid: sid,
    sender: { from, phone, contactId, locale: contact?.language === 'en' ? 'en' : 'zh-CN' },
    text: (sms.Body ?? '').replace(/\0/g, ''),
    externalIds,
  };
}
