import { HubErrors, withDetails } from '../errors.js';
import { newId } from '../store/ids.js';
import type { TicketChange } from '../store/tickets.js';
import { canSee } from './access.js';
import { effectOf } from './command-effects.js';
import { DISCLOSURE_COMMANDS, syncDisclosure } from './disclosure.js';
import type { CoreDeps } from './deps.js';
import {
  allowedCommands,
  CITIZEN_COMMANDS,
  COMMANDS,
  EVENT_OF,
  isAllowed,
  roleMayRun,
  targetStatus,
  type CommandName,
} from './state-machine.js';
import { isValidTicketNumber } from './ticket-number.js';
import { writeTicket } from './write-ticket.js';
import type { Actor, Channel, OutboxEntry, PauseReason, RatingValue, Ticket, TicketEvent } from './types.js';

/** What a command may carry; which fields each command requires is checked at the API boundary. */
export interface CommandInput {
  department?: string;
  coDepartments?: string[];
  slaPolicy?: string;
  reason?: string;
  basis?: string;
  text?: string;
  into?: string;
  /** Reply / resolve while co-departments have not all answered: why (recorded on the event). */
  overrideReason?: string;
  pauseReason?: PauseReason;
  /** An extension request, in working days. */
  workingDays?: number;
  value?: RatingValue;
  comment?: string;
  /** 公示: the summary published on the results board. */
  summary?: string;
  /** `<channel>:<idempotency key>` of the inbound message a citizen ran this by (kept on the event). */
  messageKey?: string;
}

export interface CommandRequest {
  number: string;
  command: CommandName;
  actor: Actor;
  channel: Channel;
  input: CommandInput;
}

/**
 * Runs one command on one ticket: one writer at a time per ticket, the state machine decides, and the
 * field changes, the event and any outbox entry are one single-document write (see writeTicket).
 * Concurrent commands queue on the ticket's lock; none is lost.
 */
export async function executeCommand(deps: CoreDeps, request: CommandRequest): Promise<Ticket> {
  // A mistyped number never reaches the database.
  if (!isValidTicketNumber(request.number)) throw new HubErrors.TicketNotFound(request.number);
  const written = await writeTicket<never>(deps, request.number, async (ticket) => {
    if (!ticket || !canSee(request.actor, ticket)) throw new HubErrors.TicketNotFound(request.number);
    return { change: await decide(deps, ticket, request) };
  });
  const ticket = 'ticket' in written ? written.ticket : written.done;
  // The board's row follows the ticket once the ticket is written.
  if (DISCLOSURE_COMMANDS.has(request.command)) await syncDisclosure(deps, ticket);
  return ticket;
}

async function decide(deps: CoreDeps, ticket: Ticket, request: CommandRequest): Promise<TicketChange> {
  const { command, actor } = request;
  const mayRun =
    actor.kind === 'citizen'
      ? CITIZEN_COMMANDS.has(command)
      : roleMayRun(command, actor.role ?? 'department');
  if (!mayRun) {
    throw new HubErrors.Forbidden(`${actor.role ?? 'this actor'} may not ${command}`);
  }
  if (
    actor.role === 'department' &&
    !FOR_ANY_DEPARTMENT.has(command) &&
    ticket.leadDepartment !== actor.department
  ) {
    throw new HubErrors.Forbidden(
      'only the lead department may do this; co-departments sign, answer and add notes',
    );
  }
  if (!isAllowed(command, ticket.status)) {
    throw withDetails(new HubErrors.CommandNotAllowed(command, ticket.status), {
      status: ticket.status,
      allowed: allowedCommands(ticket.status),
    });
  }
  const now = new Date();
  const effect = await effectOf(deps, ticket, request, now);
  const toStatus = effect.toStatus ?? targetStatus(command, ticket.status);
  const rule = COMMANDS[command];
  const data = { ...eventData(request), ...effect.data };
  const event: TicketEvent = {
    id: newId(),
    type: EVENT_OF[command],
    fromStatus: ticket.status,
    toStatus,
    actor,
    channel: request.channel,
    visibility: rule.visibility,
    at: now,
    data: Object.keys(data).length > 0 ? data : undefined,
  };
  const outbox: OutboxEntry[] = [];
  const entry = (
    fields: Pick<OutboxEntry, 'audience' | 'template' | 'contactId' | 'department'>,
  ): OutboxEntry => ({
    id: newId(),
    eventId: event.id,
    status: 'pending',
    createdAt: now,
    ...fields,
  });
  // The citizen who ran the command themselves has their answer on that channel (the SMS reply).
  const byTheCitizen = actor.kind === 'citizen' && actor.id === ticket.contactId;
  if (rule.notifyCitizen && ticket.contactId && !byTheCitizen) {
    outbox.push(entry({ template: event.type, audience: 'citizen', contactId: ticket.contactId }));
  }
  for (const notice of effect.notify ?? []) outbox.push(entry(notice));
  return { set: { ...effect.set, status: toStatus }, event, outbox };
}

/** Commands a department may run on a ticket it does not lead (its co-department part, notes). */
const FOR_ANY_DEPARTMENT: ReadonlySet<CommandName> = new Set(['note', 'co_sign', 'co_answer']);

function eventData(request: CommandRequest): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request.input).filter(([, value]) => value !== undefined));
}
