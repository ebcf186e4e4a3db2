import { staffText, type StaffLanguage } from './messages.js';
import type { DeskAction } from './desk-actions.js';

/**
 * The ticket core's refusals the desk answers with the ticket page again (the code in words, and
 * the code itself for the helpdesk); anything else is an error page.
 */
export const REFUSALS: ReadonlySet<string> = new Set([
  'HUB_ERR_COMMAND_NOT_ALLOWED',
  'HUB_ERR_FORBIDDEN',
  'HUB_ERR_CO_DEPARTMENTS_PENDING',
  'HUB_ERR_INVALID_STATE',
  'HUB_ERR_TICKET_BUSY',
  'HUB_ERR_VERSION_CONFLICT',
  'HUB_ERR_VALIDATION',
  'HUB_ERR_DISCLOSURE_NOT_AGREED',
]);

interface CodedError {
  code: string;
  details?: { status?: unknown; pending?: unknown };
}

/** The refusal in the page's words: which state the ticket is in, which co-departments are missing. */
export function refusalText(
  language: StaffLanguage,
  action: DeskAction,
  error: CodedError,
  departments: ReadonlyMap<string, string>,
): string {
  const status = typeof error.details?.status === 'string' ? error.details.status : undefined;
  const pending = Array.isArray(error.details?.pending) ? error.details.pending.map(String) : [];
  const key = REFUSALS.has(error.code) ? `desk.error.${error.code}` : 'desk.error.other';
  const verb = staffText(language, `desk.action.${action}`);
  const reason = staffText(language, key, {
    // Inside an English sentence the button's word is lower-case.
    action: language === 'en' ? verb.toLowerCase() : verb,
    status: status ? staffText(language, `ticket.status.${status}`) : '',
    departments: pending.map((code) => departments.get(code) ?? code).join('、'),
  });
  return staffText(language, 'desk.refused', { reason });
}
