import { HubErrors, withDetails } from '../errors.js';
import { withLock } from '../redis/lock.js';
import { newId } from '../store/ids.js';
import type { TicketChange } from '../store/tickets.js';
import { canSee } from './access.js';
import type { CoreDeps } from './deps.js';
import {
  allowedCommands,
  COMMANDS,
  EVENT_OF,
  isAllowed,
  roleMayRun,
  targetStatus,
  type CommandName,
} from './state-machine.js';
import { isValidTicketNumber } from './ticket-number.js';
import type { Actor, Channel, OutboxEntry, Ticket, TicketEvent } from './types.js';

/** What a command may carry; which fields each command requires is checked at the API boundary. */
export interface CommandInput {
  department?: string;
  coDepartments?: string[];
  reason?: string;
  basis?: string;
  text?: string;
  into?: string;
}

export interface CommandRequest {
  number: string;
  command: CommandName;
  actor: Actor;
  channel: Channel;
  input: CommandInput;
}

const VERSION_RETRIES = 3;

/**
 * Runs one command on one ticket: one writer at a time per ticket (Redis lock), the state machine
 * decides, and the field changes, the event and any outbox entry are one single-document write
 * guarded by the version number. Concurrent commands queue on the lock; none is lost.
 */
export async function executeCommand(deps: CoreDeps, request: CommandRequest): Promise<Ticket> {
  // A mistyped number never reaches the database.
  if (!isValidTicketNumber(request.number)) throw new HubErrors.TicketNotFound(request.number);
  const locked = await withLock(deps.redis, `lock:ticket:${request.number}`, deps.lock, () =>
    apply(deps, request),
  );
  if (!locked) throw new HubErrors.TicketBusy(request.number);
  return locked.value;
}

async function apply(deps: CoreDeps, request: CommandRequest): Promise<Ticket> {
  for (let attempt = 0; attempt < VERSION_RETRIES; attempt++) {
    const ticket = await deps.store.tickets.findByNumber(request.number);
    if (!ticket || !canSee(request.actor, ticket)) throw new HubErrors.TicketNotFound(request.number);
    const change = await decide(deps, ticket, request);
    const updated = await deps.store.tickets.applyChange(ticket.number, ticket.version, change);
    if (updated) {
      deps.live.publish(updated, change.event);
      return updated;
    }
    // Our lock expired and someone else wrote: read again and decide again.
  }
  throw new HubErrors.TicketBusy(request.number);
}

async function decide(deps: CoreDeps, ticket: Ticket, request: CommandRequest): Promise<TicketChange> {
  const { command, actor } = request;
  if (!roleMayRun(command, actor.role ?? 'department')) {
    throw new HubErrors.Forbidden(`${actor.role ?? 'this actor'} may not ${command}`);
  }
  if (actor.role === 'department' && command !== 'note' && ticket.leadDepartment !== actor.department) {
    throw new HubErrors.Forbidden('only the lead department may do this; co-departments add notes');
  }
  if (!isAllowed(command, ticket.status)) {
    throw withDetails(new HubErrors.CommandNotAllowed(command, ticket.status), {
      status: ticket.status,
      allowed: allowedCommands(ticket.status),
    });
  }
  const set = await fieldChanges(deps, ticket, request);
  const now = new Date();
  const toStatus = targetStatus(command, ticket.status);
  const rule = COMMANDS[command];
  const event: TicketEvent = {
    id: newId(),
    type: EVENT_OF[command],
    fromStatus: ticket.status,
    toStatus,
    actor,
    channel: request.channel,
    visibility: rule.visibility,
    at: now,
    data: eventData(request),
  };
  const outbox: OutboxEntry[] = [];
  if (rule.notifyCitizen && ticket.contactId) {
    outbox.push({
      id: newId(),
      eventId: event.id,
      template: event.type,
      audience: 'citizen',
      contactId: ticket.contactId,
      status: 'pending',
      createdAt: now,
    });
  }
  if ((command === 'dispatch' || command === 'transfer') && request.input.department) {
    outbox.push({
      id: newId(),
      eventId: event.id,
      template: 'department.new_ticket',
      audience: 'department',
      department: request.input.department,
      status: 'pending',
      createdAt: now,
    });
  }
  return { set: { ...set, status: toStatus }, event, outbox };
}

/** The ticket fields a command changes besides its status. */
async function fieldChanges(
  deps: CoreDeps,
  ticket: Ticket,
  request: CommandRequest,
): Promise<TicketChange['set']> {
  const { input, actor } = request;
  switch (request.command) {
    case 'dispatch':
    case 'transfer': {
      const lead = await activeDepartment(deps, input.department);
      const coDepartments: Ticket['coDepartments'] = {};
      for (const code of input.coDepartments ?? []) {
        if (code === lead) continue;
        await activeDepartment(deps, code);
        coDepartments[code] = { department: code, status: 'pending' };
      }
      return { leadDepartment: lead, coDepartments, assignee: undefined };
    }
    case 'sign':
      return { assignee: actor.id };
    case 'return':
      return { returnCount: ticket.returnCount + 1 };
    case 'merge': {
      const into = input.into ?? '';
      if (
        into === ticket.number ||
        !isValidTicketNumber(into) ||
        !(await deps.store.tickets.findByNumber(into))
      ) {
        throw new HubErrors.TicketNotFound(into);
      }
      return { mergedInto: into };
    }
    default:
      return {};
  }
}

async function activeDepartment(deps: CoreDeps, code: string | undefined): Promise<string> {
  if (!code || !(await deps.store.departments.findActive(code))) {
    throw new HubErrors.DepartmentNotFound(code ?? '(none)');
  }
  return code;
}

function eventData(request: CommandRequest): Record<string, unknown> | undefined {
  const data = Object.fromEntries(Object.entries(request.input).filter(([, value]) => value !== undefined));
  return Object.keys(data).length > 0 ? data : undefined;
}
