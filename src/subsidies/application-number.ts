import { checkDigit, isValidTicketNumber } from '../tickets/ticket-number.js';

/**
 * Application case (办件) numbers: digits only with the tickets' Damm check digit, so a caller keys
 * them on a phone pad and a mistyped one is refused before any lookup.
 *
 *   9 · YYMMDD (day of acceptance) · sequence of that day (at least 4 digits) · check digit
 *   e.g. 9 260315 0007 + check → "926031500071"
 *
 * Ticket numbers start with the two-digit year (`2…` until 2029), so the leading `9` tells the two
 * apart until 2090 — without a lookup in both collections. {@link caseNumberKind} is the one place
 * that decides.
 */

export const APPLICATION_PREFIX = '9';
const SEQUENCE_MIN_DIGITS = 4;

export function formatApplicationNumber(datePart: string, sequence: number): string {
  const body = APPLICATION_PREFIX + datePart + String(sequence).padStart(SEQUENCE_MIN_DIGITS, '0');
  return body + checkDigit(body);
}

/** Well-formed (prefix, 12–17 digits) and the check digit matches. Needs no lookup. */
export function isValidApplicationNumber(text: string): boolean {
  return /^9\d{11,16}$/.test(text) && checkDigit(text) === '0';
}

/** Which store a keyed number belongs to; undefined when it is malformed or its check digit is wrong. */
export function caseNumberKind(text: string): 'application' | 'ticket' | undefined {
  if (text.startsWith(APPLICATION_PREFIX)) return isValidApplicationNumber(text) ? 'application' : undefined;
  return isValidTicketNumber(text) ? 'ticket' : undefined;
}
