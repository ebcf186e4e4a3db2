import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { usesDevOutbox } from '../notify/plugin.js';
import { maskEmail, normaliseEmail } from '../privacy/email.js';
import { maskPhone, normalisePhone } from '../privacy/phone.js';
import { localMinute } from '../time/local-format.js';
import { CONSOLE_ROLES } from './console-view.js';
import { addStaffMessages, staffText } from './messages.js';
import { actOnCall, KEYS, readCall, startCall, type CallAction, type SimCall } from './simulator-call.js';
import {
  callDriver,
  hotlineNumber,
  simulateMail,
  simulateSms,
  type SimulatorDeps,
} from './simulator-channels.js';
import { SIMULATOR_WORDS } from './words/simulator.js';

addStaffMessages(SIMULATOR_WORDS);

const SMS_MAX = 500;
const MAIL_TEXT_MAX = 5000;
const SUBJECT_MAX = 200;
const OUTBOX_SHOWN = 20;

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const SmsForm = Type.Object({
  _csrf: Csrf,
  from: Type.String({ maxLength: 40, default: '' }),
  text: Type.String({ maxLength: 2000, default: '' }),
});
const CALL_ACTS = [
  'start',
  'keys',
  'silence',
  'wait',
  'dial-completed',
  'dial-no-answer',
  'dial-busy',
  'record',
  'hangup',
] as const;
const CallForm = Type.Object({
  _csrf: Csrf,
  act: Type.Union(CALL_ACTS.map((a) => Type.Literal(a))),
  from: Type.String({ maxLength: 40, default: '' }),
  call: Type.String({ maxLength: 60_000, default: '' }),
  digits: Type.String({ maxLength: 40, default: '' }),
  message: Type.String({ maxLength: 2000, default: '' }),
});
const MailForm = Type.Object({
  _csrf: Csrf,
  from: Type.String({ maxLength: 320, default: '' }),
  name: Type.String({ maxLength: 60, default: '' }),
  to: Type.String({ maxLength: 320, default: '' }),
  subject: Type.String({ maxLength: 1000, default: '' }),
  text: Type.String({ maxLength: 20_000, default: '' }),
});

interface PageParts {
  sms?: { form: { from: string; text: string }; problems?: Record<string, string>; result?: unknown };
  call?: SimCall;
  callFrom?: string;
  callProblem?: string;
  mail?: { form: Record<string, string>; problems?: Record<string, string>; outcome?: string };
}

/**
 * `/staff/simulator` (development mode only — the same condition as the development outbox,
 * `usesDevOutbox`; otherwise these routes do not exist and the page is a 404): a citizen's SMS, a
 * call with key presses, a mail, and the development outbox, for anyone signed in. Every request
 * goes through the hub's real entry points (signed Twilio webhooks, the mail intake), so what the
 * page shows is what a citizen would get. Without script it is plain forms; htmx refreshes the
 * outbox and simulator.js adds a phone keypad.
 *
 * Open to every staff role, not only admins: it acts as a citizen through the public entry points
 * (no staff power is used), it shows nothing the public /dev/outbox page of development mode does
 * not (and masks numbers and addresses on top), and a clerk trying the desk needs a citizen's SMS
 * and its answer as much as an operator needs a call.
 */
export const simulatorRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  if (!usesDevOutbox(config)) return;
  const deps: SimulatorDeps = { app, config, now: () => new Date() };
  const driver = callDriver(deps);
  const mailboxes = config.mailInbound.mailboxes;

  async function page(request: FastifyRequest, reply: FastifyReply, parts: PageParts): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const outbox = await app.store.devOutbox.list({ limit: OUTBOX_SHOWN });
    const user = request.staffUser;
    const call = parts.call;
    return reply.page(
      'simulator',
      {
        hotline: hotlineNumber(deps),
        consoleLink: user !== undefined && CONSOLE_ROLES.includes(user.role),
        sms: { form: { from: '13800138000', text: '' }, ...parts.sms },
        callFrom: parts.callFrom ?? '13800138000',
        callProblem: parts.callProblem,
        call: call && {
          callSid: call.callSid,
          json: JSON.stringify(call),
          log: call.log,
          pending: call.pending.kind,
          finishOnKey: call.pending.kind === 'gather' ? call.pending.finishOnKey : undefined,
          silence: call.pending.kind === 'gather' && call.pending.silence !== undefined,
          transcript: call.pending.kind === 'record' && call.pending.transcribeCallback !== undefined,
          ended: call.pending.kind === 'ended',
        },
        mail: {
          form: { from: 'citizen@example.com', name: '', subject: '', text: '', to: mailboxes[0] ?? '' },
          ...parts.mail,
        },
        mailboxes: mailboxes.map((m) => ({
          address: m,
          selected: m === (parts.mail?.form.to ?? mailboxes[0]),
        })),
        outbox: outbox.map((item) => ({
          at: localMinute(item.at, config.timezone),
          channel: item.channel,
          to: item.to.includes('@') ? maskEmail(item.to) : maskPhone(item.to),
          subject: item.subject,
          body: item.body,
          ticketNumber: item.ticketNumber,
        })),
      },
      staffText(language, 'sim.title'),
    );
  }

  app.get('/simulator', { schema: { hide: true } }, (request, reply) => page(request, reply, {}));

  app.post('/simulator/sms', { schema: { hide: true, body: SmsForm } }, async (request, reply) => {
    const language = request.staffLanguage;
    const form = { from: request.body.from.trim(), text: request.body.text.trim() };
    const from = normalisePhone(form.from);
    const problems: Record<string, string> = {};
    if (!from) problems.from = staffText(language, 'sim.problem.phone');
    if (!form.text || Array.from(form.text).length > SMS_MAX)
      problems.text = staffText(language, 'sim.problem.text', { max: SMS_MAX });
    if (!from || Object.keys(problems).length > 0)
      return page(request, reply.status(400), { sms: { form, problems } });
    const result = await simulateSms(deps, { from, text: form.text });
    return page(request, reply, {
      sms: { form, result: { ...result, from: maskPhone(from), text: form.text } },
    });
  });

  app.post('/simulator/call', { schema: { hide: true, body: CallForm } }, async (request, reply) => {
    const language = request.staffLanguage;
    const body = request.body;
    if (body.act === 'start') {
      const from = normalisePhone(body.from.trim());
      if (!from) {
        const callProblem = staffText(language, 'sim.problem.phone');
        return page(request, reply.status(400), { callFrom: body.from, callProblem });
      }
      return page(request, reply, {
        call: await startCall(driver, from, hotlineNumber(deps)),
        callFrom: body.from,
      });
    }
    const call = readCall(body.call, driver.voiceUrl);
    if (!call) return page(request, reply.status(400), { callProblem: staffText(language, 'sim.call.lost') });
    const digits = body.digits.trim();
    if (body.act === 'keys' && !KEYS.test(digits)) {
      return page(request, reply.status(400), { call, callProblem: staffText(language, 'sim.call.problem') });
    }
    const next = await actOnCall(driver, call, actionOf(body.act, digits, body.message.trim()));
    return page(request, reply, { call: next, callFrom: call.from });
  });

  app.post('/simulator/email', { schema: { hide: true, body: MailForm } }, async (request, reply) => {
    const language = request.staffLanguage;
    const b = request.body;
    const form = {
      from: b.from.trim(),
      name: b.name.trim(),
      to: b.to.trim(),
      subject: b.subject.trim(),
      text: b.text.trim(),
    };
    const from = normaliseEmail(form.from);
    const problems: Record<string, string> = {};
    if (!from) problems.from = staffText(language, 'sim.problem.email');
    if (!mailboxes.includes(form.to.toLowerCase())) problems.to = staffText(language, 'sim.problem.mailbox');
    if (!form.subject || Array.from(form.subject).length > SUBJECT_MAX)
      problems.subject = staffText(language, 'sim.problem.subject', { max: SUBJECT_MAX });
    if (!form.text || Array.from(form.text).length > MAIL_TEXT_MAX)
      problems.text = staffText(language, 'sim.problem.text', { max: MAIL_TEXT_MAX });
    if (!from || Object.keys(problems).length > 0)
      return page(request, reply.status(400), { mail: { form, problems } });
    const result = await simulateMail(deps, {
      ...form,
      from,
      to: form.to.toLowerCase(),
      name: form.name || undefined,
    });
    const outcome = staffText(language, `sim.mail.outcome.${result.kind}`, {
      number: result.ticketNumber ?? '',
      reason: result.reason ?? '',
    });
    return page(request, reply, { mail: { form: { ...form, subject: '', text: '' }, outcome } });
  });
};

function actionOf(
  act: Exclude<(typeof CALL_ACTS)[number], 'start'>,
  digits: string,
  message: string,
): CallAction {
  switch (act) {
    case 'keys':
      return { do: 'keys', digits };
    case 'silence':
      return { do: 'silence' };
    case 'wait':
      return { do: 'wait' };
    case 'dial-completed':
      return { do: 'dial', outcome: 'completed' };
    case 'dial-no-answer':
      return { do: 'dial', outcome: 'no-answer' };
    case 'dial-busy':
      return { do: 'dial', outcome: 'busy' };
    case 'record':
      return { do: 'record', text: message };
    case 'hangup':
      return { do: 'hangup' };
  }
}
