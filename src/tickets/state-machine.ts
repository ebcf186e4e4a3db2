import { OPEN_STATUSES, STATUSES, type Role, type TicketStatus, type Visibility } from './types.js';

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

const ALL = STATUSES;
const OPEN = OPEN_STATUSES;
const AT_DEPARTMENT: readonly TicketStatus[] = ['dispatched', 'signed', 'in_progress', 'waiting_citizen'];
const WORKING: readonly TicketStatus[] = ['signed', 'in_progress', 'waiting_citizen'];
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
  /** 并联: a co-department takes its part on (签收) … */
  co_sign: r(AT_DEPARTMENT, 'same', ['department'], 'internal', false),
  /** … and gives its opinion, before its own deadline; the lead answers when all have. */
  co_answer: r(AT_DEPARTMENT, 'same', ['department'], 'internal', false),
  /** The completion clock stands still (hearing, expert review …); waiting for the citizen is `ask`. */
  pause_clock: r(['signed', 'in_progress'], 'same', HANDLER, 'internal', false),
  resume_clock: r(['signed', 'in_progress'], 'same', HANDLER, 'internal', false),
  /** 延期申请: the lead department asks for more working days … */
  request_extension: r(WORKING, 'same', ['department'], 'internal', false),
  /** … a supervisor approves (the citizen is told the new date) or denies. */
  approve_extension: r(WORKING, 'same', ['supervisor'], 'public', true),
  deny_extension: r(WORKING, 'same', ['supervisor'], 'internal', false),
  /**
   * 回访: the citizen's rating, recorded by the hotline. Satisfied closes; dissatisfied reopens (重办)
   * or closes with a supervision flag, as DISSATISFIED_ACTION says (the one command whose target
   * status depends on its input).
   */
  rate: r(['replied'], 'closed', HOTLINE, 'public', true),
  /** 督办: a supervisor flags the ticket for supervision. */
  supervise: r(OPEN, 'same', ['supervisor'], 'internal', false),
  /**
   * 公示: a resolved ticket goes on the public results board with a summary (only if the citizen
   * agreed); the lead department (its staff) or a supervisor decides. Again: the summary is replaced.
   */
  publish: r(['closed'], 'same', ['supervisor', 'department'], 'public', false),
  /** Taken off the board (reopening a published ticket does this too). */
  unpublish: r(['closed'], 'same', ['supervisor', 'department'], 'internal', false),
} as const satisfies Record<string, CommandRule>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** What a citizen may run on their own ticket themselves (PJ by SMS: 回访 without the hotline). */
export const CITIZEN_COMMANDS: ReadonlySet<CommandName> = new Set(['rate']);

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
  co_sign: 'co_signed',
  co_answer: 'co_answered',
  pause_clock: 'clock_paused',
  resume_clock: 'clock_resumed',
  request_extension: 'extension_requested',
  approve_extension: 'extension_approved',
  deny_extension: 'extension_denied',
  rate: 'rated',
  supervise: 'supervised',
  publish: 'published',
  unpublish: 'unpublished',
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
