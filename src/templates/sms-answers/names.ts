/**
 * The answers the SMS webhook gives in its own response (TwiML `<Message>`), and the data each is
 * rendered with. Codes (ticket status, subsidy type …) are given as codes: the templates' helpers say
 * them in the locale. Dates come formatted by the caller (hub time zone); templates format nothing.
 */
export interface AnswerData {
  /**
   * BZ / 帮助 / HELP / ?: what the keywords do; `others` the hotline's own in force
   * (`GN 供暖 / YM 疫苗接种`), empty when there are none.
   */
  help: { others: string };
  'usage.status': Record<string, never>;
  'usage.subsidy': Record<string, never>;
  'usage.rate': Record<string, never>;
  /** TS / ZX / JY / QZ without a text. `initials`: the keyword's initials, `kind` the ticket kind. */
  'usage.open': { initials: string; kind: string };
  /** Malformed or a wrong check digit: never looked up, never someone else's data. */
  'status.bad_number': { number: string };
  /** Unknown, or not the sender's and no (right) query code: the same answer, so nothing leaks. */
  'status.not_found': { number: string };
  'status.ticket': {
    number: string;
    kind: string;
    status: string;
    departmentName?: string;
    updatedAt: string;
    /** The ticket is answered and the sender may rate it. */
    canRate: boolean;
  };
  'status.application': {
    number: string;
    item: string;
    status: string;
    step?: string;
    stepAt?: string;
    promisedDate?: string;
    result?: string;
  };
  'subsidy.unregistered': Record<string, never>;
  /** The last 6 of the ID matched none of the sender's households. */
  'subsidy.no_match': Record<string, never>;
  /** Several households on the phone: which one? */
  'subsidy.choose': { count: number };
  /** `account`: the masked account, when every payment listed went to it (else each item names its own). */
  'subsidy.head': { head: string; account?: string };
  'subsidy.item': {
    year: number;
    type: string;
    amount: string;
    status: string;
    paidDate?: string;
    account?: string;
  };
  'subsidy.none': { head: string };
  /** Ends a list cut to fit: how many there are in all. */
  'list.more': { total: number };
  'rate.done': { number: string; value: string; reopened: boolean };
  'rate.none': Record<string, never>;
  /** Free text added to the sender's open ticket. */
  'conversation.added': { number: string };
}

export type AnswerName = keyof AnswerData;

/** Every answer's source text in one locale. */
export type AnswerSources = Record<AnswerName, string> & {
  /** Between the items of a list, and after its last one when nothing was left out. */
  listSeparator: string;
  listEnd: string;
};

export const ANSWER_NAMES: readonly AnswerName[] = [
  'help',
  'usage.status',
  'usage.subsidy',
  'usage.rate',
  'usage.open',
  'status.bad_number',
  'status.not_found',
  'status.ticket',
  'status.application',
  'subsidy.unregistered',
  'subsidy.no_match',
  'subsidy.choose',
  'subsidy.head',
  'subsidy.item',
  'subsidy.none',
  'list.more',
  'rate.done',
  'rate.none',
  'conversation.added',
];
