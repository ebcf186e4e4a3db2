import { toHalfWidth } from '../../text/width.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';

/** What the tracking form posts. */
export interface TrackFields {
  number?: string;
  code?: string;
  tail?: string;
}

/** The query code or the last four digits of the citizen's phone: one of them proves the ticket. */
export type TrackProof = { code: string } | { tail: string };

export type TrackFieldName = 'number' | 'code' | 'tail';

export interface CheckedTrack {
  /** The fields as typed, cleaned (half-width digits, no spaces), to show again. */
  values: Required<TrackFields>;
  problems: Partial<Record<TrackFieldName, string>>;
  /** Only when there is no problem. */
  query?: { number: string; proof: TrackProof };
}

/**
 * Checks the form before anything is looked up: a number with a wrong check digit is said to be
 * mistyped (never looked up: it could be someone else's), codes must have their length. Full-width
 * digits and spaces, as a phone's input method types them, are accepted.
 */
export function checkTrack(fields: TrackFields): CheckedTrack {
  const digits = (value: string | undefined) => toHalfWidth(value ?? '').replace(/[\s-]/g, '');
  const values = { number: digits(fields.number), code: digits(fields.code), tail: digits(fields.tail) };
  const problems: CheckedTrack['problems'] = {};
  if (values.number === '') problems.number = 'track.error.numberEmpty';
  else if (!/^\d{11,16}$/.test(values.number)) problems.number = 'track.error.numberFormat';
  else if (!isValidTicketNumber(values.number)) problems.number = 'track.error.numberCheck';
  if (values.code === '' && values.tail === '') problems.code = 'track.error.proofMissing';
  else if (values.code !== '' && !/^\d{6}$/.test(values.code)) problems.code = 'track.error.codeFormat';
  else if (values.code === '' && !/^\d{4}$/.test(values.tail)) problems.tail = 'track.error.tailFormat';
  if (Object.keys(problems).length > 0) return { values, problems };
  const proof: TrackProof = values.code !== '' ? { code: values.code } : { tail: values.tail };
  return { values, problems, query: { number: values.number, proof } };
}
