import { toLocal } from '../time/zoned-time.js';

/**
 * Ticket numbers: digits only, so a caller can key them on a phone pad.
 *
 *   YYMMDD (China date of intake) · sequence of that day (at least 4 digits) · check digit
 *   e.g. 2611210042 5  →  "26112100425"
 *
 * The check digit is Damm's: it catches every single-digit error and every swap of two adjacent
 * digits (Luhn misses 09↔90), so a mistyped number is refused instead of showing someone else's ticket.
 */

const DAMM: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

const SEQUENCE_MIN_DIGITS = 4;

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim]?.[ch.charCodeAt(0) - 48] ?? 0;
  return interim;
}

export function checkDigit(digits: string): string {
  return String(dammInterim(digits));
}

/** `datePart` is YYMMDD; `sequence` starts at 1 each day. */
export function formatTicketNumber(datePart: string, sequence: number): string {
  const body = datePart + String(sequence).padStart(SEQUENCE_MIN_DIGITS, '0');
  return body + checkDigit(body);
}

/** True when the text is a well-formed number whose check digit matches. Needs no lookup. */
export function isValidTicketNumber(text: string): boolean {
  return /^\d{11,16}$/.test(text) && dammInterim(text) === 0;
}

/** The YYMMDD prefix (the day the sequence belongs to). */
export function ticketNumberDate(number: string): string {
  return number.slice(0, 6);
}

/** The day's sequence encoded in a valid number. */
export function ticketNumberSequence(number: string): number {
  return Number(number.slice(6, -1));
}

/** YYMMDD of `at` in the given time zone (the hub's local day, China time by default). */
export function datePartOf(at: Date, timeZone: string): string {
  return toLocal(at, timeZone).date.slice(2).replaceAll('-', '');
}
