import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The submit form's hidden token: random, rendered into the form, and the intake idempotency key of
 * what the form sends (channel `web`). A double click, or sending again after Back, gives the ticket
 * the first send made (DESIGN §4.2).
 */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url');
}

export function isFormToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value);
}

/** How long the confirmation page (with the query code) can be opened again: a day. */
const DONE_VALID_SECONDS = 86_400;

/**
 * The confirmation page's link, `/submit/done/NUMBER?c=TOKEN`: signed with the hub secret over the
 * number, its query code and the time it was made, so it cannot be guessed and stops working after a
 * day (it shows the query code).
 */
export function doneToken(secret: string, ticket: { number: string; queryCode: string }, at: Date): string {
  const issued = Math.floor(at.getTime() / 1000).toString(36);
  return `${issued}.${doneSignature(secret, ticket, issued)}`;
}

export function verifyDoneToken(
  secret: string,
  ticket: { number: string; queryCode: string },
  token: string,
  now: Date,
): boolean {
  const [issued = '', signature = ''] = token.split('.');
  const at = parseInt(issued, 36);
  if (!/^[0-9a-z]{1,10}$/.test(issued) || !Number.isFinite(at)) return false;
  const age = now.getTime() / 1000 - at;
  if (age < -60 || age > DONE_VALID_SECONDS) return false;
  return sameSecret(doneSignature(secret, ticket, issued), signature);
}

function doneSignature(
  secret: string,
  ticket: { number: string; queryCode: string },
  issued: string,
): string {
  return createHmac('sha256', secret)
    .update(`web-done:${ticket.number}:${ticket.queryCode}:${issued}`)
    .digest('base64url')
    .slice(0, 22);
}

/** Two secrets compared in constant time (equal-length digests: neither length nor prefix leaks). */
export function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
