import createError from '@fastify/error';

/**
 * Every error the hub answers with, one code each (tests assert on codes, never on messages).
 * Codes are part of the API contract: add new ones, never rename.
 */
export const HubErrors = {
  BadRequest: createError('HUB_ERR_BAD_REQUEST', 'Malformed request: %s', 400),
  Validation: createError('HUB_ERR_VALIDATION', 'Invalid input: %s', 400),
  /** A message template that would not compile or render; details.problems name part and line. */
  TemplateInvalid: createError('HUB_ERR_TEMPLATE_INVALID', 'Invalid template: %s', 400),
  Unauthorized: createError('HUB_ERR_UNAUTHORIZED', 'A valid bearer token is required', 401),
  Forbidden: createError('HUB_ERR_FORBIDDEN', 'Not allowed: %s', 403),
  TicketNotFound: createError('HUB_ERR_TICKET_NOT_FOUND', 'No ticket with number %s', 404),
  DepartmentNotFound: createError('HUB_ERR_DEPARTMENT_NOT_FOUND', 'No active department %s', 404),
  NotFound: createError('HUB_ERR_NOT_FOUND', 'Not found', 404),
  CommandNotAllowed: createError(
    'HUB_ERR_COMMAND_NOT_ALLOWED',
    'Command %s is not allowed while the ticket is %s',
    409,
  ),
  CoDepartmentsPending: createError(
    'HUB_ERR_CO_DEPARTMENTS_PENDING',
    'Co-departments have not all answered (%s); give an override reason to go on without them',
    409,
  ),
  InvalidState: createError('HUB_ERR_INVALID_STATE', 'Not possible now: %s', 409),
  VersionConflict: createError('HUB_ERR_VERSION_CONFLICT', '%s was changed meanwhile (now version %s)', 409),
  AlreadyExists: createError('HUB_ERR_ALREADY_EXISTS', '%s already exists', 409),
  TicketBusy: createError('HUB_ERR_TICKET_BUSY', 'Ticket %s is being changed; try again', 409),
  StoreUnavailable: createError('HUB_ERR_STORE_UNAVAILABLE', 'The database is unavailable; try again', 503),
  QueueUnavailable: createError('HUB_ERR_QUEUE_UNAVAILABLE', 'Redis is unavailable; try again', 503),
  DeliveryBusy: createError('HUB_ERR_DELIVERY_BUSY', 'Delivery %s is being changed; try again', 409),
  /** An operator acted on a call that has ended or that the provider does not know. */
  CallNotLive: createError('HUB_ERR_CALL_NOT_LIVE', 'Call %s is not in progress', 409),
  /** Live-call actions need Twilio (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM). */
  TelephonyUnconfigured: createError(
    'HUB_ERR_TELEPHONY_UNCONFIGURED',
    'No telephony provider is configured: %s',
    409,
  ),
  /** A twin of this inbound message (a Twilio retry) is being answered right now: retry later. */
  MessageBusy: createError('HUB_ERR_MESSAGE_BUSY', 'Message %s is being answered; try again', 503),
  /**
   * An inbound mail is stored but could not be processed now (Redis away, a twin busy, a failure):
   * the SMTP listener answers 451 so the sender retries, and the retry is deduplicated.
   */
  MailDeferred: createError('HUB_ERR_MAIL_DEFERRED', 'Mail %s is kept; send it again later', 503),
  /** An IVR menu that cannot be saved; details.problems give path and code (unknown_action …). */
  IvrMenuInvalid: createError('HUB_ERR_IVR_MENU_INVALID', 'Invalid IVR menu: %s', 400),
  /** 公示 needs the citizen's consent (同意公开, given when they submitted the request). */
  DisclosureNotAgreed: createError(
    'HUB_ERR_DISCLOSURE_NOT_AGREED',
    'The citizen did not agree that ticket %s may be published',
    409,
  ),
  /** Another change to this staff account (or its sign-in) holds its writer lock: try again. */
  StaffUserBusy: createError('HUB_ERR_STAFF_USER_BUSY', 'Staff user %s is being changed; try again', 409),
  /** One register import at a time per database (FerretDB updates are read-and-write-back); details.importId. */
  ImportBusy: createError(
    'HUB_ERR_IMPORT_BUSY',
    'Import %s is running; start another when it has finished',
    409,
  ),
  /** An upload the import cannot take at all (empty, an old .xls, not a file body); details say why. */
  ImportFileRefused: createError('HUB_ERR_IMPORT_FILE', 'Cannot import this file: %s', 400),
  /** Another change to this directory entry (查号) holds its writer lock: try again. */
  DirectoryEntryBusy: createError(
    'HUB_ERR_DIRECTORY_ENTRY_BUSY',
    'Directory entry %s is being changed; try again',
    409,
  ),
  /** Another save of this department holds its writer lock: try again. */
  DepartmentBusy: createError('HUB_ERR_DEPARTMENT_BUSY', 'Department %s is being changed; try again', 409),
  /** Another change to the SMS keyword table holds its writer lock: try again. */
  SmsKeywordsBusy: createError(
    'HUB_ERR_SMS_KEYWORDS_BUSY',
    'The SMS keywords are being changed; try again',
    409,
  ),
  Internal: createError('HUB_ERR_INTERNAL', 'Internal error', 500),
} as const;

/** Extra, safe-to-show fields an error carries into its JSON answer (e.g. the allowed commands). */
export interface ErrorDetails {
  details?: Record<string, unknown>;
}

export function withDetails<E extends Error>(error: E, details: Record<string, unknown>): E & ErrorDetails {
  return Object.assign(error, { details });
}
