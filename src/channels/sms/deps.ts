import type { DepartmentCache } from '../../notify/department-cache.js';
import type { Store } from '../../store/store.js';
import type { SmsAnswers } from '../../templates/sms-answers/sms-answers.js';
import type { TicketCore } from '../../tickets/plugin.js';
import type { NamedValue } from '../../tickets/types.js';
import type { OptKeywordDeps } from './opt-out.js';

/** What the SMS keyword use cases need; built once by the plugin, passed explicitly. */
export interface SmsDeps {
  store: Pick<Store, 'tickets' | 'contacts' | 'applications' | 'subsidies' | 'audit'>;
  tickets: Pick<TicketCore, 'intake' | 'execute' | 'addCitizenMessage'>;
  answers: SmsAnswers;
  departments: Pick<DepartmentCache, 'get'>;
  /** HUB_TIMEZONE: dates in answers are local. */
  timeZone: string;
  /** Free text continues the sender's open ticket when it changed within this long (7 days). */
  conversationMs: number;
  opt: OptKeywordDeps;
}

/** Who sent the message. */
export interface Sender {
  /** As Twilio posted it (a phone number, or an alphanumeric sender id). */
  from: string;
  /** Normalised (`+86…`); undefined when `from` is no phone number. */
  phone: string | undefined;
  /** The contact the phone maps to (a keyed hash: it may not be stored yet). */
  contactId: string | undefined;
  locale: 'zh-CN' | 'en';
}

/** One verified inbound SMS. */
export interface InboundSms {
  messageSid: string;
  sender: Sender;
  /** The body as sent (only `\0` removed: the database refuses it). */
  text: string;
  /** Twilio's identifiers worth keeping on a ticket (MessageSid, AccountSid, To …). */
  externalIds: NamedValue[];
}

/** What one use case made of the message: the answer to give now (if any) and what to keep. */
export interface Outcome {
  reply?: string;
  keyword: string;
  ticketNumber?: string;
}
