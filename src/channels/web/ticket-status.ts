import type { DepartmentCache } from '../../notify/department-cache.js';
import { ratingToken } from '../../notify/recipient.js';
import { maskPhone } from '../../privacy/phone.js';
import { redactPersonalData } from '../../privacy/redact.js';
import type { Contact } from '../../store/contacts.js';
import type { Ticket, TicketEvent } from '../../tickets/types.js';
import { translate, type PageLanguage } from './messages.js';
import { localMinute } from '../../time/local-format.js';
import { categoryLabel, placeLabel } from './ticket-options.js';

/** The request's own words are shown this long at most (the page is for the status, not an archive). */
const REQUEST_EXCERPT = 500;

/** Event types whose `text` is written to the citizen (the question asked, the answer given). */
const TEXT_FOR_CITIZEN: ReadonlySet<string> = new Set(['asked_citizen', 'replied']);
const WORDED_EVENTS: ReadonlySet<string> = new Set([
  'received',
  'dispatched',
  'transferred',
  'signed',
  'asked_citizen',
  'replied',
  'resolved',
  'reopened',
  'cancelled',
  'rejected',
  'merged',
  'extension_approved',
  'rated',
  'citizen_message',
  'published',
]);

export interface StatusPageDeps {
  departments: Pick<DepartmentCache, 'get'>;
  secret: string;
  timeZone: string;
}

/**
 * What the status page shows of a ticket, for whoever proved they hold it: the words for kind,
 * category and status, the lead department's name, the public events only (never internal notes,
 * never who on the staff did it), the answer, and the rating or the link to give one. The request's
 * own text and the notification phone are shown with personal data masked.
 */
export async function statusPage(
  deps: StatusPageDeps,
  language: PageLanguage,
  ticket: Ticket,
  contact: Contact | undefined,
): Promise<Record<string, unknown>> {
  const t = (key: string, values?: Record<string, string | number>) => translate(language, key, values);
  const departmentName = async (code: unknown): Promise<string> => {
    const department = typeof code === 'string' ? await deps.departments.get(code) : undefined;
    if (!department) return t('event.aDepartment');
    return language === 'en' ? (department.nameEn ?? department.name) : department.name;
  };
  const answer = ticket.events.findLast((e) => e.type === 'replied');
  const answered = ['replied', 'closed'].includes(ticket.status) && answer !== undefined;
  const publicEvents = ticket.events.filter((e) => e.visibility === 'public');
  const timeline = await Promise.all(
    publicEvents.map(async (event) => ({
      at: localMinute(event.at, deps.timeZone),
      text: t(WORDED_EVENTS.has(event.type) ? `event.${event.type}` : 'event.other', {
        department: await departmentName(event.data?.department),
      }),
      // The answer shown above is not repeated; earlier answers and questions are shown here.
      detail:
        TEXT_FOR_CITIZEN.has(event.type) && !(answered && event === answer) ? eventText(event) : undefined,
    })),
  );
  const body = redactPersonalData(ticket.body);
  const phone = contact?.phones.at(-1)?.number;
  return {
    number: ticket.number,
    kind: t(`kind.${ticket.kind}`),
    category: categoryLabel(language, ticket.category),
    status: t(`status.${ticket.status}`),
    receivedAt: localMinute(ticket.source.receivedAt, deps.timeZone),
    department: ticket.leadDepartment ? await departmentName(ticket.leadDepartment) : undefined,
    place: placeLabel(language, ticket.location),
    contact: phone ? maskPhone(phone) : undefined,
    request:
      Array.from(body).length > REQUEST_EXCERPT
        ? `${Array.from(body).slice(0, REQUEST_EXCERPT).join('')}…`
        : body,
    answer: answered ? eventText(answer) : undefined,
    answeredAt: answered ? localMinute(answer.at, deps.timeZone) : undefined,
    rating: ticket.rating
      ? { value: t(`rating.${ticket.rating.value}`), comment: ticket.rating.comment }
      : undefined,
    rateUrl:
      ticket.status === 'replied' && !ticket.rating
        ? `/rate/${ticket.number}?t=${ratingToken(deps.secret, ticket)}`
        : undefined,
    timeline: timeline.reverse(),
  };
}

function eventText(event: TicketEvent): string | undefined {
  const text = event.data?.text;
  return typeof text === 'string' && text.length > 0 ? text : undefined;
}
