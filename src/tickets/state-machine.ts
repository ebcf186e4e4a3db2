import type { Role, TicketStatus, Visibility } from './types.js';

/**
 * The ticket state machine as data: every command, the states it may run in, where it leads, who may
 * run it, and whether the citizen must hear about it. `to: 'same'` keeps the status (notes).
 */
export interface CommandRule {
  from: readonly TicketStatus[];
  to: TicketStatus | 'same';
  /** Roles allowed besides admin. */
  roles: readonly Role[];
  visibility: Visibility;
  notifyCitizen: boolean;
}

const ALL: readonly TicketStatus[] = [
  'received',
  'dispatched',
  'signed',
  'in_progress',
  'waiting_citizen',
  'replied',
  'closed',
  'reopened',
  'return_review',
  'merged',
  'cancelled',
  'rejected',
];
const HOTLINE: readonly Role[] = ['supervisor', 'operator'];
const HANDLER: readonly Role[] = ['supervisor', 'operator', 'department'];

export const COMMANDS = {
  /** 派单: hotline sends a new or reopened ticket to a department. */
  dispatch: r(['received', 'reopened'], 'dispatched', HOTLINE, 'public', true),
  /** 转办 / 改派: hotline moves the ticket to another department (also after a return). */
  transfer: r(
    ['dispatched', 'signed', 'in_progress', 'waiting_citizen', 'return_review'],
    'dispatched',
    HOTLINE,
    'public',
    true,
  ),
  /** 签收: the department takes the ticket on. */
  sign: r(['dispatched'], 'signed', ['department', 'supervisor'], 'public', true),
  /** 开始办理 */
  start: r(['signed'], 'in_progress', ['department'], 'internal', false),
  /** Ask the citizen for information: the clock pauses until they answer. */
  ask: r(['signed', 'in_progress'], 'waiting_citizen', ['department'], 'public', true),
  /** The citizen answered (or the clerk resumes without an answer). */
  resume: r(['waiting_citizen'], 'in_progress', HANDLER, 'internal', false),
  /** 答复: the department's answer to the citizen. */
  reply: r(['signed', 'in_progress', 'waiting_citizen'], 'replied', ['department'], 'public', true),
  /** 办结 */
  resolve: r(['replied'], 'closed', HANDLER, 'public', true),
  /** 重办: the answer did not solve it. */
  reopen: r(['replied', 'closed'], 'reopened', HOTLINE, 'public', true),
  /** 退单: the department refuses the ticket with a reason and basis; the hotline reviews. */
  return: r(['dispatched', 'signed', 'in_progress'], 'return_review', ['department'], 'internal', false),
  /** The hotline refuses a return: the ticket goes back to the same department. */
  refuse_return: r(['return_review'], 'dispatched', HOTLINE, 'internal', false),
  /** Withdrawn by the citizen or cancelled by the hotline. */
  cancel: r(
    ['received', 'dispatched', 'signed', 'in_progress', 'waiting_citizen', 'reopened', 'return_review'],
    'cancelled',
    HOTLINE,
    'public',
    true,
  ),
  /** 不予受理: out of scope. */
  reject: r(['received', 'return_review'], 'rejected', HOTLINE, 'public', true),
  /** Duplicate of another ticket. */
  merge: r(['received', 'dispatched', 'return_review'], 'merged', HOTLINE, 'public', true),
  /** Internal note, any state. */
  note: r(ALL, 'same', HANDLER, 'internal', false),
} as const satisfies Record<string, CommandRule>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

function r(
  from: readonly TicketStatus[],
  to: TicketStatus | 'same',
  roles: readonly Role[],
  visibility: Visibility,
  notifyCitizen: boolean,
): CommandRule {
  return { from, to, roles, visibility, notifyCitizen };
}

/** The event each command appends to the timeline. */
export const EVENT_OF: Record<CommandName, string> = {
  dispatch: 'dispatched',
  transfer: 'transferred',
  sign: 'signed',
  start: 'started',
  ask: 'asked_citizen',
  resume: 'resumed',
  reply: 'replied',
  resolve: 'resolved',
  reopen: 'reopened',
  return: 'returned',
  refuse_return: 'return_refused',
  cancel: 'cancelled',
  reject: 'rejected',
  merge: 'merged',
  note: 'noted',
};

/** The commands that may run in a status (what a 409 lists). */
export function allowedCommands(status: TicketStatus): CommandName[] {
  return COMMAND_NAMES.filter((name) => COMMANDS[name].from.includes(status));
}

export function isAllowed(command: CommandName, status: TicketStatus): boolean {
  return COMMANDS[command].from.includes(status);
}

export function targetStatus(command: CommandName, status: TicketStatus): TicketStatus {
  const to = COMMANDS[command].to;
  return to === 'same' ? status : to;
}

export function roleMayRun(command: CommandName, role: Role): boolean {
  return role === 'admin' || COMMANDS[command].roles.includes(role);
}
