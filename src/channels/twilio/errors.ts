import twilio from 'twilio';
import { ProviderError, type ProviderErrorKind } from '../../notify/types.js';
import { maskPhone } from '../../privacy/phone.js';

/**
 * Twilio's words for failure, translated into {@link ProviderError} kinds. Two sources:
 * - the REST API answering a create/list (`RestException`: HTTP status + Twilio code), and network
 *   errors on the way there (`toProviderError`);
 * - the status callback reporting `MessageStatus=failed|undelivered` with an `ErrorCode`
 *   (`kindForStatusErrorCode`), for the status webhook.
 */

/** The recipient replied STOP (or equivalent) to our sender: mark the contact, never retry. */
const OPT_OUT_CODES = new Set([21610]);

/**
 * REST codes that say "this destination can never be reached on this channel". Kept to codes about
 * the address itself, so a wrong config or a bug on our side never drops a message silently: those
 * (21606 bad From, 21617 body too long, 21602 empty body, 20404 unknown account…) stay transient,
 * exhaust their retries and show up in the attempt log for an operator.
 * - 21211 invalid To; 21214 To cannot be reached (voice); 21217 / 21401 / 21421 not a valid number;
 * - 21407 number type cannot receive SMS; 21614 To is not a mobile number; 21612 To unroutable;
 * - 21408 / 21215 the To country is not enabled for SMS / voice (geo permissions): nothing we retry
 *   will change that, so the fallback channel gets a chance now.
 */
const PERMANENT_REST_CODES = new Set([21211, 21214, 21215, 21217, 21401, 21407, 21408, 21421, 21612, 21614]);

/**
 * `ErrorCode` values posted with `MessageStatus=failed|undelivered` that no later attempt on this
 * channel can fix (the fallback channel, e.g. a voice call to a landline, may):
 * 30004 blocked by the recipient or carrier, 30005 unknown handset (number does not exist),
 * 30006 landline or unreachable carrier, 30007 filtered by the carrier (the same text would be
 * filtered again), plus the address codes of the REST API, which Twilio may also report here.
 * 30003 (handset off or out of coverage) is not here: it usually is temporary.
 */
const PERMANENT_STATUS_CODES = new Set([30004, 30005, 30006, 30007, ...PERMANENT_REST_CODES]);

const RATE_LIMIT_CODE = 20429;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * A 429 answer, thrown by our request client (src/channels/twilio/client.ts) before the SDK turns
 * the response into a plain `RestException`, which drops the headers and so the Retry-After.
 */
export class TwilioRateLimitException extends twilio.RestException {
  constructor(
    response: { statusCode: number; body: unknown },
    /** From the Retry-After header, when Twilio sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(response);
    this.message ||= 'Too Many Requests';
  }
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What the SDK throws for a non-2xx answer: `RestException` or the RFC 9457 `TwilioServiceException`. */
interface TwilioRestError {
  status: number;
  code?: number | undefined;
  message: string;
}

function isRestError(err: unknown): err is Error & TwilioRestError {
  return err instanceof Error && typeof (err as Partial<TwilioRestError>).status === 'number';
}

/** Twilio's messages quote the phone number ("The 'To' number +86… is not valid"): keep it out of logs. */
function scrub(text: string): string {
  return text.replace(/\+\d{6,15}/g, (phone) => maskPhone(phone));
}

/** Any error from a Twilio SDK call → a {@link ProviderError}; unknown errors count as transient. */
export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (isRestError(err)) return fromRestError(err);
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    const what = NETWORK_CODES.has(code) ? 'network error' : 'request failed';
    return new ProviderError('transient', code, `Twilio ${what}: ${code} ${scrub(message)}`);
  }
  return new ProviderError('transient', undefined, `Twilio request failed: ${scrub(message)}`);
}

function fromRestError(err: Error & TwilioRestError): ProviderError {
  const code = err.code === undefined ? `HTTP_${err.status}` : String(err.code);
  const text = `Twilio ${code} (HTTP ${err.status}): ${scrub(err.message || 'no message')}`;
  if (err.code !== undefined && OPT_OUT_CODES.has(err.code)) return new ProviderError('opt_out', code, text);
  if (err.status === 429 || err.code === RATE_LIMIT_CODE) {
    const retryAfterMs = err instanceof TwilioRateLimitException ? err.retryAfterMs : undefined;
    return new ProviderError('rate_limited', code, text, retryAfterMs);
  }
  if (err.status === 401 || err.status === 403) {
    // Bad credentials or a suspended account: an operator must fix the config. Retrying keeps the
    // message alive until then; calling it permanent would drop every message we hold.
    return new ProviderError(
      'transient',
      code,
      `Twilio rejected our credentials, check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN: ${text}`,
    );
  }
  if (err.status >= 400 && err.status < 500 && err.code !== undefined && PERMANENT_REST_CODES.has(err.code)) {
    return new ProviderError('permanent', code, text);
  }
  return new ProviderError('transient', code, text);
}

/**
 * The kind of a failure Twilio reports later, in the status callback (`ErrorCode` with
 * `MessageStatus=failed|undelivered`). Unknown or missing codes count as transient.
 */
export function kindForStatusErrorCode(errorCode: string | number | undefined): ProviderErrorKind {
  const code = Number(errorCode);
  if (!Number.isInteger(code)) return 'transient';
  if (OPT_OUT_CODES.has(code)) return 'opt_out';
  if (code === RATE_LIMIT_CODE) return 'rate_limited';
  if (PERMANENT_STATUS_CODES.has(code)) return 'permanent';
  return 'transient';
}
