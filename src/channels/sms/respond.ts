import twilio from 'twilio';
import type { Answered } from './answer-once.js';
import { converse } from './conversation.js';
import type { InboundSms, Outcome, SmsDeps } from './deps.js';
import { initialsOf, type SmsCommand, type UsageOf } from './keywords.js';
import { openTicket } from './open-ticket.js';
import { applyOptKeyword } from './opt-out.js';
import { queryStatus } from './query-status.js';
import { rateLatest } from './rate.js';
import { querySubsidy } from './subsidy-query.js';

/** Commands that change nothing but the answer store: answered without the per-message lock. */
export function isPureQuery(command: SmsCommand): boolean {
  return command.type === 'status' || command.type === 'help' || command.type === 'usage';
}

/**
 * What one verified inbound SMS asks for (keywords.ts), done by its use case, as the TwiML to answer
 * with: one `<Message>` for what is answered at once (queries, usage, a rating, an opt-out), an
 * empty `<Response/>` when the answer comes through the outbox (a new ticket's received notice).
 */
export async function respond(deps: SmsDeps, sms: InboundSms, command: SmsCommand): Promise<Answered> {
  const outcome = await run(deps, sms, command);
  const twiml = new twilio.twiml.MessagingResponse();
  if (outcome.reply !== undefined) twiml.message(outcome.reply);
  return {
    twiml: twiml.toString(),
    keyword: outcome.keyword,
    contactId: sms.sender.contactId,
    ticketNumber: outcome.ticketNumber,
  };
}

async function run(deps: SmsDeps, sms: InboundSms, command: SmsCommand): Promise<Outcome> {
  const { sender } = sms;
  switch (command.type) {
    case 'status':
      return queryStatus(deps, sender, command);
    case 'subsidy':
      return querySubsidy(deps, sender, command.idTail);
    case 'open':
      return openTicket(deps, sms, command.kind, command.text, command.custom);
    case 'rate':
      return rateLatest(deps, sms, command);
    case 'text':
      return converse(deps, sms, command.text);
    case 'help':
      return {
        keyword: 'help',
        reply: deps.answers.text('help', sender.locale, { others: (command.others ?? []).join(' / ') }),
      };
    case 'usage':
      return { keyword: 'usage', reply: usage(deps, sms, command.of, command.keyword) };
    case 'opt_out':
    case 'opt_in': {
      if (sender.phone === undefined) return { keyword: command.type };
      const { reply } = await applyOptKeyword(deps.opt, {
        keyword: command.type,
        phone: sender.phone,
        messageSid: sms.messageSid,
      });
      return { keyword: command.type, reply };
    }
  }
}

/** How a keyword is used; `keyword`: a custom keyword's own spelling, quoted instead of the built-in's. */
function usage(deps: SmsDeps, sms: InboundSms, of: UsageOf, keyword?: string): string {
  const { locale } = sms.sender;
  switch (of) {
    case 'status':
      return deps.answers.text('usage.status', locale, {});
    case 'subsidy':
      return deps.answers.text('usage.subsidy', locale, {});
    case 'rate':
      return deps.answers.text('usage.rate', locale, {});
    default:
      return deps.answers.text('usage.open', locale, { initials: keyword ?? initialsOf(of), kind: of });
  }
}
