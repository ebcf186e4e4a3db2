import { normaliseEmail } from '../../privacy/email.js';
import { isMainlandMobile, normalisePhone } from '../../privacy/phone.js';
import type { InboundMessage, Location, TicketKind } from '../../tickets/types.js';
import { categoryByValue, isKind, locationOf } from './ticket-options.js';

/** What the submit form posts (every field a string; checkboxes send `on` when ticked). */
export interface SubmitFields {
  formToken?: string;
  kind?: string;
  category?: string;
  text?: string;
  place?: string;
  address?: string;
  name?: string;
  phone?: string;
  email?: string;
  anonymous?: string;
  consent?: string;
}

export const TEXT_MIN = 5;
export const TEXT_MAX = 2000;
export const ADDRESS_MAX = 200;
export const NAME_MAX = 40;

/** A field's problem: the message key and what it needs filled in. */
export interface FieldProblem {
  key: string;
  values?: Record<string, number>;
}

export type SubmitFieldName = 'kind' | 'category' | 'text' | 'place' | 'address' | 'name' | 'phone' | 'email';

export interface CheckedSubmission {
  problems: Partial<Record<SubmitFieldName, FieldProblem>>;
  /** Only when there is no problem. */
  request?: {
    kind: TicketKind;
    category?: string;
    text: string;
    location?: Location;
    sender: InboundMessage['sender'];
    anonymous: boolean;
    publicConsent: boolean;
  };
}

/**
 * Checks the submit form as a citizen would want to hear about it: each field's problem named, with
 * the number that matters (how many characters). Nothing is stored unless every field is right.
 */
export function checkSubmission(fields: SubmitFields): CheckedSubmission {
  const problems: CheckedSubmission['problems'] = {};
  const kind = fields.kind ?? '';
  if (!isKind(kind)) problems.kind = { key: 'submit.error.kind' };
  const category = clean(fields.category);
  if (category && !categoryByValue(category)) problems.category = { key: 'submit.error.category' };
  const text = clean(fields.text, true);
  const length = Array.from(text).length;
  if (length === 0) problems.text = { key: 'submit.error.textEmpty' };
  else if (length < TEXT_MIN) problems.text = { key: 'submit.error.textShort', values: { min: TEXT_MIN } };
  else if (length > TEXT_MAX)
    problems.text = { key: 'submit.error.textLong', values: { count: length, max: TEXT_MAX } };
  const place = clean(fields.place);
  const location = place ? locationOf(place) : undefined;
  if (place && !location) problems.place = { key: 'submit.error.place' };
  const address = clean(fields.address);
  if (Array.from(address).length > ADDRESS_MAX)
    problems.address = { key: 'submit.error.addressLong', values: { max: ADDRESS_MAX } };
  const name = clean(fields.name);
  if (Array.from(name).length > NAME_MAX)
    problems.name = { key: 'submit.error.nameLong', values: { max: NAME_MAX } };
  const phoneText = clean(fields.phone);
  const phone = phoneText ? reachablePhone(phoneText) : undefined;
  if (phoneText && !phone) problems.phone = { key: 'submit.error.phone' };
  const emailText = clean(fields.email);
  const email = emailText ? normaliseEmail(emailText) : undefined;
  if (emailText && !email) problems.email = { key: 'submit.error.email' };

  if (Object.keys(problems).length > 0 || !isKind(kind)) return { problems };
  const withAddress = address ? { ...location, text: address } : location;
  return {
    problems,
    request: {
      kind,
      category: category || undefined,
      text,
      location: withAddress,
      sender: { name: name || undefined, phone, email },
      anonymous: fields.anonymous === 'on',
      publicConsent: fields.consent === 'on',
    },
  };
}

/**
 * A number we can call or text back: a mainland mobile, a landline with its area code (`0311…`), or
 * an international number given with its country code. Service numbers (`12345`) and fragments are not.
 */
function reachablePhone(text: string): string | undefined {
  const phone = normalisePhone(text);
  if (!phone) return undefined;
  if (isMainlandMobile(phone) || /^0\d{9,11}$/.test(phone)) return phone;
  // `+861[3-9]…` that is not a mobile has a digit too many or too few.
  return /^\+\d{8,15}$/.test(phone) && !/^\+861[3-9]/.test(phone) ? phone : undefined;
}

/**
 * Trimmed, without control characters (the store refuses `\0`; the others are never meant), line
 * breaks normalised; single-line fields lose their line breaks too.
 */
function clean(value: string | undefined, multiline = false): string {
  if (!value) return '';
  const text = value
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
  return (multiline ? text : text.replace(/\s+/g, ' ')).trim();
}
