import { createHmac } from 'node:crypto';
import { toHalfWidth } from '../text/width.js';

/**
 * Keyed hashes of resident ID numbers (HMAC-SHA256 with `ID_HASH_KEY`): the only form in which a
 * household can be found by ID. A plain SHA-256 would not do — ID numbers have so little entropy
 * (region, birth date, sequence) that anyone with the database could enumerate them; without the key
 * they cannot. The last 6 characters get their own hash so a caller whose phone serves several
 * households can say which one is theirs without the full number ever being stored.
 */

function keyed(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}:${value}`).digest('base64url').slice(0, 27);
}

/** The household id of an 18-character, upper-case ID number (`h` + 27 base64url chars, 162 bits). */
export function householdIdFor(key: string, idNumber: string): string {
  return `h${keyed(key, 'id', idNumber)}`;
}

/** The hash of the last 6 characters (`tail` from {@link normaliseIdTail}). */
export function idTailHash(key: string, tail: string): string {
  return keyed(key, 'tail', tail);
}

/**
 * What a citizen typed as "the last 6 of the ID number" in the form it is hashed: half-width,
 * upper-case `X`, and `*` for `X` (a phone pad has no X; the IVR prompt says "X 请按星号键").
 */
export function normaliseIdTail(input: string): string | undefined {
  const text = toHalfWidth(input).replace(/\s+/g, '').toUpperCase().replace(/\*$/, 'X');
  return /^\d{5}[\dX]$/.test(text) ? text : undefined;
}
