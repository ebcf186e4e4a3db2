import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { composeMail } from '../channels/simulator/compose-mail.js';
import { postAsTwilio, type SimulatedAnswer } from '../channels/simulator/twilio-requests.js';
import { smsMessages } from '../channels/simulator/twiml-read.js';
import { VOICE_PATH } from '../channels/voice/ivr-twiml.js';
import type { MailOutcome } from '../channels/email/mail-intake.js';
import type { Config } from '../config.js';
import type { CallDriver } from './simulator-call.js';

/** The simulator's side of the provider: the hub's own signing token and public address. */
export interface SimulatorDeps {
  app: FastifyInstance;
  config: Pick<Config, 'twilioAuthToken' | 'publicUrl' | 'twilio'>;
  now: () => Date;
}

/** A made-up account id when Twilio is not configured (webhooks only check the signature). */
const SIMULATOR_ACCOUNT = `AC${'0'.repeat(32)}`;

/** The hotline number a simulated citizen calls and texts: Twilio's sender when set, else 12345. */
export function hotlineNumber(deps: SimulatorDeps): string {
  return deps.config.twilio?.from ?? '12345';
}

function post(deps: SimulatorDeps, url: string, params: Record<string, string>): Promise<SimulatedAnswer> {
  return postAsTwilio(
    deps.app,
    { authToken: deps.config.twilioAuthToken, publicUrl: deps.config.publicUrl },
    url,
    params,
  );
}

/** A citizen's SMS to the hotline number, as Twilio posts it; the hub's TwiML answer read back. */
export async function simulateSms(
  deps: SimulatorDeps,
  sms: { from: string; text: string },
): Promise<{ status: number; messages: string[] }> {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const answer = await post(deps, '/webhooks/twilio/sms', {
    ToCountry: 'CN',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: sms.text,
    To: hotlineNumber(deps),
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: deps.config.twilio?.accountSid ?? SIMULATOR_ACCOUNT,
    From: sms.from,
    ApiVersion: '2010-04-01',
  });
  const messages = answer.status === 200 && answer.body ? smsMessages(answer.body) : [];
  return { status: answer.status, messages };
}

/** How a simulated call reaches the voice webhooks (see simulator-call.ts). */
export function callDriver(deps: SimulatorDeps): CallDriver {
  return {
    post: (url, params) => post(deps, url, params),
    voiceUrl: `${deps.config.publicUrl}${VOICE_PATH}`,
    accountSid: deps.config.twilio?.accountSid ?? SIMULATOR_ACCOUNT,
    now: deps.now,
  };
}

/**
 * A citizen's mail to one of the hub's mailboxes: composed as a mail client would (RFC 822) and
 * handed to the inbound mail intake as the SMTP listener hands it over (envelope from the
 * loopback), so storage, threading, loop guards and intake all run.
 */
export async function simulateMail(
  deps: SimulatorDeps,
  mail: { from: string; name?: string; to: string; subject: string; text: string },
): Promise<MailOutcome> {
  const date = deps.now();
  const raw = await composeMail({
    from: { address: mail.from, ...(mail.name ? { name: mail.name } : {}) },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: `<${randomUUID()}@simulator.invalid>`,
    date,
  });
  return deps.app.mailIntake.accept(raw, {
    from: mail.from,
    to: [mail.to],
    via: 'smtp',
    remoteAddress: '127.0.0.1',
    receivedAt: date,
  });
}
