import { maskPhone } from '../privacy/phone.js';
import { redactPersonalData } from '../privacy/redact.js';
import type { Store } from '../store/store.js';
import { maskName } from '../subsidies/mask.js';
import { formatYuan } from '../subsidies/money.js';
import type { ApplicationStatus, PaymentStatus, SubsidyType } from '../subsidies/types.js';
import { localDate, localMinute } from '../time/local-format.js';
import type { Actor, TicketStatus } from '../tickets/types.js';

/** How much of each the pop-up shows: an operator glances at it while talking. */
export const HISTORY_LIMITS = { tickets: 10, applications: 10, paymentsPerHousehold: 3 } as const;
/** Characters of a ticket's text in the pop-up (personal data in it redacted). */
const EXCERPT = 60;

export interface HistoryTicket {
  number: string;
  status: TicketStatus;
  kind: string;
  category?: string;
  channel: string;
  leadDepartment?: string;
  excerpt: string;
  created: string;
}

export interface HistoryApplication {
  number: string;
  item: string;
  status: ApplicationStatus;
  department: string;
  applicant: string;
  accepted: string;
  promisedDate?: string;
}

export interface HistoryHousehold {
  head: string;
  idMasked: string;
  place: string;
  payments: { year: number; type: SubsidyType; yuan: string; status: PaymentStatus; paidDate?: string }[];
}

/** The caller's history as the console shows it: every personal detail already masked. */
export interface CallerHistory {
  caller: string;
  tickets: HistoryTicket[];
  ticketTotal: number;
  applications: HistoryApplication[];
  households: HistoryHousehold[];
}

export interface HistoryDeps {
  store: Pick<Store, 'contacts' | 'tickets' | 'applications' | 'subsidies' | 'audit'>;
  timeZone: string;
  now: () => Date;
}

/**
 * 来电弹屏: what the hub knows about a caller's phone (normalised, as the call record keeps it) — the
 * tickets of the contact that phone maps to (its keyed hash), the application cases (办件) with it
 * as the applicant's phone, and the subsidy households (惠农补贴) that registered it — masked: names
 * to their family name, ID numbers as stored (masked), ticket texts with phones, IDs and addresses
 * redacted. Looking is audited (全程留痕, `console_caller_history`) before anything is returned.
 */
export async function callerHistory(
  deps: HistoryDeps,
  request: { phone: string; callSid: string; actor: Actor; ip?: string },
): Promise<CallerHistory> {
  const { store, timeZone } = deps;
  const contactId = store.contacts.idFor({ phone: request.phone });
  await store.audit.append({
    actor: request.actor,
    action: 'console_caller_history',
    contactId,
    fields: ['tickets', 'applications', 'subsidy_households'],
    detail: request.callSid,
    ...(request.ip ? { ip: request.ip } : {}),
    at: deps.now(),
  });
  const [tickets, ticketTotal, applications, households] = await Promise.all([
    store.tickets.page({ list: 'contact', contactId }, { limit: HISTORY_LIMITS.tickets }),
    store.tickets.countList({ list: 'contact', contactId }),
    store.applications.findByApplicantPhone(request.phone, HISTORY_LIMITS.applications),
    store.subsidies.householdsByPhone(request.phone),
  ]);
  const payments = await Promise.all(households.map((h) => store.subsidies.paymentsOf(h.id)));
  return {
    caller: maskPhone(request.phone),
    ticketTotal,
    tickets: tickets.items.map((t) => ({
      number: t.number,
      status: t.status,
      kind: t.kind,
      ...(t.category ? { category: t.category } : {}),
      channel: t.channel,
      ...(t.leadDepartment ? { leadDepartment: t.leadDepartment } : {}),
      excerpt: excerpt(t.subject ? `${t.subject}：${t.body}` : t.body),
      created: localMinute(t.createdAt, timeZone),
    })),
    applications: applications.map((a) => ({
      number: a.number,
      item: a.item,
      status: a.status,
      department: a.department,
      applicant: maskName(a.applicantName),
      accepted: localDate(a.acceptedAt, timeZone),
      ...(a.promisedDate ? { promisedDate: a.promisedDate } : {}),
    })),
    households: households.map((h, i) => ({
      head: maskName(h.headName),
      idMasked: h.idMasked,
      place: [h.township, h.village].filter(Boolean).join(' '),
      payments: (payments[i] ?? []).slice(0, HISTORY_LIMITS.paymentsPerHousehold).map((p) => ({
        year: p.year,
        type: p.type,
        yuan: formatYuan(p.amountFen),
        status: p.status,
        ...(p.paidDate ? { paidDate: p.paidDate } : {}),
      })),
    })),
  };
}

function excerpt(text: string): string {
  const chars = Array.from(redactPersonalData(text).replace(/\s+/g, ' ').trim());
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join('');
}
