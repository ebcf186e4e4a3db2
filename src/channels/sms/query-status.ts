import { caseNumberKind } from '../../subsidies/application-number.js';
import type { ApplicationCase } from '../../subsidies/types.js';
import type { Ticket } from '../../tickets/types.js';
import type { Outcome, Sender, SmsDeps } from './deps.js';
import { localMinute } from '../../time/local-format.js';
import { sameCode } from './local-time.js';

export interface StatusQuery {
  number: string;
  /** The query code, needed for a ticket or case that is not the sender's. */
  code?: string;
}

/**
 * CX / 查询: the status of a ticket or an application case (办件), answered at once.
 * - A malformed number or a wrong check digit is said to be wrong, and never looked up (a mistyped
 *   number must not show someone else's case).
 * - The sender sees a ticket that is theirs (same contact) or a case whose applicant phone is theirs;
 *   anything else only with the right query code (`CX 号码 查询码`). Unknown, not theirs and wrong code
 *   get one and the same answer, so nobody learns whether a number exists.
 */
export async function queryStatus(deps: SmsDeps, sender: Sender, query: StatusQuery): Promise<Outcome> {
  const kind = caseNumberKind(query.number);
  if (kind === undefined) {
    return { keyword: 'status', reply: reply(deps, sender, 'status.bad_number', query.number) };
  }
  if (kind === 'ticket') {
    const ticket = await deps.store.tickets.findByNumber(query.number);
    const mine =
      ticket !== undefined && sender.contactId !== undefined && ticket.contactId === sender.contactId;
    if (ticket && (mine || codeMatches(ticket.queryCode, query.code))) {
      return {
        keyword: 'status',
        ticketNumber: ticket.number,
        reply: await ticketAnswer(deps, sender, ticket, mine),
      };
    }
  } else {
    const application = await deps.store.applications.findByNumber(query.number);
    const mine = application?.applicantPhone !== undefined && application.applicantPhone === sender.phone;
    if (application && (mine || codeMatches(application.queryCode, query.code))) {
      return { keyword: 'status', reply: applicationAnswer(deps, sender, application) };
    }
  }
  return { keyword: 'status', reply: reply(deps, sender, 'status.not_found', query.number) };
}

function codeMatches(expected: string, given: string | undefined): boolean {
  return given !== undefined && sameCode(expected, given);
}

function reply(
  deps: SmsDeps,
  sender: Sender,
  name: 'status.bad_number' | 'status.not_found',
  number: string,
): string {
  return deps.answers.text(name, sender.locale, { number });
}

async function ticketAnswer(deps: SmsDeps, sender: Sender, ticket: Ticket, mine: boolean): Promise<string> {
  const department = ticket.leadDepartment ? await deps.departments.get(ticket.leadDepartment) : undefined;
  const departmentName = sender.locale === 'en' ? (department?.nameEn ?? department?.name) : department?.name;
  // What the citizen can see changed last: internal notes and clock events are not theirs to see.
  const lastPublic = ticket.events.findLast((event) => event.visibility === 'public');
  return deps.answers.text('status.ticket', sender.locale, {
    number: ticket.number,
    kind: ticket.kind,
    status: ticket.status,
    departmentName,
    updatedAt: localMinute(lastPublic?.at ?? ticket.createdAt, deps.timeZone),
    // Only the ticket's own citizen rates it (PJ rates the sender's latest answered ticket).
    canRate: mine && ticket.status === 'replied',
  });
}

function applicationAnswer(deps: SmsDeps, sender: Sender, application: ApplicationCase): string {
  const step = application.steps.at(-1);
  return deps.answers.text(
    'status.application',
    sender.locale,
    {
      number: application.number,
      item: application.item,
      status: application.status,
      step: step?.name,
      stepAt: step ? localMinute(step.at, deps.timeZone) : undefined,
      promisedDate: application.promisedDate,
      result: application.result,
    },
    'result',
  );
}
