import type { Redis } from 'ioredis';
import { HubErrors } from '../../errors.js';
import { contactLockKey, withLock, type LockOptions } from '../../redis/lock.js';
import type { Contact, ContactRepository } from '../../store/contacts.js';
import { toHalfWidth } from '../../text/width.js';

/**
 * TD / 退订 / STOP and KT / 恢复 / START sent by text: the citizen stops or resumes our SMS and calls.
 * Only a message that is nothing but the word counts (the full keyword parser comes with the SMS
 * issue); `取消` is not one: "取消预约" and the like are requests, not unsubscriptions.
 */
export type OptKeyword = 'opt_out' | 'opt_in';

export const OPT_OUT_WORDS: ReadonlySet<string> = new Set(['TD', '退订', 'STOP', 'UNSUBSCRIBE']);
export const OPT_IN_WORDS: ReadonlySet<string> = new Set(['KT', '恢复', 'START', 'UNSTOP']);

/** The keyword a whole message is (full-width as an IME types it, any case, spaces around), if any. */
export function parseOptKeyword(body: string): OptKeyword | undefined {
  const word = toHalfWidth(body).trim().toUpperCase();
  if (OPT_OUT_WORDS.has(word)) return 'opt_out';
  if (OPT_IN_WORDS.has(word)) return 'opt_in';
  return undefined;
}

/** SMS and calls share the number: unsubscribing by text stops both, and KT brings both back. */
const PHONE_CHANNELS = ['sms', 'voice'] as const;
/** What an opt-out of `all` still covers once the phone channels are taken back. */
const OTHER_CHANNELS = ['email', 'push'] as const;

const REPLIES = {
  opt_out: {
    'zh-CN': '您已退订12345短信通知，回复KT可恢复。',
    en: 'You will no longer receive texts from 12345. Reply KT to resume.',
  },
  opt_in: {
    'zh-CN': '您已恢复接收12345短信通知，回复TD可退订。',
    en: 'You will receive texts from 12345 again. Reply TD to stop.',
  },
} as const;

/** Twilio retries a webhook within minutes; the answer to a MessageSid is kept a day. */
const ANSWER_TTL_S = 86_400;

export interface OptKeywordDeps {
  contacts: Pick<ContactRepository, 'idFor' | 'ensure' | 'findById' | 'optOut' | 'optIn'>;
  /** The hub's prefixed client: contact locks and the answers given per MessageSid. */
  redis: Redis;
  lock: LockOptions;
}

export interface OptKeywordInput {
  keyword: OptKeyword;
  /** Normalised (`+86…`), as intake keys contacts. */
  phone: string;
  /** Twilio's MessageSid: a retry of the same message gets the same answer and changes nothing. */
  messageSid: string;
  now?: Date;
}

export interface OptKeywordResult {
  contactId: string | undefined;
  /** What to text back; undefined: nothing (a repeated TD is not answered again). */
  reply: string | undefined;
}

/**
 * Applies an opt-out or opt-in texted from `phone`: the contact's opt-outs change under its lock
 * (FerretDB updates are read-and-write-back; staff may change the same contact), and the answer is
 * a confirmation only when something changed. The answer is kept per MessageSid, so Twilio's retry
 * of a message whose answer it lost gets that same confirmation. Writes nothing but the contact
 * (created on an opt-out, so a number we have never heard from is not texted later either).
 */
export async function applyOptKeyword(
  deps: OptKeywordDeps,
  input: OptKeywordInput,
): Promise<OptKeywordResult> {
  const id =
    input.keyword === 'opt_out'
      ? await deps.contacts.ensure({ phone: input.phone })
      : deps.contacts.idFor({ phone: input.phone });
  if (!id) return { contactId: undefined, reply: undefined };
  const answerKey = `sms-keyword:${input.messageSid}`;
  const done = await withLock(deps.redis, contactLockKey(id), deps.lock, async () => {
    const given = await deps.redis.get(answerKey);
    if (given !== null) return given;
    const contact = await deps.contacts.findById(id);
    const reply = contact ? await change(deps, contact, input.keyword, input.now ?? new Date()) : '';
    await deps.redis.set(answerKey, reply, 'EX', ANSWER_TTL_S);
    return reply;
  });
  if (!done) throw new HubErrors.DeliveryBusy(id);
  return { contactId: id, reply: done.value === '' ? undefined : done.value };
}

/** The change, and its confirmation ('' when there was nothing to change). */
async function change(
  deps: OptKeywordDeps,
  contact: Contact,
  keyword: OptKeyword,
  now: Date,
): Promise<string> {
  const outs = contact.optOuts;
  const language = contact.language === 'en' ? 'en' : 'zh-CN';
  if (keyword === 'opt_out') {
    if (outs.sms !== undefined || outs.all !== undefined) return '';
    await deps.contacts.optOut(contact.id, [...PHONE_CHANNELS], now);
    return REPLIES.opt_out[language];
  }
  const all = outs.all;
  if (outs.sms === undefined && outs.voice === undefined && all === undefined) return '';
  // KT by text takes back the phone's opt-outs only: an opt-out of `all` keeps holding mail and push.
  if (all !== undefined) {
    const still = OTHER_CHANNELS.filter((channel) => outs[channel] === undefined);
    if (still.length > 0) await deps.contacts.optOut(contact.id, still, all);
  }
  await deps.contacts.optIn(contact.id, [...PHONE_CHANNELS, 'all']);
  return REPLIES.opt_in[language];
}
