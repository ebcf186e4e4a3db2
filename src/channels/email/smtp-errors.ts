import { ProviderError } from '../../notify/types.js';

/** The fields nodemailer puts on its errors (https://nodemailer.com/errors). */
interface NodemailerErrorFields {
  /** nodemailer's category (`EENVELOPE`, `ESOCKET`, `EAUTH` …) or a system code. */
  code?: unknown;
  /** The system code a category replaced (`ECONNREFUSED` under `ESOCKET`). */
  originalCode?: unknown;
  /** The server's reply code (`550`), when the server answered. */
  responseCode?: unknown;
  /** The server's whole reply line. */
  response?: unknown;
}

/** Replies a server uses both for "slow down" and for other temporary trouble: the text decides. */
const RATE_CODES = new Set([421, 450, 451, 452]);
const RATE_TEXT = /\brate\b|rate-?limit|too many/i;

/**
 * Failures of our own session, not of the address: a bad login or TLS set-up would fail every
 * message alike, so calling them permanent would send every citizen to the fallback channel while
 * an operator fixes SMTP_URL. They are retried instead, whatever reply code they carry.
 */
const OUR_SIDE = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);

/** Errors that mean "this message or address can never go", raised before any server reply. */
const BAD_MESSAGE = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Translates a nodemailer failure into our words (see {@link ProviderError}): a reply of 4xx is
 * transient and 5xx permanent (code = the three digits), "too many"/"rate" on 421/450/451/452 is a
 * rate limit, and a failure without a reply (refused, reset, timed out) is transient with the
 * system code (`ECONNREFUSED`).
 */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const fields: NodemailerErrorFields = typeof error === 'object' && error !== null ? error : {};
  const message = error instanceof Error ? error.message : String(error);
  const category = typeof fields.code === 'string' ? fields.code : undefined;
  const reply = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;

  if (reply !== undefined) {
    const code = String(reply);
    if (category !== undefined && OUR_SIDE.has(category))
      return new ProviderError('transient', code, message);
    const text = typeof fields.response === 'string' ? fields.response : message;
    if (RATE_CODES.has(reply) && RATE_TEXT.test(text))
      return new ProviderError('rate_limited', code, message);
    // 503 is "bad sequence of commands": the session's state, not the message (nodemailer agrees).
    if (reply >= 500 && reply < 600 && reply !== 503) return new ProviderError('permanent', code, message);
    return new ProviderError('transient', code, message);
  }

  const system = typeof fields.originalCode === 'string' ? fields.originalCode : category;
  // Refused before sending (an address nodemailer cannot put in an envelope, an empty message).
  if (category !== undefined && BAD_MESSAGE.has(category))
    return new ProviderError('permanent', system, message);
  return new ProviderError('transient', system, message);
}
