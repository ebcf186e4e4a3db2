import { HubErrors, withDetails } from '../errors.js';
import type { TicketChange } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import type { CommandRequest } from './execute-command.js';
import {
  answered,
  coDepartmentDue,
  extended,
  pause,
  policyFor,
  resume,
  startDepartmentClocks,
  stopAll,
  stopClocks,
} from './sla.js';
import { publish, withdrawn } from './disclosure.js';
import { flag } from './supervision.js';
import { isValidTicketNumber } from './ticket-number.js';
import type { OutboxAudience, Ticket, TicketStatus } from './types.js';

/** What a command does besides appending its event: fields, a different target, who else hears. */
export interface Effect {
  set: TicketChange['set'];
  data?: Record<string, unknown>;
  toStatus?: TicketStatus;
  notify?: { audience: Exclude<OutboxAudience, 'citizen'>; template: string; department?: string }[];
}

const NONE: Effect = { set: {} };

export async function effectOf(
  deps: CoreDeps,
  ticket: Ticket,
  request: CommandRequest,
  now: Date,
): Promise<Effect> {
  const { input, actor } = request;
  const tables = deps.routing();
  switch (request.command) {
    case 'dispatch':
    case 'transfer':
      return dispatchTo(deps, ticket, request, now);
    case 'sign':
      return { set: { assignee: actor.id, sla: stopClocks(ticket.sla, ['sign'], now) } };
    case 'ask':
      // Asking is the first response; the completion clock waits for the citizen.
      return {
        set: { sla: pause(stopClocks(ticket.sla, ['sign', 'response'], now), 'citizen', now, input.text) },
      };
    case 'resume':
      return { set: { sla: resume(tables, ticket.sla, now) } };
    case 'reply':
      return {
        ...coDepartmentsAnswered(ticket, input.overrideReason),
        set: { sla: answered(tables, ticket.sla, now) },
      };
    case 'resolve':
      return {
        ...coDepartmentsAnswered(ticket, input.overrideReason),
        set: { sla: stopAll(ticket.sla, now) },
      };
    case 'reopen': {
      // A reopened ticket is no longer a result: it leaves the public board.
      const off = withdrawn(ticket);
      return { set: { ...off.set, sla: stopAll(ticket.sla, now) }, data: off.data };
    }
    case 'cancel':
    case 'reject':
      return { set: { sla: stopAll(ticket.sla, now) } };
    case 'merge':
      return merge(deps, ticket, input.into ?? '', now);
    case 'return':
      return returned(deps, ticket, now);
    case 'co_sign':
    case 'co_answer':
      return coDepartment(ticket, request, now);
    case 'pause_clock':
      if (ticket.sla.pause) throw new HubErrors.InvalidState('the clock is already paused');
      return { set: { sla: pause(ticket.sla, input.pauseReason ?? 'other', now, input.text) } };
    case 'resume_clock':
      if (!ticket.sla.pause || ticket.sla.pause.reason === 'citizen') {
        throw new HubErrors.InvalidState(
          'no hearing or review pause to end (an answer from the citizen is `resume`)',
        );
      }
      return { set: { sla: resume(tables, ticket.sla, now) } };
    case 'request_extension':
      return requestExtension(ticket, request, now);
    case 'approve_extension':
    case 'deny_extension':
      return decideExtension(deps, ticket, request, now);
    case 'rate':
      return rate(deps, ticket, request, now);
    case 'supervise':
      return {
        set: { supervision: flag(ticket.supervision, 'manual', now, { detail: input.reason }) },
        notify: [
          { audience: 'department', template: 'supervision.flagged', department: ticket.leadDepartment },
        ],
      };
    case 'publish':
      return publish(ticket, input.summary ?? '', now);
    case 'unpublish':
      return withdrawn(ticket);
    case 'start':
    case 'refuse_return':
    case 'note':
      return NONE;
  }
}

async function dispatchTo(
  deps: CoreDeps,
  ticket: Ticket,
  request: CommandRequest,
  now: Date,
): Promise<Effect> {
  const { input } = request;
  const tables = deps.routing();
  const lead = await activeDepartment(deps, input.department);
  const policy = policyFor(tables, ticket, input.slaPolicy);
  if (input.slaPolicy && policy?.code !== input.slaPolicy) {
    throw new HubErrors.Validation(`slaPolicy ${input.slaPolicy} is not an active SLA policy`);
  }
  const coDepartments: Ticket['coDepartments'] = {};
  for (const code of input.coDepartments ?? []) {
    if (code === lead) continue;
    await activeDepartment(deps, code);
    coDepartments[code] = coDepartmentDue(tables, policy, code, now);
  }
  return {
    set: {
      leadDepartment: lead,
      coDepartments,
      assignee: undefined,
      sla: startDepartmentClocks(tables, policy, lead, now),
      routing: {
        by: 'operator',
        reasons: [input.reason ?? 'dispatched by the hotline'],
        considered: 0,
        at: now,
      },
    },
    data: { slaPolicy: policy?.code, slaPolicyVersion: policy?.version },
    notify: [
      { audience: 'department', template: 'department.new_ticket', department: lead },
      ...Object.keys(coDepartments).map((code) => ({
        audience: 'department' as const,
        template: 'department.co_ticket',
        department: code,
      })),
    ],
  };
}

async function activeDepartment(deps: CoreDeps, code: string | undefined): Promise<string> {
  if (!code || !(await deps.store.departments.findActive(code))) {
    throw new HubErrors.DepartmentNotFound(code ?? '(none)');
  }
  return code;
}

/** The lead answers for everyone only when every co-department has, or with a recorded override. */
function coDepartmentsAnswered(ticket: Ticket, overrideReason: string | undefined): Pick<Effect, 'data'> {
  const pending = Object.values(ticket.coDepartments)
    .filter((c) => c.status !== 'answered')
    .map((c) => c.department);
  if (pending.length === 0) return {};
  if (!overrideReason) {
    throw withDetails(new HubErrors.CoDepartmentsPending(pending.join(', ')), { pending });
  }
  return { data: { override: { reason: overrideReason, pending } } };
}

async function merge(deps: CoreDeps, ticket: Ticket, into: string, now: Date): Promise<Effect> {
  if (
    into === ticket.number ||
    !isValidTicketNumber(into) ||
    !(await deps.store.tickets.findByNumber(into))
  ) {
    throw new HubErrors.TicketNotFound(into);
  }
  return { set: { mergedInto: into, sla: stopAll(ticket.sla, now) } };
}

function returned(deps: CoreDeps, ticket: Ticket, now: Date): Effect {
  const returnCount = ticket.returnCount + 1;
  if (returnCount < deps.settings.returnSupervisionLimit) return { set: { returnCount } };
  return {
    set: {
      returnCount,
      supervision: flag(ticket.supervision, 'returned', now, {
        detail: `returned ${String(returnCount)} times`,
      }),
    },
    data: { supervisionFlagged: true },
    notify: [{ audience: 'supervisor', template: 'supervision.flagged' }],
  };
}

function coDepartment(ticket: Ticket, request: CommandRequest, now: Date): Effect {
  const code = request.actor.department;
  const current = code ? ticket.coDepartments[code] : undefined;
  if (!code || !current) throw new HubErrors.Forbidden('only a co-department of this ticket may do this');
  if (request.command === 'co_sign') {
    if (current.status !== 'pending') throw new HubErrors.InvalidState(`${code} has already signed`);
    return {
      set: {
        coDepartments: { ...ticket.coDepartments, [code]: { ...current, status: 'signed', signedAt: now } },
      },
    };
  }
  if (current.status === 'answered') throw new HubErrors.InvalidState(`${code} has already answered`);
  return {
    set: {
      coDepartments: {
        ...ticket.coDepartments,
        [code]: {
          ...current,
          status: 'answered',
          signedAt: current.signedAt ?? now,
          opinion: request.input.text,
          answeredAt: now,
        },
      },
    },
    data: { department: code, late: current.dueAt ? now > current.dueAt : false },
    notify: [
      { audience: 'department', template: 'department.co_answered', department: ticket.leadDepartment },
    ],
  };
}

function requestExtension(ticket: Ticket, request: CommandRequest, now: Date): Effect {
  const completion = ticket.sla.clocks.completion;
  if (!completion || completion.state === 'stopped')
    throw new HubErrors.InvalidState('no completion clock is running');
  if (ticket.sla.extension?.status === 'pending')
    throw new HubErrors.InvalidState('an extension is already pending');
  return {
    set: {
      sla: {
        ...ticket.sla,
        extension: {
          status: 'pending',
          workingDays: request.input.workingDays ?? 1,
          reason: request.input.reason ?? '',
          requestedAt: now,
          requestedBy: request.actor.id,
        },
      },
    },
    notify: [{ audience: 'supervisor', template: 'sla.extension_requested' }],
  };
}

function decideExtension(deps: CoreDeps, ticket: Ticket, request: CommandRequest, now: Date): Effect {
  const extension = ticket.sla.extension;
  if (extension?.status !== 'pending') throw new HubErrors.InvalidState('no extension request is pending');
  const decided = { decidedAt: now, decidedBy: request.actor.id };
  if (request.command === 'deny_extension') {
    return {
      set: { sla: { ...ticket.sla, extension: { ...extension, ...decided, status: 'denied' } } },
      notify: [
        { audience: 'department', template: 'sla.extension_denied', department: ticket.leadDepartment },
      ],
    };
  }
  const { sla, dueAt } = extended(deps.routing(), ticket.sla, extension.workingDays, now);
  return {
    set: { sla: { ...sla, extension: { ...extension, ...decided, status: 'approved', dueAt } } },
    // The citizen's message names the new date (DESIGN: they hear about every step).
    data: { dueAt: dueAt?.toISOString(), workingDays: extension.workingDays },
    notify: [
      { audience: 'department', template: 'sla.extension_approved', department: ticket.leadDepartment },
    ],
  };
}

function rate(deps: CoreDeps, ticket: Ticket, request: CommandRequest, now: Date): Effect {
  const value = request.input.value ?? 'satisfied';
  const set: TicketChange['set'] = {
    rating: { value, comment: request.input.comment, at: now },
    sla: stopAll(ticket.sla, now),
  };
  if (value !== 'dissatisfied') return { set };
  if (deps.settings.dissatisfiedAction === 'reopen') {
    return { set, toStatus: 'reopened', data: { outcome: 'reopened' } };
  }
  return {
    set: {
      ...set,
      supervision: flag(ticket.supervision, 'dissatisfied', now, { detail: request.input.comment }),
    },
    data: { outcome: 'supervision' },
    notify: [{ audience: 'supervisor', template: 'supervision.flagged' }],
  };
}
